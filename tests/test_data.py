"""helpers.data: the registry, the loaders on the mirror, and what a user sees when data is missing.

Downloads are tested against a real HTTP server on 127.0.0.1 serving files we make, so the whole
pooch path (download, sha256 check, cache) runs without the internet.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import os
import threading
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.errors import DataChecksumError, DataUnavailableError, MalformedDataError

MIRROR = Path(os.environ.get("SPOTIFY_ML_DATA", Path(__file__).resolve().parents[2] / "shared" / "datasets"))


# ---------------------------------------------------------------------------------------------
# The registry matches the mirror's manifest, and every file in it loads with its columns.
# ---------------------------------------------------------------------------------------------

def test_registry_matches_the_mirror_manifest():
    manifest = MIRROR / "MANIFEST.csv"
    if not manifest.exists():
        pytest.skip("the data mirror is not beside this checkout")
    with open(manifest, newline="") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    assert set(rows) == set(data.registry())
    for key, row in rows.items():
        item = data.entry(key)
        assert (item.path, item.url, item.sha256, item.bytes) == (row["path"], row["url"], row["sha256"], int(row["bytes"]))


def test_every_registered_file_is_fetched_and_verified():
    for key, item in data.registry().items():
        local = data.fetch(key)
        assert local.stat().st_size == item.bytes, key
        assert data.sha256_of(local) == item.sha256, key


LOADERS = {
    "tracks": (data.load_tracks, 32833, ["track_id", "track_artist", "playlist_genre", "release_year", "AUDIO_FEATURES"]),
    "hits": (data.load_hit_predictor, 41106, ["track", "artist", "uri", "target", "decade", "decade_start", "chorus_hit"]),
    "moods": (data.load_moods, 686, ["name", "artist", "id", "valence", "energy", "mood"]),
    "lyrics": (data.load_billboard_lyrics, 5701, ["title", "artist", "year", "lyrics", "rank"]),
    "ranks": (data.load_billboard_ranks, 5701, ["rank", "title", "artist", "year"]),
    "billboard_features": (data.load_billboard_features, 5497, ["year", "track_id", "valence", "energy"]),
    "billboard_playlists": (data.load_billboard_playlists, 56, ["year", "spotify_uri", "spotify_playlist"]),
    "aotm": (data.load_aotm_bigrams, 66250, ["from_song", "to_song"]),
    "mssd": (data.load_mssd_sample, 201, ["session_id", "skip_1", "not_skipped", "hist_user_behavior_reason_end"]),
    "history_example": (data.load_streaming_history_example, 6866, ["endTime", "artistName", "trackName", "msPlayed"]),
    "hetrec": (data.load_hetrec, 92834, ["user_id", "artist_id", "plays"]),
}


@pytest.mark.parametrize("name", LOADERS)
def test_loader_returns_documented_columns(name):
    loader, rows, columns = LOADERS[name]
    df = loader()
    assert len(df) == rows
    expected = [c for c in columns if c != "AUDIO_FEATURES"] + (data.AUDIO_FEATURES if "AUDIO_FEATURES" in columns else [])
    assert set(expected) <= set(df.columns)
    for column in columns:  # the docstring lists what a student can rely on
        assert column in (loader.__doc__ or ""), f"{loader.__name__} does not document {column}"


def test_every_registered_file_has_a_loader_or_a_path_use():
    """Each manifest key is read by some loader (or is a binary file used through data.fetch)."""
    source = Path(data.__file__).read_text()
    binary = {"fer_emotion_model", "fer_face_example", "fer_no_face_example", "spotify_songs_zip"}
    for key in data.registry():
        assert key in binary or f'"{key}"' in source or key.startswith("hit_predictor_") \
            or key == "hetrec_readme", f"no loader reads {key}"
    assert data.fetch("fer_face_example").suffix == ".jpg"
    assert "HetRec" in data.fetch("hetrec_readme").read_text(encoding="latin-1")


def test_hetrec_tables_and_encodings():
    assert len(data.load_hetrec("artists")) == 17632
    tags = data.load_hetrec("tags")
    assert tags["tag"].str.contains("ñ").any()  # Latin-1 decoded, not mangled ("español")
    assert data.load_hetrec("user_artists")["user_id"].nunique() == 1892
    with pytest.raises(ValueError, match="table must be one of"):
        data.load_hetrec("nope")


def test_track_dedupe_and_typed_columns():
    tracks = data.load_tracks(dedupe=True)
    assert tracks["track_id"].is_unique and len(tracks) == 28356
    assert tracks["release_year"].between(1950, 2021).all()
    hits = data.load_hit_predictor(["60s", "10s"])
    assert set(hits["decade_start"]) == {1960, 2010}
    assert set(hits["target"]) == {0, 1}
    mssd = data.load_mssd_sample()
    assert mssd["skip_1"].dtype == bool and mssd["date"].dt.year.eq(2018).all()
    lyrics = data.load_billboard_lyrics()
    assert lyrics["rank"].between(1, 100).all() and (lyrics["lyrics"] != "").sum() > 4000


def test_credit_lines_name_licences():
    text = data.credit("spotify_songs", "hetrec_user_artists", "hetrec_artists")
    assert "MIT" in text and "non-commercial" in text
    assert text.count("\n") == 1  # the two HetRec files share one credit line


def test_unknown_key_lists_the_known_ones():
    from helpers.errors import CourseError
    with pytest.raises(CourseError, match="spotify_songs") as info:
        data.fetch("no_such_dataset")
    assert isinstance(info.value, KeyError)  # still a KeyError for code that catches one
    assert str(info.value).startswith("No dataset called 'no_such_dataset'. Known datasets:")


# ---------------------------------------------------------------------------------------------
# Downloads: a local HTTP server, a fake registry entry, an empty data folder.
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def http_root(tmp_path):
    """Serve tmp_path/www on a free loopback port; yields (folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests_seen: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        _QuietHandler.requests_seen.append(self.path)
        super().do_GET()


@pytest.fixture
def fake_entry(monkeypatch, tmp_path):
    """Register one small file under key 'demo_file' and point both data folders at tmp dirs."""
    content = b"a,b\n1,2\n"
    (tmp_path / "data").mkdir()
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))

    def install(url: str, body: bytes = content) -> data.DataFile:
        item = data.DataFile(key="demo_file", path="demo/demo.csv", url=url,
                             sha256=hashlib.sha256(content).hexdigest(), bytes=len(content),
                             license="test", source="test")
        table = {**data.registry(), "demo_file": item}
        monkeypatch.setattr(data, "registry", lambda: table)
        return item

    return install, content


