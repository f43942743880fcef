"""Record the headline numbers of a notebook so tests and benchmarks can read them.

Each notebook writes ``<results dir>/<notebook stem>.json``, a flat JSON object name -> number.
The folder is ``SPOTIFY_ML_RESULTS`` when set, else ``results/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

RESULTS_ENV = "SPOTIFY_ML_RESULTS"
_REPO_ROOT = Path(__file__).resolve().parent.parent
_current_notebook: str | None = None


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV) or _REPO_ROOT / "results")


def set_notebook(stem: str) -> None:
    """Name the notebook whose numbers ``record`` writes (``helpers.setup_notebook`` calls this)."""
    global _current_notebook
    _current_notebook = stem


def results_path(notebook: str | None = None) -> Path:
    stem = notebook or _current_notebook
    if not stem:
        raise RuntimeError("Call helpers.setup_notebook('NN_name') first, or pass notebook=...")
    return results_dir() / f"{stem}.json"


def load(notebook: str | None = None) -> dict[str, float]:
    """The numbers recorded so far for a notebook ({} if none)."""
    p = results_path(notebook)
    return json.loads(p.read_text()) if p.exists() else {}


def record(name: str, value: float, notebook: str | None = None) -> float:
    """Store one metric (a finite number) and return it, so a notebook can print it too."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"metric {name!r} is {value!r}: only finite numbers can be recorded")
    p = results_path(notebook)
    p.parent.mkdir(parents=True, exist_ok=True)
    values = load(notebook)
    values[name] = number
    tmp = p.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
    tmp.replace(p)
    return number
