"""The listening history a lesson works on: the SYNTHETIC demo listener, the real export in the mirror, or yours.

Used by lessons 06 (listening history), 08 (next song) and 09 (skip prediction). The rules the
three lessons share are defined once, here:

- where the plays come from (``load_listening``): ``EXPORT_PATH`` if the student set it, else the
  lesson's default source; a student's export that cannot be read, or is too small, stops with a
  message that says what is missing (never a quiet switch to other data);
- the time zone: local hours are known only when the student named their zone. An export read with
  the demo listener's zone still in ``TIMEZONE`` gets ``timezone=None`` and a message, and lessons
  leave hour-of-day features out instead of computing wrong ones;
- what counts as a stream (``STREAM_MS``: Spotify counts a play from 30 seconds);
- how plays are joined to the open catalogue's audio features (``join_catalogue``): by track id
  where the export has one, else by artist + title (``history.name_key``), the most popular
  catalogue version of a name winning.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import data, history
from .errors import MalformedDataError
from .listener import DEFAULT_SEED, DEFAULT_YEARS, LISTENER_TIMEZONE, simulate_export

__all__ = ["Listening", "load_listening", "join_catalogue", "STREAM_MS", "DEMO_TIMEZONE", "SOURCES"]

STREAM_MS = 30_000
"""A play counts as a stream (and, in a basic export, as not skipped) from 30 seconds played."""
DEMO_TIMEZONE = LISTENER_TIMEZONE
"""The demo listener's zone, which is also the lessons' default ``TIMEZONE`` parameter."""
SOURCES = {
    "demo": "SYNTHETIC demo listener",
    "mirror": "the real basic export in the mirror",
}
"""The default sources a lesson can name; ``EXPORT_PATH`` (the student's export) overrides either."""


@dataclass
class Listening:
    """The plays a lesson reads (``history.load_export``'s table) and what is known about them."""

    plays: pd.DataFrame
    who: str
    """Shown beside every result: "SYNTHETIC demo listener", "your export", ..."""
    is_demo: bool
    """True only for the synthetic listener, whose findings are about the simulator, not people."""
    timezone: str | None
    """The listener's zone, or None when it is unknown (then no hour-of-day feature or plot)."""

    @property
    def kind(self) -> str:
        """"basic", "extended" or "basic + extended": which of Spotify's two exports the plays came from."""
        return " + ".join(sorted(self.plays["source_format"].dropna().unique())) or "-"

    @property
    def local(self) -> pd.Series:
        """The end time of each play in the listener's zone (UTC when the zone is unknown)."""
        return self.plays["ts"].dt.tz_convert(self.timezone or "UTC")


def _timezone(export_given: bool, timezone: str | None, quiet: bool) -> str | None:
    if not export_given or timezone not in (None, "", DEMO_TIMEZONE):
        return timezone or None
    if not quiet:
        print(f"⚠ TIMEZONE is still {DEMO_TIMEZONE!r}, the demo listener's zone, so the local hour of your plays "
              "is unknown: times stay in UTC, and hour-of-day and weekday features are left out of models. "
              "Set TIMEZONE to yours in the parameters cell (for example 'America/Mexico_City') and run again.")
    return None


def load_listening(export_path="", *, min_plays: int, timezone: str | None = DEMO_TIMEZONE,
                   default: str = "demo", mirror_timezone: str | None = None,
                   demo_years=DEFAULT_YEARS, demo_seed: int = DEFAULT_SEED, min_days: int = 0,
                   quiet: bool = False) -> Listening:
    """The lesson's plays: the student's export at ``export_path`` when it is set, else ``default``.

    ``default="demo"`` writes the SYNTHETIC demo listener's export into the cache and reads it like a
    real one; ``default="mirror"`` reads the real basic export in the data mirror, whose zone is
    ``mirror_timezone`` (None: unknown). ``min_plays`` and ``min_days`` (days between the first and
    the last play) are the least the lesson can learn from; a smaller export of the student's stops
    with a message naming what is missing and how to fix ``EXPORT_PATH``.
    """
    if default not in SOURCES:
        raise ValueError(f"default must be one of {sorted(SOURCES)}, not {default!r}")
    if export_path:
        plays = history.load_user_export(export_path, min_plays)
        days = (plays["ts"].max() - plays["ts"].min()).days
        if days < min_days:
            raise MalformedDataError(
                f"Your export covers {days} days of music plays ({plays['ts'].min():%Y-%m-%d} to "
                f"{plays['ts'].max():%Y-%m-%d}); this lesson needs at least {min_days} days, because it learns "
                "from the older plays and tests on the newer ones. Request the extended streaming history "
                "(your whole account's history) under Account > Privacy on spotify.com, or set "
                'EXPORT_PATH = "" for the demo.')
        return Listening(plays, "your export", False, _timezone(True, timezone, quiet))
    if default == "mirror":
        plays = history.load_export(data.fetch("streaming_history_example"))
        return Listening(plays, SOURCES["mirror"], False, mirror_timezone)
    plays = history.load_export(simulate_export(years=demo_years, seed=demo_seed))
    return Listening(plays, SOURCES["demo"], True, timezone or DEMO_TIMEZONE)


def join_catalogue(plays: pd.DataFrame, catalog: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, str]:
    """``plays`` with the catalogue's ``columns`` added (missing where no match), and how they were matched.

    By track id when at least half of the plays carry one (an extended export or the demo listener);
    otherwise by artist + title (``history.name_key``: lower case, suffixes such as " - Remastered"
    dropped), the most popular catalogue version of a name winning; then ``"track_id"`` in ``columns``
    gives each matched play the id of that version. Plays keep their order and index.
    """
    if plays["track_id"].notna().mean() >= 0.5:
        columns = [c for c in columns if c != "track_id"]
        table = catalog.drop_duplicates("track_id").set_index("track_id")[columns]
        keys, how = plays["track_id"], "by track id"
    else:
        keyed = catalog.assign(_key=history.name_key(catalog["track_artist"], catalog["track_name"]))
        if "track_popularity" in keyed:
            keyed = keyed.sort_values("track_popularity", ascending=False, kind="stable")
        table = keyed.drop_duplicates("_key").set_index("_key")[columns]
        keys, how = history.name_key(plays["artist"], plays["track"]), "by artist and title (no track ids)"
    joined = table.reindex(keys.to_numpy())
    joined.index = plays.index
    return pd.concat([plays.drop(columns=[c for c in columns if c in plays]), joined], axis=1), how