def test_download_verifies_and_caches(http_root, fake_entry, tmp_path):
    www, base = http_root
    install, content = fake_entry
    (www / "demo.csv").write_bytes(content)
    install(f"{base}/demo.csv")
    _QuietHandler.requests_seen.clear()
    first = data.fetch("demo_file")
    # SPOTIFY_ML_DATA is only read: downloads go to the per-user cache.
    assert first == tmp_path / "cache" / "demo" / "demo.csv" and first.read_bytes() == content
    assert not (tmp_path / "data" / "demo").exists()
    assert data.fetch("demo_file") == first
    assert _QuietHandler.requests_seen == ["/demo.csv"]  # the second call used the cache


def test_offline_and_not_cached_names_url_and_variable(fake_entry, monkeypatch):
    install, _ = fake_entry
    import socket
    with socket.socket() as s:  # a port nobody listens on: connection refused, like being offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/demo.csv"
    install(url)
    with pytest.raises(DataUnavailableError) as info:
        data.fetch("demo_file")
    message = str(info.value)
    assert url in message and "SPOTIFY_ML_DATA" in message and "offline" in message


def test_corrupt_file_in_data_folder_is_kept_and_a_copy_downloaded(http_root, fake_entry, tmp_path):
    www, base = http_root
    install, content = fake_entry
    (www / "demo.csv").write_bytes(content)
    install(f"{base}/demo.csv")
    broken = tmp_path / "data" / "demo" / "demo.csv"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"truncated")
    got = data.fetch("demo_file")
    assert got == tmp_path / "cache" / "demo" / "demo.csv" and got.read_bytes() == content
    assert broken.read_bytes() == b"truncated"  # SPOTIFY_ML_DATA is never written, even by root


def test_corrupt_cache_file_is_replaced(http_root, fake_entry, tmp_path, monkeypatch):
    www, base = http_root
    install, content = fake_entry
    monkeypatch.delenv(data.DATA_ENV)
    (www / "demo.csv").write_bytes(content)
    install(f"{base}/demo.csv")
    broken = tmp_path / "cache" / "demo" / "demo.csv"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"truncated")
    assert data.fetch("demo_file") == broken and broken.read_bytes() == content


