"""Every dataset of the course: where it comes from, how it is verified, and tidy loaders.

Used by every lesson and the Spark companion.

A file is looked for in the data folder first (``SPOTIFY_ML_DATA``, or the per-user cache when that
is unset). When it is missing, it is downloaded once from its canonical URL with ``pooch``, which
checks the sha256 from ``data/registry.csv``. ``SPOTIFY_ML_DATA`` (the read-only mirror in CI, a USB
copy) is only ever read, never written or cleaned, even by root: downloads go to the per-user cache.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pooch
import requests

from .errors import DataChecksumError, DataUnavailableError, MalformedDataError, UnknownDatasetError

DATA_ENV = "SPOTIFY_ML_DATA"
CACHE_ENV = "SPOTIFY_ML_CACHE"
REGISTRY_PATH = Path(__file__).resolve().parent.parent / "data" / "registry.csv"

AUDIO_FEATURES = [
    "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
    "instrumentalness", "liveness", "valence", "tempo", "duration_ms",
]
"""The 12 audio features of the TidyTuesday tracks, in the order the CSV gives them."""


@dataclass(frozen=True)
class DataFile:
    """One row of the registry: the facts needed to fetch, verify, credit and cite a file."""

    key: str
    path: str
    url: str
    sha256: str
    bytes: int
    license: str
    source: str
    inside: str = ""
    """``"archive_key:member"`` when the same bytes also sit inside a registered zip: tried first when that
    zip is in the mirror (no network), and as the fallback when the download fails its check."""

    @property
    def credit(self) -> str:
        """The licence line a notebook shows under data it uses."""
        return f"{self.source}. Licence: {self.license}."


@lru_cache(maxsize=1)
def registry() -> dict[str, DataFile]:
    """All files the course uses, keyed by name (a copy of the mirror's MANIFEST.csv)."""
    with open(REGISTRY_PATH, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["key"]: DataFile(**{**r, "bytes": int(r["bytes"])}) for r in rows}


def entry(key: str) -> DataFile:
    try:
        return registry()[key]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise UnknownDatasetError(f"No dataset called {key!r}. Known datasets: {known}") from None


def cache_dir() -> Path:
    """A writable per-user folder for downloads and derived files (``SPOTIFY_ML_CACHE`` overrides)."""
    return Path(os.environ.get(CACHE_ENV) or pooch.os_cache("spotify-ml-workbook"))


def data_dir() -> Path:
    """Where files are looked for first: ``SPOTIFY_ML_DATA`` if set, else the per-user cache.

    A ``SPOTIFY_ML_DATA`` that is missing or not a folder is refused (it is never created)."""
    value = os.environ.get(DATA_ENV)
    if not value:
        return cache_dir()
    folder = Path(value).expanduser()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DataUnavailableError(
            f"{DATA_ENV} is set to {str(folder)!r}, which {what}. Point it at the folder that holds "
            f"the course data (the data mirror, e.g. ../shared/datasets), or unset it to download "
            f"into your cache folder ({cache_dir()})."
        )
    return folder


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path: Path, expected: str) -> bool:
    return path.is_file() and sha256_of(path) == expected


_verified_paths: dict[Path, float] = {}


def _verified_cached(path: Path, expected: str) -> bool:
    """Hash a file once per session (or again when it changes on disk)."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return False
    if _verified_paths.get(path) == mtime:
        return True
    if _verified(path, expected):
        _verified_paths[path] = mtime
        return True
    return False


def _download(item: DataFile, target: Path) -> Path:
    """Download one file with pooch into ``target``; turn library errors into course errors."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        pooch.retrieve(
            url=item.url,
            known_hash=f"sha256:{item.sha256}",
            fname=target.name,
            path=target.parent,
            progressbar=_progressbar(),
        )
    except ValueError as exc:  # pooch: hash mismatch (it already deleted the bad download)
        raise DataChecksumError(
            f"The download of {item.key!r} from {item.url} failed its sha256 check, "
            f"so it was not kept. The file at the source may have changed or the connection "
            f"corrupted it. Try again later, or put a verified copy at {target} "
            f"(or point {DATA_ENV} at a folder that has it)."
        ) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        raise DataUnavailableError(
            f"Could not download {item.key!r} from {item.url} ({type(exc).__name__}). "
            f"You seem to be offline, and the file is not cached yet. Connect once to download it, "
            f"or set {DATA_ENV} to a folder that already holds {item.path} "
            f"(the course's data mirror, for example)."
        ) from exc
    return target


