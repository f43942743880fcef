"""Spark for the optional companion notebook ``notebooks/extras/01_recommender_spark.ipynb``.

Used by the Spark companion (notebooks/extras/01_recommender_spark.ipynb) and ``make spark``.

PySpark 4 runs on a Java virtual machine (Java 17 or 21). ``check_java`` says clearly when none is
installed, ``start_spark`` opens a quiet local session sized for a laptop, ``read_mpd`` reads Million
Playlist Dataset slices into a Spark DataFrame (the same rows as ``helpers.mpd.load_mpd``), and
``PeakMemory`` samples the resident memory of this process and its children (the Spark JVM is one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .errors import CourseError
from .mpd import MPD_COLUMNS, _slice_files
from .quiet import quiet_native_stderr

SUPPORTED_JAVA = (17, 21)
INSTALL_JAVA = (
    "Install Java 17 (or 21), then restart the kernel:\n"
    "  macOS (Homebrew):  brew install openjdk@17   (then follow brew's note to link it or set JAVA_HOME)\n"
    "  Debian/Ubuntu:     sudo apt-get install openjdk-17-jre-headless\n"
    "  conda:             conda install -c conda-forge openjdk=17\n"
    "If Java is installed but not found, set JAVA_HOME to its folder."
)


def java_executable() -> str | None:
    """The ``java`` that Spark will start: ``$JAVA_HOME/bin/java`` when JAVA_HOME is set, else PATH's."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.exists() else None
    return shutil.which("java")


def java_version(executable: str | None = None) -> int | None:
    """The major version of Java (8, 11, 17, 21, ...), or None when there is no working ``java``."""
    executable = executable or java_executable()
    if not executable:
        return None
    try:
        out = subprocess.run([executable, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_version(out.stderr + out.stdout) if out.returncode == 0 else None


def parse_java_version(text: str) -> int | None:
    """``openjdk version "17.0.15"`` -> 17; ``java version "1.8.0_402"`` -> 8."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return minor if major == 1 else major


def check_java() -> int:
    """Return Java's major version, or raise ``CourseError`` with the install commands."""
    version = java_version()
    if version is None:
        where = f"JAVA_HOME={os.environ['JAVA_HOME']} has no working bin/java" if os.environ.get("JAVA_HOME") \
            else "no `java` command was found"
        raise CourseError(f"Spark needs Java 17 or 21, but {where}.\n{INSTALL_JAVA}")
    if version < min(SUPPORTED_JAVA):
        raise CourseError(f"Spark 4 needs Java 17 or 21; this machine runs Java {version}.\n{INSTALL_JAVA}")
    return version


def check_pyspark() -> str:
    """PySpark's version, or a ``CourseError`` that says how to install it."""
    try:
        import pyspark
    except ImportError:
        raise CourseError("PySpark is not installed in this environment. Run `make spark` "
                          "(or `pip install -r requirements.txt`) and restart the kernel.") from None
    return pyspark.__version__


def start_spark(master: str = "local[2]", app_name: str = "spotify-ml-workbook", driver_memory: str = "2g",
                shuffle_partitions: int = 4, extra: dict | None = None):
    """A SparkSession for ``master`` with the web UI off, few shuffle partitions and errors-only logs.

    On a real cluster pass its master URL (``spark://host:7077``) or use the session your managed
    service gives you; ``driver_memory`` only takes effect when this call starts the JVM.
    """
    check_java()
    check_pyspark()
    import warnings

    from pyspark.sql import SparkSession

    # PySpark 4.3 warns on every pandas conversion that it "does not yet fully support pandas >= 3";
    # the conversions used in the course (numbers and strings) are tested in tests/test_spark_mpd.py.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.driver.memory", driver_memory)
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.default.parallelism", str(shuffle_partitions))
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "false")  # pyarrow is not in the course's set
               .config("spark.driver.extraJavaOptions", "-Dlog4j2.level=error"))
    for key, value in (extra or {}).items():
        builder = builder.config(key, str(value))
    with quiet_native_stderr():  # the JVM inherits this stderr: its start-up warnings go nowhere
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _mpd_schema():
    from pyspark.sql import types as T

    track = T.StructType([
        T.StructField("pos", T.LongType()), T.StructField("track_uri", T.StringType()),
        T.StructField("track_name", T.StringType()), T.StructField("artist_name", T.StringType()),
        T.StructField("album_name", T.StringType()), T.StructField("duration_ms", T.LongType()),
    ])
    playlist = T.StructType([T.StructField("pid", T.LongType()), T.StructField("tracks", T.ArrayType(track))])
    return T.StructType([T.StructField("playlists", T.ArrayType(playlist))])


def read_mpd(spark, path):
    """MPD slices into a Spark DataFrame with one row per playlist entry (``MPD_COLUMNS``).

    ``path``: a slice file, a folder of them (searched recursively) or a list, as for
    ``helpers.mpd.load_mpd``. Each slice is one JSON document, so it is read with ``multiLine``;
    the fixed schema skips type inference over 33 MB files. On a cluster pass shared storage paths
    (``s3a://...``, ``hdfs://...``) straight to ``spark.read.json`` instead: this function lists
    local files.
    """
    from pyspark.sql import functions as F

    files = [str(p) for p in _slice_files(path)]
    raw = spark.read.schema(_mpd_schema()).option("multiLine", True).option("mode", "FAILFAST").json(files)
    playlists = raw.select(F.explode("playlists").alias("p"))
    entries = playlists.select(F.col("p.pid").alias("pid"), F.explode("p.tracks").alias("t"))
    return entries.select("pid", *[F.col(f"t.{c}").alias(c) for c in MPD_COLUMNS[1:]])



def main() -> int:
    """``python -m helpers.spark`` (``make spark``): is this machine ready for the Spark companion?"""
    try:
        version, java = check_pyspark(), check_java()
    except CourseError as problem:
        print(problem)
        return 1
    print(f"PySpark {version} with Java {java}: ready for notebooks/extras/01_recommender_spark.ipynb")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
