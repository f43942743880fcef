"""Self-checks for exercises: a clear 'correct' or a 'not yet' with a hint, and the lesson goes on.

Used by every lesson and the Spark companion (the exercises' self-checks).

A student copy (``make student``) must run top to bottom with every exercise unanswered, so a failed
check prints ``✗ name: not yet. <hint>`` and returns, instead of stopping "Run all" at the first
exercise. Under ``make test`` the full notebooks run in **strict** mode (``SPOTIFY_ML_STRICT_CHECKS=1``,
set by ``tests/conftest.py``): a failed check raises ``ExerciseError``, so a wrong reference solution
still fails CI. ``strict()`` switches the mode for a block (the wrong-answer tests use it).

Each check returns nothing on success (no stray ``True`` in the output). Notebooks keep reference
solutions between ``# BEGIN SOLUTION`` and ``# END SOLUTION``; ``tools/make_student.py`` strips them.
Later cells never read a student's answer: they use the reference value, so an unanswered exercise
cannot break the rest of the lesson.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterable, Iterator

import numpy as np

STRICT_ENV = "SPOTIFY_ML_STRICT_CHECKS"
_strict_override: bool | None = None


class ExerciseError(AssertionError):
    """The answer is not right yet; the message says where to look (raised in strict mode only)."""


def is_strict() -> bool:
    """True under ``make test`` (the environment variable) or inside ``with strict():``."""
    if _strict_override is not None:
        return _strict_override
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


@contextlib.contextmanager
def strict(on: bool = True) -> Iterator[None]:
    """Temporarily make failed checks raise (``on=True``) or only print (``on=False``)."""
    global _strict_override
    before, _strict_override = _strict_override, on
    try:
        yield
    finally:
        _strict_override = before


def _ok(name: str) -> None:
    print(f"✓ {name}: correct")


def _not_yet(name: str, problem: str, hint: str) -> None:
    message = f"{name}: {problem} {hint}".strip()
    if is_strict():
        raise ExerciseError(message)
    print(f"✗ {message}\n  (not yet: the rest of the lesson still runs; come back to this exercise)")


def _missing(answer) -> bool:
    return answer is None or answer is Ellipsis


def _number(name: str, answer, hint: str) -> float | None:
    """The answer as a finite float, or None after printing/raising why it is not one."""
    if _missing(answer):
        _not_yet(name, "no answer yet.", hint)
        return None
    if isinstance(answer, (bool, np.bool_)):
        _not_yet(name, "expected a number, got True/False.", hint)
        return None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        _not_yet(name, f"expected a number, got {type(answer).__name__}.", hint)
        return None
    if not math.isfinite(value):
        _not_yet(name, f"{value} is not a finite number.", hint)
        return None
    return value


def _digits(value: float, *others: float) -> str:
    """``value`` with at least 6 significant digits, and more when needed to tell it apart from
    ``others`` (the values it is checked against), so "-0.12499" is never shown as "-0.125".
    The expected values themselves are not printed: that would give the answer away."""
    for digits in range(6, 18):
        text = f"{value:#.{digits}g}"
        if all(text != f"{other:#.{digits}g}" for other in others):
            return text.removesuffix(".")
    return repr(value)


def check_close(name: str, answer, expected: float, tol: float = 1e-6, hint: str = "") -> None:
    """The answer is a number within ``tol`` (absolute) of ``expected``."""
    value = _number(name, answer, hint)
    if value is None:
        return
    if abs(value - expected) > tol:
        _not_yet(name, f"{_digits(value, expected)} is not what we expected (answers within {tol:g} are accepted).",
                 hint)
        return
    _ok(name)


def check_between(name: str, answer, low: float, high: float, hint: str = "") -> None:
    """The answer is a number in [low, high] (for results that vary a little between runs)."""
    value = _number(name, answer, hint)
    if value is None:
        return
    if not (low <= value <= high):
        _not_yet(name, f"{_digits(value, low, high)} is outside the expected range.", hint)
        return
    _ok(name)


def check_equal(name: str, answer, expected, hint: str = "") -> None:
    """The answer equals ``expected`` (lists and arrays compared element-wise)."""
    if _missing(answer):
        _not_yet(name, "no answer yet.", hint)
        return
    try:
        same = (np.array_equal(np.asarray(answer), np.asarray(expected))
                if isinstance(expected, (list, tuple, np.ndarray)) else bool(answer == expected))
    except (TypeError, ValueError):
        same = False
    if not same:
        shown = repr(answer)
        _not_yet(name, f"{shown if len(shown) <= 80 else shown[:77] + '...'} is not what we expected.", hint)
        return
    _ok(name)


def check_columns(name: str, frame, columns: Iterable[str], hint: str = "") -> None:
    """A DataFrame that has at least the given columns and at least one row."""
    if _missing(frame) or not hasattr(frame, "columns"):
        _not_yet(name, "expected a DataFrame.", hint)
        return
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        _not_yet(name, f"missing columns {missing}.", hint)
        return
    if len(frame) == 0:
        _not_yet(name, "the DataFrame is empty.", hint)
        return
    _ok(name)


def check_true(name: str, condition: bool, hint: str = "") -> None:
    """A condition the student's answer must satisfy (e.g. no track on both sides of a split)."""
    try:
        passed = bool(condition)
    except (TypeError, ValueError):
        passed = False
    if not passed:
        _not_yet(name, "not yet.", hint)
        return
    _ok(name)
