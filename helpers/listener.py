"""A SYNTHETIC demo listener: an extended Spotify export generated from real catalog tracks.

Used by lessons 06, 08 and 09 through ``helpers.listening`` (the demo listener), and the tests' export variants.

Students without an export of their own (and the test suite) need a listening history with the
fields of Spotify's current *extended streaming history*. No public one exists at the scale of a
few years, so ``simulate_export`` writes one for an invented listener. Every play is SYNTHETIC;
the tracks are real (``helpers.data.load_tracks(dedupe=True)``, URIs ``spotify:track:<track_id>``).

The behavioural model (all numbers are assumptions, chosen to look like published descriptions of
listening logs, not fitted to anyone's data):

- **Library and taste.** The listener knows about 4,700 to 5,000 catalog tracks by about 1,070
  artists (4,718 by 1,074 with the default seed; lesson 06 prints how many of them it played):
  all tracks of 300 favourite artists (drawn among artists with 3+ tracks, in proportion to the
  summed ``exp(genre preference + popularity / 30)`` of their tracks; some 3,800 to 4,100 tracks)
  plus 900 singles by other artists (drawn with the same per-track weight). Each year has a
  taste profile: a preference for each of the six catalog genres (a random walk from year to year) and an ideal energy that drifts down
  linearly from 0.78 in the first year to 0.50 in the last (the listener calms down; 0.7 for a
  one-year export). ``taste_match`` of a track in a year is
  ``genre_pref[genre] - 4 * (energy - ideal_energy) ** 2 - 1.5 * (valence - 0.55) ** 2``,
  standardised over the library, so taste shapes what is played *and* what is skipped, and last
  year's favourites can be next year's skips.
- **Picks.** Outside artist sessions, each play picks a library track with probability
  proportional to ``exp(1.2 * taste_match + 0.5 * fav_artist + track_popularity / 50)``:
  ``fav_artist`` is 1 for the favourite artists' tracks, so they are played about 1.6 times as
  often as a single of equal taste and popularity, and a track 50 popularity points higher about
  2.7 times as often (exposure, not taste). In an artist session the first pick decides the artist
  (a random favourite artist if that track is a single), and the whole session plays that
  artist's tracks, picked by ``exp(1.2 * taste_match)`` alone. Popularity and the favourite-artist
  term therefore raise how often a track is played (and so how often it is finished), but not
  its chance of being skipped once playing.
- **Rhythm.** Each day has a Poisson number of sessions (fewer at weekends, a yearly activity
  level); session starts follow an hourly profile for weekdays and one for weekends, in the
  listener's local time (``LISTENER_TIMEZONE``). Sessions never overlap and are at least
  ``MIN_SESSION_GAP_MIN`` minutes apart; inside a session the next track starts a second or two
  after the last ends, with an occasional pause of up to 15 minutes.
- **Habits.** The platform depends on the hour (phone on the commute and at night, desktop in
  office hours, a smart speaker in the evening). Session length depends on the platform.
  Shuffle depends on the platform and grows a little each year. A quarter of sessions play one
  artist in a row (album listening, rarely shuffled; see **Picks**); the rest mix the library.
- **Skips.** Every music play is skipped with probability ``sigmoid(z)`` where ``z`` adds up the
  coefficients in ``SKIP_EFFECTS`` (a ground truth that notebook 09 tries to recover): taste match,
  a per-track appeal (a random effect), shuffle, position in the session, how the track started
  (after a skip the listener is browsing; a track picked by hand is rarely skipped), local time of
  day, weekend, platform, and audio features (speechiness, instrumentalness, duration). A skip ends
  the play early (most within 30 s, some later) with ``reason_end`` "fwdbtn" (80 %), "backbtn"
  (5 %) or "endplay" (15 %, the listener picked another track: the next one starts "clickrow").
  Plays that are not skipped end "trackdone", except the last of a session, which may be
  stopped part-way ("endplay", "logout", "unexpected-exit"). A few plays fail ("trackerror").
- **Fields.** The files carry the current export's fields, including ``ip_addr`` (always from the
  documentation range 192.0.2.0/24, obviously fake) and the ``audiobook_*`` fields (null), which
  a loader must drop or ignore. ``skipped`` is null for plays in the first ``SKIPPED_NULL_DAYS``
  days, as in older real exports. A few podcast sessions have null track fields. ``platform``
  strings follow the older verbose style before 2023 and the short style after.

Everything is deterministic for a seed. The folder holds ``README_SYNTHETIC.txt`` saying so.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .files import write_atomically

__all__ = ["simulate_export", "SKIP_EFFECTS", "LISTENER_TIMEZONE", "EXPORT_FOLDER", "FIELDS",
           "DEFAULT_YEARS", "DEFAULT_SEED", "demo_export_dir"]

EXPORT_FOLDER = "Spotify Extended Streaming History"
LISTENER_TIMEZONE = "Europe/Stockholm"
"""Where the demo listener lives: the planted time-of-day effects are in this local time."""
CONN_COUNTRY = "SE"
DEFAULT_YEARS = (2021, 2024)
DEFAULT_SEED = 2026
MIN_SESSION_GAP_MIN = 35
SKIPPED_NULL_DAYS = 200
SPLIT_FILE_BYTES = 12_000_000
"""Spotify splits the history into files of roughly this size (about 12 MB each)."""

FIELDS = [
    "ts", "platform", "ms_played", "conn_country", "ip_addr", "master_metadata_track_name",
    "master_metadata_album_artist_name", "master_metadata_album_album_name", "spotify_track_uri",
    "episode_name", "episode_show_name", "spotify_episode_uri", "audiobook_title", "audiobook_uri",
    "audiobook_chapter_uri", "audiobook_chapter_title", "reason_start", "reason_end", "shuffle",
    "skipped", "offline", "offline_timestamp", "incognito_mode",
]
"""The fields of each record, in the order current exports write them."""

SKIP_EFFECTS: dict[str, float] = {
    "intercept": -1.15,            # log-odds of a skip when every other term is zero
    "taste_match": -0.90,          # per standard deviation of the year's taste match (latent)
    "track_appeal_sd": 0.70,       # sd of a per-track random effect on the log-odds (latent)
    "shuffle": 0.45,               # the session is on shuffle
    "log_position": 0.25,          # per unit of log(position in session), position 1 = first
    "reason_start_fwdbtn": 0.80,   # the previous track was skipped with the next button
    "reason_start_clickrow": -1.00,  # the listener picked this track by hand
    "night": 0.35,                 # local hour 0-5
    "morning": 0.20,               # local hour 6-9
    "weekend": -0.20,              # Saturday or Sunday (local)
    "platform_desktop": -0.25,     # Windows app (relative to the phone)
    "platform_web": 0.0,           # web player (relative to the phone)
    "platform_speaker": -0.60,     # smart speaker: skipping means walking over to it
    "speechiness": 1.50,           # per unit of speechiness (0-1)
    "instrumentalness": 0.60,      # per unit of instrumentalness (0-1)
    "duration_min": 0.12,          # per minute of track length above 3.5 minutes
}
"""The planted skip model: ``P(skip) = sigmoid(sum of terms)``. Every term but ``taste_match`` and
the track appeal can be computed from an export plus the catalog's audio features."""

