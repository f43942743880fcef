"""Evaluating recommenders: the per-user hold-out split, the user x item matrix, the popularity baseline,
top-k lists, precision@k, recall@k, NDCG@k, MAP@k, MRR@k, hit rate@k, catalogue coverage and novelty.

Used by lesson 01 (which shows this code where it first needs it) and the Spark companion
(notebooks/extras/01_recommender_spark.ipynb), which must split and score exactly as lesson 01 does
for its numbers to be comparable. The lessons build the models; these functions only split the data
and score ranked lists, the same way for every model, so that a comparison table compares like with like.

Conventions: ``scores`` is a (users x items) array, higher is better; ``relevant`` holds, for each
row, the items held out for that user (a list of sets/arrays, or a sparse matrix whose non-zeros
are the held-out items). Users with nothing held out must be left out by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


def top_k(scores, k: int = 10, exclude=None) -> np.ndarray:
    """Indices of the ``k`` highest scores in each row, best first.

    ``exclude``: items that must not be recommended (already seen): a boolean mask or a sparse
    matrix of the same shape as ``scores``, whose non-zero entries are set to minus infinity.
    """
    scores = np.array(scores, ndmin=2)  # a copy: the caller's array is untouched
    if not np.issubdtype(scores.dtype, np.floating):
        scores = scores.astype(np.float64)
    if exclude is not None:
        if hasattr(exclude, "nonzero") and not isinstance(exclude, np.ndarray):
            scores[exclude.nonzero()] = -np.inf
        else:
            scores[np.asarray(exclude, dtype=bool)] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _relevant_sets(relevant) -> list[set]:
    if hasattr(relevant, "tocsr"):
        csr = relevant.tocsr()
        return [set(csr.indices[csr.indptr[i]:csr.indptr[i + 1]].tolist()) for i in range(csr.shape[0])]
    return [set(np.asarray(list(r)).tolist()) for r in relevant]


def hits(top: np.ndarray, relevant) -> np.ndarray:
    """A boolean (users x k) array: is the item at each rank one of the user's held-out items?"""
    sets = _relevant_sets(relevant)
    if len(sets) != len(top):
        raise ValueError(f"{len(top)} ranked lists but {len(sets)} sets of relevant items")
    return np.array([[item in rel for item in row] for row, rel in zip(np.asarray(top), sets)], dtype=bool)


def per_user_metrics(top: np.ndarray, relevant, k: int = 10) -> dict[str, np.ndarray]:
    """Each metric of :func:`ranking_metrics`, one value per user (for paired bootstrap intervals).

    - precision@k: share of the k recommendations that were held out for the user.
    - recall@k: share of the user's held-out items found in the k recommendations.
    - NDCG@k: hits discounted by 1/log2(rank + 1), divided by the best possible value for
      that user (all held-out items at the top), so it is 1 for a perfect list.
    - MAP@k (average precision): the precision@i at each rank i that holds a hit, summed and
      divided by min(k, number of held-out items), so a perfect list scores 1.
    - MRR@k: 1 / rank of the first hit, 0 when no hit is in the top k.
    - hit rate@k: 1 when at least one held-out item is in the top k, else 0.
    """
    top = np.asarray(top)[:, :k]
    sets = _relevant_sets(relevant)
    n_rel = np.array([len(s) for s in sets])
    if (n_rel == 0).any():
        raise ValueError("some users have no held-out items: leave them out before scoring")
    hit = hits(top, sets)
    n_hit = hit.sum(axis=1)
    ranks = np.arange(1, top.shape[1] + 1)
    discount = 1.0 / np.log2(ranks + 1)
    ideal = np.array([discount[:min(n, top.shape[1])].sum() for n in n_rel])
    precision_at_rank = np.cumsum(hit, axis=1) / ranks
    first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, np.inf)
    return {
        "precision": n_hit / k,
        "recall": n_hit / n_rel,
        "ndcg": (hit * discount).sum(axis=1) / ideal,
        "map": (precision_at_rank * hit).sum(axis=1) / np.minimum(k, n_rel),
        "mrr": 1.0 / first,
        "hit_rate": (n_hit > 0).astype(float),
    }


