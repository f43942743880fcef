"""Every floor file belongs to a notebook.

Floors live in tests/metrics/<notebook stem>.json as {metric: {"min": x} | {"max": x} |
{"approx": x, "tol": t}}, measured on a 2-core CPU with the mirror's data. They are checked right
after each notebook's run, by tests/test_student_copies.py; a floor file that names no notebook
would never be checked, which this test catches.
"""

from __future__ import annotations

from pathlib import Path

FLOORS = sorted((Path(__file__).parent / "metrics").glob("*.json"))


def test_every_floor_file_names_a_notebook(repo):
    assert FLOORS, "no floor files in tests/metrics"
    for floor in FLOORS:
        names = [repo / "notebooks" / f"{floor.stem}.ipynb", repo / "notebooks" / "extras" / f"{floor.stem}.ipynb"]
        assert any(p.exists() for p in names), f"{floor.name} names no notebook (in notebooks/ or notebooks/extras/)"
