"""Spotify personal data exports (your listening history) as one tidy table of music plays.

Used by lessons 06 and 09 directly, and 06, 08 and 09 through ``helpers.listening``.

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

``helpers.listener.simulate_export`` writes an extended export for a SYNTHETIC demo listener, for
students without an export of their own; ``helpers.listening`` loads it or yours for a lesson.
"""

from __future__ import annotations

import io
import json
import os
import re
import reprlib
import warnings
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from .errors import CourseError, DataUnavailableError, MalformedDataError

__all__ = ["load_export", "load_user_export", "summary_text", "PLAY_COLUMNS", "KNOWN_FIELDS"]

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

# Size limits, checked BEFORE a file is read or unzipped. A real extended-history file is about
# 10-15 MB, a basic one a few MB, and a whole export rarely holds more than a few hundred MB of
# history. About ten times that leaves room for heavy listeners and still refuses a "zip bomb"
# (a small zip whose member inflates to gigabytes) before it fills a laptop's memory.
MAX_FILE_BYTES = 128 * 2**20
"""Largest single history file (a JSON file, a zip member, an upload), uncompressed."""
MAX_EXPORT_BYTES = 1024 * 2**20
"""Largest total of the history files in one zip or folder, uncompressed (also a zip inside the zip)."""
MAX_MS_PLAYED = 24 * 3600 * 1000
"""One play longer than a day is a damaged value, not a play."""
FIRST_PLAY_DATE = "2008-01-01"
"""Spotify launched in October 2008: plays before 2008 (or in the future) come from a wrong clock."""


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


def _megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _check_size(what: str, size: int, limit: int, total: bool = False) -> None:
    if size > limit:
        which = (f"The streaming-history files in {what} add up to" if total else f"{what} is")
        raise MalformedDataError(
            f"{which} {_megabytes(size)} uncompressed, more than the {_megabytes(limit)} the course reads "
            f"({'MAX_EXPORT_BYTES' if total else 'MAX_FILE_BYTES'} in helpers/history.py), so nothing "
            f"was read. Real history files are 10-15 MB each: check that this is the export Spotify sent.")


def _bounded_read(fh, what: str, limit: int) -> bytes:
    """At most ``limit`` bytes: a zip member whose header understates its size is still refused."""
    raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise MalformedDataError(
            f"{what} inflates to more than its zip header says and more than the {_megabytes(limit)} "
            f"the course reads, so it was not read. The zip is damaged or was made by hand: use the "
            f"export Spotify sent.")
    return raw