_GENRES = ["edm", "latin", "pop", "r&b", "rap", "rock"]
_PLATFORMS = ["phone", "desktop", "web", "speaker"]
_PLATFORM_STRINGS = {  # (before 2023, 2023 on); modelled on the styles seen in real exports
    "phone": ("Android OS 12 API 31 (Google, Pixel 6)", "android"),
    "desktop": ("Windows 10 (10.0.19044; x64; AppX)", "windows"),
    "web": ("WebPlayer (websocket RFC6455)", "web_player"),
    "speaker": ("Partner sonos_speaker Sonos;One;e2f0ba3c", "sonos"),
}
# Hourly weights of session starts (local time), weekday and weekend.
_HOURS_WEEKDAY = np.array([2, 1, .5, .2, .1, .2, 2, 6, 7, 3, 2, 2, 4, 2, 2, 2, 4, 6, 5, 5, 6, 6, 5, 3.])
_HOURS_WEEKEND = np.array([4, 3, 1.5, .5, .2, .2, .3, .6, 1.5, 3, 5, 6, 5, 4, 4, 4, 4, 4, 4, 5, 6, 6, 5, 4.])
_PODCAST_SHOWS = [("SYNTHETIC: The Data Hour", 45), ("SYNTHETIC: Morning Brief", 20),
                  ("SYNTHETIC: Tracks Explained", 35)]
