"""helpers.listener.simulate_export: the SYNTHETIC demo listener's extended export."""

from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest

from helpers import data, listener
from helpers.listener import EXPORT_FOLDER, FIELDS, SKIP_EFFECTS, simulate_export

FILE_NAME = re.compile(r"^Streaming_History_Audio_(\d{4})(?:-(\d{4}))?_(\d+)\.json$")


@pytest.fixture(scope="module")
def catalog():
    return data.load_tracks(dedupe=True)


@pytest.fixture(scope="module")
def export(tmp_path_factory, catalog):
    """The default demo export (four years), generated once, with how long it took."""
    out = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    folder = simulate_export(out, catalog=catalog)
    return folder, time.perf_counter() - started


@pytest.fixture(scope="module")
def records(export):
    folder, _ = export
    rows = []
    for path in sorted(folder.glob("Streaming_History_Audio_*.json"),
                       key=lambda p: int(FILE_NAME.match(p.name).group(3))):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return rows


@pytest.fixture(scope="module")
def plays(records):
    df = pd.DataFrame(records)
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    return df


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_same_seed_same_bytes_other_seed_differs(tmp_path, catalog):
    a = simulate_export(tmp_path / "a", years=(2023, 2024), seed=5, catalog=catalog)
    b = simulate_export(tmp_path / "b", years=(2023, 2024), seed=5, catalog=catalog)
    c = simulate_export(tmp_path / "c", years=(2023, 2024), seed=6, catalog=catalog)
    assert _files(a) == _files(b)
    for name in _files(a):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    first = sorted(a.glob("*.json"))[0]
    assert first.read_bytes() != sorted(c.glob("*.json"))[0].read_bytes()


def test_rerun_replaces_old_files(tmp_path, catalog):
    folder = simulate_export(tmp_path, years=(2022, 2024), seed=1, catalog=catalog)
    many = set(folder.glob("Streaming_History_Audio_*.json"))
    folder = simulate_export(tmp_path, years=2024, seed=1, catalog=catalog)
    few = set(folder.glob("Streaming_History_Audio_*.json"))
    assert len(few) < len(many)
    assert all(FILE_NAME.match(p.name).group(1) == "2024" for p in few)


def test_folder_and_file_names_follow_spotify(export, records):
    folder, _ = export
    assert folder.name == EXPORT_FOLDER
    names = [n for n in _files(folder) if n.endswith(".json")]
    assert len(names) >= 2, "tens of thousands of plays should be split into several files"
    matches = [FILE_NAME.match(n) for n in names]
    assert all(matches), names
    assert sorted(int(m.group(3)) for m in matches) == list(range(len(names)))
    for path, m in zip(sorted(folder.glob("*.json")), (FILE_NAME.match(p.name) for p in sorted(folder.glob("*.json")))):
        years = {r["ts"][:4] for r in json.loads(path.read_text(encoding="utf-8"))}
        assert min(years) == m.group(1) and max(years) == (m.group(2) or m.group(1)), path.name
        assert path.stat().st_size <= listener.SPLIT_FILE_BYTES
    readme = (folder / "README_SYNTHETIC.txt").read_text()
    assert "SYNTHETIC" in readme and str(len(records)) in readme


def test_every_record_has_the_current_fields(records):
    assert all(list(r) == FIELDS for r in records)
    ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    assert all(ts.match(r["ts"]) for r in records)
    assert all(r["ip_addr"].startswith("192.0.2.") for r in records), "IPs must be obviously fake"
    assert all(r["audiobook_uri"] is None for r in records)
    assert all(isinstance(r["ms_played"], int) and r["ms_played"] >= 0 for r in records)
    assert {type(r["shuffle"]) for r in records} == {bool}
    assert {type(r["skipped"]) for r in records} == {bool, type(None)}, "older plays have skipped = null"


def test_music_rows_are_catalog_tracks_and_podcasts_have_null_track_fields(records, catalog):
    ids = set(catalog["track_id"])
    music = [r for r in records if r["spotify_track_uri"] is not None]
    podcasts = [r for r in records if r["spotify_episode_uri"] is not None]
    assert len(music) + len(podcasts) == len(records)
    assert all(r["spotify_track_uri"].removeprefix("spotify:track:") in ids for r in music)
    assert 5 <= len(podcasts) <= 0.01 * len(records)
    for r in podcasts:
        assert r["master_metadata_track_name"] is None and r["master_metadata_album_artist_name"] is None
        assert re.match(r"^spotify:episode:[0-9A-Za-z]{22}$", r["spotify_episode_uri"])
        assert r["episode_show_name"].startswith("SYNTHETIC")


