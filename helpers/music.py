"""Small music helpers for lesson 10: chorale melodies, tokens, n-gram models (absolute discounting
and Kneser-Ney), a split by transposition-invariant tune, objective measures, synthesis without a
system synthesizer (whole melodies, or many short clips at once), and a piano roll.

A melody is a list of ``(pitch, duration)`` events: ``pitch`` is a MIDI number (60 = middle C) or
``REST`` (-1), ``duration`` is in quarter notes. The models themselves live in the notebook.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

REST = -1
BOS, EOS = "<s>", "</s>"
C_MAJOR = (0, 2, 4, 5, 7, 9, 11)  # pitch classes of C major = A natural minor
_CACHE_VERSION = 3


# ------------------------------------------------------------------------------------------------
# Chorale melodies from music21's corpus
# ------------------------------------------------------------------------------------------------

def shift_to_c(tonic_pitch_class: int, mode: str) -> int:
    """Semitones that move a key with this tonic to C major (or A minor), the smallest move (-5..6)."""
    target = 0 if mode == "major" else 9
    return (target - tonic_pitch_class + 5) % 12 - 5


def soprano_part(score):
    """The part named "Soprano" (scores with instruments list those first), else the top part, ties merged."""
    sopranos = [p for p in score.parts if "soprano" in (p.partName or "").lower()]
    return (sopranos[0] if sopranos else score.parts[0]).stripTies()


def barlines(score) -> tuple[list[float], str]:
    """Where each bar of the soprano starts (quarter notes from the first event, from music21's measure
    offsets: a pickup bar makes the second barline fall before 4.0) and the first time signature."""
    from music21 import meter, stream

    part = soprano_part(score)
    bars = [float(m.offset) for m in part.getElementsByClass(stream.Measure)]
    signatures = list(part.recurse().getElementsByClass(meter.TimeSignature))
    return bars, (signatures[0].ratioString if signatures else "")


def soprano_events(score) -> tuple[list[tuple[int, float]], str, int]:
    """The soprano of a music21 score as (pitch, quarter length) events, its key's mode and tonic.

    The soprano is the part named "Soprano" (scores with instruments list those first), else the
    top part. Ties are merged, grace notes dropped, a chord keeps its top note; the key is the one
    music21's Krumhansl-Schmuckler analysis finds for the whole score."""
    part = soprano_part(score)
    events = []
    for item in part.flatten().notesAndRests:
        length = float(item.quarterLength)
        if length <= 0:
            continue
        if item.isRest:
            pitch = REST
        elif item.isChord:
            pitch = max(p.midi for p in item.pitches)
        else:
            pitch = item.pitch.midi
        events.append((int(pitch), round(length, 4)))
    key = score.analyze("key")
    return events, key.mode, key.tonic.pitchClass


def load_chorale_melodies(cache: bool = True) -> list[dict]:
    """Soprano lines of the Bach chorales shipped with music21, transposed to C major / A minor.

    Returns one dict per usable chorale: ``id`` (file name), ``mode``, ``shift`` (semitones applied),
    ``events``, ``bars`` (where each bar starts, in quarter notes) and ``meter`` (e.g. "4/4").
    Files that are not four-part scores (roman-numeral analyses, one-part pieces) and melodies of fewer than 8 notes are skipped. Parsing all files takes about a minute the
    first time, so the result is cached as JSON in the course cache folder (``cache=False`` to skip).
    """
    import music21
    from music21 import corpus

    from .data import cache_dir

    path = cache_dir() / f"chorale_melodies_v{_CACHE_VERSION}_music21_{music21.__version__}.json"
    if cache and path.exists():
        return [{**m, "events": [tuple(e) for e in m["events"]]} for m in json.loads(path.read_text())]
    melodies = []
    for file in corpus.getComposer("bach"):
        if str(file).endswith(".rntxt"):
            continue
        score = corpus.parse(file, forceSource=True)  # no pickle written: faster on a first run
        if len(score.parts) < 4:
            continue
        events, mode, tonic = soprano_events(score)
        if sum(p != REST for p, _ in events) < 8:
            continue
        shift = shift_to_c(tonic, mode)
        events = [(p if p == REST else p + shift, d) for p, d in events]
        bars, meter = barlines(score)
        melodies.append({"id": os.path.basename(str(file)), "mode": mode, "shift": shift, "events": events,
                         "bars": bars, "meter": meter})
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(melodies))
    return melodies


