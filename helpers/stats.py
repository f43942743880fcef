"""Bootstrap intervals for the comparisons the lessons make (a mean, or the gap between two models).

Used by lessons 01, 02, 07, 08 and 09 (paired and artist- or session-grouped bootstrap intervals; lesson 09
also the paired difference of two ROC-AUCs, ``paired_auc_difference``; lesson 07 ``bootstrap_weights`` for
statistics that are not one mean, such as the change of a share between two decades and a ratio of changes).

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


def _draws(n: int, n_boot: int, seed: int, groups=None) -> tuple[np.ndarray, int, np.ndarray]:
    """Each row's group code, the number of groups, and the groups drawn in each resample (n_boot x n_groups).

    Without ``groups`` every row is its own group. One draw for every function here, so that resamples with
    the same ``seed`` are the same resamples."""
    if groups is None:
        codes, n_groups = np.arange(n), n
    else:
        codes = _group_codes(groups, n)
        n_groups = int(codes.max()) + 1
    return codes, n_groups, np.random.default_rng(seed).integers(0, n_groups, size=(n_boot, n_groups))


def bootstrap_weights(n: int, n_boot: int = 1000, seed: int = 0, groups=None) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each of ``n_boot`` resamples: an ``(n_boot, n)`` array.

    With ``groups``, whole groups are drawn (a cluster bootstrap) and every row counts as often as its group
    was drawn. The draws are those of ``bootstrap_ci`` with the same ``seed``, so ``weights @ values /
    weights.sum(axis=1)`` are its resampled means. Any statistic built from weighted sums (a mean within a
    subset, a difference of two such means, a ratio of differences) is then computed on the *same* resamples
    for every column: paired intervals come free.
    """
    if n <= 0:
        raise ValueError("no rows to resample")
    codes, n_groups, picks = _draws(n, n_boot, seed, groups)
    offsets = (np.arange(n_boot)[:, None] * n_groups + picks).ravel()
    counts = np.bincount(offsets, minlength=n_boot * n_groups).reshape(n_boot, n_groups)
    return counts[:, codes].astype(float)


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


def _weighted_auc(order_codes: np.ndarray, y: np.ndarray, weights: np.ndarray, n_values: int) -> float:
    """ROC-AUC with row weights (a resampled row counts as often as it was drawn); ties count one half."""
    pos = np.bincount(order_codes, weights=weights * y, minlength=n_values)
    neg = np.bincount(order_codes, weights=weights * (1 - y), minlength=n_values)
    below = np.cumsum(neg) - neg   # weight of the negatives with a lower score
    total = pos.sum() * neg.sum()
    return float(np.sum(pos * (below + 0.5 * neg)) / total) if total > 0 else np.nan


def paired_auc_difference(y, score_a, score_b, n_boot: int = 1000, seed: int = 0, level: float = 0.95,
                          groups=None) -> tuple[float, float, float]:
    """ROC-AUC of ``score_a`` minus that of ``score_b`` on the same rows, and its paired bootstrap interval.

    Each resample draws rows (or whole ``groups``, e.g. listening sessions) with replacement and scores both
    scorers on the same draw, so what they share cancels. Draws with only one class are skipped.
    """
    y = np.asarray(y, dtype=float)
    a, b = np.asarray(score_a, dtype=float), np.asarray(score_b, dtype=float)
    if not (len(y) == len(a) == len(b)) or len(y) == 0:
        raise ValueError(f"y and the two scores must have the same, non-zero length ({len(y)}, {len(a)}, {len(b)})")
    if len(np.unique(y)) != 2:
        raise ValueError("ROC-AUC needs both classes in y")
    _, codes_a = np.unique(a, return_inverse=True)
    _, codes_b = np.unique(b, return_inverse=True)
    codes_a, codes_b = codes_a.ravel(), codes_b.ravel()
    n_a, n_b = codes_a.max() + 1, codes_b.max() + 1
    ones = np.ones(len(y))
    point = _weighted_auc(codes_a, y, ones, n_a) - _weighted_auc(codes_b, y, ones, n_b)
    codes, n_groups, picks = _draws(len(y), n_boot, seed, groups)
    diffs = []
    for drawn in picks:
        weights = np.bincount(drawn, minlength=n_groups)[codes].astype(float)
        diff = _weighted_auc(codes_a, y, weights, n_a) - _weighted_auc(codes_b, y, weights, n_b)
        if np.isfinite(diff):
            diffs.append(diff)
    low, high = np.percentile(diffs, [50 * (1 - level), 50 * (1 + level)])
    return float(point), float(low), float(high)
