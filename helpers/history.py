"""Spotify personal data exports (your listening history) as one tidy table of music plays.

Spotify sends two kinds of export (https://www.spotify.com/account/privacy/):

- **basic** ("Account data", a few days): ``StreamingHistory0.json`` or
  ``StreamingHistory_music_0.json``, records ``{endTime, artistName, trackName, msPlayed}``,
  with ``endTime`` the END of the play in UTC as ``"YYYY-MM-DD HH:MM"``. Podcasts come in
  ``StreamingHistory_podcast_N.json`` (``podcastName``, ``episodeName``). No URIs, no album.
- **extended** ("Extended streaming history", up to 30 days): ``endsong_N.json`` (older) or
  ``Streaming_History_Audio_<years>[_N].json`` (current), records with ``ts`` (ISO-8601 UTC end
  time), ``ms_played``, ``master_metadata_*`` names, ``spotify_track_uri``, ``reason_start``,
  ``reason_end``, ``shuffle``, ``skipped`` and more; podcast and audiobook rows sit in the same
  files with null track fields. ``Streaming_History_Video_*.json`` holds video plays.

``load_export(path)`` reads either one (the zip Spotify sends, its extracted folder, one JSON file,
or a list of them) and returns a DataFrame with one row per music play and the columns
``PLAY_COLUMNS``. What was left out and why is in ``df.attrs["summary"]`` (see ``load_export``).

Privacy: user names, IP addresses and user agents are dropped while the files are read and are
never returned; ``platform`` is reduced to its family ("android", "ios", ...), because older
exports name the device model there. Nothing is written to disk.

``simulate_export`` (from ``helpers.listener``) writes an extended export for a SYNTHETIC demo
listener, for students without an export of their own.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath

import pandas as pd

from .errors import CourseError, DataUnavailableError, MalformedDataError
from .listener import simulate_export

__all__ = ["load_export", "load_user_export", "simulate_export", "summary_text", "PLAY_COLUMNS", "KNOWN_FIELDS"]

PLAY_COLUMNS = [
    "ts", "artist", "track", "album", "ms_played", "track_uri", "track_id", "platform",
    "reason_start", "reason_end", "shuffle", "skipped", "source_format",
]
"""Columns of ``load_export``'s table, in order. Fields a format lacks are null (basic exports
have only ts, artist, track and ms_played)."""

# File names as Spotify writes them (inside the zip or the extracted folder).
_BASIC_MUSIC = re.compile(r"^StreamingHistory(_music_)?\d+\.json$", re.IGNORECASE)
_BASIC_PODCAST = re.compile(r"^StreamingHistory_podcast_\d+\.json$", re.IGNORECASE)
_EXTENDED_AUDIO = re.compile(r"^(endsong_\d+|Streaming_History_Audio_.*)\.json$", re.IGNORECASE)
_EXTENDED_VIDEO = re.compile(r"^Streaming_History_Video_.*\.json$", re.IGNORECASE)

_EXPECTED = (
    "a Spotify data export: the zip Spotify sends, its extracted folder, or JSON files named "
    "StreamingHistory*.json / StreamingHistory_music_*.json (basic) or endsong_*.json / "
    "Streaming_History_Audio_*.json (extended)"
)

BASIC_FIELDS = {"endTime", "artistName", "trackName", "msPlayed"}
BASIC_PODCAST_FIELDS = {"endTime", "podcastName", "episodeName", "msPlayed"}
EXTENDED_FIELDS = {
    "ts", "platform", "ms_played", "conn_country", "master_metadata_track_name",
    "master_metadata_album_artist_name", "master_metadata_album_album_name", "spotify_track_uri",
    "episode_name", "episode_show_name", "spotify_episode_uri", "reason_start", "reason_end",
    "shuffle", "skipped", "offline", "offline_timestamp", "incognito_mode",
    "audiobook_title", "audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title",
}
PRIVATE_FIELDS = {"username", "user_name", "ip_addr", "ip_addr_decrypted", "user_agent_decrypted",
                  "user_agent"}
"""Dropped as soon as a file is read; never kept, counted or shown (only their names are listed)."""
KNOWN_FIELDS = BASIC_FIELDS | BASIC_PODCAST_FIELDS | EXTENDED_FIELDS | PRIVATE_FIELDS

_EXTENDED_RENAME = {
    "master_metadata_album_artist_name": "artist",
    "master_metadata_track_name": "track",
    "master_metadata_album_album_name": "album",
    "spotify_track_uri": "track_uri",
}
_DEDUPE_KEY = ["ts", "artist", "track", "album", "ms_played", "track_uri", "reason_start", "reason_end"]


# --------------------------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------------------------

def _kind_of_name(name: str) -> str | None:
    """'basic', 'basic_podcast', 'extended', 'video' or None (not a streaming-history file)."""
    base = PurePosixPath(name).name
    if base.startswith("._"):   # macOS resource forks inside zips
        return None
    for kind, pattern in (("basic_podcast", _BASIC_PODCAST), ("basic", _BASIC_MUSIC),
                          ("video", _EXTENDED_VIDEO), ("extended", _EXTENDED_AUDIO)):
        if pattern.match(base):
            return kind
    return None


def _sources(path: Path) -> list[tuple[str, str, str | None, bytes]]:
    """(full name for messages, short name for the summary, kind from the name or None, raw bytes)
    for every history file under ``path``."""
    if not path.exists():
        raise DataUnavailableError(f"{path} does not exist. Expected {_EXPECTED}.")
    if path.is_dir():
        found = sorted(p for p in path.rglob("*.json") if p.is_file() and "__MACOSX" not in p.parts
                       and _kind_of_name(p.name))
        if not found:
            raise MalformedDataError(
                f"{path} holds no Spotify streaming-history files. Expected {_EXPECTED}. "
                f"(Other files of the export, such as Userdata.json or Playlist1.json, are ignored.)")
        return [(str(p), p.relative_to(path).as_posix(), _kind_of_name(p.name), p.read_bytes()) for p in found]
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = sorted(n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n
                               and _kind_of_name(n))
                if not names:
                    raise MalformedDataError(f"{path} is a zip but holds no Spotify streaming-history "
                                             f"files. Expected {_EXPECTED}.")
                return [(f"{path}:{n}", f"{path.name}:{n}", _kind_of_name(n), zf.read(n)) for n in names]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise MalformedDataError(f"{path} could not be read as a zip archive ({exc}). "
                                     f"Expected {_EXPECTED}.") from None
    if path.suffix.lower() == ".zip":
        raise MalformedDataError(f"{path} is not a valid zip archive. Expected {_EXPECTED}.")
    # A single file: trust its content more than its name (students rename files).
    return [(str(path), path.name, _kind_of_name(path.name), path.read_bytes())]


# --------------------------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------------------------

def _records(name: str, raw: bytes) -> list[dict]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedDataError(f"{name} is not UTF-8 text. Expected a JSON array of plays, "
                                 f"as in Spotify's streaming-history files.") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedDataError(
            f"{name} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). "
            f"Expected a JSON array of plays, as in Spotify's streaming-history files; "
            f"was the file cut short or edited?") from None
    if not isinstance(value, list):
        raise MalformedDataError(f"{name} holds a JSON {type(value).__name__}, not an array. "
                                 f"Expected a JSON array of plays ([{{...}}, {{...}}]).")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise MalformedDataError(f"{name}: item {i} is a {type(item).__name__}, not an object. "
                                     f"Expected every item to be one play ({{\"ts\": ..., ...}}).")
    return value


def _detect(name: str, kind: str | None, records: list[dict]) -> str:
    """The format of a file from its fields (the name decides only for empty files)."""
    keys = set().union(*(r.keys() for r in records[:50])) if records else set()
    if not keys:
        return kind or "empty"
    if "ts" in keys and "ms_played" in keys:
        return "video" if kind == "video" else "extended"
    if "endTime" in keys and "msPlayed" in keys:
        if {"podcastName", "episodeName"} & keys and not {"artistName", "trackName"} & keys:
            return "basic_podcast"
        return "basic"
    raise MalformedDataError(
        f"{name} has fields {sorted(keys)[:8]}, which are not a Spotify streaming history. Expected "
        f"endTime, artistName, trackName, msPlayed (basic export) or ts, ms_played, "
        f"master_metadata_track_name, ... (extended export).")


def _require(name: str, records: list[dict], fields: list[str]) -> None:
    for i, r in enumerate(records):
        missing = [f for f in fields if f not in r]
        if missing:
            raise MalformedDataError(f"{name}: play {i} has no {', '.join(missing)}. Expected every "
                                     f"play to carry {', '.join(fields)}.")


def _timestamps(name: str, values: pd.Series, fmt: str, what: str) -> pd.Series:
    parsed = pd.to_datetime(values, format=fmt, utc=True, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise MalformedDataError(f"{name}: play {i} has the time {values.iloc[i]!r}; expected {what}.")
    return parsed


def _milliseconds(name: str, values: pd.Series, field: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise MalformedDataError(f"{name}: play {i} has {field} = {values.iloc[i]!r}; expected a "
                                 f"whole number of milliseconds (0 or more).")
    return numbers.round().astype("int64")


_TRUE = {True: True, False: False, 1: True, 0: False, "true": True, "false": False,
         "True": True, "False": False, "1": True, "0": False}


def _booleans(values: pd.Series) -> pd.Series:
    return pd.Series([_TRUE.get(v) if v is not None and not (isinstance(v, float) and v != v) else None
                      for v in values], index=values.index, dtype="boolean")


def _text(values: pd.Series) -> pd.Series:
    """Text with None, NaN and blank strings as missing."""
    out = values.astype(object).where(values.notna(), None).astype("str")
    return out.where(out.str.strip() != "")


_PLATFORMS = [  # (pattern, family), first match wins; older exports write long strings
    (r"android", "android"), (r"\bios\b|iphone|ipad", "ios"), (r"windows", "windows"),
    (r"\bos ?x\b|macos|mac os", "osx"), (r"linux", "linux"), (r"web[ _]?player|\bweb\b", "web_player"),
    (r"sonos|speaker|echo|alexa|google home|homepod", "speaker"), (r"\bcast\b|chromecast", "cast"),
    (r"playstation|xbox|\bps[45]\b", "console"), (r"\btv\b|tizen|webos|roku", "tv"),
    (r"\bcar\b|carplay|android auto", "car"), (r"watch|wear ?os", "watch"), (r"partner", "partner"),
]


def platform_family(value) -> str | None:
    """'android', 'ios', 'windows', 'osx', 'linux', 'web_player', 'speaker', ... or 'other'.

    Older extended exports write e.g. "Android OS 9 API 28 (samsung, SM-G960F)": the family is kept,
    the device model is not.
    """
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    low = str(value).lower()
    for pattern, family in _PLATFORMS:
        if re.search(pattern, low):
            return family
    return "other"


def _frame(name: str, fmt: str, records: list[dict]) -> tuple[pd.DataFrame, Counter, set, set]:
    """Music plays of one file in the tidy columns, rows left out by type, unknown and private field names."""
    skipped_rows: Counter = Counter()
    keys = set().union(*(r.keys() for r in records)) if records else set()
    unknown, private = keys - KNOWN_FIELDS, keys & PRIVATE_FIELDS
    # Privacy first: the private fields never reach a DataFrame.
    if private:
        records = [{k: v for k, v in r.items() if k not in PRIVATE_FIELDS} for r in records]

    if fmt in ("video", "basic_podcast", "empty") or not records:  # an empty StreamingHistory0.json too
        if fmt in ("video", "basic_podcast"):
            skipped_rows["video" if fmt == "video" else "podcast"] += len(records)
        return pd.DataFrame(columns=PLAY_COLUMNS), skipped_rows, unknown, private

    raw = pd.DataFrame.from_records(records)
    if fmt == "basic":
        _require(name, records, ["endTime", "msPlayed"])
        is_podcast = pd.Series(False, index=raw.index)
        for col in ("podcastName", "episodeName"):
            if col in raw:
                is_podcast |= raw[col].notna()
        for col in ("artistName", "trackName"):
            if col not in raw:
                raw[col] = None
        skipped_rows["podcast"] += int(is_podcast.sum())
        raw = raw[~is_podcast]
        no_track = raw["artistName"].isna() & raw["trackName"].isna()
        skipped_rows["other"] += int(no_track.sum())
        raw = raw[~no_track]
        out = pd.DataFrame({
            "ts": _timestamps(name, raw["endTime"], "%Y-%m-%d %H:%M", '"YYYY-MM-DD HH:MM" (UTC)'),
            "artist": _text(raw["artistName"]), "track": _text(raw["trackName"]),
            "ms_played": _milliseconds(name, raw["msPlayed"], "msPlayed"),
        }, index=raw.index)
        for col in PLAY_COLUMNS:
            if col not in out:
                out[col] = None
    else:  # extended
        _require(name, records, ["ts", "ms_played"])
        for col in [*EXTENDED_FIELDS]:
            if col not in raw:
                raw[col] = None
        is_podcast = raw["spotify_episode_uri"].notna() | raw["episode_name"].notna() \
            | raw["episode_show_name"].notna()
        is_book = ~is_podcast & (raw["audiobook_uri"].notna() | raw["audiobook_title"].notna()
                                 | raw["audiobook_chapter_uri"].notna())
        is_music = ~is_podcast & ~is_book & (raw["master_metadata_track_name"].notna()
                                             | raw["spotify_track_uri"].notna())
        skipped_rows["podcast"] += int(is_podcast.sum())
        skipped_rows["audiobook"] += int(is_book.sum())
        skipped_rows["other"] += int((~is_podcast & ~is_book & ~is_music).sum())
        raw = raw[is_music].rename(columns=_EXTENDED_RENAME)
        out = pd.DataFrame({
            "ts": _timestamps(name, raw["ts"], "ISO8601", 'ISO-8601 UTC, like "2023-05-01T14:03:27Z"'),
            "artist": _text(raw["artist"]), "track": _text(raw["track"]), "album": _text(raw["album"]),
            "ms_played": _milliseconds(name, raw["ms_played"], "ms_played"),
            "track_uri": _text(raw["track_uri"]),
            "platform": _text(raw["platform"]).map({v: platform_family(v) for v in raw["platform"].dropna().unique()}),
            "reason_start": _text(raw["reason_start"]), "reason_end": _text(raw["reason_end"]),
            "shuffle": _booleans(raw["shuffle"]), "skipped": _booleans(raw["skipped"]),
        }, index=raw.index)
    out["source_format"] = "basic" if fmt == "basic" else "extended"
    out["_file"] = name
    return out, skipped_rows, unknown, private


def _tidy_types(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("artist", "track", "album", "track_uri", "platform", "reason_start", "reason_end",
                "source_format"):
        df[col] = _text(df[col]) if len(df) else df[col].astype("str")
    for col in ("shuffle", "skipped"):
        df[col] = df[col].astype("boolean")
    df["ms_played"] = df["ms_played"].astype("int64")
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    uri = df["track_uri"]
    ids = uri.str.extract(r"^spotify:track:([A-Za-z0-9]{22})$", expand=False)
    df["track_id"] = ids.astype("str")
    return df


# --------------------------------------------------------------------------------------------
# The public loader
# --------------------------------------------------------------------------------------------

def load_export(path, *, verbose: bool = False) -> pd.DataFrame:
    """Read a Spotify data export into one tidy DataFrame of music plays, one row per play.

    ``path``: the zip Spotify sends, its extracted folder (searched recursively), one JSON file,
    or a list of any of these. Both formats (basic and extended, every vintage) are understood;
    when a folder holds both, all plays are kept, except basic plays inside the period the
    extended files cover (the same plays, at minute resolution).

    Columns (``PLAY_COLUMNS``): ``ts`` (end of the play, UTC, timezone-aware), ``artist``,
    ``track``, ``album``, ``ms_played`` (int), ``track_uri`` ("spotify:track:<id>"), ``track_id``
    (the <id>, for joining audio features), ``platform`` (family only), ``reason_start``,
    ``reason_end`` (open vocabularies: unknown values are kept), ``shuffle``, ``skipped``
    (nullable booleans), ``source_format`` ("basic" or "extended"). Fields a format does not
    have are null. Rows are sorted by ``ts``.

    Podcast, audiobook and video rows are left out; so are duplicate plays (the same play in two
    overlapping files; repeats inside one file are real plays and stay). ``df.attrs["summary"]``
    says what was read: ``files`` (names inside the export, without your folders), ``formats``, ``music_plays``, ``left_out`` (a dict:
    podcast, audiobook, video, other -> rows), ``duplicates_removed``,
    ``basic_overlap_removed``, ``unknown_fields`` (accepted, not used) and ``private_fields_dropped``
    (names only). ``summary_text(df)`` prints it in a few lines.

    Raises ``MalformedDataError`` naming the file and what was expected when a file is not a
    streaming history (not JSON, not an array of plays, a missing time, a bad timestamp).
    """
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    if not paths:
        raise DataUnavailableError(f"No path given. Expected {_EXPECTED}.")
    sources, seen = [], set()
    for p in paths:
        for source in _sources(Path(p).expanduser().resolve()):
            if source[0] not in seen:   # the same file named twice is read once
                seen.add(source[0])
                sources.append(source)

    frames, left_out, unknown, private, formats, files = [], Counter(), set(), set(), set(), []
    for name, short, kind, raw in sources:
        records = _records(name, raw)
        fmt = _detect(name, kind, records)
        frame, skipped_rows, extra, secret = _frame(name, fmt, records)
        del records
        left_out.update(skipped_rows)
        unknown |= extra
        private |= secret
        if fmt != "empty":
            formats.add("basic" if fmt.startswith("basic") else "extended")
        files.append(short)
        if len(frame):
            frames.append(frame)

    if frames:
        df = pd.concat(frames, ignore_index=True)
    else:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in [*PLAY_COLUMNS, "_file"]})
    df = _tidy_types(df)

    # The same play in two overlapping files: keep it once. Count repeats of each play per file,
    # so that a track genuinely played twice in the same minute (same file) stays twice.
    occurrence = df.groupby(["_file", *_DEDUPE_KEY], sort=False, dropna=False).cumcount()
    dup = df[_DEDUPE_KEY].assign(_occurrence=occurrence).duplicated()
    duplicates = int(dup.sum())
    df = df[~dup]

    overlap = 0
    is_ext = df["source_format"] == "extended"
    if is_ext.any() and (~is_ext).any():
        lo, hi = df.loc[is_ext, "ts"].min(), df.loc[is_ext, "ts"].max()
        inside = ~is_ext & df["ts"].between(lo.floor("min"), hi.ceil("min"))
        overlap = int(inside.sum())
        df = df[~inside]

    df = df.sort_values("ts", kind="stable").reset_index(drop=True)[PLAY_COLUMNS]
    df.attrs["summary"] = {
        "files": files,
        "formats": sorted(formats),
        "music_plays": int(len(df)),
        "left_out": {k: int(left_out.get(k, 0)) for k in ("podcast", "audiobook", "video", "other")},
        "duplicates_removed": duplicates,
        "basic_overlap_removed": overlap,
        "unknown_fields": sorted(unknown),
        "private_fields_dropped": sorted(private),
    }
    if verbose:
        print(summary_text(df))
    return df


def load_user_export(path, min_plays: int) -> pd.DataFrame:
    """A student's own export for a lesson: ``load_export`` plus a minimum number of music plays.

    Every problem stops with a course error that says how to fix the notebook's ``EXPORT_PATH``
    (a relative path starts in notebooks/) or to go back to the demo listener; the lesson never
    carries on quietly with other data.
    """
    fix = (f"Fix EXPORT_PATH = {str(path)!r} (in Jupyter a relative path starts in notebooks/), "
           f'or set EXPORT_PATH = "" for the demo listener.')
    try:
        plays = load_export(path)
    except CourseError as problem:
        raise type(problem)(f"Could not read your export: {problem}\n{fix}") from None
    if len(plays) < min_plays:
        raise MalformedDataError(
            f"Your export holds {len(plays):,} music plays (podcasts and videos do not count); "
            f"this lesson needs at least {min_plays:,}.\n{summary_text(plays)}\n{fix}")
    return plays


def summary_text(df_or_summary) -> str:
    """A few lines saying what ``load_export`` read and left out (no personal values)."""
    s = df_or_summary.attrs["summary"] if hasattr(df_or_summary, "attrs") else df_or_summary
    left = ", ".join(f"{n:,} {k}" for k, n in s["left_out"].items() if n) or "none"
    lines = [
        f"{s['music_plays']:,} music plays from {len(s['files'])} file(s), format: {' + '.join(s['formats']) or '-'}",
        f"left out: {left}; duplicates removed: {s['duplicates_removed']:,}",
    ]
    if s.get("basic_overlap_removed"):
        lines.append(f"basic plays also in the extended files, removed: {s['basic_overlap_removed']:,}")
    if s["private_fields_dropped"]:
        lines.append(f"dropped on load (never shown): {', '.join(s['private_fields_dropped'])}")
    if s["unknown_fields"]:
        lines.append(f"unknown fields accepted and ignored: {', '.join(s['unknown_fields'])}")
    return "\n".join(lines)