# ------------------------------------------------------------------------------------------------
# Tokens
# ------------------------------------------------------------------------------------------------

def to_token(pitch: int, duration: float) -> str:
    """One joint token for a note or rest: ``'67_1.0'`` (G4, a quarter) or ``'R_0.5'``."""
    return f"{'R' if pitch == REST else int(pitch)}_{float(duration)}"


def from_token(token: str) -> tuple[int, float]:
    """The (pitch, duration) event of a joint token (the inverse of ``to_token``)."""
    pitch, duration = token.split("_")
    return (REST if pitch == "R" else int(pitch)), float(duration)


def transpose(events: Iterable[tuple[int, float]], semitones: int) -> list[tuple[int, float]]:
    """Shift every note (not the rests) by ``semitones``."""
    return [(p if p == REST else p + semitones, d) for p, d in events]


HOLD = -2


def to_grid(events, step: float = 0.5) -> list[int]:
    """The melody on a grid of ``step`` quarter notes (MusicVAE's melody encoding): each cell holds a
    MIDI pitch (a note starts), ``REST`` (a rest starts) or ``HOLD`` (the previous event goes on).
    Onsets between grid lines move to the cell they fall in; a second onset in one cell is dropped."""
    total = sum(d for _, d in events)
    grid = [HOLD] * int(round(total / step))
    t = 0.0
    for p, d in events:
        cell = int(t / step + 1e-9)
        if cell < len(grid) and (cell == 0 or grid[cell] == HOLD):
            grid[cell] = p
        t += d
    if grid and grid[0] == HOLD:
        grid[0] = REST
    return grid


def from_grid(grid: Sequence[int], step: float = 0.5) -> list[tuple[int, float]]:
    """Events of a grid (the inverse of ``to_grid``, up to the grid's resolution)."""
    events = []
    for cell in grid:
        if cell == HOLD and events:
            events[-1] = (events[-1][0], events[-1][1] + step)
        else:
            events.append((REST if cell == HOLD else int(cell), step))
    return events


# ------------------------------------------------------------------------------------------------
# An n-gram language model with interpolated absolute discounting
# ------------------------------------------------------------------------------------------------

class NGram:
    """An order-``n`` model of token sequences (n=1: unigram), smoothed by interpolated absolute
    discounting: P(w|h) = max(c(h,w) - d, 0)/c(h) + d * N1+(h.)/c(h) * P(w|shorter h).

    The order-1 distribution is add-one smoothed over the training vocabulary plus one unknown
    token, so every probability is positive and the perplexity is finite."""

    UNK = "<unk>"

    def __init__(self, n: int, discount: float = 0.75):
        if n < 1:
            raise ValueError("n must be at least 1")
        self.n, self.d = n, discount

    def fit(self, sequences: Iterable[Sequence[str]]) -> "NGram":
        self.counts = [defaultdict(Counter) for _ in range(self.n)]  # counts[k][history of length k][w]
        unigrams = Counter()
        for seq in sequences:
            padded = [BOS] * (self.n - 1) + list(seq) + [EOS]
            unigrams.update(padded[self.n - 1:])
            for i in range(self.n - 1, len(padded)):
                for k in range(self.n):
                    self.counts[k][tuple(padded[i - k:i])][padded[i]] += 1
        self.vocab = set(unigrams) | {self.UNK}
        self.totals = [{h: sum(c.values()) for h, c in level.items()} for level in self.counts]
        return self

    def prob(self, history: Sequence[str], word: str) -> float:
        """P(word | the last n-1 tokens of history), history padded with <s> at the start."""
        history = ([BOS] * (self.n - 1) + list(history))[len(history):] if self.n > 1 else []
        word = word if word in self.vocab else self.UNK
        level0 = self.counts[0][()]
        p = (level0.get(word, 0) + 1) / (self.totals[0][()] + len(self.vocab))
        for k in range(1, self.n):
            h = tuple(history[len(history) - k:])
            total = self.totals[k].get(h)
            if not total:
                break
            c = self.counts[k][h]
            p = max(c.get(word, 0) - self.d, 0) / total + self.d * len(c) / total * p
        return p

    def distribution(self, history: Sequence[str], tokens: Sequence[str]) -> np.ndarray:
        """Normalised probabilities of ``tokens`` after ``history`` (for sampling)."""
        p = np.array([self.prob(history, t) for t in tokens])
        return p / p.sum()

    def log_likelihood(self, seq: Sequence[str]) -> tuple[float, int]:
        """Natural-log probability of a sequence (its end token included) and the number of predictions."""
        seq = list(seq) + [EOS]
        total = sum(math.log(self.prob(seq[:i], w)) for i, w in enumerate(seq))
        return total, len(seq)