def test_volumes_and_time_range(plays):
    assert 20_000 <= len(plays) <= 100_000, len(plays)
    per_year = plays.groupby(plays["ts"].dt.year).size()
    assert list(per_year.index) == [2021, 2022, 2023, 2024]
    assert per_year.min() > 5_000
    assert plays["ts"].is_monotonic_increasing
    # Plays never overlap: each starts after the previous one ended.
    start = plays["ts"] - pd.to_timedelta(plays["ms_played"], unit="ms")
    previous_end = plays["ts"].shift()
    assert (start.iloc[1:] >= previous_end.iloc[1:] - pd.Timedelta(seconds=1)).all()
    assert plays["master_metadata_album_artist_name"].nunique() > 300


def test_reasons_and_labels_are_consistent(plays):
    music = plays[plays["spotify_track_uri"].notna()]
    assert set(music["reason_end"]) <= {"trackdone", "fwdbtn", "backbtn", "endplay", "logout",
                                        "trackerror", "unexpected-exit"}
    known = music[music["skipped"].notna()]
    assert known.loc[known["reason_end"] == "fwdbtn", "skipped"].all()
    assert not known.loc[known["reason_end"] == "trackdone", "skipped"].any()
    rate = known["skipped"].mean()
    assert 0.2 < rate < 0.5, rate
    # A skip cuts the play short; most skips happen within 30 s, some later.
    fwd = music[music["reason_end"] == "fwdbtn"]["ms_played"]
    assert 0.6 < (fwd < 30_000).mean() < 0.95


def test_skip_rate_responds_to_planted_effects(plays):
    music = plays[plays["spotify_track_uri"].notna() & plays["skipped"].notna()].copy()
    skip = music["skipped"].astype(bool)
    by = lambda col: skip.groupby(music[col]).mean()  # noqa: E731
    assert SKIP_EFFECTS["shuffle"] > 0 and by("shuffle")[True] > by("shuffle")[False] + 0.03
    starts = by("reason_start")
    assert starts["fwdbtn"] > starts["trackdone"] + 0.05 > starts["clickrow"] + 0.1
    platforms = by("platform")
    assert platforms["sonos"] < platforms["android"] - 0.05
    # Later positions in a session are skipped more (sessions: gaps over 30 minutes).
    start = music["ts"] - pd.to_timedelta(music["ms_played"], unit="ms")
    session = ((start - music["ts"].shift()).dt.total_seconds().fillna(1e9) > 1800).cumsum()
    position = music.groupby(session).cumcount() + 1
    assert skip[position >= 10].mean() > skip[position <= 2].mean() + 0.03
    # Audio features planted in the model (from the catalog): instrumental and long tracks.
    music["track_id"] = music["spotify_track_uri"].str.removeprefix("spotify:track:")
    audio = music.merge(data.load_tracks(dedupe=True)[["track_id", "instrumentalness", "duration_ms"]],
                        on="track_id")
    skipped = audio["skipped"].astype(bool)
    assert skipped[audio["instrumentalness"] > 0.5].mean() > skipped[audio["instrumentalness"] < 0.01].mean() + 0.05
    assert skipped[audio["duration_ms"] > 300_000].mean() > skipped[audio["duration_ms"] < 210_000].mean() + 0.03


def test_runtime_is_seconds(export):
    _, seconds = export
    assert seconds < 30, f"simulate_export took {seconds:.1f} s"


def test_history_loader_reads_it_and_drops_private_fields(export):
    history = pytest.importorskip("helpers.history")
    folder, _ = export
    df = history.load_export(folder)
    assert len(df) > 20_000
    assert "ip_addr" not in df.columns
    assert df["track_id"].notna().all()
    assert not hasattr(history, "simulate_export")   # one way to the simulator: helpers.listener


def test_bad_years_are_refused(tmp_path, catalog):
    with pytest.raises(ValueError):
        simulate_export(tmp_path, years=[2020, 2022, 2023], catalog=catalog)
