"""Next-item models and scores (helpers.sequences), on sequences small enough to check by hand."""

import numpy as np
import pandas as pd
import pytest

from helpers import sequences as sq
from helpers import stats

# Sessions over 6 items: 0 is always followed by 1, 1 by 2; 5 is the most played item.
TRAIN = [np.array([0, 1, 2, 5]), np.array([5, 0, 1, 2]), np.array([5, 5, 3, 4]), np.array([0, 1, 5])]
N = 6


def test_session_ids_start_a_session_after_a_long_pause():
    ts = pd.Series(pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:04", "2024-01-01 11:00",
                                   "2024-01-01 11:03"], utc=True))
    assert sq.session_ids(ts, gap_minutes=30).tolist() == [0, 0, 1, 1]
    assert sq.split_sequences(np.array([7, 8, 9, 9]), sq.session_ids(ts)) [1].tolist() == [9, 9]


def test_time_split_keeps_order_and_rejects_bad_shares():
    assert sq.time_split(100, 0.1, 0.2) == (70, 80)
    with pytest.raises(ValueError):
        sq.time_split(100, 0.5, 0.6)


def test_popularity_and_recently_played():
    popular = sq.MostPopular(N).fit(TRAIN)
    assert popular.recommend([0], k=2).tolist() == [5, 0]  # 5 played 5 times, 0 and 1 three times (tie -> code)
    recent = sq.RecentlyPlayed(N).fit(TRAIN)
    # the last distinct items, most recent first, then popularity fills the list without repeats
    assert recent.recommend([3, 4, 3], k=4).tolist() == [3, 4, 5, 0]


def test_markov_ranks_successors_then_backs_off_to_popularity():
    markov = sq.Markov(N).fit(TRAIN)
    assert markov.recommend([0], k=3).tolist() == [1, 5, 0]  # only 1 ever followed 0
    assert markov.recommend([5], k=3).tolist() == [5, 0, 3]  # 5 -> 0, 5 -> 5, 5 -> 3 once each: ties by popularity
    assert markov.recommend([], k=2).tolist() == [5, 0]
    assert len(set(markov.recommend([2], k=6))) == 6


def test_knn_uses_neighbours_in_both_directions():
    knn = sq.CooccurrenceKNN(N, window=1, memory=1).fit(TRAIN)
    top = knn.recommend([4], k=1).tolist()
    assert top == [3]  # 4 was only ever next to 3 (3 -> 4): neighbours work backwards too
    assert sq.Markov(N).fit(TRAIN).recommend([4], k=1).tolist() == [5]  # Markov saw nothing after 4


def test_backoff_keeps_the_first_models_order():
    chain = sq.BackOff([sq.Markov(N), sq.CooccurrenceKNN(N, window=1)]).fit(TRAIN)
    ranked = chain.recommend([0], k=4).tolist()
    assert ranked[0] == 1 and len(set(ranked)) == 4


def test_item2vec_is_reproducible_and_returns_known_items():
    seqs = [np.array([0, 1, 2, 3]), np.array([0, 1, 2, 3])] * 30
    one = sq.Item2Vec(N, dim=8, window=1, epochs=5, seed=1).fit(seqs)
    two = sq.Item2Vec(N, dim=8, window=1, epochs=5, seed=1).fit(seqs)
    assert one.recommend([1], k=3).tolist() == two.recommend([1], k=3).tolist()
    assert set(one.recommend([1], k=3)) <= {0, 1, 2, 3}
    # batch scoring gives the same lists as one at a time, including an unknown context (popularity)
    contexts = [np.array([1]), np.array([2, 3]), np.array([5])]
    assert sq.rank_all(one, contexts, k=4).tolist() == [one.recommend(c, k=4).tolist() for c in contexts]


