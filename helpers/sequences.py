"""Next-item prediction (notebook 08): the simple models that are hard to beat, and how to score them.

Items are integer codes ``0 .. n_items - 1`` (``pandas.factorize`` gives them). A model learns from
*training sequences* (a list of integer arrays: listening sessions or playlists, in order) and then,
given a *context* (the items played so far, oldest first), ranks the items most likely to come next.
Every model has the same two methods, so one function scores them all the same way:

- ``fit(sequences)`` learns from the training sequences and returns the model;
- ``recommend(context, k)`` returns ``k`` distinct item codes, best first.

Scoring follows session-based recommendation research (Ludewig & Jannach 2018): for each held-out
transition, hit@k is 1 when the true next item is in the top k, and the reciprocal rank is
1 / rank (0 outside the top k); their means are hit@k and MRR@k.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse


# --------------------------------------------------------------------------- preparing sequences
def session_ids(ts: pd.Series, gap_minutes: float = 30) -> np.ndarray:
    """A session number for each play: a pause longer than ``gap_minutes`` starts a new session.

    ``ts`` must be sorted. Sessions are the sentences of item2vec and the unit of co-occurrence.
    """
    gaps = pd.Series(ts).diff().dt.total_seconds().div(60).to_numpy()
    return np.cumsum(np.nan_to_num(gaps, nan=np.inf) > gap_minutes) - 1


def split_sequences(codes: np.ndarray, sessions: np.ndarray) -> list[np.ndarray]:
    """Cut one long sequence of item codes into its sessions (each an array, in order)."""
    codes, sessions = np.asarray(codes), np.asarray(sessions)
    if len(codes) == 0:
        return []
    cuts = np.flatnonzero(np.diff(sessions)) + 1
    return [part for part in np.split(codes, cuts) if len(part)]


def time_split(n: int, valid: float = 0.10, test: float = 0.20) -> tuple[int, int]:
    """Two cut points for a sequence of ``n`` plays in time order: train ``[:a]``, validation
    ``[a:b]``, test ``[b:]``. Nothing from the future is used to predict the past."""
    if not (0 < valid < 1 and 0 < test < 1 and valid + test < 1):
        raise ValueError("valid and test must be shares between 0 and 1 that add up to less than 1")
    b = int(round(n * (1 - test)))
    a = int(round(n * (1 - test - valid)))
    return a, b


# --------------------------------------------------------------------------- models
class _Model:
    """Shared parts: item counts for popularity back-off."""

    n_items: int

    def _fit_counts(self, sequences: Sequence[np.ndarray]) -> None:
        counts = np.bincount(np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences]),
                             minlength=self.n_items) if len(sequences) else np.zeros(self.n_items)
        self.counts = counts.astype(float)
        # Most played first; ties broken by the smaller code so results do not depend on chance.
        self.by_popularity = np.lexsort((np.arange(self.n_items), -self.counts))

    def _fill(self, ranked: list[int], k: int) -> np.ndarray:
        """Complete a ranked list with the most popular items not already in it (back-off).

        Only items seen in training fill the list: an item first played after the split point is not
        a candidate (a model that could rank it would know the future). When fewer than ``k`` items
        are known, the list is padded with -1 (never a hit)."""
        seen = set(ranked)
        for item in self.by_popularity:
            if len(ranked) >= k or self.counts[item] <= 0:
                break
            if item not in seen:
                ranked.append(int(item))
                seen.add(int(item))
        ranked = ranked[:k] + [-1] * (k - len(ranked))
        return np.asarray(ranked, dtype=np.int64)

    def _top_scores(self, scores: np.ndarray, k: int) -> list[int]:
        """The (at most) k best items with a positive score, best first."""
        positive = np.flatnonzero(scores > 0)
        # Sort by score, ties by popularity (then code), so equal scores rank the same way in every model.
        order = np.lexsort((positive, -self.counts[positive], -scores[positive]))
        return [int(i) for i in positive[order[:k]]]

    def candidates(self, context, k: int = 10) -> list[int]:
        """The items this model itself can rank for the context (possibly fewer than k)."""
        return []

    def recommend(self, context, k: int = 10) -> np.ndarray:
        """k distinct items, best first: the model's own candidates, then the most popular items."""
        return self._fill(self.candidates(context, k), k)


