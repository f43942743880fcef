"""Each notebook's headline numbers, recorded by helpers.results while nbval ran it, meet their floors.

Floors live in tests/metrics/<notebook stem>.json as {metric: {"min": x} | {"max": x} |
{"approx": x, "tol": t}}. The numbers were measured on a 2-core CPU with the mirror's data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from floors import assert_floors
from helpers import results

FLOORS = sorted((Path(__file__).parent / "metrics").glob("*.json"))


def test_every_floor_file_names_a_notebook(repo):
    for floor in FLOORS:
        names = [repo / "notebooks" / f"{floor.stem}.ipynb", repo / "notebooks" / "extras" / f"{floor.stem}.ipynb"]
        assert any(p.exists() for p in names), f"{floor.name} names no notebook (in notebooks/ or notebooks/extras/)"


@pytest.mark.needs_notebooks
@pytest.mark.parametrize("floor_file", FLOORS, ids=[f.stem for f in FLOORS])
def test_recorded_metrics_meet_floors(floor_file):
    recorded = results.load(floor_file.stem)
    assert recorded, f"{floor_file.stem} recorded no metrics in {results.results_dir()}"
    assert_floors(floor_file.stem, recorded, json.loads(floor_file.read_text()))
