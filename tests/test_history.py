"""helpers.history.load_export: both export formats, every extended vintage, privacy, bad input.

Small exports are written into tmp_path in the documented shapes (shared/datasets/README.md);
the real basic export comes from the data mirror.
"""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from helpers import data, history
from helpers.errors import CourseError, MalformedDataError
from helpers.history import PLAY_COLUMNS, load_export
from helpers.listener import simulate_export

URI_A = "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
URI_B = "spotify:track:7GhIk7Il098yCjg4BQjzvb"

SECRET_IP, SECRET_AGENT, SECRET_USER = "203.0.113.42", "Spotify/8.8.0 Android/30 (SM-G973F)", "alice_1999"


def basic(end, artist, track, ms):
    return {"endTime": end, "artistName": artist, "trackName": track, "msPlayed": ms}


def ext(ts, track="Never Gonna Give You Up", artist="Rick Astley", album="Whenever You Need Somebody",
        uri=URI_A, ms=213000, vintage="2024", **extra):
    """One extended record as the given vintage writes it ('endsong', '2022', '2024')."""
    rec = {
        "ts": ts, "platform": "android", "ms_played": ms, "conn_country": "GB",
        "master_metadata_track_name": track, "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": album, "spotify_track_uri": uri,
        "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
        "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": False, "skipped": False,
        "offline": False, "offline_timestamp": 1700000000, "incognito_mode": False,
    }
    if vintage in ("endsong", "2022"):
        rec.update(username=SECRET_USER, ip_addr_decrypted=SECRET_IP, user_agent_decrypted=SECRET_AGENT)
    if vintage == "endsong":
        rec["platform"] = "Android OS 9 API 28 (samsung, SM-G960F)"
        rec["skipped"] = None
    if vintage == "2024":
        rec.update(ip_addr=SECRET_IP, audiobook_title=None, audiobook_uri=None,
                   audiobook_chapter_uri=None, audiobook_chapter_title=None)
    rec.update(extra)
    return rec


def podcast(ts, vintage="2024"):
    return ext(ts, track=None, artist=None, album=None, uri=None, vintage=vintage,
               episode_name="Episode 12", episode_show_name="A Show",
               spotify_episode_uri="spotify:episode:0Q86acNRm6V9GYx55SXKwf")