Model = _Model
"""The base class to subclass for a new model: ``fit`` calls ``self._fit_counts(sequences)``, ``candidates``
returns the model's own ranked items (``self._top_scores(scores, k)`` keeps the positive ones), and
``recommend`` completes them with popular training items."""


class RandomItems(_Model):
    """k items drawn at random from the catalogue: the floor every model must clear."""

    def __init__(self, n_items: int, seed: int = 0):
        self.n_items, self.rng = n_items, np.random.default_rng(seed)

    def fit(self, sequences):
        self._fit_counts(sequences)
        self.known = np.flatnonzero(self.counts > 0)  # only songs seen in training are candidates
        return self

    def recommend(self, context, k: int = 10) -> np.ndarray:
        drawn = self.rng.choice(self.known, size=min(k, len(self.known)), replace=False)
        return np.concatenate([drawn, np.full(k - len(drawn), -1)]).astype(np.int64)


class MostPopular(_Model):
    """The same k most played training items for everyone."""

    def __init__(self, n_items: int):
        self.n_items = n_items

    def fit(self, sequences):
        self._fit_counts(sequences)
        return self

    def recommend(self, context, k: int = 10) -> np.ndarray:
        return self._fill([], k)  # the most played training items (never an item unseen in training)


class RecentlyPlayed(_Model):
    """The last ``k`` distinct items of the context, most recent first (people replay songs)."""

    def __init__(self, n_items: int):
        self.n_items = n_items

    def fit(self, sequences):
        self._fit_counts(sequences)
        return self

    def candidates(self, context, k: int = 10) -> list[int]:
        ranked: list[int] = []
        for item in np.asarray(context)[::-1]:
            if len(ranked) == k:
                break
            if int(item) not in ranked:
                ranked.append(int(item))
        return ranked


class Markov(_Model):
    """First-order Markov chain: what followed the last item in training, by count, then the most
    popular items (back-off) when the last item has fewer than k known successors."""

    def __init__(self, n_items: int):
        self.n_items = n_items

    def fit(self, sequences):
        self._fit_counts(sequences)
        rows, cols = [], []
        for seq in sequences:
            seq = np.asarray(seq, dtype=np.int64)
            rows.append(seq[:-1])
            cols.append(seq[1:])
        rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        cols = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        self.transitions = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                             shape=(self.n_items, self.n_items))
        self.transitions.sum_duplicates()
        return self

    def candidates(self, context, k: int = 10) -> list[int]:
        if len(context) == 0:
            return []
        row = self.transitions.getrow(int(context[-1]))
        scores = np.zeros(self.n_items)
        scores[row.indices] = row.data
        return self._top_scores(scores, k)


class CooccurrenceKNN(_Model):
    """Item-to-item nearest neighbours from co-occurrence (the 'hard to beat' family).

    Two items are neighbours when they were played within ``window`` positions of each other in a
    training sequence (both directions), counted with cosine normalisation
    ``c_ij / sqrt(n_i * n_j)``. The next item is scored from the last ``memory`` items of the
    context, the most recent weighted 1, the one before ``decay``, then ``decay ** 2``, ...
    """

    def __init__(self, n_items: int, window: int = 3, memory: int = 3, decay: float = 0.5):
        if window < 1 or memory < 1 or not 0 < decay <= 1:
            raise ValueError("window and memory must be at least 1, decay in (0, 1]")
        self.n_items, self.window, self.memory, self.decay = n_items, window, memory, decay

    def fit(self, sequences):
        self._fit_counts(sequences)
        rows, cols, vals = [], [], []
        for seq in sequences:
            seq = np.asarray(seq, dtype=np.int64)
            for lag in range(1, min(self.window, len(seq) - 1) + 1):
                a, b = seq[:-lag], seq[lag:]
                weight = np.full(len(a), 1.0 / lag)  # closer neighbours count more
                rows += [a, b]
                cols += [b, a]
                vals += [weight, weight]
        if rows:
            co = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                   shape=(self.n_items, self.n_items))
            co.sum_duplicates()
            norm = 1.0 / np.sqrt(np.maximum(self.counts, 1.0))
            co = sparse.diags(norm) @ co @ sparse.diags(norm)
        else:
            co = sparse.csr_matrix((self.n_items, self.n_items))
        self.similarity = co.tocsr()
        return self

    def candidates(self, context, k: int = 10) -> list[int]:
        recent = np.asarray(context, dtype=np.int64)[::-1][:self.memory]
        scores = np.zeros(self.n_items)
        for position, item in enumerate(recent):
            row = self.similarity.getrow(int(item))
            scores[row.indices] += (self.decay ** position) * row.data
        return self._top_scores(scores, k)


