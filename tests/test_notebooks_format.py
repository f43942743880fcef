"""Every lesson notebook follows the template: stored without outputs, one parameters cell,
the setup call, the required sections, and exercises whose student copy strips the solution."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from make_student import strip_solutions, student_copy  # noqa: E402
import lessons  # noqa: E402

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_there_is_a_start_page_and_lessons():
    assert (NOTEBOOK_DIR / "00_start_here.ipynb").exists()
    assert LESSONS, "no lesson notebooks yet"


def test_the_lesson_list_names_every_notebook_once_in_order():
    stems = [x["stem"] for x in lessons.load()]
    assert stems == [p.stem for p in NOTEBOOKS], (
        "notebooks/lessons.toml must list every notebooks/NN_name.ipynb once, in order "
        f"(listed {stems}, found {[p.stem for p in NOTEBOOKS]})")


def test_readme_lesson_table_is_the_lesson_list():
    readme = (NOTEBOOK_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert lessons.with_table(readme, lessons.load()) == readme, (
        "README.md's lesson table differs from notebooks/lessons.toml: edit the toml, then run `make lessons`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: a cell has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_then_setup(path):
    cells = read(path).cells
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected exactly one cell tagged 'parameters'"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert f'setup_notebook("{path.stem}"' in code, f"{path.name}: call helpers.setup_notebook(\"{path.stem}\", ...)"
    assert "sys.path" not in code, f"{path.name}: import helpers without sys.path edits"
    assert "tf.keras" not in code, f"{path.name}: use `import keras` (Keras 3)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_the_template_sections(path):
    text = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown").lower()
    for section in ["learning objectives", "estimated time", "what we learned", "go further", "references"]:
        assert section in text, f"{path.name}: missing section '{section}'"
    assert "licence" in text or "license" in text or "credit(" in "\n".join(c.source for c in read(path).cells)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_exercises_have_solutions_and_self_checks(path):
    nb = read(path)
    exercise_cells = [c for c in nb.cells if c.cell_type == "code" and "# BEGIN SOLUTION" in c.source]
    assert len(exercise_cells) >= 2, f"{path.name}: needs at least two exercises with reference solutions"
    for cell in exercise_cells:
        after = cell.source.split("# END SOLUTION", 1)[1]
        assert re.search(r"\bcheck_\w+\(", after), f"{path.name}: an exercise has no self-check after its solution"
    student, removed = student_copy(nb)
    assert removed == sum(c.source.count("# BEGIN SOLUTION") for c in exercise_cells)
    student_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert "# BEGIN SOLUTION" not in student_code and student_code.count("# your code here") == removed


def _names(code: str, ctx) -> set[str]:
    import ast
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a fragment (e.g. an indented block): judge it by its dedented text
        import textwrap
        tree = ast.parse(textwrap.dedent(code))
    local = {n.id for c in ast.walk(tree) if isinstance(c, ast.comprehension)  # comprehension variables
             for n in ast.walk(c.target) if isinstance(n, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)} - local


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_student_copy_reaches_the_hint_not_a_name_error(path):
    """A name the solution defines and the check reads must exist before the solution (e.g. = None),
    so a student who has not answered yet sees the check's hint instead of a NameError."""
    import ast
    for cell in read(path).cells:
        if cell.cell_type != "code" or "# BEGIN SOLUTION" not in cell.source:
            continue
        before, rest = cell.source.split("# BEGIN SOLUTION", 1)
        solution, after = rest.split("# END SOLUTION", 1)
        if before.strip() and not before.rstrip().endswith(":"):
            defined_before = _names(before, ast.Store)
        else:
            defined_before = set()
        needed = (_names(solution, ast.Store) & _names(after, ast.Load)) - defined_before
        assert not needed, f"{path.name}: set {sorted(needed)} (e.g. to None) before # BEGIN SOLUTION"


def test_strip_solutions_keeps_indentation_and_checks():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x * 2\n    # END SOLUTION\ncheck_equal('f', f(2), 4)"
    stripped, n = strip_solutions(source)
    assert n == 1 and "return x * 2" not in stripped
    assert "    ...  # your code here" in stripped and "check_equal" in stripped
    with pytest.raises(ValueError):
        strip_solutions("# BEGIN SOLUTION\nx = 1")


def test_the_template_lesson_converts_with_jupytext_and_follows_the_template(tmp_path):
    """docs/lesson_template.py (the guide's starting point for a new lesson) is a lesson by these rules."""
    import jupytext

    nb = jupytext.read(NOTEBOOK_DIR.parent / "docs" / "lesson_template.py")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'setup_notebook("NN_name"' in code
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    for section in ["learning objectives", "estimated time", "what we learned", "go further", "references"]:
        assert section in text
    exercises = [c for c in nb.cells if c.cell_type == "code" and "# BEGIN SOLUTION" in c.source]
    assert len(exercises) >= 2 and all(strip_solutions(c.source)[1] == 1 for c in exercises)
