"""Bootstrap intervals for the comparisons the lessons make (a mean, or the gap between two models).

Used by lessons 01, 02 and 08 (paired and artist- or session-grouped bootstrap intervals).

Models compared on the same test rows share the easy and the hard ones, so the interval of their
*paired* difference is much narrower than two separate intervals suggest. When rows come in groups
(tracks of one artist, plays of one listener), resampling rows pretends they are independent and
gives too narrow an interval: pass ``groups`` to resample whole groups (a cluster bootstrap).
"""

from __future__ import annotations

import numpy as np


def _resampled_means(values: np.ndarray, n_boot: int, seed: int, groups=None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if groups is None:
        idx = rng.integers(0, len(values), size=(n_boot, len(values)))
        return values[idx].mean(axis=1)
    codes = _group_codes(groups, len(values))
    n_groups = codes.max() + 1
    sums = np.bincount(codes, weights=values, minlength=n_groups)
    sizes = np.bincount(codes, minlength=n_groups).astype(float)
    picks = rng.integers(0, n_groups, size=(n_boot, n_groups))
    return sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)


def _group_codes(groups, n: int) -> np.ndarray:
    """Group labels as integers 0 .. n_groups - 1."""
    groups = np.asarray(groups)
    if len(groups) != n:
        raise ValueError(f"{n} values but {len(groups)} group labels")
    _, codes = np.unique(groups, return_inverse=True)
    return codes.ravel()


def bootstrap_ci(values, n_boot: int = 1000, seed: int = 0, level: float = 0.95, groups=None) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values`` (rows, or whole ``groups``, resampled)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        raise ValueError("no values to resample")
    means = _resampled_means(values, n_boot, seed, groups)
    low, high = np.percentile(means, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def paired_difference(a, b, n_boot: int = 1000, seed: int = 0, groups=None) -> tuple[float, float, float]:
    """Mean of ``a - b`` over the same rows and its paired bootstrap 95% interval."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    low, high = bootstrap_ci(diff, n_boot=n_boot, seed=seed, groups=groups)
    return float(diff.mean()), low, high
