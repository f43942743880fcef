"""The course in JupyterLab, as a student meets it: Debian's Chromium driven by Playwright.

`make lab`'s server (same notebook folder layout, `--allow-root` as root) starts on a free port with
a token, on a temporary copy of notebooks/ so that nothing is ever saved into the repository. Each
notebook opens in a fresh workspace, runs with Run > Run All Cells until the kernel is idle, and is
saved from the UI. JupyterLab does not paint offscreen cells, so every cell is checked in the saved
file: each code cell ran, none shows an error, figures exist; the page must show a figure, and
04's photo upload widget.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browser_tools import ARTIFACTS, browser, chromium, free_port  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 420  # one notebook's Run All; each takes well under 3 minutes on 2 cores


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab on a copy of notebooks/; yields (base url, token, notebook folder)."""
    tmp = tmp_path_factory.mktemp("lab")
    notebooks = tmp / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = free_port(), "course-browser-test"
    env = dict(os.environ,
               SPOTIFY_ML_RESULTS=str(tmp / "results"),            # the repo's results/ stay untouched
               MPLBACKEND="module://matplotlib_inline.backend_inline",  # CI exports Agg, which draws nothing
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),      # no personal Lab settings
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    env.pop("SPOTIPY_CLIENT_ID", None)  # the demo account only
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={notebooks}", f"--port={port}",
           "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           "--no-browser"] + (["--allow-root"] if os.getuid() == 0 else [])
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("JupyterLab did not start:\n" + (tmp / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token, notebooks
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


def api(base: str, token: str, path: str):
    with urllib.request.urlopen(f"{base}{path}?token={token}", timeout=10) as r:
        return json.load(r)


def kernel_state(base: str, token: str, name: str) -> str | None:
    for session in api(base, token, "/api/sessions"):
        if session.get("path", "").endswith(name):
            return session["kernel"]["execution_state"]
    return None


def wait_idle(page, base: str, token: str, name: str, timeout_s: float) -> None:
    """Until the kernel stays idle for 3 s and no cell waits to run ([*])."""
    deadline, idle_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        queued = page.locator(".jp-InputPrompt", has_text="*").count()
        if kernel_state(base, token, name) == "idle" and queued == 0:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 3:
                return
        else:
            idle_since = None
        page.wait_for_timeout(500)
    raise AssertionError(f"{name}: the kernel was still busy after {timeout_s:.0f} s")


def menu(page, top: str, label: str) -> None:
    """Click a menu bar item, then the menu entry with this label (as a person would)."""
    page.locator(".lm-MenuBar-item", has_text=top).first.click()
    page.locator(f".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{label}'))").first.click()


def run_in_lab(browser, base, token, notebooks: Path, stem: str):
    """Open `stem` in a fresh workspace, run every cell, save; returns (page, saved notebook)."""
    name = f"{stem}.ipynb"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(f"{base}/lab/workspaces/test-{stem}/tree/{name}?reset&token={token}", wait_until="load")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=90_000)
    no_news = page.locator(".jp-toast-button", has_text="No")  # "notified about Jupyter news?": no
    try:
        no_news.first.click(timeout=5_000)
    except Exception:
        pass  # the question did not come up
    deadline = time.monotonic() + 120
    while kernel_state(base, token, name) != "idle":
        assert time.monotonic() < deadline, f"{name}: the kernel did not start"
        page.wait_for_timeout(500)
    before = (notebooks / name).stat().st_mtime_ns
    menu(page, "Run", "Run All Cells")
    page.locator(".jp-InputPrompt", has_text="*").first.wait_for(state="attached", timeout=30_000)
    wait_idle(page, base, token, name, RUN_TIMEOUT_S)
    menu(page, "File", "Save Notebook")
    deadline = time.monotonic() + 30
    while (notebooks / name).stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"{name}: Save did not write the notebook"
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)  # let the write finish
    return page, nbformat.read(notebooks / name, as_version=4)


def check_saved(nb, name: str) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    not_run = [i for i, c in enumerate(code) if c.execution_count is None]
    assert not not_run, f"{name}: code cells {not_run} did not run"
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, c in enumerate(code)
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors}"
    figures = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert figures, f"{name}: no figure was rendered"


def assert_figure_visible(page, name: str) -> None:
    figure = page.locator(".jp-OutputArea-output img").first
    in_view = "e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.top < innerHeight; }"
    for _ in range(10):  # cells above paint as they scroll in and move the figure: scroll until it stays
        figure.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        if figure.evaluate(in_view):
            break
    assert figure.is_visible() and figure.evaluate(in_view), f"{name}: no figure is shown"
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), f"{name}: the figure does not decode"


def test_start_here_runs_in_jupyterlab(lab, browser):
    base, token, notebooks = lab
    page, nb = run_in_lab(browser, base, token, notebooks, "00_start_here")
    try:
        check_saved(nb, "00_start_here")
        assert_figure_visible(page, "00_start_here")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lab-00_start_here.png"))
    finally:
        page.close()


def test_mood_playlist_runs_in_jupyterlab_and_shows_the_upload_widget(lab, browser):
    base, token, notebooks = lab
    page, nb = run_in_lab(browser, base, token, notebooks, "04_mood_playlist")
    try:
        check_saved(nb, "04_mood_playlist")
        views = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, "04_mood_playlist: no widget was displayed"
        assert_figure_visible(page, "04_mood_playlist")
        upload = page.locator(".jp-OutputArea-output .widget-upload").first
        upload.scroll_into_view_if_needed()
        assert upload.is_visible(), "the photo upload widget is not shown"
        assert "Your photo" in upload.inner_text()
        # ipywidgets' FileUpload is a button that opens the file chooser (its <input type=file> is not attached)
        assert upload.evaluate("e => e.tagName") == "BUTTON" and upload.is_enabled()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lab-04_mood_playlist.png"))
    finally:
        page.close()
