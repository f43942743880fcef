"""The Million Playlist Dataset slice loader, tested on slice files this project writes."""

import json

import pandas as pd
import pytest

from helpers import CourseError, mpd


def entries():
    return pd.DataFrame({
        "pid": [0, 0, 0, 1, 1],
        "pos": [0, 1, 2, 0, 1],
        "track_uri": ["spotify:track:a", "spotify:track:b", "spotify:track:c", "spotify:track:b", "spotify:track:d"],
        "track_name": ["A", "B", "C", "B", "D"],
        "artist_name": ["x", "y", "z", "y", "w"],
    })


def test_write_then_load_round_trip(tmp_path):
    mpd.write_slice(entries(), tmp_path / "mpd.slice.0-1.json")
    mpd.write_slice(entries().assign(pid=lambda d: d["pid"] + 1000), tmp_path / "mpd.slice.1000-1001.json")
    loaded = mpd.load_mpd(tmp_path)
    assert loaded.columns.tolist() == mpd.MPD_COLUMNS
    assert len(loaded) == 10 and loaded["pid"].unique().tolist() == [0, 1, 1000, 1001]
    assert mpd.load_mpd(tmp_path / "mpd.slice.0-1.json", max_playlists=1)["track_uri"].tolist() == [
        "spotify:track:a", "spotify:track:b", "spotify:track:c"]
    raw = json.loads((tmp_path / "mpd.slice.0-1.json").read_text())
    assert raw["playlists"][0]["tracks"][1]["pos"] == 1 and raw["playlists"][1]["num_tracks"] == 2


def test_playlist_sequences_share_one_item_code_per_track(tmp_path):
    mpd.write_slice(entries(), tmp_path / "mpd.slice.0-1.json")
    seqs, names = mpd.playlist_sequences(mpd.load_mpd(tmp_path))
    assert [s.tolist() for s in seqs] == [[0, 1, 2], [1, 3]]
    assert names[1] == "spotify:track:b"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"info": {}}), "no 'playlists' list"),
    (json.dumps({"playlists": [{"name": "no pid", "tracks": []}]}), "without 'pid'"),
    (json.dumps({"playlists": [{"pid": 0, "tracks": [{"track_name": "no uri"}]}]}), "without pos"),
])
def test_malformed_slices_give_a_clear_message(tmp_path, content, message):
    (tmp_path / "mpd.slice.0-999.json").write_text(content)
    with pytest.raises(CourseError, match=message):
        mpd.load_mpd(tmp_path)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CourseError, match="does not exist"):
        mpd.load_mpd(tmp_path / "nowhere")
    with pytest.raises(CourseError, match="No MPD slice files"):
        mpd.load_mpd(tmp_path)
