"""Record the headline numbers of a notebook so tests and benchmarks can read them.

Used by every lesson and the Spark companion; tests/test_student_copies.py and tools/benchmark.py read it.

Each notebook writes ``<results dir>/<notebook stem>.json``, a flat JSON object name -> number.
The folder is ``SPOTIFY_ML_RESULTS`` when set, else ``results/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock; notebooks there run one at a time anyway
    fcntl = None

from .errors import ResultsError
from .files import write_atomically

RESULTS_ENV = "SPOTIFY_ML_RESULTS"
_REPO_ROOT = Path(__file__).resolve().parent.parent
_current_notebook: str | None = None


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV) or _REPO_ROOT / "results")


def set_notebook(stem: str) -> None:
    """Name the notebook whose numbers ``record`` writes (``helpers.setup_notebook`` calls this)."""
    global _current_notebook
    _current_notebook = stem


def _check_name(name, what: str) -> str:
    if not isinstance(name, str) or not name.strip() or "/" in name or "\\" in name or ".." in name:
        raise ResultsError(
            f"{what} {name!r} cannot be used: give a plain name such as 'accuracy' or "
            f"'01_recommender' (no '/', '\\' or '..', not empty)."
        )
    return name


def results_path(notebook: str | None = None) -> Path:
    stem = notebook or _current_notebook
    if not stem:
        raise RuntimeError("Call helpers.setup_notebook('NN_name') first, or pass notebook=...")
    return results_dir() / f"{_check_name(stem, 'Notebook name')}.json"


def load(notebook: str | None = None) -> dict[str, float]:
    """The numbers recorded so far for a notebook ({} if none); a damaged file gives a ``ResultsError`` naming it."""
    p = results_path(notebook)
    if not p.exists():
        return {}
    try:
        values = json.loads(p.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{p} is not a valid results file ({exc}). It holds only numbers this course wrote; "
                           f"delete it and run the notebook again.") from None
    if not isinstance(values, dict):
        raise ResultsError(f"{p} should hold a JSON object of metrics, not {type(values).__name__}; "
                           f"delete it and run the notebook again.")
    return values


def record(name: str, value: float, notebook: str | None = None) -> float:
    """Store one metric (a finite number) and return it, so a notebook can print it too."""
    _check_name(name, "Metric name")
    try:
        if isinstance(value, (str, bytes)):  # float("0.5") would pass: a string is not a metric
            raise TypeError
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ResultsError(
            f"metric {name!r} is {value!r} ({type(value).__name__}): only single numbers can be recorded, "
            f"e.g. record({name!r}, accuracy) with accuracy a float."
        ) from exc
    if not math.isfinite(number):
        raise ResultsError(f"metric {name!r} is {value!r}: only finite numbers can be recorded")
    p = results_path(notebook)
    p.parent.mkdir(parents=True, exist_ok=True)
    with _locked(p):
        values = load(notebook)
        values[name] = number
        write_atomically(p, json.dumps(values, indent=2, sort_keys=True) + "\n")
    return number


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``<path>.lock`` around a read-modify-write, so that two notebooks
    (or test workers) recording into the same file at once do not lose each other's metrics."""
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)
