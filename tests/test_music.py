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


def test_piano_roll_draws_one_bar_per_note():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    music.piano_roll(ax, MELODY)
    assert len(ax.collections) == 4
    plt.close(fig)
