"""Build a notebook (stored without outputs) from a percent-format Python script.

    python tools/build_notebook.py source.py notebooks/NN_name.ipynb

Cells start with ``# %%`` (code), ``# %% [markdown]`` (markdown, each line prefixed ``# ``),
or ``# %% tags=["parameters"]`` (the papermill parameters cell). Authors may keep the script
outside git: the committed ``.ipynb`` is the lesson.
"""

from __future__ import annotations

import re
import sys

import nbformat

HEADER = re.compile(r"^# %%(?P<md> \[markdown\])?(?: tags=\[(?P<tags>[^\]]*)\])?\s*$")


def parse(text: str) -> list:
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            cell = nbformat.v4.new_code_cell(body)
            if tags:
                cell.metadata["tags"] = tags
            cells.append(cell)

    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            flush()
            kind = "markdown" if match.group("md") else "code"
            tags = [t.strip().strip("'\"") for t in (match.group("tags") or "").split(",") if t.strip()]
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def build(source: str, target: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(open(source, encoding="utf-8").read())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    nbformat.write(nb, target)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