def ranking_metrics(top: np.ndarray, relevant, k: int = 10) -> dict[str, float]:
    """Mean precision@k, recall@k, NDCG@k, MAP@k, MRR@k and hit rate@k (binary relevance) over users.

    The definitions are in :func:`per_user_metrics`; each value here is the mean over users.
    """
    return {name: float(values.mean()) for name, values in per_user_metrics(top, relevant, k).items()}


def coverage(top: np.ndarray | Sequence, n_items: int) -> float:
    """Catalogue coverage: the share of all items that appear in at least one top-k list."""
    return len(np.unique(np.asarray(top))) / n_items


def novelty(top: np.ndarray | Sequence, popularity) -> float:
    """Mean self-information -log2(p) of the recommended items, in bits (Zhou et al. 2010).

    ``popularity[i]`` is item i's share of users (or playlists) that chose it in the training data,
    in (0, 1]; an item half the users chose carries 1 bit, one in 1,024 users 10 bits. Higher means
    the lists reach further into the long tail. Items with share 0 must be smoothed by the caller.
    """
    p = np.asarray(popularity, dtype=float)[np.asarray(top)]
    if (p <= 0).any() or (p > 1).any():
        raise ValueError("popularity shares must lie in (0, 1]: smooth items nobody chose")
    return float((-np.log2(p)).mean())


def per_user_holdout(frame: pd.DataFrame, frac: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows so that each user (column ``u``) has ``frac`` of their items (rounded down) on the held-out side."""
    r = np.random.default_rng(seed).random(len(frame))
    rank = frame.assign(r=r).groupby("u")["r"].rank(method="first")
    size = frame.groupby("u")["u"].transform("size")
    out = rank <= np.floor(frac * size)
    return frame[~out], frame[out]


def to_matrix(frame: pd.DataFrame, shape: tuple[int, int], values=None) -> sp.csr_matrix:
    """The (users x items) sparse matrix of ``frame``'s (``u``, ``i``) pairs: 1 each, or ``values``."""
    vals = np.ones(len(frame), np.float32) if values is None else values
    return sp.csr_matrix((vals, (frame["u"], frame["i"])), shape=shape, dtype=np.float32)


def popularity_model(X) -> Callable:
    """The baseline every recommender must beat: each item scored by how many users chose it in ``X``."""
    counts = np.asarray((X > 0).sum(axis=0)).ravel().astype(np.float32)
    return lambda users: np.tile(counts, (len(users), 1))


@dataclass
class TopK:
    """What ``evaluate_top_k`` measured: mean metrics, each user's values, the lists and their users."""

    summary: dict[str, float]
    per_user: dict[str, np.ndarray]
    top: np.ndarray
    users: np.ndarray


def evaluate_top_k(score_fn: Callable, seen, held_out, k: int = 10, batch: int = 512) -> TopK:
    """Score ``score_fn(users) -> (len(users) x items)`` for every user with held-out items.

    Items in ``seen`` (the training matrix) are never recommended. ``summary`` holds the mean of each
    ranking metric, catalogue coverage and novelty (each item's share of users in ``seen``; an item
    nobody chose counts as one user); ``per_user`` the values behind the means, for paired intervals.
    """
    users = np.flatnonzero(held_out.getnnz(axis=1))
    top = np.vstack([top_k(score_fn(users[s:s + batch]), k, exclude=seen[users[s:s + batch]])
                     for s in range(0, len(users), batch)])
    share = np.maximum(seen.getnnz(axis=0), 1) / seen.shape[0]
    values = per_user_metrics(top, held_out[users], k)
    summary = {**{name: float(v.mean()) for name, v in values.items()},
               "coverage": coverage(top, seen.shape[1]), "novelty": novelty(top, share)}
    return TopK(summary, values, top, users)