_BASE62 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))

_README = """SYNTHETIC DATA - NOT A REAL PERSON'S LISTENING HISTORY

This folder was written by helpers.listener.simulate_export (Spotify ML Workbook) for an invented
demo listener, seed {seed}, years {first}-{last}: {plays} plays in {files} files. The tracks are real
catalog tracks (TidyTuesday 2020-01-21 "30,000 Spotify songs"); every play, time, device, skip and
IP address (192.0.2.x, a documentation range) is made up by a documented behavioural model: see the
docstring of helpers/listener.py. The file and field names follow Spotify's extended streaming
history so that the same code reads this folder and a real export.
"""


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def demo_export_dir() -> Path:
    """The writable cache folder the notebooks use for the demo export (never the repository)."""
    from .data import cache_dir
    return cache_dir() / "demo-export"


def _years(years) -> list[int]:
    if isinstance(years, int):
        return [years]
    values = sorted(int(y) for y in years)
    if len(values) == 2 and values[1] - values[0] > 1:
        values = list(range(values[0], values[1] + 1))
    if not values or values != list(range(values[0], values[-1] + 1)):
        raise ValueError(f"years must be (first, last) or consecutive years, not {years!r}")
    return values


def _library(catalog: pd.DataFrame, genre_pref: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """The tracks the listener knows: every track of 300 artists (three or more tracks each) plus 900 singles
    (4,718 tracks by 1,074 artists with the default seed)."""
    cat = catalog.dropna(subset=["track_name", "track_artist", "track_album_name"])
    cat = cat[(cat["duration_ms"] >= 60_000) & cat["playlist_genre"].isin(_GENRES)]
    cat = cat.sort_values("track_id", kind="stable").reset_index(drop=True)
    g = cat["playlist_genre"].map({name: i for i, name in enumerate(_GENRES)}).to_numpy()
    liking = genre_pref.mean(axis=0)[g] + cat["track_popularity"].to_numpy() / 30.0
    artists = cat.assign(w=np.exp(liking)).groupby("track_artist")["w"].agg(["sum", "size"])
    artists = artists[artists["size"] >= 3].sort_index()
    chosen = rng.choice(artists.index.to_numpy(), size=min(300, len(artists)), replace=False,
                        p=(artists["sum"] / artists["sum"].sum()).to_numpy())
    fav = cat["track_artist"].isin(set(chosen)).to_numpy()
    rest = np.flatnonzero(~fav)
    w = np.exp(liking[rest])
    singles = rng.choice(rest, size=min(900, len(rest)), replace=False, p=w / w.sum())
    keep = np.sort(np.concatenate([np.flatnonzero(fav), singles]))
    lib = cat.iloc[keep].reset_index(drop=True)
    lib["fav_artist"] = fav[keep]
    lib["genre_index"] = g[keep]
    return lib


def _taste(lib: pd.DataFrame, genre_pref: np.ndarray, ideal_energy: np.ndarray) -> np.ndarray:
    """taste_match[year_index, track]: genre preference and distance to the ideal energy, standardised."""
    g = lib["genre_index"].to_numpy()
    energy = lib["energy"].to_numpy()
    valence = lib["valence"].to_numpy()
    raw = (genre_pref[:, g] - 4.0 * (energy[None, :] - ideal_energy[:, None]) ** 2
           - 1.5 * (valence[None, :] - 0.55) ** 2)
    return (raw - raw.mean(axis=1, keepdims=True)) / raw.std(axis=1, keepdims=True)


def _sessions(years: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """One row per session: local start, platform, shuffle, length, kind."""
    days = pd.date_range(f"{years[0]}-01-01", f"{years[-1]}-12-31", freq="D")
    year_idx = np.asarray(days.year - years[0])
    activity = rng.uniform(0.85, 1.15, size=len(years))[year_idx]
    weekend = np.asarray(days.dayofweek >= 5)
    lam = np.where(weekend, 2.3, 2.7) * activity * (rng.random(len(days)) < 0.93)
    n = rng.poisson(lam)
    day = np.repeat(np.arange(len(days)), n)
    wk = weekend[day]
    hour = np.where(wk, rng.choice(24, size=len(day), p=_HOURS_WEEKEND / _HOURS_WEEKEND.sum()),
                    rng.choice(24, size=len(day), p=_HOURS_WEEKDAY / _HOURS_WEEKDAY.sum()))
    seconds = hour * 3600 + rng.integers(0, 3600, size=len(day))
    order = np.lexsort((seconds, day))
    day, hour, seconds, wk = day[order], hour[order], seconds[order], wk[order]
    local = days[day] + pd.to_timedelta(seconds, unit="s")

    # Platform by hour (local): rows of probabilities over phone, desktop, web, speaker.
    office = (~wk) & (hour >= 9) & (hour <= 16)
    evening = (hour >= 18) & (hour <= 23)
    probs = np.tile([0.85, 0.08, 0.04, 0.03], (len(day), 1))
    probs[office] = [0.25, 0.55, 0.17, 0.03]
    probs[evening] = [0.40, 0.22, 0.06, 0.32]
    u = rng.random(len(day))[:, None]
    platform = (u > probs.cumsum(axis=1)).sum(axis=1)
    platform = np.minimum(platform, 3)

    mean_len = np.array([9.0, 16.0, 12.0, 13.0])[platform]
    length = 1 + rng.geometric(1.0 / mean_len)
    length = np.minimum(length, 60)
    yi = np.asarray(local.year - years[0])
    p_shuffle = np.array([0.60, 0.35, 0.30, 0.50])[platform] + 0.04 * yi
    artist_session = rng.random(len(day)) < 0.25
    p_shuffle = np.where(artist_session, 0.10, p_shuffle)
    shuffle = rng.random(len(day)) < p_shuffle
    podcast = (rng.random(len(day)) < 0.012) & (platform == 0)
    length = np.where(podcast, 1, length)
    return pd.DataFrame({
        "local_start": local, "year_index": yi, "hour": hour, "weekend": wk,
        "platform": platform, "shuffle": shuffle & ~podcast, "length": length,
        "artist_session": artist_session & ~podcast, "podcast": podcast,
        "offline": (platform == 0) & (rng.random(len(day)) < 0.05),
        "incognito": rng.random(len(day)) < 0.01,
    })


def _pick_tracks(sessions: pd.DataFrame, lib: pd.DataFrame, taste: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Library index of every music play, session after session."""
    lengths = sessions["length"].to_numpy()
    sess = np.repeat(np.arange(len(sessions)), lengths)
    out = np.empty(len(sess), dtype=np.int64)
    yi_play = sessions["year_index"].to_numpy()[sess]
    fav = lib["fav_artist"].to_numpy()
    pop = lib["track_popularity"].to_numpy()
    for y in range(taste.shape[0]):
        w = np.exp(1.2 * taste[y] + 0.5 * fav + pop / 50.0)
        mask = yi_play == y
        out[mask] = rng.choice(len(lib), size=int(mask.sum()), p=w / w.sum())
    # Artist sessions: one favourite artist's tracks, picked by the same weights.
    artist_codes, _ = pd.factorize(lib["track_artist"], sort=True)
    by_artist = {a: np.flatnonzero(artist_codes == a) for a in np.unique(artist_codes[fav])}
    fav_artists = np.array(sorted(by_artist))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for s in np.flatnonzero(sessions["artist_session"].to_numpy()):
        y = yi_play[starts[s]]
        anchor = out[starts[s]]  # the session's first pick decides the artist (if a favourite)
        a = artist_codes[anchor] if artist_codes[anchor] in by_artist else rng.choice(fav_artists)
        pool = by_artist[a]
        w = np.exp(1.2 * taste[y, pool])
        out[starts[s]:starts[s] + lengths[s]] = rng.choice(pool, size=lengths[s], p=w / w.sum())
    return out


def _simulate_plays(sessions: pd.DataFrame, lib: pd.DataFrame, taste: np.ndarray,
                    rng: np.random.Generator, skip_shift: float = 0.0) -> pd.DataFrame:
    """Tracks, skips, reasons and play lengths of every play of every session."""
    lengths = sessions["length"].to_numpy()
    sess = np.repeat(np.arange(len(sessions)), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    position = np.arange(len(sess)) - starts[sess] + 1
    track = _pick_tracks(sessions, lib, taste, rng)
    podcast = sessions["podcast"].to_numpy()[sess]
    base = _skip_log_odds(sessions, sess, position, track, lib, taste, rng) + skip_shift
    reason_start, reason_end, skip, error = _skips(base, position, sessions["platform"].to_numpy()[sess], podcast, rng)

    # The last play of a session: sometimes stopped part-way instead of finishing.
    n = len(sess)
    stop = (position == lengths[sess]) & (reason_end == "trackdone") & (rng.random(n) < 0.4)
    reason_end[stop] = rng.choice(["endplay", "logout", "unexpected-exit"], size=int(stop.sum()),
                                  p=[0.7, 0.2, 0.1])
    ms = _play_lengths(lib["duration_ms"].to_numpy()[track], skip, stop, error, rng)
    return pd.DataFrame({
        "session": sess, "position": position, "track": track, "podcast": podcast,
        "reason_start": reason_start, "reason_end": reason_end, "skip": skip,
        "ms_played": ms.astype(np.int64), "log_odds": base,
    })


def _skip_log_odds(sessions: pd.DataFrame, sess: np.ndarray, position: np.ndarray, track: np.ndarray,
                   lib: pd.DataFrame, taste: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Every term of ``SKIP_EFFECTS`` but the reason the play started (which depends on the play before)."""
    e = SKIP_EFFECTS
    yi, hour = sessions["year_index"].to_numpy()[sess], sessions["hour"].to_numpy()[sess]
    appeal = rng.normal(0.0, e["track_appeal_sd"], size=len(lib))
    duration = lib["duration_ms"].to_numpy()[track]
    return (e["intercept"] + e["taste_match"] * taste[yi, track] + appeal[track]
            + e["shuffle"] * sessions["shuffle"].to_numpy()[sess] + e["log_position"] * np.log(position)
            + e["night"] * (hour <= 5) + e["morning"] * ((hour >= 6) & (hour <= 9))
            + e["weekend"] * sessions["weekend"].to_numpy()[sess]
            + np.array([0.0, e["platform_desktop"], e["platform_web"], e["platform_speaker"]])[
                sessions["platform"].to_numpy()[sess]]
            + e["speechiness"] * lib["speechiness"].to_numpy()[track]
            + e["instrumentalness"] * lib["instrumentalness"].to_numpy()[track]
            + e["duration_min"] * (duration / 60_000 - 3.5))


def _skips(base: np.ndarray, position: np.ndarray, platform: np.ndarray, podcast: np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Why each play started and ended, and whether it was skipped, one session position at a time:
    a play started with the next button (the previous one was skipped) is skipped more often."""
    e, n = SKIP_EFFECTS, len(base)
    reason_start, reason_end = np.empty(n, dtype=object), np.empty(n, dtype=object)
    skip = np.zeros(n, dtype=bool)
    error = rng.random(n) < 0.003
    first_reason = np.where(platform == 3,
                            rng.choice(["remote", "playbtn"], size=n, p=[0.7, 0.3]),
                            rng.choice(["clickrow", "playbtn", "appload", "uriopen"], size=n,
                                       p=[0.55, 0.25, 0.15, 0.05]))
    skip_end = rng.choice(["fwdbtn", "backbtn", "endplay"], size=n, p=[0.80, 0.05, 0.15])
    next_start = {"fwdbtn": "fwdbtn", "backbtn": "backbtn", "endplay": "clickrow",
                  "trackdone": "trackdone", "trackerror": "trackerror"}
    u = rng.random(n)
    for k in range(1, int(position.max()) + 1):
        idx = np.flatnonzero(position == k)
        rs = first_reason[idx] if k == 1 else np.array([next_start[r] for r in reason_end[idx - 1]], dtype=object)
        reason_start[idx] = rs
        z = base[idx] + e["reason_start_fwdbtn"] * (rs == "fwdbtn") + e["reason_start_clickrow"] * (rs == "clickrow")
        s = (u[idx] < _sigmoid(z)) & ~podcast[idx] & ~error[idx]
        skip[idx] = s
        reason_end[idx] = np.where(error[idx], "trackerror", np.where(s, skip_end[idx], "trackdone"))
    return reason_start, reason_end, skip, error


def _play_lengths(duration: np.ndarray, skip: np.ndarray, stop: np.ndarray, error: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """Milliseconds played: most skips within seconds (some after 30 s), stops part-way, errors at once."""
    n = len(duration)
    early = rng.random(n) < 0.75
    skip_ms = np.where(early, np.exp(rng.normal(np.log(9_000), 0.7, size=n)),
                       30_000 + rng.exponential(50_000, size=n))
    ms = duration - rng.integers(0, 400, size=n)
    ms = np.where(skip, np.minimum(skip_ms, duration - 1_000), ms)
    ms = np.where(stop, duration * rng.uniform(0.05, 0.95, size=n), ms)
    return np.where(error, rng.integers(0, 2_000, size=n), ms)


def _timeline(sessions: pd.DataFrame, plays: pd.DataFrame, rng: np.random.Generator,
              podcast_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTC start and end (epoch ms) of every play; sessions pushed apart so none overlap."""
    local = sessions["local_start"]
    utc = local.dt.tz_localize(LISTENER_TIMEZONE, nonexistent="shift_forward",
                               ambiguous=np.zeros(len(local), dtype=bool)).dt.tz_convert("UTC")
    start_ms = ((utc - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)).to_numpy(np.int64)
    ms = np.where(plays["podcast"].to_numpy(), podcast_ms, plays["ms_played"].to_numpy())
    gap = np.where(rng.random(len(plays)) < 0.04, rng.integers(60_000, 900_000, size=len(plays)),
                   rng.integers(200, 2_500, size=len(plays)))
    gap[plays["position"].to_numpy() == 1] = 0
    step = ms + gap
    # Within a session, offset of each play's start from the session start.
    sess = plays["session"].to_numpy()
    cum = np.cumsum(step)
    session_first = np.concatenate([[0], np.cumsum(sessions["length"].to_numpy())[:-1]])
    offset = cum - step - (cum - step)[session_first][sess]
    session_span = np.add.reduceat(step, session_first)
    min_gap = MIN_SESSION_GAP_MIN * 60_000
    begin = start_ms.copy()
    for i in range(1, len(begin)):
        earliest = begin[i - 1] + session_span[i - 1] + min_gap
        if begin[i] < earliest:
            begin[i] = earliest
    play_start = begin[sess] + offset
    return play_start, play_start + ms



def _fake_ids(rng: np.random.Generator, n: int, length: int = 22) -> list[str]:
    return ["".join(row) for row in _BASE62[rng.integers(0, 62, size=(n, length))]]


def simulate_export(out_dir=None, years=DEFAULT_YEARS, seed: int = DEFAULT_SEED,
                    catalog: pd.DataFrame | None = None, skip_shift: float = 0.0) -> Path:
    """Write a SYNTHETIC extended streaming history and return its folder.

    ``out_dir``: where the folder ``"Spotify Extended Streaming History"`` is created (default:
    ``demo_export_dir()``, in the writable cache; never point it into the repository or the data
    mirror). ``years``: ``(first, last)`` inclusive, or a list of consecutive years. ``seed``:
    the same seed gives byte-identical files. ``catalog``: the tracks to draw from (default
    ``helpers.data.load_tracks(dedupe=True)``). ``skip_shift``: added to the planted skip model's
    intercept (log-odds), for listeners who skip far more (> 0) or far less (< 0) than the demo; the
    tests use it to check that lessons hold on many kinds of listener.

    The folder holds ``Streaming_History_Audio_<first>-<last>_<N>.json`` files (one year in the
    name when a file covers only one), split at about ``SPLIT_FILE_BYTES`` as Spotify does, and
    ``README_SYNTHETIC.txt``. Old ``Streaming_History_Audio_*.json`` files in that folder are
    replaced (each file atomically, so a concurrent reader never sees half a file). The behavioural model and ``SKIP_EFFECTS`` are documented at the top of this module.
    """
    year_list = _years(years)
    rng = np.random.default_rng(seed)
    if catalog is None:
        from .data import load_tracks
        catalog = load_tracks(dedupe=True)

    n_years = len(year_list)
    genre_pref = np.cumsum(rng.normal(0.0, 0.7, size=(n_years, len(_GENRES))), axis=0)
    genre_pref[0] += rng.normal(0.0, 0.8, size=len(_GENRES))
    ideal_energy = np.linspace(0.78, 0.50, n_years) if n_years > 1 else np.array([0.7])
    lib = _library(catalog, genre_pref, rng)
    taste = _taste(lib, genre_pref, ideal_energy)
    sessions = _sessions(year_list, rng)
    plays = _simulate_plays(sessions, lib, taste, rng, skip_shift)
    columns = _export_columns(sessions, plays, lib, year_list, rng)
    records = [dict(zip(FIELDS, row)) for row in zip(*(columns[field] for field in FIELDS))]

    folder = (Path(out_dir) if out_dir is not None else demo_export_dir()) / EXPORT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    n_files = _write_export(folder, records)
    write_atomically(folder / "README_SYNTHETIC.txt",
                     _README.format(seed=seed, first=year_list[0], last=year_list[-1], plays=len(records), files=n_files))
    return folder


def _export_columns(sessions: pd.DataFrame, plays: pd.DataFrame, lib: pd.DataFrame, year_list: list[int],
                    rng: np.random.Generator) -> dict[str, list]:
    """Every field of every play as Spotify writes it (one list per field): music and podcast episodes,
    on the timeline of the sessions, cut at the end of the last year."""
    pod = plays["podcast"].to_numpy()
    shows = rng.integers(0, len(_PODCAST_SHOWS), size=len(plays))
    show_minutes = np.array([m for _, m in _PODCAST_SHOWS])[shows]
    podcast_ms = (show_minutes * 60_000 * rng.uniform(0.3, 1.0, size=len(plays))).astype(np.int64)
    start, end = _timeline(sessions, plays, rng, podcast_ms)
    keep = end < pd.Timestamp(f"{year_list[-1] + 1}-01-01", tz="UTC").value // 1_000_000  # whole years only
    n = int(keep.sum())
    sess, track, pod, shows = plays["session"].to_numpy()[keep], plays["track"].to_numpy()[keep], pod[keep], shows[keep]
    ts = pd.to_datetime(end[keep], unit="ms", utc=True)
    platform, verbose = sessions["platform"].to_numpy()[sess], ts.year < 2023   # older exports name the model
    null_before = pd.Timestamp(f"{year_list[0]}-01-01", tz="UTC") + pd.Timedelta(days=SKIPPED_NULL_DAYS)
    skipped_known = np.asarray(ts >= null_before)
    ip_last = rng.integers(1, 255, size=len(sessions))[sess]
    episode_ids = np.array(_fake_ids(rng, len(_PODCAST_SHOWS) * 50))
    pod_done = pod & (podcast_ms[keep] >= 0.98 * show_minutes[keep] * 60_000)
    reason_end = np.where(pod, np.where(pod_done, "trackdone", "endplay"), plays["reason_end"].to_numpy()[keep])
    episode_no = rng.integers(0, 50, size=n)

    def music(values, fmt=str):
        return [None if p else fmt(v) for p, v in zip(pod, values)]

    def podcast(values):
        return [str(v) if p else None for p, v in zip(pod, values)]

    nothing = [None] * n
    return {
        "ts": list(ts.strftime("%Y-%m-%dT%H:%M:%SZ")),
        "platform": [_PLATFORM_STRINGS[_PLATFORMS[p]][0 if v else 1] for p, v in zip(platform, verbose)],
        "ms_played": np.where(pod, podcast_ms[keep], plays["ms_played"].to_numpy()[keep]).astype(int).tolist(),
        "conn_country": [CONN_COUNTRY] * n,
        "ip_addr": [f"192.0.2.{i}" for i in ip_last],
        "master_metadata_track_name": music(lib["track_name"].to_numpy()[track]),
        "master_metadata_album_artist_name": music(lib["track_artist"].to_numpy()[track]),
        "master_metadata_album_album_name": music(lib["track_album_name"].to_numpy()[track]),
        "spotify_track_uri": music(lib["track_id"].to_numpy()[track], lambda i: f"spotify:track:{i}"),
        "episode_name": podcast([f"Episode {e + 1}" for e in episode_no]),
        "episode_show_name": podcast([_PODCAST_SHOWS[s][0] for s in shows]),
        "spotify_episode_uri": podcast([f"spotify:episode:{episode_ids[s * 50 + e]}" for s, e in zip(shows, episode_no)]),
        "audiobook_title": nothing, "audiobook_uri": nothing, "audiobook_chapter_uri": nothing,
        "audiobook_chapter_title": nothing,
        "reason_start": plays["reason_start"].to_numpy()[keep].astype(str).tolist(),
        "reason_end": reason_end.astype(str).tolist(),
        "shuffle": sessions["shuffle"].to_numpy()[sess].astype(bool).tolist(),
        "skipped": [bool(s) if known else None for s, known in zip(plays["skip"].to_numpy()[keep], skipped_known)],
        "offline": sessions["offline"].to_numpy()[sess].astype(bool).tolist(),
        "offline_timestamp": (start[keep] // 1000).astype(int).tolist(),
        "incognito_mode": sessions["incognito"].to_numpy()[sess].astype(bool).tolist(),
    }


def _write_export(folder: Path, records: list[dict]) -> int:
    """Write ``records`` as Spotify does, indented JSON arrays cut at about ``SPLIT_FILE_BYTES``; returns the
    number of files. Each file is renamed into place (a concurrent reader sees whole files only), and files
    of an earlier run with other names are removed afterwards."""
    # Each record is encoded by json's fast C encoder with the indentation in the item separator (every
    # value is a scalar).
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": ")).encode
    texts = ["  {\n    " + encode(r)[1:-1] + "\n  }" for r in records]
    chunks, current, size = [], [], 2
    for i, text in enumerate(texts):
        length = len(text.encode("utf-8")) + 2
        if current and size + length > SPLIT_FILE_BYTES:
            chunks.append(current)
            current, size = [], 2
        current.append(i)
        size += length
    if current:
        chunks.append(current)
    written = set()
    for number, chunk in enumerate(chunks):
        first, last = records[chunk[0]]["ts"][:4], records[chunk[-1]]["ts"][:4]
        span = first if first == last else f"{first}-{last}"
        target = folder / f"Streaming_History_Audio_{span}_{number}.json"
        write_atomically(target, "[\n" + ",\n".join(texts[i] for i in chunk) + "\n]")
        written.add(target.name)
    for old in folder.glob("Streaming_History_Audio_*.json"):
        if old.name not in written:
            old.unlink(missing_ok=True)
    return len(chunks)
