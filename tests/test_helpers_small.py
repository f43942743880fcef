"""helpers.results, helpers.checks, helpers.plotting and seeding."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import helpers
from helpers import checks, plotting, results


def test_record_writes_flat_json_per_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv(results.RESULTS_ENV, str(tmp_path))
    helpers.setup_notebook("99_example", seed=1)
    assert results.record("accuracy", np.float32(0.625)) == pytest.approx(0.625)
    results.record("n", 10)
    saved = json.loads((tmp_path / "99_example.json").read_text())
    assert saved == {"accuracy": pytest.approx(0.625), "n": 10.0}
    assert results.load("99_example")["n"] == 10.0
    with pytest.raises(ValueError, match="finite"):
        results.record("bad", math.nan)


def test_record_without_a_notebook_name_says_what_to_do(monkeypatch):
    monkeypatch.setattr(results, "_current_notebook", None)
    with pytest.raises(RuntimeError, match="setup_notebook"):
        results.record("x", 1)


def test_seeds_make_numpy_repeatable():
    helpers.set_seeds(7)
    a = np.random.rand(3)
    helpers.set_seeds(7)
    assert np.array_equal(a, np.random.rand(3))


def test_checks_print_not_yet_and_go_on_outside_strict_mode(capsys, monkeypatch):
    monkeypatch.delenv("SPOTIFY_ML_STRICT_CHECKS", raising=False)
    assert not checks.is_strict()
    checks.check_close("mean", None, 0.5, hint="Use groupby.")
    checks.check_between("auc", float("nan"), 0.5, 1.0)
    checks.check_between("auc", True, 0.5, 1.0)
    checks.check_equal("ids", [1, 3], [1, 2])
    checks.check_equal("ids", [1, 2, 3], [1, 2])
    checks.check_true("no leak", None)
    out = capsys.readouterr().out
    assert out.count("✗") == 6 and out.count("not yet") >= 6 and "Use groupby." in out
    with checks.strict():
        with pytest.raises(checks.ExerciseError, match="no answer yet"):
            checks.check_equal("ids", None, [1, 2])
    checks.check_equal("ids", None, [1, 2])   # back to printing after the block


def test_checks_pass_and_fail_with_hints(capsys):
    assert checks.check_close("mean", 0.5000001, 0.5, tol=1e-3) is None  # no stray True in notebooks
    assert "✓ mean" in capsys.readouterr().out
    with pytest.raises(checks.ExerciseError, match="no answer yet.*groupby"):
        checks.check_close("mean", ..., 0.5, hint="Use groupby.")
    with pytest.raises(checks.ExerciseError, match="outside"):
        checks.check_between("auc", 0.4, 0.5, 1.0)
    checks.check_equal("ids", [1, 2], [1, 2])
    with pytest.raises(checks.ExerciseError):
        checks.check_equal("ids", [1, 3], [1, 2])
    import pandas as pd
    checks.check_columns("df", pd.DataFrame({"a": [1]}), ["a"])
    assert capsys.readouterr().out.count("✓") == 2
    with pytest.raises(checks.ExerciseError, match="missing columns"):
        checks.check_columns("df", pd.DataFrame({"a": [1]}), ["a", "b"])
    with pytest.raises(checks.ExerciseError, match="not yet"):
        checks.check_true("no leak", False)


def test_palette_is_the_colour_blind_safe_one():
    import matplotlib.pyplot as plt
    plotting.use_style()
    assert plotting.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert len(set(plotting.colors(10))) == len(plotting.PALETTE)
    fig, ax = plt.subplots()
    plt.close(fig)


@pytest.mark.parametrize("value", ["0.9", b"1", None, [0.5, 0.6], {"a": 1}])
def test_record_refuses_non_numbers(tmp_path, monkeypatch, value):
    from helpers.errors import CourseError
    monkeypatch.setenv(results.RESULTS_ENV, str(tmp_path))
    with pytest.raises(CourseError, match="only"):
        results.record("accuracy", value, notebook="99_example")
    assert not (tmp_path / "99_example.json").exists()


@pytest.mark.parametrize("name", ["../escape", "a/b", "a\\b", "..", "", "  "])
def test_record_refuses_names_that_are_paths(tmp_path, monkeypatch, name):
    from helpers.errors import CourseError
    monkeypatch.setenv(results.RESULTS_ENV, str(tmp_path / "results"))
    with pytest.raises(CourseError, match="plain name"):
        results.record(name, 1.0, notebook="99_example")
    with pytest.raises(CourseError, match="plain name"):
        results.record("accuracy", 1.0, notebook=name or "../x")
    assert not any(tmp_path.rglob("*.json"))