def test_checksum_failure_names_the_corrupt_local_file_and_keeps_it(http_root, fake_entry, tmp_path):
    www, base = http_root
    install, _ = fake_entry
    (www / "demo.csv").write_bytes(b"the source changed\n")
    install(f"{base}/demo.csv")
    broken = tmp_path / "data" / "demo" / "demo.csv"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"truncated")
    with pytest.raises(DataChecksumError, match="sha256") as info:
        data.fetch("demo_file")
    assert str(broken) in str(info.value)
    assert broken.read_bytes() == b"truncated"  # left untouched
    assert not (tmp_path / "cache" / "demo" / "demo.csv").exists()  # the bad download was not kept


def test_read_only_data_folder_is_never_written(http_root, fake_entry, tmp_path):
    www, base = http_root
    install, content = fake_entry
    (www / "demo.csv").write_bytes(content)
    install(f"{base}/demo.csv")
    readonly = tmp_path / "data" / "demo"
    readonly.mkdir(parents=True)
    (readonly / "demo.csv").write_bytes(b"corrupt")
    readonly.chmod(0o555)
    try:
        got = data.fetch("demo_file")
    finally:
        readonly.chmod(0o755)
    assert got == tmp_path / "cache" / "demo" / "demo.csv"
    assert [p.name for p in readonly.iterdir()] == ["demo.csv"]
    assert (readonly / "demo.csv").read_bytes() == b"corrupt"


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_bad_data_folder_is_refused_not_created(fake_entry, tmp_path, monkeypatch, kind):
    install, _ = fake_entry
    install("http://127.0.0.1:9/demo.csv")
    bad = tmp_path / "nowhere"
    if kind == "file":
        bad.write_text("not a folder")
    monkeypatch.setenv(data.DATA_ENV, str(bad))
    with pytest.raises(DataUnavailableError, match="SPOTIFY_ML_DATA") as info:
        data.fetch("demo_file")
    assert str(bad) in str(info.value)
    assert bad.is_file() if kind == "file" else not bad.exists()


def test_corrupt_mirror_csv_uses_the_mirror_zip(monkeypatch, tmp_path):
    """A corrupt spotify_songs.csv in SPOTIFY_ML_DATA: the mirror's zip is used, offline, and the
    corrupt file is kept."""
    if not (MIRROR / "tidytuesday-spotify-songs" / "spotify_songs.zip").exists():
        pytest.skip("the data mirror is not beside this checkout")
    folder = tmp_path / "data" / "tidytuesday-spotify-songs"
    folder.mkdir(parents=True)
    (folder / "spotify_songs.zip").write_bytes((MIRROR / "tidytuesday-spotify-songs" / "spotify_songs.zip").read_bytes())
    (folder / "spotify_songs.csv").write_bytes(b"track_id\ncorrupt\n")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))

    def offline(item, target):
        raise DataUnavailableError("simulated: offline")

    monkeypatch.setattr(data, "_download", offline)
    got = data.fetch("spotify_songs")
    assert got.is_relative_to(tmp_path / "cache")
    assert data.sha256_of(got) == data.entry("spotify_songs").sha256
    assert (folder / "spotify_songs.csv").read_bytes() == b"track_id\ncorrupt\n"


def test_spotify_songs_falls_back_to_the_zip(monkeypatch, tmp_path):
    """If the canonical CSV fails its check, the same bytes come from the registered zip."""
    if not (MIRROR / "tidytuesday-spotify-songs" / "spotify_songs.zip").exists():
        pytest.skip("the data mirror is not beside this checkout")
    (tmp_path / "data").mkdir()
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    zip_dst = tmp_path / "data" / "tidytuesday-spotify-songs" / "spotify_songs.zip"
    zip_dst.parent.mkdir(parents=True)
    zip_dst.write_bytes((MIRROR / "tidytuesday-spotify-songs" / "spotify_songs.zip").read_bytes())

    def csv_download_fails_check(item, target):
        raise DataChecksumError("simulated: canonical CSV changed upstream")

    monkeypatch.setattr(data, "_download", csv_download_fails_check)
    got = data.fetch("spotify_songs")
    assert data.sha256_of(got) == data.entry("spotify_songs").sha256


def test_malformed_csv_is_reported_with_its_path(monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b'a,b\n1,"unterminated\n')
    monkeypatch.setattr(data, "fetch", lambda key: bad)
    with pytest.raises(MalformedDataError, match="bad.csv"):
        data._read_csv("anything")


def test_loader_results_are_plain_pandas():
    df = data.load_moods()
    assert isinstance(df, pd.DataFrame)
    assert df["mood"].value_counts().to_dict().keys() == {"Happy", "Sad", "Energetic", "Calm"}