class KneserNey(NGram):
    """Interpolated Kneser-Ney (Chen & Goodman 1999) with one discount ``d`` for every order.

    The highest order is absolute discounting on counts, exactly as in ``NGram``. Every lower order
    uses *continuation counts* instead: N1+(. h w), the number of distinct tokens seen just before
    ``h w``. A token that follows many different contexts (a common cadence note) gets a high
    lower-order probability; one that only ever completes a single memorised phrase gets a low one,
    because the longer context already accounts for it. The lowest order is add-one smoothed over
    the vocabulary plus ``<unk>``, as in ``NGram``, so every probability is positive."""

    def fit(self, sequences: Iterable[Sequence[str]]) -> "KneserNey":
        super().fit(sequences)
        # continuation counts: cont[k][h][w] = number of distinct v with c(v + h + w) > 0, for k < n - 1
        self.cont = [defaultdict(Counter) for _ in range(self.n - 1)]
        for k in range(self.n - 1):
            for longer, following in self.counts[k + 1].items():
                for w in following:
                    self.cont[k][longer[1:]][w] += 1
        self.cont_totals = [{h: sum(c.values()) for h, c in level.items()} for level in self.cont]
        return self

    def prob(self, history: Sequence[str], word: str) -> float:
        history = ([BOS] * (self.n - 1) + list(history))[len(history):] if self.n > 1 else []
        word = word if word in self.vocab else self.UNK
        if self.n == 1:
            level0, total0 = self.counts[0][()], self.totals[0][()]
        else:
            level0, total0 = self.cont[0][()], self.cont_totals[0][()]
        p = (level0.get(word, 0) + 1) / (total0 + len(self.vocab))
        for k in range(1, self.n):
            h = tuple(history[len(history) - k:])
            if k < self.n - 1:
                c, total = self.cont[k].get(h), self.cont_totals[k].get(h)
            else:
                c, total = self.counts[k].get(h), self.totals[k].get(h)
            if not total:
                break
            p = max(c.get(word, 0) - self.d, 0) / total + self.d * len(c) / total * p
        return p


def perplexity(model, sequences: Iterable[Sequence[str]]) -> float:
    """exp(mean negative log-likelihood per predicted token), over all sequences together."""
    nll, count = 0.0, 0
    for seq in sequences:
        ll, n = model.log_likelihood(seq)
        nll, count = nll - ll, count + n
    return math.exp(nll / count)


# ------------------------------------------------------------------------------------------------
# Tunes independent of transposition: interval n-grams
# ------------------------------------------------------------------------------------------------

def interval_ngrams(events, n: int = 16) -> set[tuple[int, ...]]:
    """The set of runs of ``n`` consecutive intervals (semitones between notes, rests skipped): the
    same tune at another transposition has the same set."""
    steps = [int(s) for s in intervals(events)]
    return {tuple(steps[i:i + n]) for i in range(len(steps) - n + 1)}


def shared_share(events, known: set, n: int = 16) -> float:
    """Share of a melody's interval ``n``-grams that are in ``known`` (0 when it has none)."""
    grams = interval_ngrams(events, n)
    return len(grams & known) / len(grams) if grams else 0.0