def test_reciprocal_ranks_and_evaluate():
    ranked = np.array([[3, 1, 2], [0, 1, 2], [5, 4, 3]])
    rr = sq.reciprocal_ranks(ranked, np.array([1, 0, 0]), k=3)
    assert rr.tolist() == [0.5, 1.0, 0.0]
    assert sq.reciprocal_ranks(ranked, np.array([2, 2, 3]), k=2).tolist() == [0.0, 0.0, 0.0]
    scores = sq.evaluate(sq.Markov(N).fit(TRAIN), [np.array([0]), np.array([1])], np.array([1, 5]), k=1)
    assert scores["hit"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        sq.reciprocal_ranks(ranked, np.array([1]))


def test_bootstrap_intervals_cover_the_mean_and_pairing_narrows_them():
    rng = np.random.default_rng(0)
    a = (rng.random(2000) < 0.30).astype(float)
    b = np.where(rng.random(2000) < 0.9, a, 1 - a)  # mostly the same transitions as a
    low, high = stats.bootstrap_ci(a, n_boot=500, seed=1)
    assert low < a.mean() < high and high - low < 0.06
    diff, dlow, dhigh = stats.paired_difference(a, b, n_boot=500, seed=1)
    assert dlow <= diff <= dhigh
    separate = np.subtract(*stats.bootstrap_ci(a, 500, 1)[::-1]) + np.subtract(*stats.bootstrap_ci(b, 500, 1)[::-1])
    assert dhigh - dlow < separate


def test_unseen_share():
    assert sq.unseen_share([1, 2, 3], [1, 4, 4, 2]) == 0.5
    with pytest.raises(ValueError):
        sq.unseen_share([1], [])


# Items 6..9 are first played after the split point: no model fitted on TRAIN may rank them,
# unless the context itself holds them (a song the listener just played is known at that moment).
FUTURE = {6, 7, 8, 9}


def _all_models(n):
    return {"random": sq.RandomItems(n, seed=0), "popular": sq.MostPopular(n), "recent": sq.RecentlyPlayed(n),
            "markov": sq.Markov(n), "knn": sq.CooccurrenceKNN(n, window=2, memory=2),
            "backoff": sq.BackOff([sq.Markov(n), sq.RecentlyPlayed(n)]),
            "item2vec": sq.Item2Vec(n, dim=8, window=1, epochs=5, seed=1)}


def test_candidates_are_songs_seen_before_the_split_point_or_in_the_context():
    contexts = [np.array([0]), np.array([4]), np.array([3, 8]), np.array([1, 2])]
    for name, model in _all_models(10).items():
        model.fit(TRAIN)
        for context in contexts:
            ranked = [int(i) for i in model.recommend(context, k=10) if i >= 0]
            allowed = set(np.concatenate(TRAIN).tolist()) | set(context.tolist())
            assert set(ranked) <= allowed, (name, context.tolist(), ranked)
            assert len(set(ranked)) == len(ranked)
        # a full list is padded with -1 (never a hit) when fewer songs are known than asked for
        assert len(model.recommend(np.array([0]), k=10)) == 10


def test_no_model_beats_the_ceiling_of_reachable_targets():
    history = np.array([0, 1, 2, 5, 5, 0, 1, 2, 6, 0, 1, 6, 7, 5, 8, 1, 2])
    split = 8  # items 6, 7, 8 appear only from position 8 on
    contexts, targets = [history[:t] for t in range(split, len(history))], history[split:]
    reachable = np.mean([targets[i] in set(contexts[i].tolist()) for i in range(len(targets))])
    for name, model in _all_models(10).items():
        hit = sq.evaluate(model.fit([history[:split]]), contexts, targets)["hit"].mean()
        assert hit <= reachable + 1e-12, name


def test_item2vec_never_ranks_the_query_song_and_uses_output_vectors():
    # pairs "a then b" with no pair repeating a song, as in Art of the Mix
    seqs = [np.array([0, 1]), np.array([2, 3]), np.array([4, 5]), np.array([0, 1]), np.array([2, 3])] * 40
    model = sq.Item2Vec(N, dim=8, window=1, epochs=20, sample=0, seed=3).fit(seqs)
    for song in range(N):
        assert song not in model.recommend(np.array([song]), k=3).tolist()
    assert model.recommend(np.array([0]), k=1).tolist() == [1]   # its partner, by input x output vectors
    assert model.outputs.shape == model.vectors.shape
