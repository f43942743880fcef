"""Unit tests for helpers.music: tokens, grid, n-gram probabilities and perplexity, objective
measures, NoteSequence/MIDI and synthesis. Fast and offline (no corpus parsing)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import music

MELODY = [(60, 1.0), (music.REST, 0.5), (62, 0.5), (64, 1.0), (66, 2.0)]


def test_tokens_round_trip():
    tokens = [music.to_token(*e) for e in MELODY]
    assert tokens[:2] == ["60_1.0", "R_0.5"]
    assert [music.from_token(t) for t in tokens] == MELODY


def test_shift_to_c_moves_to_c_major_or_a_minor_by_the_smallest_step():
    assert music.shift_to_c(7, "major") == 5       # G major up a fourth to C, not down a fifth
    assert music.shift_to_c(2, "major") == -2      # D major down a tone
    assert music.shift_to_c(4, "minor") == 5       # E minor to A minor
    assert all(-5 <= music.shift_to_c(t, m) <= 6 for t in range(12) for m in ("major", "minor"))
    assert all((t + music.shift_to_c(t, "minor")) % 12 == 9 for t in range(12))


def test_transpose_keeps_rests():
    assert music.transpose(MELODY, 2)[:2] == [(62, 1.0), (music.REST, 0.5)]


def test_grid_round_trip_on_eighths():
    grid = music.to_grid(MELODY, step=0.5)
    assert grid == [60, music.HOLD, music.REST, 62, 64, music.HOLD, 66, music.HOLD, music.HOLD, music.HOLD]
    assert music.from_grid(grid, step=0.5) == MELODY


def test_ngram_probabilities_sum_to_one_and_perplexity_matches_definition():
    train = [["a", "b", "a", "b"], ["a", "b", "c"]]
    for n in (1, 2, 3):
        model = music.NGram(n, discount=0.7).fit(train)
        words = sorted(model.vocab - {music.NGram.UNK}) + [music.NGram.UNK]
        for history in ([], ["a"], ["a", "b"], ["z"]):
            assert sum(model.prob(history, w) for w in words) == pytest.approx(1.0)
    model = music.NGram(2).fit(train)
    seq = ["a", "b"]
    expected = math.exp(-(math.log(model.prob([], "a")) + math.log(model.prob(["a"], "b"))
                          + math.log(model.prob(["a", "b"], music.EOS))) / 3)
    assert music.perplexity(model, [seq]) == pytest.approx(expected)
    assert music.perplexity(model, [seq]) < music.perplexity(music.NGram(1).fit(train), [seq])


def test_unknown_tokens_get_a_positive_probability():
    model = music.NGram(3).fit([["a", "b"]])
    assert 0 < model.prob(["a", "b"], "never seen") < model.prob(["a"], "b")


def test_objective_measures():
    assert music.in_key_ratio(MELODY) == pytest.approx(3 / 4)  # F# is out of C major; the rest is ignored
    assert music.pitch_range(MELODY) == 6
    assert list(music.intervals(MELODY)) == [2, 2, 2]
    pch = music.pitch_class_histogram(MELODY)
    assert pch.sum() == pytest.approx(1) and pch[0] == pytest.approx(0.25)
    assert music.histogram_distance(pch, pch) == 0
    assert music.histogram_distance(np.eye(12)[0], np.eye(12)[1]) == 1
    summary = music.describe([MELODY], reference=[MELODY])
    assert summary["pitch_class_dist"] == 0 and summary["step_share"] == 1


def test_note_sequence_and_midi_round_trip(tmp_path):
    import note_seq

    seq = music.to_note_sequence(MELODY, qpm=120)
    assert [n.pitch for n in seq.notes] == [60, 62, 64, 66]
    assert seq.notes[1].start_time == pytest.approx(0.75)  # a quarter (0.5 s) + an eighth rest (0.25 s)
    path = tmp_path / "m.mid"
    note_seq.sequence_proto_to_midi_file(seq, str(path))
    assert [n.pitch for n in note_seq.midi_file_to_note_sequence(str(path)).notes] == [60, 62, 64, 66]


def test_additive_synthesis_has_the_right_length_and_level():
    notes = music.to_notes(MELODY, qpm=120)
    audio, engine = music.synthesize(notes, sr=8000, engine="additive")
    assert engine == "additive synthesis" and audio.dtype == np.float32
    assert len(audio) == pytest.approx((notes[-1][2] + 0.5) * 8000, abs=2)
    assert 0.7 < np.abs(audio).max() <= 0.8 + 1e-6


def test_soundfont_synthesis_when_tinysoundfont_is_installed():
    pytest.importorskip("tinysoundfont")
    audio, engine = music.synthesize(music.to_notes(MELODY, qpm=120), sr=8000, engine="soundfont")
    assert "tinysoundfont" in engine and np.abs(audio).max() > 0.1


def test_render_clips_cuts_each_clip_at_its_own_place():
    clips = [[(60, 0.0, 0.5)], [], [(72, 0.25, 9.0), (74, 2.0, 2.5)]]  # one note, silence, a note held past the end
    audio, engine = music.render_clips(clips, seconds=1.0, sr=8000, engine="additive")
    assert engine == "additive synthesis" and audio.shape == (3, 8000)
    assert np.abs(audio[1]).max() == 0                              # the silent clip gets no tail of the first
    assert np.abs(audio[0, :3000]).max() > 0.1 and np.abs(audio[2, :1900]).max() == 0  # the second note starts at 0.25 s
    assert np.abs(audio[2, 2100:]).max() > 0.01                      # cut at 1 s, not dropped
    alone, _ = music.render_clips(clips[2:], seconds=1.0, sr=8000, engine="additive")
    assert np.argmax(np.abs(alone[0])) == np.argmax(np.abs(audio[2]))  # the same clip rendered alone: same shape


def test_render_clips_with_the_soundfont_when_tinysoundfont_is_installed():
    pytest.importorskip("tinysoundfont")
    audio, engine = music.render_clips([[(67, 0.0, 0.4)], [(60, 0.1, 0.6)]], seconds=0.75, sr=8000, engine="soundfont")
    assert "tinysoundfont" in engine and audio.shape == (2, 6000) and np.abs(audio).max() > 0.1
    assert np.abs(audio[1, :700]).max() < 0.01 < np.abs(audio[1, 900:]).max()  # silent until its note at 0.1 s


def test_piano_roll_draws_one_bar_per_note():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    music.piano_roll(ax, MELODY)
    assert len(ax.collections) == 4
    plt.close(fig)


def test_kneser_ney_probabilities_sum_to_one_and_use_continuation_counts():
    train = [["a", "b", "a", "b", "c"], ["a", "b", "c"], ["d", "b", "c", "a"]]
    for n in (1, 2, 3):
        model = music.KneserNey(n, discount=0.75).fit(train)
        words = sorted(model.vocab - {music.NGram.UNK}) + [music.NGram.UNK]
        for history in ([], ["a"], ["a", "b"], ["z"], ["z", "b"]):
            assert sum(model.prob(history, w) for w in words) == pytest.approx(1.0)
    # "b" follows two different tokens (a, d), "c" follows only "b": the lower order of a 2-gram
    # model counts contexts, not occurrences (b: 4 times, c: 3 times)
    model = music.KneserNey(2).fit(train)
    assert model.cont[0][()]["b"] == 2 and model.cont[0][()]["c"] == 1
    assert music.KneserNey(1).fit(train).prob([], "b") == pytest.approx(music.NGram(1).fit(train).prob([], "b"))
    assert 0 < model.prob(["z"], "never seen") < model.prob(["z"], "b")


def test_interval_ngrams_ignore_transposition_and_group_copies():
    tune = [(60 + s, 1.0) for s in [0, 2, 4, 5, 7, 5, 4, 2, 0, 4, 7, 12, 7, 4, 0, 2, 0, 5]]
    other = [(60 + s, 1.0) for s in [0, 1, 3, 0, 1, 3, 8, 7, 0, 1, 3, 0, 1, 3, 8, 7, 0, 1]]
    assert music.interval_ngrams(tune, 16) == music.interval_ngrams(music.transpose(tune, 5), 16)
    assert len(music.interval_ngrams(tune, 16)) == 2 and music.interval_ngrams(tune[:10], 16) == set()
    assert music.shared_share(tune, music.interval_ngrams(music.transpose(tune, -3))) == 1
    assert music.shared_share(other, music.interval_ngrams(tune)) == 0
    assert music.tune_groups([tune, other, music.transpose(tune, 3), other[:5]]) == [0, 1, 0, 3]


def test_contour_ngrams_merge_repeated_notes_and_group_reworked_copies():
    tune = [(60 + s, 1.0) for s in [0, 2, 4, 5, 7, 5, 4, 2, 0, 4, 7, 12, 7, 4, 0, 2, 0, 5]]
    other = [(60 + s, 1.0) for s in [0, 1, 3, 0, 1, 3, 8, 7, 0, 1, 3, 0, 1, 3, 8, 7, 0, 1]]
    # the same tune with one long note split into two and a rest: no interval 16-gram in common any more
    reworked = music.transpose(tune[:6] + [(65, 0.5), (-1, 0.5)] + tune[6:], 2)
    reworked[5:6] = [(reworked[5][0], 0.5), (reworked[5][0], 0.5)]
    assert music.shared_share(reworked, music.interval_ngrams(tune)) == 0
    assert music.contour_ngrams(reworked) == music.contour_ngrams(tune)
    assert music.tune_groups([tune, other, reworked]) == [0, 1, 2]  # the old rule misses it
    assert music.tune_groups([tune, other, reworked], min_overlap=0.3) == [0, 1, 0]
    share, i, j = music.closest_copy([other, reworked], [tune], n=6)
    assert (share, i, j) == (1.0, 1, 0) and music.closest_copy([other], [tune])[0] == 0.0


def test_describe_sums_per_melody_counts_and_bootstrap_brackets_the_value():
    melodies = [MELODY, music.transpose(MELODY, 1), [(67, 0.5), (69, 0.5), (60, 2.0)]]
    pooled = [e for m in melodies for e in m]
    summary = music.describe(melodies, reference=[MELODY])
    assert summary["in_key"] == pytest.approx(music.in_key_ratio(pooled))
    assert summary["pitch_range"] == pytest.approx(np.mean([music.pitch_range(m) for m in melodies]))
    steps = np.abs(np.concatenate([music.intervals(m) for m in melodies]))
    assert summary["mean_abs_interval"] == pytest.approx(steps.mean())
    assert summary["step_share"] == pytest.approx((steps <= 2).mean())
    table = music.bootstrap_measures(melodies, reference=[MELODY], n=200, seed=1)
    assert (table["low"] <= table["value"] + 1e-12).all() and (table["value"] <= table["high"] + 1e-12).all()
    assert table.loc["in_key", "low"] < table.loc["in_key", "high"]
    same = music.bootstrap_measures([MELODY, MELODY], n=50)
    assert (same["low"] == same["high"]).all()


def test_note_names():
    assert [music.note_name(p) for p in (60, 61, 69, 71, 72)] == ["C4", "C#4", "A4", "B4", "C5"]


def test_barlines_from_music21_measure_offsets():
    from music21 import corpus

    bars, meter = music.barlines(corpus.parse("bach/bwv66.6"))   # opens with a one-beat pickup
    assert meter == "4/4" and bars[:4] == [0.0, 1.0, 5.0, 9.0]
    bars, meter = music.barlines(corpus.parse("bach/bwv11.6"))   # 3/4, no pickup
    assert meter == "3/4" and bars[:3] == [0.0, 3.0, 6.0]


def test_piano_roll_names_the_notes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    music.piano_roll(ax, MELODY, low=58, high=70)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C4", "E4", "G4"]
    plt.close(fig)


def test_bootstrap_measures_resamples_whole_groups_and_basic_interval_reflects_a_shift():
    melodies = [MELODY, music.transpose(MELODY, 1), [(67, 0.5), (69, 0.5), (60, 2.0)]]
    # one group holding every melody: each resample draws that group, so every replicate is the value itself
    same = music.bootstrap_measures(melodies, reference=[MELODY], n=50, groups=[0, 0, 0])
    assert np.allclose(same["low"], same["value"]) and np.allclose(same["high"], same["value"])
    # replicates shifted above the value (as resampled distances are) give an interval shifted below it
    low, high = music.basic_interval(0.1, 0.1 + np.linspace(0.02, 0.08, 101))
    assert low == pytest.approx(0.1 - 0.0785) and high == pytest.approx(0.1 - 0.0215)
    low, high = music.basic_interval([0.0, 1.0], np.array([[0.0, 1.0], [0.0, 1.0]]))
    assert list(low) == [0.0, 1.0] and list(high) == [0.0, 1.0]