def _zip_sources(zf: zipfile.ZipFile, full: str, short: str, nested: bool = False) -> list:
    """History files of an open zip; a zip inside it is read one level deep (exports get re-zipped)."""
    infos = [i for i in zf.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
    found = sorted((i for i in infos if _kind_of_name(i.filename)), key=lambda i: i.filename)
    inner = [i for i in infos if i.filename.lower().endswith(".zip")]
    if not found and inner and not nested:
        out = []
        for i in inner:
            what = f"{full}:{i.filename}"
            _check_size(what, i.file_size, MAX_EXPORT_BYTES, total=True)
            with zf.open(i) as fh:
                raw = _bounded_read(fh, what, MAX_EXPORT_BYTES)
            with zipfile.ZipFile(io.BytesIO(raw)) as inner_zf:
                out += _zip_sources(inner_zf, what, f"{short}:{i.filename}", nested=True)
        return out
    if not found:
        deeper = " (only zips inside a zip inside a zip: unzip it once and pass the inner zip)" if inner else ""
        raise MalformedDataError(f"{full} is a zip but holds no Spotify streaming-history files{deeper}. "
                                 f"Expected {_EXPECTED}.")
    for i in found:   # the declared sizes, before inflating anything
        _check_size(f"{full}:{i.filename}", i.file_size, MAX_FILE_BYTES)
    _check_size(full, sum(i.file_size for i in found), MAX_EXPORT_BYTES, total=True)
    out = []
    for i in found:
        what = f"{full}:{i.filename}"
        with zf.open(i) as fh:
            out.append((what, f"{short}:{i.filename}", _kind_of_name(i.filename),
                        _bounded_read(fh, what, MAX_FILE_BYTES)))
    return out


def _zip(source, full: str, short: str) -> list:
    """``_zip_sources`` for a zip on disk or in memory, with a damaged zip as a course error."""
    try:
        with zipfile.ZipFile(source) as zf:
            return _zip_sources(zf, full, short)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise MalformedDataError(f"{full} could not be read as a zip archive ({exc}). "
                                 f"Expected {_EXPECTED}.") from None


def _upload_sources(upload: dict) -> list:
    """An ipywidgets 8 ``FileUpload`` entry (name, type, size, content): a zip or one JSON file."""
    name = str(upload.get("name") or "upload")
    try:
        raw = bytes(upload["content"])
    except TypeError:
        raise DataUnavailableError(f"The upload {name}'s content is a {type(upload['content']).__name__}, "
                                   f"not bytes. {_HOW_TO_PASS}") from None
    full = f"the uploaded file {name}"
    if zipfile.is_zipfile(io.BytesIO(raw)):
        return _zip(io.BytesIO(raw), full, name)
    _check_size(full, len(raw), MAX_FILE_BYTES)
    return [(full, name, _kind_of_name(name), raw)]


def _sources(path: Path) -> list[tuple[str, str, str | None, bytes]]:
    """(full name for messages, short name for the summary, kind from the name or None, raw bytes)
    for every history file under ``path``."""
    if not path.exists():
        raise DataUnavailableError(f"{path} does not exist. Expected {_EXPECTED}.")
    if path.is_dir():
        found = sorted(p for p in path.rglob("*.json") if p.is_file() and "__MACOSX" not in p.parts
                       and _kind_of_name(p.name))
        if not found:
            # A folder that holds only the zip Spotify sent (downloaded but not extracted): read the zip.
            zips = sorted(p for p in path.rglob("*.zip") if p.is_file() and "__MACOSX" not in p.parts)
            if zips:
                return [s for z in zips for s in _zip(z, str(z), z.relative_to(path).as_posix())]
            raise MalformedDataError(
                f"{path} holds no Spotify streaming-history files. Expected {_EXPECTED}. "
                f"(Other files of the export, such as Userdata.json or Playlist1.json, are ignored.)")
        sizes = {p: p.stat().st_size for p in found}
        for p, size in sizes.items():
            _check_size(str(p), size, MAX_FILE_BYTES)
        _check_size(str(path), sum(sizes.values()), MAX_EXPORT_BYTES, total=True)
        return [(str(p), p.relative_to(path).as_posix(), _kind_of_name(p.name), p.read_bytes()) for p in found]
    if zipfile.is_zipfile(path):
        return _zip(path, str(path), path.name)
    if path.suffix.lower() == ".zip":
        raise MalformedDataError(f"{path} is not a valid zip archive. Expected {_EXPECTED}.")
    # A single file: trust its content more than its name (students rename files).
    _check_size(str(path), path.stat().st_size, MAX_FILE_BYTES)
    return [(str(path), path.name, _kind_of_name(path.name), path.read_bytes())]


_HOW_TO_PASS = (
    'Pass the path of your export as text, e.g. load_export("my_spotify_data.zip") (the zip, its '
    'extracted folder or one JSON file), or the value of an upload widget: '
    'upload = ipywidgets.FileUpload(accept=".zip,.json"); choose the file; then load_export(upload.value).'
)


def _inputs(path) -> list:
    """``path`` as a list of paths and uploads, or a course error saying what to pass."""
    if path is None or (isinstance(path, str) and not path.strip()):
        raise DataUnavailableError(f"No export given (path is {path!r}). {_HOW_TO_PASS}")
    if isinstance(path, (str, os.PathLike, dict)):
        items = [path]
    elif isinstance(path, (list, tuple)):
        items = list(path)
        if not items:
            raise DataUnavailableError(f"No path given: the list is empty (an upload widget before a file "
                                       f"was chosen?). {_HOW_TO_PASS}")
    else:
        raise DataUnavailableError(f"load_export cannot read a {type(path).__name__}. {_HOW_TO_PASS}")
    for item in items:
        if isinstance(item, dict) and "content" not in item:
            raise DataUnavailableError(f"This dict has no 'content', so it is not an upload. {_HOW_TO_PASS}")
        if item is None or (isinstance(item, str) and not item.strip()) \
                or not isinstance(item, (str, os.PathLike, dict)):
            raise DataUnavailableError(f"The list holds {item!r} ({type(item).__name__}), not a path or an "
                                       f"upload. {_HOW_TO_PASS}")
    return items


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
    except RecursionError:  # e.g. [[[[...]]]] thousands deep: Python's json gives up
        raise MalformedDataError(
            f"{name} nests lists or objects thousands of levels deep, which no Spotify export does. "
            f"Expected a flat JSON array of plays ([{{...}}, {{...}}]); is this the right file?") from None
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


def _first_bad(values: pd.Series, bad) -> tuple[int, str]:
    """The play number (position in the file) and a short repr of the first bad value."""
    label = values.index[np.asarray(bad, dtype=bool)][0]
    value = values.loc[label]
    return int(label), reprlib.repr(value.item() if isinstance(value, np.generic) else value)


def _timestamps(name: str, values: pd.Series, fmt: str, what: str, field: str) -> pd.Series:
    parsed = pd.to_datetime(values, format=fmt, utc=True, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i, shown = _first_bad(values, bad)
        raise MalformedDataError(f"{name}: play {i} has {field} = {shown}; expected {what}.")
    return parsed


def _milliseconds(name: str, values: pd.Series, field: str) -> pd.Series:
    """Whole milliseconds; true/false, infinity and more than a day per play are refused."""
    numbers = pd.to_numeric(values.map(lambda v: None if isinstance(v, bool) else v), errors="coerce")
    numbers = numbers.astype("float64")
    bad = ~np.isfinite(numbers) | (numbers < 0) | (numbers > MAX_MS_PLAYED) \
        | values.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
    if bad.any():
        i, shown = _first_bad(values, bad)
        raise MalformedDataError(f"{name}: play {i} has {field} = {shown}; expected a whole number of "
                                 f"milliseconds from 0 to {MAX_MS_PLAYED:,} (one day).")
    return numbers.round().astype("int64")


def _check_text(name: str, raw: pd.DataFrame, fields: list[str]) -> None:
    """Names, URIs and reasons must be text or null: a number, list or object there is a damaged file."""
    for field in fields:
        if field in raw:
            values = raw[field]
            bad = values.notna().to_numpy() & ~values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
            if bad.any():
                i, shown = _first_bad(values, bad)
                first = values[bad].iloc[0]
                kind = {dict: "JSON object", list: "JSON list"}.get(type(first), "number")
                raise MalformedDataError(f"{name}: play {i} has {field} = {shown} (a {kind}); expected "
                                         f"text or null, as Spotify writes it.")


_TRUE = {True: True, False: False, 1: True, 0: False, "true": True, "false": False,
         "True": True, "False": False, "1": True, "0": False}


def _booleans(name: str, values: pd.Series, field: str) -> pd.Series:
    missing = values.isna().to_numpy()
    known = values.map(lambda v: isinstance(v, (bool, int, float, str, np.generic)) and v in _TRUE)
    bad = ~missing & ~known.to_numpy(dtype=bool)
    if bad.any():
        i, shown = _first_bad(values, bad)
        raise MalformedDataError(f"{name}: play {i} has {field} = {shown}; expected true, false or null.")
    return pd.Series([None if m else _TRUE[v] for v, m in zip(values, missing)],
                     index=values.index, dtype="boolean")


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


def _basic_plays(name: str, raw: pd.DataFrame, left_out: Counter) -> pd.DataFrame:
    """A basic file's music rows in the tidy columns (podcast rows and rows without a track counted and left out)."""
    is_podcast = pd.Series(False, index=raw.index)
    for col in ("podcastName", "episodeName"):
        if col in raw:
            is_podcast |= raw[col].notna()
    for col in ("artistName", "trackName"):
        if col not in raw:
            raw[col] = None
    left_out["podcast"] += int(is_podcast.sum())
    raw = raw[~is_podcast]
    no_track = raw["artistName"].isna() & raw["trackName"].isna()
    left_out["other"] += int(no_track.sum())
    raw = raw[~no_track]
    _check_text(name, raw, ["artistName", "trackName"])
    out = pd.DataFrame({
        "ts": _timestamps(name, raw["endTime"], "%Y-%m-%d %H:%M", '"YYYY-MM-DD HH:MM" (UTC)', "endTime"),
        "artist": _text(raw["artistName"]), "track": _text(raw["trackName"]),
        "ms_played": _milliseconds(name, raw["msPlayed"], "msPlayed"),
    }, index=raw.index)
    for col in PLAY_COLUMNS:
        if col not in out:
            out[col] = None
    return out


def _extended_plays(name: str, raw: pd.DataFrame, left_out: Counter) -> pd.DataFrame:
    """An extended file's music rows in the tidy columns (podcasts, audiobooks and others counted and left out)."""
    for col in EXTENDED_FIELDS:
        if col not in raw:
            raw[col] = None
    is_podcast = raw["spotify_episode_uri"].notna() | raw["episode_name"].notna() | raw["episode_show_name"].notna()
    is_book = ~is_podcast & (raw["audiobook_uri"].notna() | raw["audiobook_title"].notna()
                             | raw["audiobook_chapter_uri"].notna())
    is_music = ~is_podcast & ~is_book & (raw["master_metadata_track_name"].notna() | raw["spotify_track_uri"].notna())
    left_out["podcast"] += int(is_podcast.sum())
    left_out["audiobook"] += int(is_book.sum())
    left_out["other"] += int((~is_podcast & ~is_book & ~is_music).sum())
    raw = raw[is_music]
    _check_text(name, raw, [*_EXTENDED_RENAME, "platform", "reason_start", "reason_end"])
    raw = raw.rename(columns=_EXTENDED_RENAME)
    return pd.DataFrame({
        "ts": _timestamps(name, raw["ts"], "ISO8601", 'ISO-8601 UTC, like "2023-05-01T14:03:27Z"', "ts"),
        "artist": _text(raw["artist"]), "track": _text(raw["track"]), "album": _text(raw["album"]),
        "ms_played": _milliseconds(name, raw["ms_played"], "ms_played"),
        "track_uri": _text(raw["track_uri"]),
        "platform": _text(raw["platform"]).map({v: platform_family(v) for v in raw["platform"].dropna().unique()}),
        "reason_start": _text(raw["reason_start"]), "reason_end": _text(raw["reason_end"]),
        "shuffle": _booleans(name, raw["shuffle"], "shuffle"),
        "skipped": _booleans(name, raw["skipped"], "skipped"),
    }, index=raw.index)


def _frame(name: str, fmt: str, records: list[dict]) -> tuple[pd.DataFrame, Counter, set, set]:
    """Music plays of one file in the tidy columns, rows left out by type, unknown and private field names."""
    left_out: Counter = Counter()
    keys = set().union(*(r.keys() for r in records)) if records else set()
    unknown, private = keys - KNOWN_FIELDS, keys & PRIVATE_FIELDS
    # Privacy first: the private fields never reach a DataFrame.
    if private:
        records = [{k: v for k, v in r.items() if k not in PRIVATE_FIELDS} for r in records]

    if fmt in ("video", "basic_podcast", "empty") or not records:  # an empty StreamingHistory0.json too
        if fmt in ("video", "basic_podcast"):
            left_out["video" if fmt == "video" else "podcast"] += len(records)
        return pd.DataFrame(columns=PLAY_COLUMNS), left_out, unknown, private

    if fmt == "basic":
        _require(name, records, ["endTime", "msPlayed"])
        out = _basic_plays(name, pd.DataFrame.from_records(records), left_out)
    else:
        _require(name, records, ["ts", "ms_played"])
        out = _extended_plays(name, pd.DataFrame.from_records(records), left_out)
    out["source_format"] = "basic" if fmt == "basic" else "extended"
    out["_file"] = name
    return out, left_out, unknown, private


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

    ``path``: the zip Spotify sends, its extracted folder (searched recursively; a folder holding
    only the zip reads the zip), one JSON file, an ipywidgets 8 ``FileUpload.value`` (a zip or a
    JSON file), or a list of any of these. A zip inside the zip is read one level deep. Sizes are
    checked before anything is read or unzipped (``MAX_FILE_BYTES``, ``MAX_EXPORT_BYTES``).
    Both formats (basic and extended, every vintage) are understood; when a folder holds both, all plays are kept, except basic plays inside the period the
    extended files cover (the same plays, at minute resolution).

    Columns (``PLAY_COLUMNS``): ``ts`` (end of the play, UTC, timezone-aware), ``artist``,
    ``track``, ``album``, ``ms_played`` (int), ``track_uri`` ("spotify:track:<id>"), ``track_id``
    (the <id>, for joining audio features), ``platform`` (family only), ``reason_start``,
    ``reason_end`` (open vocabularies: unknown values are kept), ``shuffle``, ``skipped``
    (nullable booleans), ``source_format`` ("basic" or "extended"). Fields a format does not
    have are null. Rows are sorted by ``ts``; basic plays that end in the same minute are put in the
    only order in which they can have been played (see ``_in_play_order``).

    Podcast, audiobook and video rows are left out; so are duplicate plays (the same play in two
    overlapping files; repeats inside one file are real plays and stay). ``df.attrs["summary"]``
    says what was read: ``files`` (names inside the export, without your folders), ``formats``, ``music_plays``, ``left_out`` (a dict:
    podcast, audiobook, video, other -> rows), ``duplicates_removed``,
    ``basic_overlap_removed``, ``unknown_fields`` (accepted, not used) and ``private_fields_dropped``
    (names only). ``summary_text(df)`` prints it in a few lines.

    Raises ``MalformedDataError`` naming the file and what was expected when a file is not a
    streaming history (not JSON, not an array of plays, a missing time, a bad timestamp, a field
    of the wrong type, ms_played not finite or over a day, a file too large).
    Plays dated before 2008 or in the future (a device with a wrong clock) are left out with a
    warning and counted in the summary as ``bad_dates_removed``.
    """
    sources = _all_sources(path)
    df, summary = _read(sources)
    df, summary["bad_dates_removed"] = _drop_bad_dates(df, {name: short for name, short, _, _ in sources})
    df, summary["duplicates_removed"] = _drop_duplicates(df)
    df, summary["basic_overlap_removed"] = _drop_basic_overlap(df)
    df, summary["reordered_within_minute"] = _in_play_order(df)
    summary["music_plays"] = int(len(df))
    df.attrs["summary"] = {k: summary[k] for k in SUMMARY_KEYS}
    if verbose:
        print(summary_text(df))
    return df


SUMMARY_KEYS = ["files", "formats", "music_plays", "left_out", "duplicates_removed", "bad_dates_removed",
                "basic_overlap_removed", "reordered_within_minute", "unknown_fields", "private_fields_dropped"]


def _all_sources(path) -> list[tuple[str, str, str | None, bytes]]:
    """Every history file behind ``path`` (paths, folders, zips, uploads), each read once."""
    sources, seen = [], set()
    for p in _inputs(path):
        found = _upload_sources(p) if isinstance(p, dict) else _sources(Path(p).expanduser().resolve())
        for source in found:
            if source[0] not in seen:   # the same file named twice is read once
                seen.add(source[0])
                sources.append(source)
    return sources


def _read(sources: list) -> tuple[pd.DataFrame, dict]:
    """All music plays of the files, typed, and what reading them found (formats, rows left out, field names)."""
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
    return _tidy_types(df), {
        "files": files, "formats": sorted(formats),
        "left_out": {k: int(left_out.get(k, 0)) for k in ("podcast", "audiobook", "video", "other")},
        "unknown_fields": sorted(unknown), "private_fields_dropped": sorted(private),
    }


def _drop_bad_dates(df: pd.DataFrame, short_names: dict[str, str]) -> tuple[pd.DataFrame, int]:
    """Plays before Spotify existed or in the future come from a device with a wrong clock (1970 is a reset
    clock): dropped with a warning. Kept, they would stretch every time plot over decades; an error would stop
    a student whose export is otherwise fine."""
    lo, hi = pd.Timestamp(FIRST_PLAY_DATE, tz="UTC"), pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)
    bad_date = ((df["ts"] < lo) | (df["ts"] > hi)).to_numpy(dtype=bool)
    n = int(bad_date.sum())
    if n:
        where = ", ".join(sorted({short_names.get(f, f) for f in df.loc[bad_date, "_file"]}))
        plays = f"{n:,} plays in {where} have" if n != 1 else f"1 play in {where} has"
        warnings.warn(f"{plays} a time (ts / endTime) before {FIRST_PLAY_DATE} or in the future, so the "
                      f"device's clock was wrong; left out (df.attrs['summary']['bad_dates_removed']).",
                      stacklevel=3)
    return df[~bad_date], n


def _drop_duplicates(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The same play in two overlapping files is kept once. Repeats of a play are counted per file, so a
    track genuinely played twice in the same minute (the same file) stays twice."""
    occurrence = df.groupby(["_file", *_DEDUPE_KEY], sort=False, dropna=False).cumcount()
    dup = df[_DEDUPE_KEY].assign(_occurrence=occurrence).duplicated()
    return df[~dup], int(dup.sum())


def _in_play_order(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Plays sorted by end time, and how many basic plays had to move to be in play order.

    A basic export gives end times to the minute, and its files do not always list the plays of one
    minute in the order they were played. Two plays that end in the same minute were played one after
    the other, so the later one lasted under a minute: a play of a minute or more that ends in the
    same minute as others came first. Sorting it first within its minute fixes the order lessons read
    as "the previous play" (without it, a later play's outcome can pass for an earlier one's).
    """
    minute_long = (df["source_format"] == "basic") & (df["ms_played"] >= 60_000)
    before = df.sort_values("ts", kind="stable").index
    after = df.assign(_later=~minute_long).sort_values(["ts", "_later"], kind="stable").index
    moved = int((before.to_numpy() != after.to_numpy()).sum())
    return df.loc[after].reset_index(drop=True)[PLAY_COLUMNS], moved


def _drop_basic_overlap(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Basic plays inside the period the extended files cover are the same plays at minute resolution."""
    is_ext = df["source_format"] == "extended"
    if not (is_ext.any() and (~is_ext).any()):
        return df, 0
    lo, hi = df.loc[is_ext, "ts"].min(), df.loc[is_ext, "ts"].max()
    inside = ~is_ext & df["ts"].between(lo.floor("min"), hi.ceil("min"))
    return df[~inside], int(inside.sum())


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


def name_key(artist: pd.Series, track: pd.Series) -> pd.Series:
    """A join key 'artist|title' for exports without track ids (the basic format): lower case, and
    bracketed or dashed suffixes such as ' - Remastered 2011' or ' (feat. X)' dropped."""
    clean = lambda s: s.fillna("").astype(str).str.lower().str.replace(r"\s*[\(\[-].*$", "", regex=True).str.strip()
    return clean(artist) + "|" + clean(track)


def summary_text(df_or_summary) -> str:
    """A few lines saying what ``load_export`` read and left out (no personal values)."""
    s = df_or_summary.attrs["summary"] if hasattr(df_or_summary, "attrs") else df_or_summary
    left = ", ".join(f"{n:,} {k}" for k, n in s["left_out"].items() if n) or "none"
    lines = [
        f"{s['music_plays']:,} music plays from {len(s['files'])} file(s), format: {' + '.join(s['formats']) or '-'}",
        f"left out: {left}; duplicates removed: {s['duplicates_removed']:,}",
    ]
    if s.get("bad_dates_removed"):
        lines.append(f"plays with a time before {FIRST_PLAY_DATE} or in the future, removed: "
                     f"{s['bad_dates_removed']:,}")
    if s.get("reordered_within_minute"):
        lines.append(f"basic plays put in play order within their minute (long plays first): "
                     f"{s['reordered_within_minute']:,}")
    if s.get("basic_overlap_removed"):
        lines.append(f"basic plays also in the extended files, removed: {s['basic_overlap_removed']:,}")
    if s["private_fields_dropped"]:
        lines.append(f"dropped on load (never shown): {', '.join(s['private_fields_dropped'])}")
    if s["unknown_fields"]:
        lines.append(f"unknown fields accepted and ignored: {', '.join(s['unknown_fields'])}")
    return "\n".join(lines)