def _progressbar() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def fetch(key: str) -> Path:
    """Return the local path of a registered file, downloading and verifying it if needed.

    Files in ``SPOTIFY_ML_DATA`` are only read: a corrupt one is left as it is, reported by name,
    and a verified copy is fetched into the per-user cache instead. A corrupt file in the cache is
    replaced by one fresh download; if that fails its check too, a ``DataChecksumError`` says so.
    """
    item = entry(key)
    primary = data_dir() / item.path
    if _verified_cached(primary, item.sha256):
        return primary
    target = cache_dir() / item.path
    if target != primary and _verified_cached(target, item.sha256):
        return target
    # Without SPOTIFY_ML_DATA the primary path is the cache target itself; otherwise a file there is only read.
    corrupt_local = primary if primary != target and primary.exists() else None
    archive_key, _, member = item.inside.partition(":")

    try:
        if archive_key and _verified(data_dir() / entry(archive_key).path, entry(archive_key).sha256):
            return _from_archive(item, archive_key, member, target)  # the mirror's zip: no network needed
        if target.exists():
            target.unlink()  # our own cache: a corrupt or outdated copy, downloaded once more
        try:
            return _download(item, target)
        except DataChecksumError:
            if archive_key:  # documented fallback (registry column "inside"): the same bytes inside a zip
                return _from_archive(item, archive_key, member, target)
            raise
    except (DataChecksumError, DataUnavailableError) as exc:
        if corrupt_local is None:
            raise
        raise DataChecksumError(
            f"{corrupt_local} does not match the sha256 registered for {key!r}: it is corrupt or a "
            f"different version. It was left untouched ({DATA_ENV} is only ever read), and no "
            f"verified copy could be fetched instead: {exc} Replace that file with a verified copy "
            f"(the course's data mirror), or unset {DATA_ENV} to download into {cache_dir()}."
        ) from exc


