"""The Spark companion's helpers: Java detection with install commands, and the MPD slice reader for
Spark, tested against helpers.mpd.load_mpd on slice files this project writes. Also applies the lesson
template checks of test_notebooks_format.py to the companion (it lives in notebooks/extras/, outside
their glob). The Spark test needs Java 17/21: CI installs it (.ci/run); elsewhere it skips without."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import test_notebooks_format as lesson_format
from helpers import CourseError, mpd
from helpers import spark as course_spark

REPO = Path(__file__).resolve().parents[1]
COMPANION = REPO / "notebooks" / "extras" / "01_recommender_spark.ipynb"


@pytest.mark.parametrize("text, major", [
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('openjdk version "21.0.2" 2024-01-16 LTS', 21),
    ('java version "1.8.0_402"', 8),
    ('openjdk version "25" 2025-09-16', 25),
    ("no java here", None),
])
def test_parse_java_version(text, major):
    assert course_spark.parse_java_version(text) == major


def test_missing_java_names_the_install_commands(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    with pytest.raises(CourseError) as err:
        course_spark.check_java()
    message = str(err.value)
    for command in ["brew install openjdk@17", "apt-get install openjdk-17-jre-headless",
                    "conda install -c conda-forge openjdk=17", "JAVA_HOME"]:
        assert command in message


def test_old_java_is_refused(monkeypatch):
    monkeypatch.setattr(course_spark, "java_version", lambda executable=None: 11)
    with pytest.raises(CourseError, match="Java 11"):
        course_spark.check_java()


def test_companion_follows_the_lesson_template():
    assert COMPANION.exists()
    lesson_format.test_stored_without_outputs(COMPANION)
    lesson_format.test_one_parameters_cell_then_setup(COMPANION)
    lesson_format.test_lesson_has_the_template_sections(COMPANION)
    lesson_format.test_exercises_have_solutions_and_self_checks(COMPANION)
    lesson_format.test_student_copy_reaches_the_hint_not_a_name_error(COMPANION)
    exercises = [c for c in nbformat.read(COMPANION, as_version=4).cells
                 if c.cell_type == "code" and "# BEGIN SOLUTION" in c.source]
    spec = importlib.util.spec_from_file_location("wrong_spark", REPO / "tests" / "wrong_answers" / f"{COMPANION.stem}.py")
    wrong = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wrong)
    assert len(wrong.WRONG) == len(exercises) and all(wrong.WRONG)


@pytest.fixture(scope="module")
def spark():
    if course_spark.java_version() is None:
        pytest.skip("no Java runtime: install Java 17 or 21 (.ci/run does in CI); see helpers.spark.INSTALL_JAVA")
    session = course_spark.start_spark("local[1]", app_name="test_spark_mpd", driver_memory="1g", shuffle_partitions=1)
    yield session
    session.stop()


def entries(offset=0):
    return pd.DataFrame({
        "pid": [offset, offset, offset, offset + 1, offset + 1],
        "pos": [0, 1, 2, 0, 1],
        "track_uri": ["spotify:track:a", "spotify:track:b", "spotify:track:c", "spotify:track:b", "spotify:track:d"],
        "track_name": ["A", "Bé \"quoted\"", "C", "Bé \"quoted\"", "D"],
        "artist_name": ["x", "y", "z", "y", "w"],   # album_name is left out: null in both readers
        "duration_ms": [200_000, 180_500, 3_000_000_000, 180_500, 1],
    })


def test_read_mpd_gives_the_rows_of_load_mpd(spark, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    mpd.write_slice(entries(1000), folder / "mpd.slice.1000-1001.json")
    mpd.write_slice(entries(0).sample(frac=1, random_state=0), folder / "mpd.slice.0-1.json")
    from_spark = course_spark.read_mpd(spark, folder).orderBy("pid", "pos").toPandas()
    from_pandas = mpd.load_mpd(folder)
    assert from_spark.columns.tolist() == mpd.MPD_COLUMNS
    assert len(from_spark) == len(from_pandas) == 10
    for column in mpd.MPD_COLUMNS:
        left, right = from_spark[column].tolist(), from_pandas[column].tolist()
        assert [None if pd.isna(v) else v for v in left] == [None if pd.isna(v) else v for v in right], column
    single = course_spark.read_mpd(spark, folder / "mpd.slice.0-1.json")
    assert single.count() == 5 and sorted(r["pid"] for r in single.select("pid").distinct().collect()) == [0, 1]


def test_read_mpd_says_what_is_missing(spark, tmp_path):
    with pytest.raises(CourseError, match="does not exist"):
        course_spark.read_mpd(spark, tmp_path / "nowhere.json")
    with pytest.raises(CourseError, match="No MPD slice files"):
        course_spark.read_mpd(spark, tmp_path)
