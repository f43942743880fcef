"""Many kinds of listening export, for checking that lessons 06, 08 and 09 hold on anyone's, not only one.

Real exports differ: many skips or almost none, a month or years, a few thousand plays or tens of
thousands, the basic format (artist, title, end time, ms played) or the extended one. We may not use
other people's histories, so the variants are cut from the real basic export in the data mirror
(published by its owner) or written by the SYNTHETIC demo listener's simulator with other settings.

``build(name, folder)`` writes one variant into ``folder`` and returns the path a lesson's
``EXPORT_PATH`` takes. ``VARIANTS`` describes each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers import data
from helpers.listener import simulate_export

VARIANTS = {
    "real": "the real basic export in the mirror, as published (6,866 plays over a year, basic format)",
    "real_quarter": "its last 92 days (short, basic)",
    "real_month": "its last 31 days (too short to split by time: lessons must stop with a clear message)",
    "sim_basic_many_skips": "SYNTHETIC, one year, skips far more often than the demo, written in the basic format",
    "sim_few_skips": "SYNTHETIC, two years, extended format, skips far less often than the demo",
    "sim_no_skips": "SYNTHETIC, one year, extended format, almost never skips",
}
SIMULATED = {
    # name: (years, seed, skip_shift in log-odds, basic format)
    "sim_basic_many_skips": ([2023], 11, 1.8, True),
    "sim_few_skips": ((2022, 2023), 12, -2.0, False),
    "sim_no_skips": ([2023], 13, -8.0, False),
}
CUT_DAYS = {"real_quarter": 92, "real_month": 31}


def _basic_records(extended: list[dict]) -> list[dict]:
    """Extended records as the basic export writes them: music only, end time to the minute, four fields."""
    return [{"endTime": pd.Timestamp(r["ts"]).strftime("%Y-%m-%d %H:%M"),
             "artistName": r["master_metadata_album_artist_name"],
             "trackName": r["master_metadata_track_name"],
             "msPlayed": r["ms_played"]}
            for r in extended if r.get("master_metadata_track_name")]


def build(name: str, folder: Path) -> Path:
    """Write variant ``name`` into ``folder`` (created) and return the path to give as ``EXPORT_PATH``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mirror = Path(data.fetch("streaming_history_example"))
    if name == "real":
        return mirror
    if name in CUT_DAYS:
        records = json.loads(mirror.read_text(encoding="utf-8"))
        last = max(pd.Timestamp(r["endTime"]) for r in records)
        start = last - pd.Timedelta(days=CUT_DAYS[name])
        kept = [r for r in records if pd.Timestamp(r["endTime"]) > start]
        target = folder / "StreamingHistory0.json"
        target.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        return target
    years, seed, shift, basic = SIMULATED[name]
    extended = simulate_export(folder / "extended", years=years, seed=seed, skip_shift=shift)
    if not basic:
        return extended
    records = [r for f in sorted(extended.glob("Streaming_History_Audio_*.json"))
               for r in json.loads(f.read_text(encoding="utf-8"))]
    target = folder / "basic" / "StreamingHistory_music_0.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_basic_records(records), ensure_ascii=False), encoding="utf-8")
    return target.parent