def write(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# Basic format
# ------------------------------------------------------------------------------------------

def test_basic_file_gives_tidy_utc_plays_with_null_extended_fields(tmp_path):
    f = write(tmp_path / "StreamingHistory0.json", [
        basic("2021-03-01 23:59", "Mon Laferte", "Tu Falta De Querer", 245000),
        basic("2021-03-01 08:05", "Esteman", "Caótica Belleza", 4000),
    ])
    df = load_export(f)
    assert list(df.columns) == PLAY_COLUMNS
    assert len(df) == 2
    assert str(df["ts"].dt.tz) == "UTC"
    # endTime is the END of the play in UTC; rows come back sorted by time.
    assert df["ts"].tolist() == [pd.Timestamp("2021-03-01 08:05", tz="UTC"),
                                 pd.Timestamp("2021-03-01 23:59", tz="UTC")]
    assert df.loc[0, "track"] == "Caótica Belleza" and df.loc[0, "ms_played"] == 4000
    assert df["ms_played"].dtype == "int64"
    for col in ("album", "track_uri", "track_id", "platform", "reason_start", "reason_end", "shuffle", "skipped"):
        assert df[col].isna().all(), col
    assert (df["source_format"] == "basic").all()
    assert df.attrs["summary"]["formats"] == ["basic"]


def test_basic_music_and_podcast_files_in_a_folder(tmp_path):
    folder = tmp_path / "my_spotify_data" / "MyData"
    write(folder / "StreamingHistory_music_0.json", [basic("2023-01-02 10:00", "A", "x", 1000)])
    write(folder / "StreamingHistory_music_1.json", [basic("2023-01-03 10:00", "B", "y", 2000)])
    write(folder / "StreamingHistory_podcast_0.json",
          [{"endTime": "2023-01-02 11:00", "podcastName": "Show", "episodeName": "Ep", "msPlayed": 9}] * 3)
    write(folder / "Userdata.json", {"username": SECRET_USER, "email": "a@example.org"})
    write(folder / "Playlist1.json", {"playlists": []})
    df = load_export(tmp_path / "my_spotify_data")
    assert df["artist"].tolist() == ["A", "B"]
    s = df.attrs["summary"]
    assert s["left_out"]["podcast"] == 3
    assert len(s["files"]) == 3          # the two music files and the podcast file, nothing else
    assert not any("Userdata" in f for f in s["files"])


def test_real_basic_export_from_the_mirror():
    path = data.fetch("streaming_history_example")
    df = load_export(path)
    assert len(df) == 6866
    assert df.attrs["summary"]["music_plays"] == 6866
    assert (df["source_format"] == "basic").all()
    assert df["track_uri"].isna().all() and df["track_id"].isna().all()   # basic exports have no URIs
    assert df["ts"].min() == pd.Timestamp("2020-01-16 03:13", tz="UTC")
    assert df["ts"].max() == pd.Timestamp("2021-01-17 01:55", tz="UTC")
    assert df["artist"].notna().all() and (df["ms_played"] >= 0).all()
    raw = data.load_streaming_history_example()
    assert df["ms_played"].sum() == raw["msPlayed"].sum()


# ------------------------------------------------------------------------------------------
# Extended format, every vintage
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,vintage", [
    ("endsong_0.json", "endsong"),
    ("Streaming_History_Audio_2022-2023_0.json", "2022"),
    ("Streaming_History_Audio_2024.json", "2024"),
])
def test_every_extended_vintage(tmp_path, name, vintage):
    f = write(tmp_path / name, [
        ext("2023-05-01T14:03:27Z", vintage=vintage),
        ext("2023-05-01T14:07:00Z", track="Bohemian Rhapsody", artist="Queen", album="A Night at the Opera",
            uri=URI_B, ms=12000, vintage=vintage, reason_end="fwdbtn", skipped=True, shuffle=True),
    ])
    df = load_export(f)
    assert list(df.columns) == PLAY_COLUMNS
    assert len(df) == 2
    assert df.loc[0, "ts"] == pd.Timestamp("2023-05-01 14:03:27", tz="UTC")
    assert df.loc[0, "artist"] == "Rick Astley" and df.loc[0, "album"] == "Whenever You Need Somebody"
    assert df["track_uri"].tolist() == [URI_A, URI_B]
    assert df["track_id"].tolist() == ["4uLU6hMCjMI75M1A2tKUQC", "7GhIk7Il098yCjg4BQjzvb"]
    assert df["reason_end"].tolist() == ["trackdone", "fwdbtn"]
    assert df["shuffle"].tolist() == [False, True]
    assert df.loc[1, "skipped"] == True  # noqa: E712  (nullable boolean)
    assert df["platform"].tolist() == ["android", "android"]   # the device model is not kept
    assert (df["source_format"] == "extended").all()
    assert df.attrs["summary"]["unknown_fields"] == []


@pytest.mark.parametrize("vintage", ["endsong", "2022", "2024"])
def test_private_fields_never_come_back(tmp_path, vintage):
    f = write(tmp_path / "endsong_0.json", [ext("2023-05-01T14:03:27Z", vintage=vintage)])
    df = load_export(f)
    as_text = df.astype(str).to_csv() + json.dumps(df.attrs, default=str) + history.summary_text(df)
    for secret in (SECRET_IP, SECRET_AGENT, SECRET_USER, "SM-G960F"):
        assert secret not in as_text
    assert not set(df.columns) & history.PRIVATE_FIELDS
    assert df.attrs["summary"]["private_fields_dropped"]   # only the names are listed


