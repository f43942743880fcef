"""Run every notebook once with papermill and record its wall time and metrics.

    python tools/benchmark.py [notebooks/NN_name.ipynb ...]

Writes ``<results dir>/benchmark.json``: for each notebook, seconds to run top to bottom, peak
memory of the kernel's process tree (MB, sampled), and the metrics it recorded, plus the machine.
Budgets (3 minutes a lesson, 4 for 01) are checked by reading this file, not by timed tests.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import papermill

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from helpers import results  # noqa: E402
from helpers.memory import PeakMemory  # noqa: E402

sys.path.insert(0, str(REPO / "tools"))
import lessons  # noqa: E402

BUDGET_S = {x["stem"]: x["budget_s"] for x in lessons.load()}   # notebooks/lessons.toml
DEFAULT_BUDGET_S = lessons.DEFAULT_BUDGET_S


def run(notebook: Path) -> dict:
    start = time.perf_counter()
    error = None
    with tempfile.TemporaryDirectory() as tmp, PeakMemory("all", interval=0.5) as memory:  # kernel included
        try:
            papermill.execute_notebook(str(notebook), str(Path(tmp) / notebook.name),
                                       cwd=str(notebook.parent), progress_bar=False)
        except Exception as exc:  # record the failure and go on with the others
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
    seconds = time.perf_counter() - start
    budget = BUDGET_S.get(notebook.stem, DEFAULT_BUDGET_S)
    return {"seconds": round(seconds, 1), "budget_seconds": budget, "within_budget": seconds <= budget,
            "peak_rss_mb": round(memory.peak / 1e6), "error": error, "metrics": results.load(notebook.stem)}


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(), "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
              "notebooks": {}}
    for nb in notebooks:
        report["notebooks"][nb.stem] = entry = run(nb)
        print(f"{nb.stem}: {entry['seconds']} s (budget {entry['budget_seconds']} s), "
              f"peak {entry['peak_rss_mb']} MB{', FAILED: ' + entry['error'] if entry['error'] else ''}")
    out = results.results_dir() / "benchmark.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
