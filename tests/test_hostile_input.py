"""Hostile or odd input a student can produce: sizes checked before work, absurd export fields,
odd ways of passing an export, odd image arrays, and concurrent metric writers.

Each case must end in a ``CourseError`` (or a warning) that says what is wrong and what to pass,
never a traceback from deep inside a library, a hang, or a lost file.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from helpers import data, emotion, history, results
from helpers.errors import CourseError, DataUnavailableError, MalformedDataError
from helpers.history import load_export

ROOT = Path(__file__).resolve().parents[1]
MEMBER = "Spotify Extended Streaming History/Streaming_History_Audio_2023.json"


def basic(end="2021-03-01 23:59", artist="Queen", track="Bohemian Rhapsody", ms=354000):
    return {"endTime": end, "artistName": artist, "trackName": track, "msPlayed": ms}


def ext(ts="2022-03-01T10:00:00Z", track="Never Gonna Give You Up", artist="Rick Astley", ms=213000, **extra):
    return {"ts": ts, "platform": "android", "ms_played": ms, "master_metadata_track_name": track,
            "master_metadata_album_artist_name": artist, "master_metadata_album_album_name": "Whenever",
            "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "reason_start": "trackdone",
            "reason_end": "trackdone", "shuffle": False, "skipped": False, **extra}


def zip_with(path: Path, member: str, content: bytes, declared_size: int | None = None) -> Path:
    """A deflated zip with one member; ``declared_size`` overwrites the size its central directory states."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, content)
    if declared_size is not None:
        raw = bytearray(path.read_bytes())
        entry = raw.index(b"PK\x01\x02")
        raw[entry + 24:entry + 28] = struct.pack("<I", declared_size)   # uncompressed size
        path.write_bytes(bytes(raw))
    return path


# ------------------------------------------------------------------------------------------
# 1. Sizes are checked before anything is inflated or decoded
# ------------------------------------------------------------------------------------------

def test_zip_member_that_inflates_too_far_is_refused_by_name(tmp_path, monkeypatch):
    # "[" + 3 MB of spaces + "]" is a valid, empty history that compresses to a few kB.
    bomb = zip_with(tmp_path / "my_spotify_data.zip", MEMBER, b"[" + b" " * 3_000_000 + b"]")
    assert bomb.stat().st_size < 50_000
    monkeypatch.setattr(history, "MAX_FILE_BYTES", 1_000_000)
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or 1 / 0)
    with pytest.raises(MalformedDataError, match=r"Streaming_History_Audio_2023\.json is 3 MB uncompressed"):
        load_export(bomb)
    assert not opened   # refused from the declared size: nothing was inflated


def test_declared_size_over_the_default_limit_is_refused_without_reading(tmp_path):
    liar = zip_with(tmp_path / "export.zip", MEMBER, b"[]", declared_size=2**31)
    with pytest.raises(MalformedDataError, match=r"(?s)export\.zip:Spotify Extended.*2,048 MB.*MAX_FILE_BYTES"):
        load_export(liar)


def test_member_larger_than_its_header_says_is_still_refused(tmp_path, monkeypatch):
    """The header says 10 bytes, the data inflate to 3 MB: reading stops at the limit, never all of it."""
    liar = zip_with(tmp_path / "export.zip", MEMBER, b"[" + b" " * 3_000_000 + b"]", declared_size=10)
    monkeypatch.setattr(history, "MAX_FILE_BYTES", 1_000_000)
    with pytest.raises(MalformedDataError, match="Streaming_History_Audio_2023.json"):
        load_export(liar)


def test_history_files_that_add_up_too_far_are_refused(tmp_path, monkeypatch):
    for i in range(3):
        (tmp_path / f"Streaming_History_Audio_2023_{i}.json").write_text(json.dumps([ext()] * 20))
    monkeypatch.setattr(history, "MAX_EXPORT_BYTES", 8_000)
    with pytest.raises(MalformedDataError, match=f"(?s)files in {tmp_path} add up to.*MAX_EXPORT_BYTES"):
        load_export(tmp_path)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose valid IHDR declares the given size, followed by a tiny IDAT (it cannot decode)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def test_huge_declared_image_is_refused_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setattr(cv2, "imdecode", lambda *a: pytest.fail("a 400-megapixel image was decoded"))
    photo = tmp_path / "selfie.png"
    photo.write_bytes(png_declaring(20000, 20000))
    upload = ({"name": "selfie.png", "content": memoryview(photo.read_bytes())},)
    for source in (photo, photo.read_bytes(), upload):
        with pytest.raises(emotion.ImageReadError, match="20,000 x 20,000 pixels.*MAX_PIXELS"):
            emotion.read_image(source)


def test_a_huge_jpeg_header_is_refused_and_real_photos_still_read():
    jpeg = bytearray(cv2.imencode(".jpg", np.zeros((40, 60, 3), np.uint8))[1].tobytes())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 30000, 30000)   # height, width
    with pytest.raises(emotion.ImageReadError, match="30,000 x 30,000 pixels"):
        emotion.read_image(bytes(jpeg))
    assert emotion.read_image(data.fetch("fer_face_example")).shape == (384, 381, 3)