def contour_ngrams(events, n: int = 8) -> set[tuple[int, ...]]:
    """Interval ``n``-grams of a melody's *contour*: rests dropped and repeated notes merged, so two
    versions of a tune that differ by a repeated note (a split long note, a changed rhythm) share them."""
    pitches = [p for p, _ in events if p != REST]
    merged = [p for i, p in enumerate(pitches) if i == 0 or p != pitches[i - 1]]
    steps = [int(b - a) for a, b in zip(merged, merged[1:])]
    return {tuple(steps[i:i + n]) for i in range(len(steps) - n + 1)}


def closest_copy(held_out, training, n: int = 6) -> tuple[float, int, int]:
    """The largest share of one held-out melody's contour ``n``-grams found in ONE training melody, with
    the indices of that held-out and that training melody (0.0, -1, -1 when nothing is shared)."""
    train_grams = [contour_ngrams(events, n) for events in training]
    best = (0.0, -1, -1)
    for i, events in enumerate(held_out):
        grams = contour_ngrams(events, n)
        for j, other in enumerate(train_grams):
            if grams and len(grams & other) / len(grams) > best[0]:
                best = (len(grams & other) / len(grams), i, j)
    return best


def tune_groups(melodies: Sequence[Sequence[tuple[int, float]]], n: int = 16, contour_n: int = 8,
                min_overlap: float | None = None) -> list[int]:
    """A group number per melody: two melodies are in one group when they share any interval
    ``n``-gram (directly or through a chain of melodies), so transposed copies and reharmonisations
    of one tune always land together. With ``min_overlap``, two melodies are also joined when more
    than that share of the contour ``contour_n``-grams of the shorter one (``contour_ngrams``: repeated
    notes merged) are in the other: reworked versions of a tune, with a note repeated or passed over.
    Group numbers are the index of the group's first melody."""
    parent = list(range(len(melodies)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i, j):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_seen = {}
    for i, events in enumerate(melodies):
        for gram in interval_ngrams(events, n):
            join(i, first_seen.setdefault(gram, i))
    if min_overlap is not None:
        grams = [contour_ngrams(events, contour_n) for events in melodies]
        for i in range(len(melodies)):
            for j in range(i + 1, len(melodies)):
                if grams[i] and grams[j] and len(grams[i] & grams[j]) / min(len(grams[i]), len(grams[j])) > min_overlap:
                    join(i, j)
    return [root(i) for i in range(len(melodies))]


# ------------------------------------------------------------------------------------------------
# Objective measures in the spirit of Yang & Lerch (2020), on (pitch, duration) events
# ------------------------------------------------------------------------------------------------

_LENGTHS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)  # note-length bins (quarter notes)


def _notes(events):
    return [(p, d) for p, d in events if p != REST]


def pitch_class_histogram(events) -> np.ndarray:
    """Share of notes on each of the 12 pitch classes (C = 0), rests ignored."""
    counts = np.bincount([p % 12 for p, _ in _notes(events)], minlength=12).astype(float)
    return counts / max(counts.sum(), 1)


def in_key_ratio(events, scale: Sequence[int] = C_MAJOR) -> float:
    """Share of notes whose pitch class is in ``scale`` (C major = A natural minor by default)."""
    notes = _notes(events)
    return float(np.mean([p % 12 in scale for p, _ in notes])) if notes else float("nan")


def intervals(events) -> np.ndarray:
    """Semitone steps between consecutive notes (rests skipped)."""
    pitches = np.array([p for p, _ in _notes(events)])
    return np.diff(pitches)


def pitch_range(events) -> int:
    """Highest minus lowest note, in semitones."""
    pitches = [p for p, _ in _notes(events)]
    return int(max(pitches) - min(pitches)) if pitches else 0


def histogram_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Total-variation distance between two histograms (0 = identical, 1 = disjoint)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())


def _interval_histogram(melodies) -> np.ndarray:
    steps = np.concatenate([intervals(m) for m in melodies if len(_notes(m)) > 1] or [np.array([], int)])
    return np.bincount(np.clip(steps, -12, 12).astype(int) + 12, minlength=25).astype(float)


