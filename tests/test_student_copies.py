"""Every notebook runs once in ``make test``: as its student copy, with probes, in strict mode.

One run per lesson: the student copy (``make student``), with a probe cell after each exercise. The
unanswered exercise runs as a student would see it (``checks.strict(False)``: it prints "not yet" and the
lesson goes on); every other cell runs in strict mode, where a failed self-check raises. The probe runs the
exercise cell again, in strict mode and in a copy of the kernel's namespace (so the student's state is left
as it was), once with each wrong answer from ``tests/wrong_answers/NN_name.py`` (each must be rejected) and
once with the reference solution (it must pass, and runs last, so what it records is what stays). Because
the probes never change the student's namespace, a later cell that needs a student's answer fails this run.

This run is also the notebook's test run: an error in any cell fails it, and the metrics it records (in
``SPOTIFY_ML_RESULTS``) are held to their floors (``tests/metrics/NN_name.json``) by the same test, right
after the run, so no other test depends on the order tests run in (``make test`` runs them on two
workers). The full notebook is not executed a second time (``pytest notebooks/NN_name.ipynb`` still
runs one under nbval, without the floors).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from floors import assert_floors
from helpers import results

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
from make_student import BEGIN, END, replace_solution, strip_solutions  # noqa: E402

NOTEBOOK_DIR = REPO / "notebooks"
WRONG_DIR = Path(__file__).resolve().parent / "wrong_answers"
FLOOR_DIR = Path(__file__).resolve().parent / "metrics"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")) + sorted((NOTEBOOK_DIR / "extras").glob("[0-9][0-9]_*.ipynb"))

PROBE = '''# probe added by tests/test_student_copies.py (not part of the lesson)
import helpers.checks as _checks
_probe_sources = {sources}
_probe_report = {{}}
for _label, _src in _probe_sources.items():
    _ns = dict(globals())  # a copy: the student's own variables stay as they were
    try:
        with _checks.strict():
            exec(compile(_src, "<probe: " + _label + ">", "exec"), _ns)
        _probe_report[_label] = "accepted"
    except _checks.ExerciseError as _e:
        _probe_report[_label] = "rejected: " + str(_e)[:120]
_probe_problems = [f"{{k}} -> {{v}}" for k, v in _probe_report.items()
                   if (k == "reference") != v.startswith("accepted")]
print("PROBE exercise {number}:", json.dumps(_probe_report, indent=1))
assert not _probe_problems, "exercise {number}: " + "; ".join(_probe_problems)
'''


def wrong_answers(stem: str) -> dict[str, dict[str, str]]:
    """The likely wrong answers of each exercise, keyed by the exercise's id (see ``exercise_id``)."""
    path = WRONG_DIR / f"{stem}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


CHECK_NAME = re.compile(r"check_\w+\(\s*(?P<q>[\"'])(?P<name>.+?)(?P=q)")


def exercise_id(source: str) -> str:
    """An exercise's stable id: the name its first self-check prints (``checks.check_close("weekend share", ...)``).

    Ids, not positions, pair an exercise with its wrong answers, so inserting or moving an exercise leaves
    the other pairings as they were.
    """
    found = CHECK_NAME.search(source.split(END, 1)[-1])
    assert found, f"an exercise has no self-check after its solution:\n{source[:300]}"
    return found.group("name")


def as_student(source: str) -> str:
    """The unanswered exercise as a student runs it: a failed check prints "not yet" and the lesson goes on."""
    body = "\n".join("    " + line if line.strip() else line for line in source.splitlines())
    return f"import helpers.checks as _checks\nwith _checks.strict(False):   # added by the test: a student's run\n{body}\n"


def probe_notebook(path: Path) -> tuple[nbformat.NotebookNode, list[int]]:
    """The student copy with a probe cell after each exercise; returns it and the exercise cell indices."""
    nb = nbformat.read(path, as_version=4)
    wrong = wrong_answers(path.stem)
    exercises = [exercise_id(c.source) for c in nb.cells if c.cell_type == "code" and BEGIN in c.source]
    assert isinstance(wrong, dict), (
        f"tests/wrong_answers/{path.stem}.py: WRONG must be a dict keyed by each exercise's id (the name of its "
        f"first self-check), not a {type(wrong).__name__}; the ids here are {exercises}")
    assert len(set(exercises)) == len(exercises), f"{path.name}: two exercises share a first check name: {exercises}"
    assert set(wrong) == set(exercises), (
        f"tests/wrong_answers/{path.stem}.py must list the likely wrong answers of each exercise, by id: "
        f"missing {sorted(set(exercises) - set(wrong))}, unknown {sorted(set(wrong) - set(exercises))}")
    cells, student_cells, number = [], [], 0
    for cell in nb.cells:
        if cell.cell_type != "code" or BEGIN not in cell.source:
            cells.append(cell)
            continue
        answers = wrong[exercise_id(cell.source)]
        number += 1
        assert answers, f"{path.name}: exercise {number} has no wrong answers to test its check with"
        student = nbformat.v4.new_code_cell(as_student(strip_solutions(cell.source)[0]))
        student_cells.append(len(cells))
        cells.append(student)
        sources = {label: replace_solution(cell.source, code) for label, code in answers.items()}
        assert "reference" not in sources
        sources["reference"] = cell.source
        cells.append(nbformat.v4.new_code_cell("import json\n" + PROBE.format(sources=repr(sources), number=number)))
    nb.cells = cells
    return nb, student_cells


