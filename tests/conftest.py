"""Shared test setup: the data folder, strict checks, no login, and how tests share two workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
MIRROR = REPO.parent / "shared" / "datasets"


def pytest_configure(config):
    # Offline by default: use the course mirror beside the checkout when no data folder is set.
    if not os.environ.get("SPOTIFY_ML_DATA") and MIRROR.is_dir():
        os.environ["SPOTIFY_ML_DATA"] = str(MIRROR)
    # Notebooks run strict: a failed self-check raises, so a wrong reference solution fails CI.
    # (A student copy's unanswered exercises run without it: tests/test_student_copies.py.)
    os.environ["SPOTIFY_ML_STRICT_CHECKS"] = "1"
    # Tests never log in: with a client id in the shell, notebooks would open a browser and wait.
    os.environ.pop("SPOTIPY_CLIENT_ID", None)


# `make test` runs on two workers (pytest-xdist, `-n 2`). A module's tests stay on one worker, so its
# module-scoped fixtures (a built site, a JupyterLab server, a Spark session) are built once; the notebook
# runs of these modules are independent, and are spread over both workers one by one.
SPREAD = {"test_student_copies", "test_export_variants"}


def _module(item) -> str:
    """The test module's name (an nbval item, from ``pytest notebooks/NN.ipynb``, has no module: its path)."""
    module = getattr(item, "module", None)
    return module.__name__.rpartition(".")[2] if module else str(item.fspath)


def _order(item) -> tuple:
    """Notebook runs first, the later lessons (the slowest: 10, then 08) before the earlier ones, so the
    two workers finish together; then the runs on other exports, then everything else."""
    module = _module(item)
    if module == "test_student_copies" and hasattr(item, "callspec"):
        return (0, -int(item.callspec.params["path"].stem[:2]), "extras" in str(item.callspec.params["path"]))
    return (1,) if module in SPREAD else (2,)


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_order)


def pytest_xdist_make_scheduler(config, log):
    """Work units for the workers: a whole module, or one test of a SPREAD module. (xdist's own
    ``--dist loadgroup`` cannot be used: with pytest 9.2 the group marks no longer reach the nodeids.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if Path(path).stem in SPREAD else path

    config.option.loadscopereorder = False  # keep the order of _order: xdist would put the largest modules first
    return ModuleScheduling(config, log)


@pytest.fixture
def repo() -> Path:
    return REPO