def _from_archive(item: DataFile, archive_key: str, member: str, target: Path) -> Path:
    """Unpack ``member`` of the registered zip ``archive_key`` into ``target`` and verify it."""
    archive = fetch(archive_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf, zf.open(member) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    if not _verified(target, item.sha256):
        target.unlink()
        raise DataChecksumError(f"{member} inside {archive} does not match its sha256.")
    return target


def credit(*keys: str) -> str:
    """Licence and source lines for the datasets a notebook uses, one per source (the first key's
    licence line is kept, so list the file with the most specific licence, e.g. lyrics, first)."""
    seen, lines = set(), []
    for key in keys:
        item = entry(key)
        if item.source not in seen:
            seen.add(item.source)
            lines.append(f"- {item.credit}")
    return "\n".join(lines)


def _read_csv(key: str, **kwargs) -> pd.DataFrame:
    path = fetch(key)
    try:
        return pd.read_csv(path, **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise MalformedDataError(f"{path} could not be read as the expected CSV: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Typed loaders: one per dataset, each returning a tidy DataFrame.
# --------------------------------------------------------------------------------------------

def load_tracks(dedupe: bool = False) -> pd.DataFrame:
    """TidyTuesday 2020-01-21 "30,000 Spotify songs": one row per (playlist, track).

    Columns: track_id, track_name, track_artist, track_popularity (0-100), track_album_id,
    track_album_name, track_album_release_date (text as given: year, year-month or full date),
    playlist_name, playlist_id, playlist_genre (6 genres), playlist_subgenre (24), the 12
    ``AUDIO_FEATURES``, plus ``release_year`` (int, parsed from the release date).

    ``dedupe=True`` keeps the first row of each track_id (the same track sits in several playlists,
    sometimes under different genres): use it whenever a row must be one song.

    Licence: MIT (TidyTuesday, R4DS community); audio features from the Spotify Web API.
    """
    df = _read_csv("spotify_songs")
    years = pd.to_numeric(df["track_album_release_date"].str.slice(0, 4), errors="coerce")
    df["release_year"] = years.astype("Int64")
    if dedupe:
        df = df.drop_duplicates("track_id").reset_index(drop=True)
    return df


HIT_DECADES = ["60s", "70s", "80s", "90s", "00s", "10s"]


def load_hit_predictor(decades: list[str] | None = None) -> pd.DataFrame:
    """The Spotify Hit Predictor Dataset (1960-2019): 41,106 tracks, hit (1) or flop (0).

    Columns: track, artist, uri, the audio features (danceability ... time_signature),
    chorus_hit, sections, target (1 = hit), and ``decade`` ("60s" ... "10s") and
    ``decade_start`` (1960 ... 2010) telling which file the row came from.

    Licence: GPL-3.0 (repository licence); Farooq Ansari, 'The Spotify Hit Predictor Dataset'.
    """
    frames = []
    for decade in decades or HIT_DECADES:
        if decade not in HIT_DECADES:
            raise ValueError(f"decade must be one of {HIT_DECADES}, not {decade!r}")
        part = _read_csv(f"hit_predictor_{decade}")
        part["decade"] = decade
        start = int(decade[:2])
        part["decade_start"] = (1900 if start >= 60 else 2000) + start
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def load_moods() -> pd.DataFrame:
    """686 tracks labelled with one mood: Happy, Sad, Energetic or Calm.

    Columns: name, album, artist, id (Spotify track id), release_date, popularity, length (ms),
    danceability, acousticness, energy, instrumentalness, liveness, valence, loudness,
    speechiness, tempo, key, time_signature, mood.

    Licence: none stated; cite Cristobal Veas, 'Predicting the Music Mood of a Song with Deep Learning'.
    """
    return _read_csv("data_moods")


def _read_rda(key: str) -> pd.DataFrame:
    import pyreadr

    path = fetch(key)
    try:
        result = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own LibrdataError for damaged files
        raise MalformedDataError(f"{path} could not be read as an R data file: {exc}") from exc
    return next(iter(result.values()))


def load_billboard_lyrics() -> pd.DataFrame:
    """Billboard Year-End Hot 100, 1960-2016, with lyrics: columns title, artist, year (int),
    lyrics (str; empty for about 1,100 songs whose lyrics were not found), rank (int 1-100).

    Rows line up one-for-one with the Wikipedia year-end lists, so ``rank`` comes from there.
    Lyrics remain the copyright of their owners: show only short excerpts, never save them.
    Licence: MIT (R package 'billboard' 0.1.0).
    """
    lyrics = _read_rda("billboard_lyrics")
    ranks = _read_rda("billboard_wiki_hot_100s")
    lyrics["year"] = pd.to_numeric(lyrics["year"]).astype(int)
    lyrics["lyrics"] = lyrics["lyrics"].fillna("").str.strip()
    lyrics["rank"] = pd.to_numeric(ranks["no"], errors="coerce").astype("Int64")
    return lyrics


def load_billboard_ranks() -> pd.DataFrame:
    """Wikipedia's Billboard Year-End Hot 100 lists 1960-2016: rank (Int64), title, artist, year (int)."""
    ranks = _read_rda("billboard_wiki_hot_100s").rename(columns={"no": "rank"})
    ranks["rank"] = pd.to_numeric(ranks["rank"], errors="coerce").astype("Int64")
    ranks["year"] = pd.to_numeric(ranks["year"]).astype(int)
    return ranks


def load_billboard_features() -> pd.DataFrame:
    """Spotify audio features of Billboard Hot 100 tracks 1960-2015 (5,497 rows).

    Columns: year (int), artist_name, artist_id, explicit, track_name, track_id, danceability,
    energy, key, loudness, mode, speechiness, acousticness, instrumentalness, liveness, valence,
    tempo, type, uri, track_href, analysis_url, duration_ms, time_signature.
    Licence: MIT (R package 'billboard' 0.1.0).
    """
    df = _read_rda("billboard_spotify_track_data")
    df["year"] = pd.to_numeric(df["year"]).astype(int)
    return df


def load_billboard_playlists() -> pd.DataFrame:
    """The Spotify playlists the R package used for each Billboard year (56 rows).

    Columns: year (int), spotify_uri, spotify_user, spotify_playlist. Other users' playlists can no
    longer be read by development-mode apps (2026), so this table documents provenance only.
    Licence: MIT (R package 'billboard' 0.1.0).
    """
    df = _read_rda("billboard_spotify_playlists")
    df["year"] = pd.to_numeric(df["year"]).astype(int)
    return df


HETREC_TABLES = {
    "user_artists": ("hetrec_user_artists", {"userID": "user_id", "artistID": "artist_id", "weight": "plays"}),
    "artists": ("hetrec_artists", {"id": "artist_id", "name": "name", "url": "url", "pictureURL": "picture_url"}),
    "tags": ("hetrec_tags", {"tagID": "tag_id", "tagValue": "tag"}),
    "user_friends": ("hetrec_user_friends", {"userID": "user_id", "friendID": "friend_id"}),
    "user_taggedartists": ("hetrec_user_taggedartists",
                           {"userID": "user_id", "artistID": "artist_id", "tagID": "tag_id"}),
}


def load_hetrec(table: str = "user_artists") -> pd.DataFrame:
    """HetRec 2011 Last.fm 2K: 1,892 users, 17,632 artists.

    Tables (renamed to snake_case):
    - ``user_artists``: user_id, artist_id, plays (listening count; 92,834 rows)
    - ``artists``: artist_id, name, url, picture_url
    - ``tags``: tag_id, tag (the file is Latin-1)
    - ``user_friends``: user_id, friend_id
    - ``user_taggedartists``: user_id, artist_id, tag_id, day, month, year

    Licence: non-commercial use (HetRec 2011 readme); Last.fm data. Cite Cantador, Brusilovsky
    and Kuflik, HetRec 2011 (RecSys 2011).
    """
    if table not in HETREC_TABLES:
        raise ValueError(f"table must be one of {sorted(HETREC_TABLES)}, not {table!r}")
    key, names = HETREC_TABLES[table]
    encoding = "latin-1" if table == "tags" else "utf-8"
    df = _read_csv(key, sep="\t", encoding=encoding, quoting=csv.QUOTE_NONE)
    return df.rename(columns=names)


def load_aotm_bigrams() -> pd.DataFrame:
    """Art of the Mix playlist transitions: 66,250 rows of ``from_song`` -> ``to_song``.

    Songs are Million Song Dataset track ids (TR...). Each row says one playlist played
    ``to_song`` right after ``from_song``.
    Licence: none stated; research data. Cite McFee & Lanckriet, 'The natural language of
    playlists', ISMIR 2011.
    """
    return _read_csv("aotm_bigrams", header=None, names=["from_song", "to_song"], compression="gzip")


MSSD_BOOL_COLUMNS = [
    "skip_1", "skip_2", "skip_3", "not_skipped", "hist_user_behavior_is_shuffle", "premium",
]


def load_mssd_sample() -> pd.DataFrame:
    """201 real rows of Spotify's Music Streaming Sessions Dataset session log.

    Columns: session_id, session_position, session_length, track_id_clean, skip_1, skip_2,
    skip_3, not_skipped, context_switch, no_pause_before_play, short_pause_before_play,
    long_pause_before_play, hist_user_behavior_n_seekfwd, hist_user_behavior_n_seekback,
    hist_user_behavior_is_shuffle, hour_of_day, date (datetime), premium, context_type,
    hist_user_behavior_reason_start, hist_user_behavior_reason_end. Booleans are bool.
    Too small to train on: it shows the schema used at Spotify scale.
    Licence: Spotify Music Streaming Sessions Dataset terms (research use).
    """
    df = _read_csv("mssd_very_small")
    for col in MSSD_BOOL_COLUMNS:
        df[col] = df[col].astype(str).str.lower().map({"true": True, "false": False}).astype(bool)
    df["date"] = pd.to_datetime(df["date"], format="%d-%m-%y")
    return df


def load_streaming_history_example() -> pd.DataFrame:
    """A real basic Spotify export (``StreamingHistory0.json``) published by its owner: 6,866 plays.

    Columns as in the export: endTime (text, "YYYY-MM-DD HH:MM" UTC), artistName, trackName,
    msPlayed. ``helpers.history.load_export`` turns such files into the course's tidy format.
    Licence: none stated; published by its owner (cosmoduende/r-spotify-history-analysis).
    """
    return pd.read_json(fetch("streaming_history_example"))


def with_audio_features(tracks: pd.DataFrame, catalog: pd.DataFrame | None = None,
                        verbose: bool = True) -> tuple[pd.DataFrame, float]:
    """Join audio features from the open catalogue onto ``tracks`` by ``track_id`` (no Spotify call:
    Spotify stopped serving audio features to new apps in November 2024).

    Returns the tracks that were found (with the 12 ``data.AUDIO_FEATURES`` and ``playlist_genre``)
    and the match rate. Spotify no longer serves audio features, so tracks missing from the
    catalogue have none: the notebooks say so rather than guess.
    """
    catalog = load_tracks(dedupe=True) if catalog is None else catalog
    columns = ["track_id", "playlist_genre", *AUDIO_FEATURES]
    features = catalog[columns].drop_duplicates("track_id")
    features = features.drop(columns=[c for c in columns[1:] if c in tracks.columns])
    merged = tracks.merge(features, on="track_id", how="inner")
    rate = len(merged) / len(tracks) if len(tracks) else 0.0
    if verbose:
        print(f"Audio features found for {len(merged)} of {len(tracks)} tracks ({rate:.0%}); "
              f"the others are not in the open catalogue (it stops in early 2020).")
    return merged, rate