CELL_TIMEOUT_S = 600   # far above any cell's run time; a cell past it is stuck, not slow
WIDGET_CELL_TIMEOUT_S = 60  # a cell that shows ipywidgets runs in a second or two (see run_headless)


def cell_timeout(cell) -> int:
    """How long nbclient waits for a cell. A cell that shows ipywidgets is where nbclient#312 strikes: now and
    then the kernel's reply is missed and the run waits out the cell's whole timeout (600 s of a fresh CI run's
    lesson 04, on its slider cell), so those cells get a short one."""
    return WIDGET_CELL_TIMEOUT_S if "widgets." in cell.source else CELL_TIMEOUT_S


def run_headless(source: Path, output: Path, cwd: Path = NOTEBOOK_DIR, parameters: dict | None = None):
    """Execute a notebook with papermill (with ``parameters``, if any); one retry when a cell times out.

    Every test that runs a notebook uses this, so they run it the same way.

    nbclient now and then misses the reply to a cell that displays ipywidgets and waits out the cell's
    timeout (jupyter/nbclient#312, seen here on lesson 04's slider cell once in many runs): such cells get
    a short one (``cell_timeout``), and a timeout is retried once, with a warning; an error in a cell is
    never retried.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError

    for attempt in (1, 2):
        try:
            return papermill.execute_notebook(str(source), str(output), cwd=str(cwd), kernel_name="python3",
                                              parameters=parameters or {}, progress_bar=False, log_output=False,
                                              execution_timeout=CELL_TIMEOUT_S, timeout_func=cell_timeout)
        except CellTimeoutError:
            if attempt == 2:
                raise
            import warnings
            warnings.warn(f"{source.name}: a cell timed out; running the notebook once more "
                          "(jupyter/nbclient#312)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_runs_and_checks_reject_wrong_answers(path, tmp_path, monkeypatch):
    nb, student_cells = probe_notebook(path)
    source = tmp_path / path.name
    nbformat.write(nb, source)
    monkeypatch.setenv("SPOTIFY_ML_STRICT_CHECKS", "1")   # every check but the student's unanswered ones raises
    (results.results_dir() / f"{path.stem}.json").unlink(missing_ok=True)  # floors judge this run, not an old one
    executed = run_headless(source, tmp_path / f"out_{path.name}", cwd=path.parent)
    for index in student_cells:
        text = "".join(o.get("text", "") for o in executed.cells[index].outputs if o.output_type == "stream")
        assert "not yet" in text, f"{path.name}: the unanswered exercise in cell {index} printed no 'not yet' hint"
    floor_file = FLOOR_DIR / f"{path.stem}.json"
    if floor_file.exists():
        recorded = results.load(path.stem)
        assert recorded, f"{path.stem} recorded no metrics in {results.results_dir()}"
        assert_floors(path.stem, recorded, json.loads(floor_file.read_text()))


def test_a_stuck_widget_cell_times_out_soon_and_is_retried_once(tmp_path, monkeypatch):
    from nbclient.exceptions import CellTimeoutError

    monkeypatch.setattr(sys.modules[__name__], "WIDGET_CELL_TIMEOUT_S", 2)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\nimport ipywidgets as widgets\n"
                                                                   "slider = widgets.IntSlider()\n"
                                                                   "time.sleep(30)  # stands in for a missed reply")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "stuck.ipynb")
    with pytest.warns(UserWarning, match="running the notebook once more"), pytest.raises(CellTimeoutError):
        run_headless(tmp_path / "stuck.ipynb", tmp_path / "out.ipynb", cwd=tmp_path)


def test_probe_replaces_only_the_solution():
    cell = "answer = None\n# BEGIN SOLUTION\nanswer = 2\n# END SOLUTION\ncheck_equal('a', answer, 2)"
    assert replace_solution(cell, "answer = 3") == "answer = None\nanswer = 3\ncheck_equal('a', answer, 2)"
    nested = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
    assert replace_solution(nested, "x = 2\nreturn x") == "def f():\n    x = 2\n    return x"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_wrong_answers_are_paired_with_exercises_by_id(path):
    """Cheap, before any notebook runs: every exercise has its wrong answers under its own id."""
    nb, student_cells = probe_notebook(path)
    assert len(student_cells) == len(wrong_answers(path.stem))


def test_an_exercise_is_identified_by_its_first_check_name():
    cell = ('share = None\n# BEGIN SOLUTION\nshare = 0.5\n# END SOLUTION\n'
            'checks.check_close("weekend share", share, 0.5)\nchecks.check_true("other", True)')
    assert exercise_id(cell) == "weekend share"
    assert exercise_id(cell.replace('"weekend share"', "\"the listener's share\"")) == "the listener's share"
