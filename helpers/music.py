"""Small music helpers for lesson 10: chorale melodies, tokens, an n-gram model, objective measures,
synthesis without a system synthesizer, and a piano roll.

A melody is a list of ``(pitch, duration)`` events: ``pitch`` is a MIDI number (60 = middle C) or
``REST`` (-1), ``duration`` is in quarter notes. The models themselves live in the notebook.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

REST = -1
BOS, EOS = "<s>", "</s>"
C_MAJOR = (0, 2, 4, 5, 7, 9, 11)  # pitch classes of C major = A natural minor
_CACHE_VERSION = 2


# ------------------------------------------------------------------------------------------------
# Chorale melodies from music21's corpus
# ------------------------------------------------------------------------------------------------

def shift_to_c(tonic_pitch_class: int, mode: str) -> int:
    """Semitones that move a key with this tonic to C major (or A minor), the smallest move (-5..6)."""
    target = 0 if mode == "major" else 9
    return (target - tonic_pitch_class + 5) % 12 - 5


def soprano_events(score) -> tuple[list[tuple[int, float]], str, int]:
    """The soprano of a music21 score as (pitch, quarter length) events, its key's mode and tonic.

    The soprano is the part named "Soprano" (scores with instruments list those first), else the
    top part. Ties are merged, grace notes dropped, a chord keeps its top note; the key is the one
    music21's Krumhansl-Schmuckler analysis finds for the whole score."""
    sopranos = [p for p in score.parts if "soprano" in (p.partName or "").lower()]
    part = (sopranos[0] if sopranos else score.parts[0]).stripTies()
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

    Returns one dict per usable chorale: ``id`` (file name), ``mode``, ``shift`` (semitones applied)
    and ``events``. Files that are not four-part scores (roman-numeral analyses, one-part pieces)
    and melodies of fewer than 8 notes are skipped. Parsing all files takes about a minute the
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
        melodies.append({"id": os.path.basename(str(file)), "mode": mode, "shift": shift, "events": events})
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


def perplexity(model, sequences: Iterable[Sequence[str]]) -> float:
    """exp(mean negative log-likelihood per predicted token), over all sequences together."""
    nll, count = 0.0, 0
    for seq in sequences:
        ll, n = model.log_likelihood(seq)
        nll, count = nll - ll, count + n
    return math.exp(nll / count)


# ------------------------------------------------------------------------------------------------
# Objective measures (Yang & Lerch 2020), on (pitch, duration) events
# ------------------------------------------------------------------------------------------------

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


def _length_histogram(melodies, lengths=(0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)) -> np.ndarray:
    """Counts of note lengths, each note put in the bin of the nearest length in ``lengths``."""
    values = np.array([d for m in melodies for _, d in _notes(m)])
    nearest = np.abs(values[:, None] - np.array(lengths)[None, :]).argmin(axis=1) if len(values) else []
    return np.bincount(nearest, minlength=len(lengths)).astype(float)


def describe(melodies: Sequence[Sequence[tuple[int, float]]], reference=None) -> dict:
    """Yang & Lerch (2020) style summary of a set of melodies: share of notes in C major / A minor,
    mean pitch range per melody, mean absolute interval, share of steps (|interval| <= 2 semitones),
    mean note length; given ``reference`` melodies (the corpus), also the total-variation distance
    of the pitch-class, interval and note-length histograms to the reference's."""
    pooled = [e for m in melodies for e in m]
    steps = np.abs(np.concatenate([intervals(m) for m in melodies if len(_notes(m)) > 1] or [np.array([])]))
    out = {
        "in_key": in_key_ratio(pooled),
        "pitch_range": float(np.mean([pitch_range(m) for m in melodies])),
        "mean_abs_interval": float(steps.mean()) if len(steps) else float("nan"),
        "step_share": float((steps <= 2).mean()) if len(steps) else float("nan"),
        "mean_note_length": float(np.mean([d for _, d in _notes(pooled)])),
    }
    if reference is not None:
        ref_pooled = [e for m in reference for e in m]
        out["pitch_class_dist"] = histogram_distance(pitch_class_histogram(pooled), pitch_class_histogram(ref_pooled))
        out["interval_dist"] = histogram_distance(_interval_histogram(melodies), _interval_histogram(reference))
        out["length_dist"] = histogram_distance(_length_histogram(melodies), _length_histogram(reference))
    return out


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


def piano_roll(ax, events, qpm: float = 90.0, color: str = "#0072B2", title: str | None = None):
    """Draw a melody as horizontal bars (time in quarter notes, MIDI pitch) on a matplotlib axis."""
    t = 0.0
    for p, d in events:
        if p != REST:
            ax.broken_barh([(t, d * 0.95)], (p - 0.4, 0.8), facecolors=color)
        t += d
    pitches = [p for p, _ in _notes(events)] or [60]
    ax.set_ylim(min(pitches) - 2, max(pitches) + 2)
    ax.set_xlim(0, max(t, 1))
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("MIDI pitch")
    if title:
        ax.set_title(title)
    return ax