def test_an_enormous_file_is_not_read_into_memory(tmp_path):
    huge = tmp_path / "photo.jpg"
    with open(huge, "wb") as fh:
        fh.truncate(emotion.MAX_IMAGE_BYTES + 1)   # sparse: no disk space used
    with pytest.raises(emotion.ImageReadError, match="photo.jpg is .* MB.*MAX_IMAGE_BYTES"):
        emotion.read_image(huge)


# ------------------------------------------------------------------------------------------
# 2. Absurd values in export fields: the file and the field are named
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, field", [
    ("StreamingHistory0.json", json.dumps([basic()])[:-2] + ', "msPlayed": Infinity}]', "msPlayed = inf"),
    ("StreamingHistory0.json", json.dumps([basic(ms=1e300)]), "msPlayed = 1e+300"),
    ("endsong_0.json", json.dumps([ext(ms=10**12)]), "ms_played = 1000000000000"),
    ("endsong_0.json", json.dumps([ext(ms=True)]), "ms_played = True"),
    ("StreamingHistory0.json", json.dumps([basic(artist=5)]), "artistName = 5 (a number)"),
    ("StreamingHistory0.json", json.dumps([basic(), basic(track={"a": 1})]),
     "play 1 has trackName = {'a': 1} (a JSON object)"),
    ("endsong_0.json", json.dumps([ext(artist=["A", "B"])]),
     "master_metadata_album_artist_name = ['A', 'B'] (a JSON list)"),
    ("endsong_0.json", json.dumps([ext(platform={"os": "android"})]), "platform = {'os': 'android'}"),
    ("endsong_0.json", json.dumps([ext(shuffle={"on": 1})]), "shuffle = {'on': 1}; expected true, false"),
    ("endsong_0.json", json.dumps([ext(skipped="maybe")]), "skipped = 'maybe'; expected true, false"),
    ("StreamingHistory0.json", "[" * 10_000 + "]" * 10_000, "nests lists or objects"),
    ("StreamingHistory0.json", '[{"endTime": ' + "[" * 10_000 + "]" * 10_000 + "}]", "nests lists or objects"),
])
def test_absurd_field_values_name_the_file_and_the_field(tmp_path, name, text, field):
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(MalformedDataError) as info:
        load_export(f)
    assert str(f) in str(info.value) and field in str(info.value)
    assert info.value.__cause__ is None


def test_plays_outside_the_streaming_era_are_dropped_with_a_warning(tmp_path):
    f = tmp_path / "endsong_0.json"
    f.write_text(json.dumps([ext("1970-01-01T00:00:05Z"), ext(), ext("2999-01-01T00:00:00Z"),
                             ext("2022-03-02T10:00:00Z")]))
    with pytest.warns(UserWarning, match=r"2 plays in endsong_0\.json have a time .* before 2008-01-01"):
        df = load_export(f)
    assert len(df) == 2 and df["ts"].dt.year.eq(2022).all()
    assert df.attrs["summary"]["bad_dates_removed"] == 2
    assert "removed: 2" in history.summary_text(df)


# ------------------------------------------------------------------------------------------
# 3. Ways of passing an export
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [None, "", "   ", (), [], 42, b"bytes", [None], {"name": "x.zip"}])
def test_nothing_or_the_wrong_thing_says_what_to_pass(bad):
    with pytest.raises(DataUnavailableError, match=r"load_export\(\"my_spotify_data.zip\"\).*upload.value"):
        load_export(bad)


def export_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("MyData/StreamingHistory0.json", json.dumps([basic(), basic("2021-03-02 10:00")]))
    return path


def test_an_ipywidgets_upload_value_is_read(tmp_path):
    raw = export_zip(tmp_path / "my_spotify_data.zip").read_bytes()
    upload = ({"name": "my_spotify_data.zip", "type": "application/zip", "size": len(raw),
               "content": memoryview(raw), "last_modified": 0},)
    assert len(load_export(upload)) == 2
    assert len(load_export(upload[0])) == 2
    one = json.dumps([basic()]).encode()
    assert len(load_export(({"name": "StreamingHistory0.json", "content": memoryview(one)},))) == 1
    with pytest.raises(MalformedDataError, match="uploaded file notes.json is not valid JSON"):
        load_export(({"name": "notes.json", "content": memoryview(b"hello")},))


def test_a_folder_holding_only_the_zip_reads_the_zip(tmp_path):
    (tmp_path / "Downloads").mkdir()
    export_zip(tmp_path / "Downloads" / "my_spotify_data.zip")
    df = load_export(tmp_path / "Downloads")
    assert len(df) == 2 and df.attrs["summary"]["files"] == ["my_spotify_data.zip:MyData/StreamingHistory0.json"]