def test_podcast_audiobook_video_and_empty_rows_are_left_out_and_counted(tmp_path):
    folder = tmp_path / "Spotify Extended Streaming History"
    book = ext("2024-02-01T10:00:00Z", track=None, artist=None, album=None, uri=None,
               audiobook_title="A Book", audiobook_uri="spotify:show:abc",
               audiobook_chapter_uri="spotify:episode:def", audiobook_chapter_title="Chapter 1")
    nothing = ext("2024-02-01T11:00:00Z", track=None, artist=None, album=None, uri=None)
    write(folder / "Streaming_History_Audio_2024.json",
          [ext("2024-02-01T09:00:00Z"), podcast("2024-02-01T09:30:00Z"), podcast("2024-02-01T09:40:00Z"),
           book, nothing])
    write(folder / "Streaming_History_Video_2024.json", [podcast("2024-02-01T12:00:00Z")])
    df = load_export(folder)
    assert len(df) == 1 and df.loc[0, "track_uri"] == URI_A
    assert df.attrs["summary"]["left_out"] == {"podcast": 2, "audiobook": 1, "video": 1, "other": 1}


def test_null_skipped_stays_null(tmp_path):
    f = write(tmp_path / "endsong_3.json", [
        ext("2019-06-01T10:00:00Z", vintage="endsong"),                       # skipped: null
        ext("2019-06-01T10:05:00Z", vintage="endsong", skipped=True),
        ext("2019-06-01T10:09:00Z", vintage="endsong", skipped=False),
    ])
    df = load_export(f)
    assert df["skipped"].dtype == "boolean"
    assert df["skipped"].isna().tolist() == [True, False, False]
    assert df["skipped"].iloc[1] == True and df["skipped"].iloc[2] == False  # noqa: E712


def test_unknown_fields_and_reasons_are_accepted(tmp_path):
    f = write(tmp_path / "Streaming_History_Audio_2025_0.json", [
        ext("2025-01-01T00:00:01Z", reason_start="brand-new-reason", reason_end="teleported",
            some_future_field={"nested": 1}),
    ])
    df = load_export(f)
    assert df.loc[0, "reason_start"] == "brand-new-reason" and df.loc[0, "reason_end"] == "teleported"
    assert df.attrs["summary"]["unknown_fields"] == ["some_future_field"]
    assert "some_future_field" not in df.columns


def test_local_files_keep_names_but_have_no_track_id(tmp_path):
    f = write(tmp_path / "endsong_0.json",
              [ext("2020-01-01T00:00:00Z", uri="spotify:local:Artist:Album:Song:200", track="Song")])
    df = load_export(f)
    assert df.loc[0, "track"] == "Song" and pd.isna(df.loc[0, "track_id"])


# ------------------------------------------------------------------------------------------
# Zips, folders, lists, duplicates
# ------------------------------------------------------------------------------------------

def test_zip_as_spotify_sends_it(tmp_path):
    z = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2021-2023_0.json",
                    json.dumps([ext("2021-01-01T10:00:00Z", vintage="2022"), podcast("2021-01-01T11:00:00Z")]))
        zf.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2023-2024_1.json",
                    json.dumps([ext("2023-12-31T23:59:59Z", uri=URI_B)]))
        zf.writestr("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", b"%PDF-1.4")
        zf.writestr("__MACOSX/Spotify Extended Streaming History/._Streaming_History_Audio_2021-2023_0.json",
                    b"\x00\x05\x16\x07 not json")
    df = load_export(z)
    assert df["track_uri"].tolist() == [URI_A, URI_B]
    assert df.attrs["summary"]["left_out"]["podcast"] == 1
    assert len(df.attrs["summary"]["files"]) == 2


def test_overlapping_files_are_deduplicated_but_real_repeats_stay(tmp_path):
    a = [ext("2022-03-01T10:00:00Z"), ext("2022-03-01T10:04:00Z", uri=URI_B, track="B")]
    b = [ext("2022-03-01T10:04:00Z", uri=URI_B, track="B"), ext("2022-03-01T10:08:00Z")]
    write(tmp_path / "Streaming_History_Audio_2022_0.json", a)
    write(tmp_path / "Streaming_History_Audio_2022_1.json", b)
    df = load_export(tmp_path)
    assert len(df) == 3 and df.attrs["summary"]["duplicates_removed"] == 1

    # Basic exports have minute resolution: two short plays of one track can share a minute.
    same_minute = [basic("2020-05-05 10:00", "A", "x", 3000)] * 2
    f = write(tmp_path / "basic" / "StreamingHistory0.json", same_minute)
    assert len(load_export(f)) == 2
    write(tmp_path / "basic" / "StreamingHistory1.json", same_minute)   # an overlapping second file
    assert len(load_export(tmp_path / "basic")) == 2