class Item2Vec(_Model):
    """item2vec (Barkan & Koenigstein 2016): gensim's skip-gram Word2Vec with sequences as sentences.

    Skip-gram learns two vectors per item: an input vector (the item as the centre word) and an
    output vector (the item as a context word); their dot product is the model's score for "this
    item appears near that one". The next item is scored like that: the decay-weighted input vectors
    of the last ``memory`` context items against every item's output vector. The query items
    themselves are never ranked (cosine between input vectors would rank the query item first).
    Caselles-Dupré et al. (2018) found the NLP defaults poor for recommendation; ``window``,
    ``ns_exponent``, ``sample`` (subsampling of frequent items) and ``epochs`` are the settings to
    tune. ``workers=1`` keeps the result the same for a seed.
    """

    def __init__(self, n_items: int, dim: int = 64, window: int = 3, ns_exponent: float = 0.75,
                 epochs: int = 10, negative: int = 5, memory: int = 1, decay: float = 0.5,
                 sample: float = 1e-3, seed: int = 0):
        self.n_items, self.dim, self.window = n_items, dim, window
        self.ns_exponent, self.epochs, self.negative = ns_exponent, epochs, negative
        self.memory, self.decay, self.sample, self.seed = memory, decay, sample, seed

    def fit(self, sequences):
        from gensim.models import Word2Vec

        self._fit_counts(sequences)
        sentences = [[str(int(i)) for i in seq] for seq in sequences if len(seq) > 1]
        model = Word2Vec(sentences=sentences, vector_size=self.dim, window=self.window, sg=1,
                         negative=self.negative, ns_exponent=self.ns_exponent, epochs=self.epochs,
                         sample=self.sample, min_count=1, workers=1, seed=self.seed)
        self.vectors = np.zeros((self.n_items, self.dim), dtype=np.float32)   # input vectors
        self.outputs = np.zeros((self.n_items, self.dim), dtype=np.float32)   # output (context) vectors
        self.known = np.zeros(self.n_items, dtype=bool)
        for word, index in model.wv.key_to_index.items():
            self.vectors[int(word)] = model.wv.vectors[index]
            self.outputs[int(word)] = model.syn1neg[index]
            self.known[int(word)] = True
        return self

    def _query(self, context) -> tuple[np.ndarray, np.ndarray]:
        recent = np.asarray(context, dtype=np.int64)[::-1][:self.memory]
        weights = self.decay ** np.arange(len(recent))
        known = self.known[recent] if len(recent) else np.zeros(0, bool)
        return (weights[known, None] * self.vectors[recent[known]]).sum(axis=0), recent

    def candidates(self, context, k: int = 10) -> list[int]:
        return [int(i) for i in self.recommend_many([context], k)[0] if i >= 0]

    def recommend_many(self, contexts: Sequence, k: int = 10, chunk: int = 2048) -> np.ndarray:
        """``recommend`` for many contexts at once: one matrix product per chunk (much faster)."""
        # contexts that end with the same recent items get the same list: rank each once
        keys = [tuple(np.asarray(c, dtype=np.int64)[::-1][:self.memory]) for c in contexts]
        unique = {}
        rows = np.array([unique.setdefault(key, len(unique)) for key in keys], dtype=np.int64)
        if len(unique) < len(contexts):
            return self.recommend_many([np.array(key[::-1], dtype=np.int64) for key in unique], k, chunk)[rows]
        out = np.full((len(contexts), k), -1, dtype=np.int64)
        queries = np.zeros((len(contexts), self.dim), dtype=np.float32)
        recents = []
        for row, context in enumerate(contexts):
            queries[row], recent = self._query(context)
            recents.append(recent)
        has_query = np.abs(queries).sum(axis=1) > 0
        known = np.flatnonzero(self.known)          # score known items only (unknown ones are never candidates)
        column = np.full(self.n_items, -1)
        column[known] = np.arange(len(known))
        top_k = min(k, len(known))
        for start in range(0, len(contexts), chunk):
            scores = queries[start:start + chunk] @ self.outputs[known].T
            for row, recent in enumerate(recents[start:start + chunk]):
                recent = column[recent]
                scores[row, recent[recent >= 0]] = -np.inf  # never the query items themselves
            if top_k == 0:
                continue
            top = np.argpartition(-scores, top_k - 1, axis=1)[:, :top_k]
            order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            valid = np.isfinite(np.take_along_axis(scores, top, axis=1))
            out[start:start + chunk, :top_k] = np.where(valid, known[top], -1)
        for row in np.flatnonzero(~has_query | (out < 0).any(axis=1)):  # nothing known: popularity completes
            out[row] = self._fill([int(i) for i in out[row] if i >= 0] if has_query[row] else [], k)
        return out


