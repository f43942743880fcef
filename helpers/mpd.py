"""The Million Playlist Dataset (MPD) slice format: read your own download, write small test files.

Used by lesson 08 (Go further: your own MPD download) and the Spark companion.

Spotify released the MPD (one million playlists, 2 million tracks) for the RecSys Challenge 2018
under terms that forbid redistribution, so the course cannot ship it. Students who download it
from AIcrowd get ``data/mpd.slice.<start>-<end>.json`` files, 1,000 playlists each::

    {"info": {...}, "playlists": [{"pid": 0, "name": "...", "num_tracks": 2, ...,
      "tracks": [{"pos": 0, "track_uri": "spotify:track:...", "track_name": "...",
                  "artist_name": "...", "artist_uri": "...", "album_uri": "...",
                  "album_name": "...", "duration_ms": 200000}, ...]}, ...]}

``load_mpd`` reads one slice, a folder of slices, or a list of them into one row per playlist
entry; ``write_slice`` writes a table back in the same format (the tests, and anyone who wants a
small file to try a pipeline on before the real download).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .errors import CourseError

MPD_COLUMNS = ["pid", "pos", "track_uri", "track_name", "artist_name", "album_name", "duration_ms"]
_REQUIRED_TRACK_FIELDS = ("pos", "track_uri")
MAX_SLICE_BYTES = 200 * 1024 * 1024  # a real slice is about 33 MB; refuse anything absurd before parsing


def _slice_files(path) -> list[Path]:
    paths = path if isinstance(path, (list, tuple)) else [path]
    files: list[Path] = []
    for item in paths:
        item = Path(item).expanduser()
        if item.is_dir():
            found = sorted(item.rglob("mpd.slice.*.json"), key=lambda p: _slice_start(p))
            if not found:
                raise CourseError(f"No MPD slice files (mpd.slice.<start>-<end>.json) in {item}. "
                                  "Point MPD_PATH at the data/ folder of your MPD download.")
            files += found
        elif item.is_file():
            files.append(item)
        else:
            raise CourseError(f"{item} does not exist. Point MPD_PATH at an MPD slice file or its folder.")
    return files


def _slice_start(path: Path) -> int:
    try:
        return int(path.name.split(".")[2].split("-")[0])
    except (IndexError, ValueError):
        return 0


def _read_slice(path: Path) -> list[dict]:
    if path.stat().st_size > MAX_SLICE_BYTES:
        raise CourseError(f"{path.name} is {path.stat().st_size / 1e6:.0f} MB; an MPD slice is about "
                          f"33 MB. Is this the right file?")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CourseError(f"{path.name} is not valid JSON ({err}). Download the slice again.") from None
    playlists = content.get("playlists") if isinstance(content, dict) else None
    if not isinstance(playlists, list):
        raise CourseError(f"{path.name} has no 'playlists' list: it is not an MPD slice.")
    return playlists


def load_mpd(path, max_playlists: int | None = None) -> pd.DataFrame:
    """One row per playlist entry (``MPD_COLUMNS``), sorted by playlist id and position.

    ``path``: one ``mpd.slice.*.json`` file, a folder holding them (searched recursively), or a
    list of either. ``max_playlists`` stops reading after that many playlists (the whole MPD is
    66 million rows: start small on a laptop).
    """
    if max_playlists is not None and max_playlists < 1:
        raise ValueError("max_playlists must be at least 1 (or None for all)")
    rows: list[dict] = []
    n_playlists = 0
    for file in _slice_files(path):
        for playlist in _read_slice(file):
            if max_playlists is not None and n_playlists >= max_playlists:
                break
            if not isinstance(playlist, dict) or "pid" not in playlist or not isinstance(playlist.get("tracks"), list):
                raise CourseError(f"{file.name}: a playlist without 'pid' or 'tracks': not an MPD slice.")
            n_playlists += 1
            for track in playlist["tracks"]:
                if not isinstance(track, dict) or any(f not in track for f in _REQUIRED_TRACK_FIELDS):
                    raise CourseError(f"{file.name}: playlist {playlist['pid']} has a track without "
                                      f"{' or '.join(_REQUIRED_TRACK_FIELDS)}.")
                rows.append({"pid": playlist["pid"], **{c: track.get(c) for c in MPD_COLUMNS[1:]}})
        if max_playlists is not None and n_playlists >= max_playlists:
            break
    df = pd.DataFrame(rows, columns=MPD_COLUMNS)
    try:
        df = df.astype({"pid": "int64", "pos": "int64"})
    except (TypeError, ValueError):
        raise CourseError("pid and pos must be whole numbers in an MPD slice.") from None
    return df.sort_values(["pid", "pos"], kind="stable").reset_index(drop=True)


def write_slice(entries: pd.DataFrame, path, name_column: str | None = None) -> Path:
    """Write playlist entries (``pid``, ``pos``, ``track_uri`` and optional ``MPD_COLUMNS``) as one
    MPD slice file at ``path`` (which should be named ``mpd.slice.<start>-<end>.json``)."""
    missing = {"pid", "pos", "track_uri"} - set(entries.columns)
    if missing:
        raise ValueError(f"entries need the columns {sorted(missing)}")
    playlists = []
    for pid, group in entries.sort_values(["pid", "pos"]).groupby("pid", sort=True):
        tracks = [{c: (row[c].item() if hasattr(row[c], "item") else row[c])
                   for c in MPD_COLUMNS[1:] if c in group.columns} for _, row in group.iterrows()]
        name = str(group[name_column].iloc[0]) if name_column else f"playlist {pid}"
        playlists.append({"pid": int(pid), "name": name, "num_tracks": len(tracks), "tracks": tracks})
    pids = [p["pid"] for p in playlists] or [0]
    info = {"generated_on": "spotify-ml-workbook", "slice": f"{min(pids)}-{max(pids)}", "version": "v1"}
    path = Path(path)
    path.write_text(json.dumps({"info": info, "playlists": playlists}), encoding="utf-8")
    return path


def playlist_sequences(entries: pd.DataFrame, item_column: str = "track_uri"):
    """Integer-coded playlists for ``helpers.sequences`` models: ``(list of arrays, item names)``."""
    codes, names = pd.factorize(entries[item_column])
    pids = entries["pid"].to_numpy()
    from .sequences import split_sequences
    return split_sequences(codes, pids), names