def _length_histogram(melodies, lengths=_LENGTHS) -> np.ndarray:
    """Counts of note lengths, each note put in the bin of the nearest length in ``lengths``."""
    values = np.array([d for m in melodies for _, d in _notes(m)])
    nearest = np.abs(values[:, None] - np.array(lengths)[None, :]).argmin(axis=1) if len(values) else []
    return np.bincount(nearest, minlength=len(lengths)).astype(float)


def melody_counts(events) -> np.ndarray:
    """The sums that every measure of ``describe`` is made of, for one melody, as one vector:
    notes, notes in C major, intervals, steps (|interval| <= 2), sum of |intervals|, pitch range,
    sum of note lengths, then the pitch-class (12), interval (25) and note-length (7) histograms.
    Summing these rows over melodies and calling ``measures_from_counts`` gives ``describe``; summing
    a bootstrap resample of the rows gives a bootstrap replicate at almost no cost."""
    notes = _notes(events)
    steps = intervals(events)
    head = [len(notes), sum(p % 12 in C_MAJOR for p, _ in notes), len(steps), int((np.abs(steps) <= 2).sum()),
            int(np.abs(steps).sum()), pitch_range(events), sum(d for _, d in notes)]
    return np.concatenate([np.array(head, float), pitch_class_histogram(events) * len(notes),
                           _interval_histogram([events]), _length_histogram([events])])


def measures_from_counts(total: np.ndarray, n_melodies: int, reference: np.ndarray | None = None) -> dict:
    """The measures of ``describe`` from summed ``melody_counts`` rows (``reference``: the reference set's sums)."""
    notes, in_key, n_steps, small, abs_sum, ranges, length_sum = total[:7]
    nan = float("nan")
    out = {
        "in_key": in_key / notes if notes else nan,
        "pitch_range": ranges / n_melodies,
        "mean_abs_interval": abs_sum / n_steps if n_steps else nan,
        "step_share": small / n_steps if n_steps else nan,
        "mean_note_length": length_sum / notes if notes else nan,
    }
    if reference is not None:
        for name, a, b in [("pitch_class_dist", 7, 19), ("interval_dist", 19, 44), ("length_dist", 44, 51)]:
            out[name] = histogram_distance(total[a:b], reference[a:b])
    return {k: float(v) for k, v in out.items()}


def describe(melodies: Sequence[Sequence[tuple[int, float]]], reference=None) -> dict:
    """Simple measures of a set of melodies, in the spirit of Yang & Lerch (2020), who compare feature
    distributions of generated and real music (their toolbox compares pairwise-distance distributions;
    these are simpler pooled statistics): share of notes in C major / A minor, mean pitch range per
    melody, mean absolute interval, share of steps (|interval| <= 2 semitones), mean note length;
    given ``reference`` melodies (the corpus), also the total-variation distance of the pooled
    pitch-class, interval (clipped to +-12) and note-length histograms to the reference's."""
    counts = np.array([melody_counts(m) for m in melodies])
    ref = None if reference is None else np.array([melody_counts(m) for m in reference]).sum(axis=0)
    return measures_from_counts(counts.sum(axis=0), len(melodies), ref)


def measure_replicates(melodies, reference=None, n: int = 200, seed: int = 0, groups=None) -> pd.DataFrame:
    """``describe``'s measures of ``melodies`` (row 0), then ``n`` bootstrap replicates (rows 1..n), each
    from a resample of whole melodies (or whole ``groups`` of them, e.g. tune groups: a cluster bootstrap).
    A replicate costs one matrix product: how often each melody was drawn, times its ``melody_counts``."""
    import pandas as pd

    from .stats import bootstrap_weights

    counts = np.array([melody_counts(m) for m in melodies])
    ref = None if reference is None else np.array([melody_counts(m) for m in reference]).sum(axis=0)
    weights = np.vstack([np.ones(len(counts)), bootstrap_weights(len(counts), n, seed, groups=groups)])
    return pd.DataFrame([measures_from_counts(summed, len(counts), ref) for summed in weights @ counts])


