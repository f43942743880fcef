"""Write student copies of the notebooks: reference solutions replaced by a placeholder.

    python tools/make_student.py notebooks student

In a code cell, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (markers included)
become ``...  # your code here``, indented like the solution. Everything else, including the
self-check after the solution, stays, so the student copy and the full notebook stay in sync.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
PLACEHOLDER = "...  # your code here"


def _replace_blocks(source: str, code: str) -> tuple[str, int]:
    """Every solution block (markers included) replaced by ``code``, indented like the block."""
    out, inside, count = [], False, 0
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("nested # BEGIN SOLUTION")
            inside, count = True, count + 1
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + c if c.strip() else c for c in code.splitlines() or ["pass"])
        elif stripped == END:
            if not inside:
                raise ValueError("# END SOLUTION without # BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("# BEGIN SOLUTION without # END SOLUTION")
    return "\n".join(out), count


def strip_solutions(source: str) -> tuple[str, int]:
    """The student's version of a cell, and how many solutions were removed."""
    return _replace_blocks(source, PLACEHOLDER)


def replace_solution(source: str, code: str) -> str:
    """The cell with its single solution block replaced by ``code``, indented like the block.

    Used by the wrong-answer tests: the self-check after the block must reject ``code``.
    """
    text, count = _replace_blocks(source, code)
    if count != 1:
        raise ValueError(f"replace_solution needs a cell with one solution block, not {count}")
    return text


def student_copy(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    copy = nbformat.from_dict(notebook)
    total = 0
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source, n = strip_solutions(cell.source)
            cell.outputs, cell.execution_count = [], None
            total += n
    return copy, total


def main(src: str, dst: str) -> None:
    for path in sorted(Path(src).glob("*.ipynb")) + sorted(Path(src).glob("extras/*.ipynb")):
        target = Path(dst) / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        nb, n = student_copy(nbformat.read(path, as_version=4))
        nbformat.write(nb, target)
        print(f"{path.relative_to(src)}: {n} solution(s) removed")


if __name__ == "__main__":
    main(*sys.argv[1:3])