class BackOff(_Model):
    """Chain models: the first model's own candidates, then the next model's, ..., then popularity.

    ``BackOff([Markov(n), CooccurrenceKNN(n)])`` trusts exact transitions seen in training first
    and falls back on neighbours only for the rest of the list.
    """

    def __init__(self, models: Sequence[_Model]):
        if not models:
            raise ValueError("BackOff needs at least one model")
        self.models = list(models)
        self.n_items = self.models[0].n_items

    def fit(self, sequences):
        self._fit_counts(sequences)
        for model in self.models:
            model.fit(sequences)
        return self

    def candidates(self, context, k: int = 10) -> list[int]:
        ranked: list[int] = []
        for model in self.models:
            for item in model.candidates(context, k):
                if len(ranked) == k:
                    return ranked
                if item not in ranked:
                    ranked.append(item)
        return ranked


# --------------------------------------------------------------------------- scoring
def reciprocal_ranks(ranked: np.ndarray, targets: np.ndarray, k: int = 10) -> np.ndarray:
    """1 / rank of each target in its ranked list (rank 1 = first), 0 when not in the top k."""
    ranked = np.asarray(ranked)[:, :k]
    targets = np.asarray(targets)
    if len(ranked) != len(targets):
        raise ValueError(f"{len(ranked)} ranked lists but {len(targets)} targets")
    match = ranked == targets[:, None]
    found = match.any(axis=1)
    rank = match.argmax(axis=1) + 1
    return np.where(found, 1.0 / rank, 0.0)


def rank_all(model, contexts: Sequence, k: int = 10) -> np.ndarray:
    """The model's top-k list for every context, as an (n x k) array."""
    if len(contexts) == 0:
        return np.zeros((0, k), dtype=np.int64)
    if hasattr(model, "recommend_many"):
        return model.recommend_many(contexts, k)
    return np.vstack([model.recommend(c, k) for c in contexts])


def evaluate(model, contexts: Sequence, targets: np.ndarray, k: int = 10) -> pd.DataFrame:
    """Per-transition ``hit`` (0/1) and ``rr`` (reciprocal rank, 0 outside the top k).

    Their means are hit@k and MRR@k; keeping them per transition lets ``bootstrap_ci`` and
    ``paired_difference`` say how sure a comparison is.
    """
    rr = reciprocal_ranks(rank_all(model, contexts, k), targets, k)
    return pd.DataFrame({"hit": (rr > 0).astype(float), "rr": rr})


def unseen_share(train_items, targets) -> float:
    """Share of targets never seen in training: no model that recommends known items gets these."""
    targets = np.asarray(targets)
    if len(targets) == 0:
        raise ValueError("no targets")
    return float((~np.isin(targets, np.asarray(train_items))).mean())
