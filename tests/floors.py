"""How a recorded metric is held to its floor: ``{"min": x}``, ``{"max": x}`` or ``{"approx": x, "tol": t}``.

Used by tests/test_student_copies.py (the default runs) and tests/test_export_variants.py (the runs on
other exports), so a floor means the same thing everywhere.
"""

from __future__ import annotations

import operator

import pytest

RELATIONS = {">=": operator.ge, "<=": operator.le}


def assert_floors(where: str, recorded: dict[str, float], floors: dict[str, dict]) -> None:
    """Every metric named in ``floors`` was recorded and meets its rule."""
    for name, rule in floors.items():
        assert name in recorded, f"{where} did not record {name!r}"
        value = recorded[name]
        if "min" in rule:
            assert value >= rule["min"], f"{where}.{name} = {value:.4f} < floor {rule['min']}"
        if "max" in rule:
            assert value <= rule["max"], f"{where}.{name} = {value:.4f} > ceiling {rule['max']}"
        if "approx" in rule:
            assert value == pytest.approx(rule["approx"], abs=rule["tol"]), f"{where}.{name} = {value:.4f}"


def assert_relations(where: str, recorded: dict[str, float], relations: list) -> None:
    """Each ``[a, ">=" or "<=", b, offset]`` holds as ``recorded[a] OP recorded[b] + offset``."""
    for a, op, b, offset in relations:
        for name in (a, b):
            assert name in recorded, f"{where} did not record {name!r}"
        assert RELATIONS[op](recorded[a], recorded[b] + offset), (
            f"{where}: {a} = {recorded[a]:.4f} is not {op} {b} = {recorded[b]:.4f} {offset:+}")
