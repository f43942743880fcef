"""Self-checks for exercises: a clear 'correct' or a hint, never a bare assertion.

Each check prints a short success line (and returns nothing, so no stray ``True`` clutters the
output), or raises ``ExerciseError`` whose message is a hint. Notebooks keep reference solutions between ``# BEGIN SOLUTION`` and
``# END SOLUTION``; ``tools/make_student.py`` strips them for the student copy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


class ExerciseError(AssertionError):
    """The answer is not right yet; the message says where to look."""


def _ok(name: str) -> None:
    print(f"✓ {name}: correct")


def _missing(answer) -> bool:
    return answer is None or answer is Ellipsis


def check_close(name: str, answer, expected: float, tol: float = 1e-6, hint: str = "") -> None:
    """The answer is a number within ``tol`` (absolute) of ``expected``."""
    if _missing(answer):
        raise ExerciseError(f"{name}: no answer yet. {hint}".strip())
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise ExerciseError(f"{name}: expected a number, got {type(answer).__name__}. {hint}".strip()) from None
    if not math.isfinite(value) or abs(value - expected) > tol:
        raise ExerciseError(f"{name}: {value:.4g} is not what we expected. {hint}".strip())
    _ok(name)


def check_between(name: str, answer, low: float, high: float, hint: str = "") -> None:
    """The answer is a number in [low, high] (for results that vary a little between runs)."""
    if _missing(answer):
        raise ExerciseError(f"{name}: no answer yet. {hint}".strip())
    value = float(answer)
    if not (low <= value <= high):
        raise ExerciseError(f"{name}: {value:.4g} is outside the expected range [{low}, {high}]. {hint}".strip())
    _ok(name)


def check_equal(name: str, answer, expected, hint: str = "") -> None:
    """The answer equals ``expected`` (lists and arrays compared element-wise)."""
    if _missing(answer):
        raise ExerciseError(f"{name}: no answer yet. {hint}".strip())
    same = (np.array_equal(np.asarray(answer), np.asarray(expected))
            if isinstance(expected, (list, tuple, np.ndarray)) else answer == expected)
    if not same:
        raise ExerciseError(f"{name}: {answer!r} is not what we expected. {hint}".strip())
    _ok(name)


def check_columns(name: str, frame, columns: Iterable[str], hint: str = "") -> None:
    """A DataFrame that has at least the given columns and at least one row."""
    if _missing(frame) or not hasattr(frame, "columns"):
        raise ExerciseError(f"{name}: expected a DataFrame. {hint}".strip())
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExerciseError(f"{name}: missing columns {missing}. {hint}".strip())
    if len(frame) == 0:
        raise ExerciseError(f"{name}: the DataFrame is empty. {hint}".strip())
    _ok(name)


def check_true(name: str, condition: bool, hint: str = "") -> None:
    """A condition the student's answer must satisfy (e.g. no track on both sides of a split)."""
    if not bool(condition):
        raise ExerciseError(f"{name}: not yet. {hint}".strip())
    _ok(name)