def bootstrap_measures(melodies, reference=None, n: int = 200, seed: int = 0, level: float = 0.95,
                       groups=None) -> pd.DataFrame:
    """Percentile bootstrap intervals of ``describe``'s measures (``measure_replicates``): one row per
    measure with the value on all melodies and the ``level`` interval (``low``, ``high``). A resampled
    histogram distance is biased upwards (resampling adds noise to the histogram), so for the ``*_dist``
    measures the value can sit at or below ``low``: compare distances with ``basic_interval`` of a
    difference instead."""
    import pandas as pd

    draws = measure_replicates(melodies, reference, n, seed, groups)
    tail = (1 - level) / 2 * 100
    return pd.DataFrame({"value": draws.iloc[0], "low": np.nanpercentile(draws.iloc[1:], tail, axis=0),
                         "high": np.nanpercentile(draws.iloc[1:], 100 - tail, axis=0)})


def basic_interval(value, replicates, level: float = 0.95) -> tuple:
    """The basic (reverse-percentile) bootstrap interval [2 value - q_high, 2 value - q_low] of each column.

    The percentile interval [q_low, q_high] assumes the replicates scatter around the value; a statistic
    that resampling pushes one way (a histogram distance grows with the noise a resample adds) sits at
    one end of it. The basic interval reflects that shift back."""
    tail = (1 - level) / 2 * 100
    q_low, q_high = np.nanpercentile(np.asarray(replicates, float), [tail, 100 - tail], axis=0)
    value = np.asarray(value, float)
    return 2 * value - q_high, 2 * value - q_low


# ------------------------------------------------------------------------------------------------
# Listening and looking: notes in seconds, NoteSequence/MIDI, audio, piano roll
# ------------------------------------------------------------------------------------------------

def to_notes(events, qpm: float = 90.0) -> list[tuple[int, float, float]]:
    """(pitch, start seconds, end seconds) for each note, at ``qpm`` quarter notes per minute."""
    spq, t, notes = 60.0 / qpm, 0.0, []
    for p, d in events:
        if p != REST:
            notes.append((int(p), t, t + d * spq))
        t += d * spq
    return notes


def to_note_sequence(events, qpm: float = 90.0, program: int = 0):
    """A Magenta ``NoteSequence`` (note-seq) of the melody; write it with
    ``note_seq.sequence_proto_to_midi_file(seq, path)``."""
    import note_seq

    seq = note_seq.NoteSequence()
    seq.tempos.add(qpm=qpm)
    seq.ticks_per_quarter = note_seq.constants.STANDARD_PPQ
    for p, start, end in to_notes(events, qpm):
        seq.notes.add(pitch=p, start_time=start, end_time=end, velocity=80, program=program)
    seq.total_time = max((n.end_time for n in seq.notes), default=0.0)
    return seq


def soundfont_path() -> str:
    """The General MIDI soundfont that ships inside the pretty_midi wheel (TimGM6mb.sf2)."""
    import pretty_midi

    return os.path.join(os.path.dirname(pretty_midi.__file__), "TimGM6mb.sf2")


def synthesize_additive(notes, sr: int = 22050) -> np.ndarray:
    """Plain additive synthesis: a few decaying harmonics per note, no soundfont needed."""
    end = max((e for _, _, e in notes), default=0.0) + 0.5
    audio = np.zeros(int(end * sr) + 1)
    for pitch, start, stop in notes:
        n = int((stop - start) * sr)
        t = np.arange(n) / sr
        f = 440.0 * 2 ** ((pitch - 69) / 12)
        tone = sum(a * np.sin(2 * np.pi * f * h * t) for h, a in [(1, 1.0), (2, 0.4), (3, 0.2), (4, 0.1)])
        envelope = np.minimum(1, t / 0.01) * np.exp(-2.5 * t) * np.minimum(1, (n - np.arange(n)) / (0.02 * sr))
        i = int(start * sr)
        audio[i:i + n] += tone * envelope
    peak = np.abs(audio).max()
    return (audio / peak * 0.8 if peak > 0 else audio).astype(np.float32)


