"""Lessons that read a student's export hold on many kinds of export, not only the demo's.

Each ``tests/exports/<notebook stem>.json`` says how that lesson is run on the variants of
``tests/export_variants.py`` (cuts of the mirror's real export, simulated listeners with many, few or
no skips, basic and extended):

    {"parameters": {...},                      # for every run, besides EXPORT_PATH
     "runs": {"<variant>": {"parameters": {...}, "floors": {metric: rule}},
              "<variant>": {"expect_error": "..."}},   # the lesson must stop with a course error saying this
     "relations": [["a", ">=", "b", offset]]}  # for every run that completes: a >= b + offset

Each run executes the whole notebook with papermill in strict mode, its metrics in a folder of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import export_variants
from floors import assert_floors, assert_relations
from helpers import results
from helpers.errors import CourseError

REPO = Path(__file__).resolve().parents[1]
SPECS = sorted((Path(__file__).parent / "exports").glob("*.json"))
RUNS = [(spec, variant) for spec in SPECS for variant in json.loads(spec.read_text())["runs"]]


def _course_errors(cls=CourseError) -> set[str]:
    return {cls.__name__}.union(*(_course_errors(sub) for sub in cls.__subclasses__()))


COURSE_ERRORS = _course_errors()


@pytest.fixture(scope="session")
def variant_path(tmp_path_factory):
    """Each variant export is written once per test session, into a temporary folder."""
    built = {}

    def path(name: str) -> Path:
        if name not in built:
            built[name] = export_variants.build(name, tmp_path_factory.mktemp(name))
        return built[name]
    return path


def test_every_spec_names_a_lesson_and_known_variants():
    assert SPECS, "no tests/exports/*.json: the lessons that read exports are not run on other exports"
    for spec in SPECS:
        assert (REPO / "notebooks" / f"{spec.stem}.ipynb").exists(), f"{spec.name} names no notebook"
        runs = json.loads(spec.read_text())["runs"]
        unknown = set(runs) - set(export_variants.VARIANTS)
        assert not unknown, f"{spec.name}: unknown variants {sorted(unknown)}; known: {sorted(export_variants.VARIANTS)}"
        for variant, run in runs.items():
            assert run.get("floors") or run.get("expect_error"), f"{spec.name}: run {variant!r} asserts nothing"


@pytest.mark.parametrize("spec,variant", RUNS, ids=[f"{s.stem}-{v}" for s, v in RUNS])
def test_lesson_on_export_variant(spec, variant, variant_path, tmp_path, monkeypatch):
    from papermill.exceptions import PapermillExecutionError

    from test_student_copies import run_headless

    config = json.loads(spec.read_text())
    run = config["runs"][variant]
    parameters = {**config.get("parameters", {}), **run.get("parameters", {}),
                  "EXPORT_PATH": str(variant_path(variant))}
    monkeypatch.setenv("SPOTIFY_ML_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("SPOTIFY_ML_STRICT_CHECKS", "1")
    notebook = REPO / "notebooks" / f"{spec.stem}.ipynb"
    where = f"{spec.stem} on {variant} ({export_variants.VARIANTS[variant]})"
    try:
        run_headless(notebook, tmp_path / notebook.name, cwd=notebook.parent, parameters=parameters)
    except PapermillExecutionError as stopped:
        assert run.get("expect_error"), f"{where} failed: {stopped.ename}: {stopped.evalue}"
        assert stopped.ename in COURSE_ERRORS, f"{where} stopped with {stopped.ename}, not a course error: {stopped.evalue}"
        assert run["expect_error"] in stopped.evalue, f"{where} stopped, but not saying {run['expect_error']!r}: {stopped.evalue}"
        return
    assert not run.get("expect_error"), f"{where} ran to the end; it should stop saying {run['expect_error']!r}"
    recorded = results.load(spec.stem)
    assert_floors(where, recorded, run.get("floors", {}))
    assert_relations(where, recorded, config.get("relations", []))