def test_a_zip_inside_the_zip_is_read_one_level_deep(tmp_path):
    inner = export_zip(tmp_path / "my_spotify_data.zip").read_bytes()
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("my_spotify_data.zip", inner)
    assert len(load_export(outer)) == 2
    deeper = tmp_path / "deeper.zip"
    with zipfile.ZipFile(deeper, "w") as zf:
        zf.writestr("outer.zip", outer.read_bytes())
    with pytest.raises(MalformedDataError, match="unzip it once and pass the inner zip"):
        load_export(deeper)


# ------------------------------------------------------------------------------------------
# 4. Image arrays of an unexpected dtype or range: converted, or refused with what to pass
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def face():
    return cv2.imread(str(data.fetch("fer_face_example")))


@pytest.mark.parametrize("convert", [
    lambda a: a / 255.0,                                   # float 0..1
    lambda a: a.astype(np.float64),                        # float 0..255
    lambda a: a.astype(np.int32),                          # int 0..255
    lambda a: a.astype(np.uint16) * 257,                   # 16-bit image
    lambda a: cv2.cvtColor(a, cv2.COLOR_BGR2GRAY),         # 2-D grayscale
    lambda a: cv2.cvtColor(a, cv2.COLOR_BGR2BGRA),         # 4 channels
    lambda a: a / 255.0 * 1.002,                           # float 0..1 overshooting a hair (resized)
], ids=["float01", "float255", "int32", "uint16", "gray", "bgra", "float01_overshoot"])
def test_odd_but_sensible_arrays_still_find_the_face(face, convert):
    assert len(emotion.detect_faces(convert(face))) == 1


@pytest.mark.parametrize("convert, message", [
    (lambda a: a.astype(np.int32) * 257, "values from 0 to 65535"),
    (lambda a: a * 257.0, "values from 0 to 65535"),
    (lambda a: a / 127.5 - 1, "values from -1 to 1"),
    (lambda a: a > 128, "True/False"),
    (lambda a: np.where(a > 200, np.nan, a / 255.0), "NaN"),
    (lambda a: a[:0], r"not shape \(0, 381, 3\)"),
], ids=["int_0_65535", "float_0_65535", "normalised", "bool", "nan", "empty"])
def test_arrays_that_would_look_faceless_are_refused_with_what_to_pass(face, convert, message):
    with pytest.raises(emotion.ImageReadError, match=message) as info:
        emotion.detect_faces(convert(face))
    assert "0..255" in str(info.value) or "HxW" in str(info.value)
    assert not isinstance(info.value, emotion.NoFaceError)


def test_a_float_image_a_hair_above_one_is_read_as_0_to_1_not_as_0_to_255():
    bright = emotion._to_uint8(np.full((4, 4), 1.002))
    assert bright.max() == 255   # read as 0..255 it would be 1: a black image
    assert emotion._to_uint8(np.full((4, 4), -0.001)).max() == 0
    with pytest.raises(emotion.ImageReadError, match="values from -1 to 1"):
        emotion._to_uint8(np.linspace(-1, 1, 16).reshape(4, 4))


# ------------------------------------------------------------------------------------------
# 5. Concurrent writers of one notebook's metrics lose nothing
# ------------------------------------------------------------------------------------------

WRITER = """
import os, sys, time
from pathlib import Path
from helpers import results
go = Path(sys.argv[2])
(go.parent / f"ready{sys.argv[1]}").touch()
while not go.exists():
    time.sleep(0.001)
for i in range(25):
    results.record(f"w{sys.argv[1]}_{i}", i, notebook="99_concurrent")
"""


def test_concurrent_record_calls_keep_every_metric(tmp_path):
    env = {**os.environ, results.RESULTS_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(go)], env=env, cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for w in range(4)]
    deadline = time.monotonic() + 60   # let every writer import and wait, then start them together
    while len(list(tmp_path.glob("ready*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    saved = json.loads((tmp_path / "99_concurrent.json").read_text())
    assert len(saved) == 100
    assert saved == {f"w{w}_{i}": float(i) for w in range(4) for i in range(25)}
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("damage", ['{"a": 1', "[1, 2]", "\xff\xfe"], ids=["truncated", "not_an_object", "not_text"])
def test_a_damaged_results_file_gives_a_course_error_naming_it(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(results.RESULTS_ENV, str(tmp_path))
    target = tmp_path / "99_example.json"
    target.write_bytes(damage.encode("latin-1"))
    for call in (lambda: results.record("accuracy", 0.5, notebook="99_example"), lambda: results.load("99_example")):
        with pytest.raises(results.ResultsError, match="99_example.json") as info:
            call()
        assert "run the notebook again" in str(info.value)
    assert target.read_bytes() == damage.encode("latin-1")   # nothing overwritten behind the student's back


@pytest.mark.parametrize("name", ["spotify-token.json", "spotify-http.sqlite", "Photo.JPG".lower()])
def test_the_course_cache_files_are_ignored_by_git_inside_the_repository(name):
    repo = Path(__file__).resolve().parents[1]
    where = f"cache/{name}" if not name.endswith("jpg") else f"notebooks/{name}"
    done = subprocess.run(["git", "check-ignore", "-q", where], cwd=repo)
    assert done.returncode == 0, f"{where} would be committed: add it to .gitignore"