def test_a_list_of_files_and_both_formats_together(tmp_path):
    e = write(tmp_path / "endsong_0.json", [ext("2022-03-01T10:00:30Z"), ext("2022-03-05T10:00:00Z")])
    b = write(tmp_path / "StreamingHistory0.json", [
        basic("2022-03-01 10:00", "Rick Astley", "Never Gonna Give You Up", 213000),  # inside extended period
        basic("2022-04-01 10:00", "Queen", "Bohemian Rhapsody", 354000),              # after it
    ])
    df = load_export([e, b])
    assert df["source_format"].tolist() == ["extended", "extended", "basic"]
    assert df.attrs["summary"]["basic_overlap_removed"] == 1
    assert df.attrs["summary"]["formats"] == ["basic", "extended"]


def test_empty_file_gives_an_empty_table_with_the_columns(tmp_path):
    df = load_export(write(tmp_path / "Streaming_History_Audio_2020.json", []))
    assert list(df.columns) == PLAY_COLUMNS and len(df) == 0
    assert str(df["ts"].dt.tz) == "UTC"


# ------------------------------------------------------------------------------------------
# Malformed input: a clear MalformedDataError naming the file and what was expected
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content,expected", [
    (b'[{"endTime": "2020-01-01 10:00", "artistName": "A", ', "not valid JSON"),
    (b'{"endTime": "2020-01-01 10:00"}', "not an array"),
    (b'[1, 2, 3]', "not an object"),
    (b'[{"foo": 1, "bar": 2}]', "not a Spotify streaming history"),
    (b'[{"endTime": "01/02/2020 10:00", "artistName": "A", "trackName": "x", "msPlayed": 1}]', "YYYY-MM-DD HH:MM"),
    (b'[{"endTime": "2020-01-01 10:00", "artistName": "A", "trackName": "x", "msPlayed": "lots"}]', "milliseconds"),
    (b'[{"ts": "2020-01-01T10:00:00Z", "ms_played": 5, "master_metadata_track_name": "x"},'
     b' {"ms_played": 5, "master_metadata_track_name": "y", "ts2": 1}]', "play 1 has no ts"),
    (b'[{"ts": "yesterday", "ms_played": 5, "master_metadata_track_name": "x"}]', "ISO-8601"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_malformed_files_get_a_clear_error(tmp_path, content, expected):
    f = tmp_path / "StreamingHistory0.json"
    f.write_bytes(content)
    with pytest.raises(MalformedDataError) as info:
        load_export(f)
    message = str(info.value)
    assert str(f) in message and expected in message
    assert info.value.__cause__ is None          # no JSON or pandas traceback chained underneath
    assert isinstance(info.value, CourseError)


def test_folder_without_history_and_bad_zip_and_missing_path(tmp_path):
    write(tmp_path / "export" / "Userdata.json", {"country": "GB"})
    with pytest.raises(MalformedDataError, match="no Spotify streaming-history files"):
        load_export(tmp_path / "export")
    bad = tmp_path / "my_spotify_data.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(MalformedDataError, match="zip"):
        load_export(bad)
    with pytest.raises(CourseError, match="does not exist"):
        load_export(tmp_path / "nowhere")


def test_platform_families():
    assert history.platform_family("Android OS 9 API 28 (samsung, SM-G960F)") == "android"
    assert history.platform_family("iOS 12.1 (iPhone9,3)") == "ios"
    assert history.platform_family("Windows 10 (10.0.19041; x64)") == "windows"
    assert history.platform_family("OS X 10.15.7 [x86 8]") == "osx"
    assert history.platform_family("WebPlayer (websocket RFC6455)") == "web_player"
    assert history.platform_family("some fridge") == "other"
    assert history.platform_family(None) is None
    assert history.platform_family("Partner sonos_speaker Sonos;One;e2f0ba3c") == "speaker"
    assert history.platform_family("Partner android_tv Sony;BRAVIA") == "android"   # first match wins
    assert history.platform_family("iOS 14.4 (iPad8,1)") == "ios"
    assert history.platform_family("web_player") == "web_player"


def test_simulated_extended_export_round_trip(tmp_path):
    """The SYNTHETIC demo listener (helpers.listener) writes an export load_export reads in full."""
    catalog = data.load_tracks(dedupe=True)
    folder = simulate_export(tmp_path, years=(2022, 2023), seed=7, catalog=catalog)
    files = sorted(p.name for p in folder.glob("*.json"))
    assert files and all(name.startswith("Streaming_History_Audio_") for name in files)
    raw = [r for name in files for r in json.loads((folder / name).read_text(encoding="utf-8"))]

    df = load_export(folder)
    s = df.attrs["summary"]
    podcasts = sum(r["spotify_episode_uri"] is not None for r in raw)
    assert s["formats"] == ["extended"] and s["duplicates_removed"] == 0
    assert len(df) + s["left_out"]["podcast"] == len(raw) and s["left_out"]["podcast"] == podcasts
    assert df["ts"].dt.year.between(2022, 2023).all() and df["ts"].is_monotonic_increasing
    # Every play is a real catalog track: the track_id join to audio features matches all of them.
    assert df["track_id"].notna().all() and df["track_id"].isin(set(catalog["track_id"])).all()
    assert df["skipped"].isna().any() and df["skipped"].notna().any()     # early plays carry null skipped
    assert "ip_addr" in s["private_fields_dropped"]
    assert not df.astype(str).apply(lambda col: col.str.contains("192.0.2.", regex=False)).any().any()
    assert set(df["platform"].dropna()) <= {"android", "windows", "web_player", "speaker"}


def test_the_same_file_twice_is_read_once_and_summary_names_are_short(tmp_path):
    f = write(tmp_path / "private_folder" / "endsong_0.json", [ext("2022-03-01T10:00:00Z")])
    df = load_export([f, tmp_path / "private_folder"])
    assert len(df) == 1 and df.attrs["summary"]["files"] == ["endsong_0.json"]
    assert "private_folder" not in history.summary_text(df)


def test_a_students_export_that_is_missing_or_too_small_says_how_to_fix_it(tmp_path):
    missing = tmp_path / "nope.zip"
    with pytest.raises(CourseError, match=r"(?s)Could not read your export.*EXPORT_PATH") as info:
        history.load_user_export(missing, min_plays=10)
    assert info.value.__cause__ is None
    empty = tmp_path / "StreamingHistory0.json"
    empty.write_text("[]")
    with pytest.raises(MalformedDataError, match=r"(?s)holds 0 music plays.*at least 10.*EXPORT_PATH = \"\""):
        history.load_user_export(empty, min_plays=10)
    real = history.load_user_export(data.fetch("streaming_history_example"), min_plays=10)
    assert len(real) == 6866


@pytest.mark.parametrize("name", ["StreamingHistory0.json", "Streaming_History_Audio_2024.json", "endsong_0.json"])
def test_an_empty_history_file_gives_no_plays_not_a_crash(tmp_path, name):
    (tmp_path / name).write_text("[]")
    assert len(load_export(tmp_path / name)) == 0


def test_basic_plays_ending_in_the_same_minute_are_put_in_play_order(tmp_path):
    # The file lists a 4-second play before a 4-minute one that ends in the same minute: the long one
    # must have come first (it started minutes earlier), so the short one's "previous play" is the long one.
    f = write(tmp_path / "StreamingHistory0.json", [
        basic("2024-01-01 10:00", "A", "first", 200_000),
        basic("2024-01-01 10:04", "B", "short", 4_000),
        basic("2024-01-01 10:04", "C", "long", 237_000),
        basic("2024-01-01 10:05", "D", "next", 30_000),
        basic("2024-01-01 10:05", "E", "next too", 20_000),
    ])
    df = load_export(f)
    assert df["track"].tolist() == ["first", "long", "short", "next", "next too"]   # two short ones keep file order
    assert df.attrs["summary"]["reordered_within_minute"] == 2
    assert "play order" in history.summary_text(df)
