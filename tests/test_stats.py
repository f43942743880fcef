"""Bootstrap intervals (helpers.stats): plain, paired and grouped."""

import numpy as np
import pytest

from helpers import stats


def test_interval_covers_the_mean_and_shrinks_with_more_rows():
    rng = np.random.default_rng(0)
    small, large = rng.normal(1.0, 1.0, 100), rng.normal(1.0, 1.0, 10_000)
    low_s, high_s = stats.bootstrap_ci(small, n_boot=500, seed=1)
    low_l, high_l = stats.bootstrap_ci(large, n_boot=500, seed=1)
    assert low_s < small.mean() < high_s and low_l < large.mean() < high_l
    assert (high_l - low_l) < (high_s - low_s) / 5


def test_grouped_resampling_widens_the_interval_for_clustered_rows():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 50)                    # 40 artists, 50 tracks each
    values = np.repeat(rng.normal(0, 1, 40), 50) + rng.normal(0, 0.1, 2000)   # tracks of one artist alike
    rows = np.subtract(*stats.bootstrap_ci(values, n_boot=500, seed=2)[::-1])
    grouped = np.subtract(*stats.bootstrap_ci(values, n_boot=500, seed=2, groups=groups)[::-1])
    assert grouped > 4 * rows


def test_paired_difference_is_narrower_than_separate_intervals():
    rng = np.random.default_rng(3)
    a = (rng.random(2000) < 0.3).astype(float)
    b = np.where(rng.random(2000) < 0.9, a, 1 - a)
    diff, low, high = stats.paired_difference(a, b, n_boot=500, seed=1)
    assert low <= diff <= high
    separate = sum(np.subtract(*stats.bootstrap_ci(x, 500, 1)[::-1]) for x in (a, b))
    assert high - low < separate


def test_bootstrap_weights_reproduce_bootstrap_ci_and_keep_groups_together():
    rng = np.random.default_rng(4)
    values = rng.normal(0, 1, 300)
    groups = rng.integers(0, 40, 300)
    for g in (None, groups):
        w = stats.bootstrap_weights(len(values), n_boot=200, seed=5, groups=g)
        assert w.shape == (200, 300)
        means = w @ values / w.sum(axis=1)
        assert np.allclose(np.percentile(means, [2.5, 97.5]), stats.bootstrap_ci(values, 200, 5, groups=g))
    assert np.all(stats.bootstrap_weights(300, 200, 5).sum(axis=1) == 300)   # n rows drawn each time
    w = stats.bootstrap_weights(300, n_boot=50, seed=5, groups=groups)
    for code in np.unique(groups):                                            # a group is drawn whole
        assert np.all(w[:, groups == code] == w[:, groups == code][:, :1])
    with pytest.raises(ValueError):
        stats.bootstrap_weights(0)


def test_bad_input():
    with pytest.raises(ValueError):
        stats.bootstrap_ci([])
    with pytest.raises(ValueError):
        stats.bootstrap_ci([1.0, 2.0], groups=[1])


def test_paired_auc_difference_matches_sklearn_and_covers_the_point():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    n = 2000
    groups = np.repeat(np.arange(200), 10)
    y = (rng.random(n) < 0.3).astype(int)
    a = y + rng.normal(0, 1.0, n)
    b = np.round(y + rng.normal(0, 1.5, n), 1)   # ties
    point, low, high = stats.paired_auc_difference(y, a, b, n_boot=300, seed=1)
    assert point == pytest.approx(roc_auc_score(y, a) - roc_auc_score(y, b), abs=1e-12)
    assert low < point < high and low > 0
    same = stats.paired_auc_difference(y, a, a, n_boot=50)
    assert same == (0.0, 0.0, 0.0)
    grouped = stats.paired_auc_difference(y, a, b, n_boot=300, seed=1, groups=groups)
    assert grouped[0] == pytest.approx(point)
    with pytest.raises(ValueError):
        stats.paired_auc_difference(np.zeros(5), a[:5], b[:5])
    with pytest.raises(ValueError):
        stats.paired_auc_difference(y, a[:10], b)