def synthesize(notes, sr: int = 22050, program: int = 0, engine: str = "auto") -> tuple[np.ndarray, str]:
    """Audio (mono float32) for (pitch, start, end) notes, and which engine made it.

    ``engine="auto"`` plays the notes through tinysoundfont with pretty_midi's General MIDI soundfont
    when tinysoundfont is installed, and falls back to ``synthesize_additive`` otherwise. Neither
    needs a network or a system synthesizer."""
    if engine in ("auto", "soundfont"):
        try:
            import tinysoundfont
        except ImportError:
            if engine == "soundfont":
                raise
        else:
            synth = tinysoundfont.Synth(samplerate=sr)
            synth.program_select(0, synth.sfload(soundfont_path()), 0, program)
            events = sorted([(s, 1, p) for p, s, _ in notes] + [(e, 0, p) for p, _, e in notes])
            chunks, now = [], 0.0
            for time, on, pitch in events:
                frames = int(round((time - now) * sr))
                if frames > 0:
                    chunks.append(np.frombuffer(synth.generate(frames), dtype=np.float32).reshape(-1, 2))
                    now += frames / sr
                synth.noteon(0, pitch, 90) if on else synth.noteoff(0, pitch)
            chunks.append(np.frombuffer(synth.generate(int(0.8 * sr)), dtype=np.float32).reshape(-1, 2))
            audio = np.concatenate(chunks).mean(axis=1)
            peak = np.abs(audio).max()
            return (audio / peak * 0.8 if peak > 0 else audio).astype(np.float32), "tinysoundfont + TimGM6mb.sf2"
    return synthesize_additive(notes, sr), "additive synthesis"


def render_clips(clips, seconds: float, sr: int = 16000, program: int = 0, gap: float = 0.5,
                 engine: str = "auto") -> tuple[np.ndarray, str]:
    """Audio for many short clips at once: an array of shape (clips, ``seconds`` * ``sr``), and the engine.

    Each clip is a list of (pitch, start, end) notes in seconds from the clip's start; notes that start
    after ``seconds`` are dropped and the others end by then. The clips are played one after another,
    ``gap`` seconds of silence apart (so that each note's release dies out before the next clip), in one
    call to ``synthesize`` (the soundfont is loaded once), and cut apart again. The whole rendering is
    scaled to one peak, so a quiet clip stays quieter than a loud one."""
    period = seconds + gap
    notes = [(p, k * period + s, k * period + min(e, seconds)) for k, clip in enumerate(clips)
             for p, s, e in clip if s < seconds]
    audio, used = synthesize(notes, sr=sr, program=program, engine=engine)
    n, step = int(round(seconds * sr)), int(round(period * sr))
    audio = np.pad(audio, (0, max(0, step * len(clips) - len(audio))))
    return np.stack([audio[k * step: k * step + n] for k in range(len(clips))]), used


NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: int) -> str:
    """Scientific pitch name of a MIDI number: 60 -> 'C4', 69 -> 'A4'."""
    return f"{NOTE_NAMES[int(pitch) % 12]}{int(pitch) // 12 - 1}"


def piano_roll(ax, events, qpm: float = 90.0, color: str = "#0072B2", title: str | None = None, low=None, high=None):
    """Draw a melody as horizontal bars (time in quarter notes, pitch) on a matplotlib axis, with the
    pitches of C, E and G named on the pitch axis (``low``/``high``: the MIDI range shown)."""
    t = 0.0
    for p, d in events:
        if p != REST:
            ax.broken_barh([(t, d * 0.95)], (p - 0.4, 0.8), facecolors=color)
        t += d
    pitches = [p for p, _ in _notes(events)] or [60]
    low = min(pitches) - 2 if low is None else low
    high = max(pitches) + 2 if high is None else high
    ax.set_ylim(low, high)
    ticks = [p for p in range(int(math.ceil(low)), int(high) + 1) if p % 12 in (0, 4, 7)]
    ax.set_yticks(ticks, [note_name(p) for p in ticks])
    ax.grid(axis="y", color="0.9", lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlim(0, max(t, 1))
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    if title:
        ax.set_title(title)
    return ax
