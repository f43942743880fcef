"""Lesson 09's exercise checks reject every listed wrong answer on a basic export too (issue 19, lesson 09 point 5).

tests/test_student_copies.py probes the checks on the demo listener (an extended export, label ``reason_end``).
On a basic export the label is "played < 30 s", so an answer built on ``ms_played`` scores exactly 1 and
different mistakes can land on the same number; this runs the same probes on the mirror's real basic export.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

import export_variants
from test_student_copies import probe_notebook, run_headless

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "09_skip_prediction.ipynb"


def test_lesson_09_checks_reject_wrong_answers_on_a_basic_export(tmp_path, monkeypatch):
    nb, student_cells = probe_notebook(NOTEBOOK)
    source = tmp_path / NOTEBOOK.name
    nbformat.write(nb, source)
    monkeypatch.setenv("SPOTIFY_ML_STRICT_CHECKS", "1")
    monkeypatch.setenv("SPOTIFY_ML_RESULTS", str(tmp_path / "results"))
    export = export_variants.build("real", tmp_path / "export")
    executed = run_headless(source, tmp_path / "out.ipynb", cwd=NOTEBOOK.parent, parameters={"EXPORT_PATH": str(export)})
    probes = ["".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
              for cell in executed.cells if cell.cell_type == "code" and "_probe_report" in cell.source]
    assert len(probes) == len(student_cells) and all("PROBE exercise" in text for text in probes)
    text = "".join(probes)
    assert "played < 30 s" in "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                                      for o in c.outputs if o.output_type == "stream"), "not a basic export run"
    assert '"accepted"' in text   # each probe cell asserts the rejections itself; the reference is accepted
