"""Unit tests for helpers.recsys: hand-computed examples of each ranking metric."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from helpers import recsys


def test_top_k_orders_best_first_and_excludes_seen():
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [3.0, 2.0, 1.0, 0.0]])
    assert recsys.top_k(scores, k=3).tolist() == [[1, 3, 2], [0, 1, 2]]
    seen = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0]]))
    assert recsys.top_k(scores, k=2, exclude=seen).tolist() == [[3, 2], [1, 2]]
    mask = np.array([[False, False, False, True], [False, True, False, False]])
    assert recsys.top_k(scores, k=2, exclude=mask).tolist() == [[1, 2], [0, 2]]
    assert scores[0, 1] == 0.9  # the caller's array is not modified


def test_metrics_match_a_hand_computed_example():
    top = np.array([[5, 1, 7, 2]])      # hits at ranks 1 and 3
    relevant = [{5, 7, 9}]               # three held-out items
    m = recsys.ranking_metrics(top, relevant, k=4)
    assert m["precision"] == pytest.approx(2 / 4)
    assert m["recall"] == pytest.approx(2 / 3)
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    idcg = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert m["ndcg"] == pytest.approx(dcg / idcg)


def test_metrics_average_over_users_and_accept_sparse_relevance():
    top = np.array([[0, 1], [2, 3]])
    relevant = sp.csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 0, 1]]))
    m = recsys.ranking_metrics(top, relevant, k=2)
    assert m["precision"] == pytest.approx((1 / 2 + 1 / 2) / 2)
    assert m["recall"] == pytest.approx(1.0)
    assert m["ndcg"] == pytest.approx((1.0 + (1 / math.log2(3))) / 2)


def test_perfect_list_has_ndcg_one_and_users_without_items_are_refused():
    assert recsys.ranking_metrics(np.array([[3, 4, 0]]), [{3, 4}], k=3)["ndcg"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="no held-out items"):
        recsys.ranking_metrics(np.array([[0, 1]]), [set()], k=2)


def test_coverage_counts_distinct_recommended_items():
    assert recsys.coverage(np.array([[0, 1], [1, 2]]), n_items=10) == pytest.approx(0.3)


def test_map_mrr_and_hit_rate_match_hand_computed_examples():
    # one user, hits at ranks 1 and 3 of 4, three held-out items:
    # AP@4 = (1/1 + 2/3) / min(4, 3) = 5/9; first hit at rank 1, so RR = 1; hit rate 1
    m = recsys.ranking_metrics(np.array([[5, 1, 7, 2]]), [{5, 7, 9}], k=4)
    assert m["map"] == pytest.approx(5 / 9)
    assert m["mrr"] == pytest.approx(1.0)
    assert m["hit_rate"] == pytest.approx(1.0)
    # first hit at rank 2 of 3, one held-out item: AP = (1/2) / 1, RR = 1/2
    m = recsys.ranking_metrics(np.array([[9, 3, 8]]), [{3}], k=3)
    assert (m["map"], m["mrr"], m["hit_rate"]) == pytest.approx((0.5, 0.5, 1.0))
    # no hit at all: every metric is 0
    m = recsys.ranking_metrics(np.array([[4, 5, 6]]), [{1, 2}], k=3)
    assert (m["precision"], m["map"], m["mrr"], m["hit_rate"]) == (0.0, 0.0, 0.0, 0.0)


def test_map_mrr_hit_rate_average_over_users_and_per_user_values_are_kept():
    top = np.array([[0, 1], [2, 3], [4, 5]])
    relevant = [{0}, {3}, {7}]          # hit at rank 1, hit at rank 2, no hit
    per_user = recsys.per_user_metrics(top, relevant, k=2)
    assert per_user["map"].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert per_user["mrr"].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert per_user["hit_rate"].tolist() == [1.0, 1.0, 0.0]
    assert per_user["precision"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    m = recsys.ranking_metrics(top, relevant, k=2)
    assert (m["map"], m["mrr"], m["hit_rate"]) == pytest.approx((0.5, 0.5, 2 / 3))


def test_a_perfect_list_has_map_one_when_it_holds_more_items_than_k():
    # five held-out items, all of the top 3 are hits: AP@3 divides by min(3, 5) = 3, so it is 1
    assert recsys.ranking_metrics(np.array([[1, 2, 3]]), [{1, 2, 3, 4, 5}], k=3)["map"] == pytest.approx(1.0)


def test_novelty_is_mean_self_information_in_bits():
    share = np.array([0.5, 0.25, 1 / 1024, 1.0])     # -log2: 1, 2, 10, 0 bits
    assert recsys.novelty(np.array([[0, 1], [2, 3]]), share) == pytest.approx((1 + 2 + 10 + 0) / 4)
    with pytest.raises(ValueError, match="smooth"):
        recsys.novelty(np.array([[0]]), np.array([0.0]))


def test_per_user_holdout_holds_out_the_share_of_each_user_rounded_down():
    import pandas as pd

    frame = pd.DataFrame({"u": [0] * 10 + [1] * 3 + [2], "i": list(range(10)) + [0, 1, 2] + [5]})
    kept, held = recsys.per_user_holdout(frame, 0.2, seed=1)
    assert held.groupby("u").size().to_dict() == {0: 2}          # 20% of 10; of 3 and of 1 nothing
    assert len(kept) + len(held) == len(frame) and not set(kept.index) & set(held.index)
    again = recsys.per_user_holdout(frame, 0.2, seed=1)[1]
    assert again.index.tolist() == held.index.tolist()            # the same seed, the same split


def test_evaluate_top_k_scores_unseen_items_only_and_keeps_per_user_values():
    import pandas as pd

    seen = recsys.to_matrix(pd.DataFrame({"u": [0, 1], "i": [0, 0]}), (3, 4))
    held = recsys.to_matrix(pd.DataFrame({"u": [0, 1], "i": [1, 3]}), (3, 4))
    scores = np.array([[9.0, 1.0, 2.0, 0.0]] * 3)                 # item 0 is best but already seen
    result = recsys.evaluate_top_k(lambda users: scores[users], seen, held, k=1)
    assert result.users.tolist() == [0, 1]                        # user 2 has nothing held out
    assert result.top.ravel().tolist() == [2, 2]                  # 0 excluded; 2 beats 1
    assert result.per_user["hit_rate"].tolist() == [0.0, 0.0]
    best = recsys.evaluate_top_k(lambda users: np.array([[0, 5, 0, 1], [0, 1, 0, 5]], float)[: len(users)], seen, held, k=1)
    assert best.summary["precision"] == 1.0 and best.summary["coverage"] == 0.5
    pop = recsys.popularity_model(seen + held)(np.array([0, 1]))
    assert pop.shape == (2, 4) and pop[0].tolist() == [2, 1, 0, 1]
