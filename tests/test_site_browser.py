"""The course website (`make site`: Sphinx + MyST-NB + the book theme) in a real browser: Debian's Chromium
driven by Playwright, with axe-core (bundled by axe-playwright-python, no network) for accessibility.

CI does not run every lesson a third time: the site here is built from two lessons that run in
about half a minute each (00_start_here and 05_clustering), by the same tool `make site` uses, and a
one-lesson site (05's executed copy with an audio output added, launch buttons on) for the audio
player and the launch buttons. Every page must load with no console error and no request leaving the
machine, every image must decode, every internal link resolve, every page's sidebar list every lesson
and the Spark companion; search, prev/next and the download buttons must work; axe-core must report no
serious or critical violation. Screenshots and axe reports are kept in test-artifacts/.
To test a whole site that `make site` built instead: SPOTIFY_ML_SITE=site pytest tests/test_site_browser.py
"""

from __future__ import annotations

import base64
import functools
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import wave
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import nbformat
import pytest

from browser_tools import ARTIFACTS, browser, chromium  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import lessons as course  # noqa: E402  notebooks/lessons.toml
from make_student import student_copy  # noqa: E402

LESSONS = ["00_start_here", "05_clustering"]
COMPANION = "extras/01_recommender_spark"
LAUNCH = "repo=https://github.com/example-org/spotify-ml-workbook branch=main binder=https://mybinder.org " \
         "hub=https://hub.example.edu colab=https://colab.research.google.com"
FULL = bool(os.environ.get("SPOTIFY_ML_SITE"))


def build(executed: Path, out: Path, stems: list[str], *extra: str, launch: str = "") -> None:
    env = dict(os.environ, SPOTIFY_ML_RESULTS=str(out.parent / "results"))  # the repo's results/ stay untouched
    env.pop("SPOTIPY_CLIENT_ID", None)
    env["SPOTIFY_ML_LAUNCH"] = launch
    run = subprocess.run([sys.executable, str(REPO / "tools" / "build_site.py"), "--executed", str(executed),
                          "--out", str(out), "--only", *stems, *extra], env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory) -> Path:
    if FULL:
        return Path(os.environ["SPOTIFY_ML_SITE"]).resolve()
    tmp = tmp_path_factory.mktemp("site")
    build(tmp / "executed", tmp / "site", LESSONS)
    return tmp / "site"


def tone_wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    import numpy as np

    samples = (np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate) * 20000).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(samples.tobytes())
    return buf.getvalue()


@pytest.fixture(scope="module")
def audio_site(site, tmp_path_factory) -> tuple[Path, str]:
    """A site whose lesson page holds an IPython.display.Audio output, built with launch buttons on:
    lesson 05's executed copy with one cell added (or, for a full site, lesson 10 as it is)."""
    if FULL:
        return site, "10_generative_music"
    from IPython.display import Audio

    tmp = tmp_path_factory.mktemp("audio-site")
    (tmp / "executed").mkdir()
    nb = nbformat.read(site.parent / "executed" / "05_clustering.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('A test tone, 440 Hz')\nAudio(tone, rate=8000)", execution_count=99,
                                              outputs=[nbformat.v4.new_output("stream", name="stdout", text="A test tone, 440 Hz\n"),
                                                       nbformat.v4.new_output("display_data", data={
                                                           "text/html": Audio(data=tone_wav(), rate=8000)._repr_html_(),
                                                           "text/plain": "<IPython.lib.display.Audio object>"})]))
    nbformat.write(nb, tmp / "executed" / "05_clustering.ipynb")
    build(tmp / "executed", tmp / "site", ["05_clustering"], "--no-execute", launch=LAUNCH)
    return tmp / "site", "05_clustering"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


@pytest.fixture(scope="module")
def server(site):
    httpd, url = serve(site)
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def audio_server(audio_site):
    httpd, url = serve(audio_site[0])
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_page(browser, url: str, home: str | None = None):
    """A page at `url`, with every console error, page error, failed request, HTTP error and every request
    that leaves the site (anything outside `home`, by default `url`'s server, but data: URIs) collected."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    home = home or "/".join(url.split("/", 3)[:3]) + "/"

    def request(r):
        if not (r.url.startswith(home) or r.url.startswith(("data:", "blob:", "about:"))):
            problems.append(f"request leaves the site: {r.url[:160]}")

    def failed(r):
        # net::ERR_ABORTED is the browser cancelling a request because the test navigated on (a click to
        # the next lesson while the favicon was still loading); a missing file shows as an HTTP 404 below.
        if r.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {r.url[:120]} {r.failure}")

    page.on("request", request)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", failed)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load", timeout=30_000)
    return page, problems


def lessons(site: Path) -> list[str]:
    return sorted(p.stem for p in site.glob("[0-9][0-9]_*.html"))


def pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if not p.name.startswith("_")
                  and p.parent.name not in {"_static", "_sources"})


def test_the_site_has_home_lessons_companion_and_data_pages(site):
    assert (site / "index.html").is_file() and (site / "data.html").is_file() and (site / "search.html").is_file()
    assert (site / f"{COMPANION}.html").is_file()
    if FULL:
        assert lessons(site) == [x["stem"] for x in course.load()]
    else:
        assert lessons(site) == LESSONS


def test_every_page_loads_offline_with_no_errors_and_every_image_and_link_resolves(site, server, browser):
    for name in pages(site):
        page, problems = open_page(browser, server + name)
        try:
            broken = page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))")
            assert not broken, f"{name}: images that do not decode: {broken}"
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            for href in hrefs:
                url, fragment = urldefrag(href)
                if not url.startswith(server):
                    assert urlparse(url).scheme in {"http", "https", "mailto", "javascript"}, f"{name}: odd link {href}"
                    continue  # external links are not followed: the site is built and tested offline
                target = site / (unquote(urlparse(url).path).lstrip("/") or "index.html")
                if target.is_dir():
                    target = target / "index.html"
                assert target.is_file(), f"{name}: internal link {href} has no page"
                if fragment and target == site / name:
                    found = page.evaluate("f => !!(document.getElementById(f) || document.getElementById(decodeURIComponent(f)))", fragment)
                    assert found, f"{name}: no anchor #{fragment}"
            page.wait_for_timeout(200)  # late console messages and requests
            assert not problems, f"{name}: {problems}"
        finally:
            page.close()


def test_pages_opened_from_disk_load_nothing_from_the_internet(site, browser):
    for name in ["index.html", "data.html", f"{lessons(site)[0]}.html", f"{COMPANION}.html"]:
        page, problems = open_page(browser, (site / name).as_uri(), home=site.as_uri() + "/")
        try:
            assert page.locator("nav.bd-docs-nav").count() == 1
            page.wait_for_timeout(300)
            assert not [p for p in problems if "leaves the site" in p or "console" in p], f"{name}: {problems}"
        finally:
            page.close()


def test_home_page_lists_the_lessons_from_lessons_toml_and_how_to_install(site, server, browser):
    page, problems = open_page(browser, server)
    try:
        table = page.locator("table").filter(has_text="What you learn").first
        assert table.is_visible()
        entries = {x["stem"]: x for x in course.load()}
        for stem in lessons(site):
            row = table.locator("tr").filter(has=page.locator(f"a[href='{stem}.html']"))
            assert row.count() == 1, f"no row linking to {stem}"
            cells = row.locator("td").all_inner_texts()
            assert cells[0] == entries[stem]["number"] and cells[-1] == entries[stem]["time"], cells
            assert cells[3] == entries[stem]["data"], cells
        assert page.get_by_role("heading", name="Install and run it yourself").is_visible()
        assert "make lab" in page.inner_text("main")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=True)
        assert not problems, problems
    finally:
        page.close()


def test_sidebar_lists_every_lesson_and_the_companion_on_every_page(site, server, browser):
    wanted = {f"{stem}.html" for stem in lessons(site)} | {f"{COMPANION}.html", "data.html"}
    for name in pages(site):
        if name in {"genindex.html", "search.html"}:
            continue
        page, _ = open_page(browser, server + name)
        try:
            hrefs = page.eval_on_selector_all("nav.bd-docs-nav a[href]", "as => as.map(a => a.href)")
            listed = {urlparse(h).path.lstrip("/") for h in hrefs}
            assert wanted <= listed, f"{name}: the sidebar lacks {sorted(wanted - listed)}"
        finally:
            page.close()


def test_lesson_page_has_outputs_figures_contents_and_prev_next(site, server, browser):
    first, second = lessons(site)[:2]
    page, problems = open_page(browser, server + f"{first}.html")
    try:
        assert page.locator(".cell_output").count() > 5, "the lesson shows no outputs"
        assert page.locator(".cell_output img").count() >= 1, "the lesson shows no figure"
        assert page.locator(".cell_output", has_text="using the demo account").count() >= 1
        assert "Lesson 00" in page.locator(".site-note").first.inner_text()
        toc = page.locator("nav.page-toc a")
        assert toc.count() >= 4 and toc.first.is_visible(), "no in-page table of contents"
        page.locator("a.right-next").click()
        page.wait_for_url(f"**/{second}.html", timeout=10_000)
        assert page.locator(".cell_output").count() > 5
        page.locator("a.left-prev").click()
        page.wait_for_url(f"**/{first}.html", timeout=10_000)
        page.goto(server + "05_clustering.html", wait_until="load")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-lesson-05_clustering.png"))  # sidebar, note, contents
        page.locator(".cell_output img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "site-lesson-05_clustering-figure.png"))
        assert not problems, problems
    finally:
        page.close()


def test_figures_carry_their_titles_as_alt_text(site, server, browser):
    page, _ = open_page(browser, server + "05_clustering.html")
    try:
        alts = page.eval_on_selector_all(".cell_output img", "imgs => imgs.map(i => i.alt)")
        assert alts and all(a.startswith("Figure") and not a.endswith(".png") for a in alts), alts
        assert "Figure: PCA explained variance (10 standardised features)" in alts  # the title lesson 05 sets
    finally:
        page.close()


def test_search_finds_a_lesson_by_a_word_in_its_text(site, server, browser):
    word, stem = ("perplexity", "10_generative_music") if "10_generative_music" in lessons(site) \
        else ("silhouette", "05_clustering")
    page, problems = open_page(browser, server + "index.html")
    try:
        page.locator("nav.bd-docs-nav").wait_for()
        page.keyboard.press("Control+k")  # the theme's search dialog
        box = page.locator("input[name='q']:visible").first
        box.fill(word)
        box.press("Enter")
        page.wait_for_url("**/search.html?q=*", timeout=10_000)
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=20_000)
        found = {urlparse(h).path.lstrip("/") for h in results.evaluate_all("as => as.map(a => a.href)")}
        assert f"{stem}.html" in found, found
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"site-search-{word}.png"))
        assert not problems, problems
    finally:
        page.close()


def test_download_buttons_return_the_stored_notebook_and_the_student_copy(site, server, browser):
    stem = "05_clustering"
    stored = (REPO / "notebooks" / f"{stem}.ipynb").read_bytes()
    page, problems = open_page(browser, server + f"{stem}.html")
    try:
        page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
        notebook = page.locator(".dropdown-download-buttons a.btn-download-notebook-button")
        student = page.locator(".dropdown-download-buttons a.btn-download-student-button")
        assert notebook.is_visible() and student.is_visible()
        got = page.request.get(notebook.evaluate("a => a.href"))
        assert got.ok and got.body() == stored, "the notebook button does not return the stored notebook"
        got = page.request.get(student.evaluate("a => a.href"))
        copy = nbformat.reads(got.text(), as_version=4)
        assert copy == student_copy(nbformat.reads(stored.decode(), as_version=4))[0]
        assert "# BEGIN SOLUTION" in stored.decode() and "# BEGIN SOLUTION" not in got.text()
        assert not any(c.get("outputs") for c in copy.cells if c.cell_type == "code")
        assert not problems, problems
    finally:
        page.close()


def test_launch_buttons_are_off_by_default_and_come_from_one_setting(site, server, audio_site, audio_server, browser):
    page, _ = open_page(browser, server + "05_clustering.html")
    try:
        if not os.environ.get("SPOTIFY_ML_LAUNCH") and not FULL:
            assert page.locator(".dropdown-launch-buttons").count() == 0
    finally:
        page.close()
    if FULL:
        return
    page, problems = open_page(browser, audio_server + "05_clustering.html")
    try:
        page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
        hrefs = page.eval_on_selector_all(".dropdown-launch-buttons a", "as => as.map(a => a.href)")
        path = "notebooks/05_clustering.ipynb"
        assert f"https://mybinder.org/v2/gh/example-org/spotify-ml-workbook/main?urlpath=lab/tree/{path}" in hrefs
        assert f"https://colab.research.google.com/github/example-org/spotify-ml-workbook/blob/main/{path}" in hrefs
        hub = [h for h in hrefs if h.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")]
        assert hub and "spotify-ml-workbook/" + path in unquote(hub[0]), hrefs
        assert not problems, problems
    finally:
        page.close()


def test_audio_players_survive_play_and_are_labelled(audio_site, audio_server, browser):
    """A lesson's IPython.display.Audio output keeps a working, labelled <audio> player on its page."""
    stem = audio_site[1]
    page, problems = open_page(browser, audio_server + f"{stem}.html")
    try:
        players = page.locator("audio[controls]")
        assert players.count() >= 1
        labels = players.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label'))")
        assert all(labels), f"audio players without a label: {labels}"
        if not FULL:
            assert labels == ["Audio 1 of lesson 05: A test tone, 440 Hz"], labels
        page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
        duration = page.evaluate("document.querySelector('audio').duration")
        if not FULL:
            assert duration == pytest.approx(0.5, abs=0.05)
            assert base64.b64decode(page.evaluate(
                "document.querySelector('audio source').src.split(',')[1]"))[:4] == b"RIFF"
        players.first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-audio-player.png"))
        assert not problems, problems
    finally:
        page.close()


def test_axe_finds_no_serious_or_critical_violation(site, server, audio_site, audio_server, browser):
    """axe-core (WCAG 2.0/2.1 A and AA rules and best practices) on home, data and three lesson pages, one with audio."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    checked = [(server, "index.html"), (server, "data.html"), (server, "00_start_here.html"),
               (server, "05_clustering.html"), (audio_server, f"{audio_site[1]}.html")]
    failures, summary = [], {}
    ARTIFACTS.mkdir(exist_ok=True)
    for base, name in checked:
        page, _ = open_page(browser, base + name)
        try:
            violations = axe.run(page).response["violations"]
        finally:
            page.close()
        label = f"{'audio-site/' if base == audio_server and not FULL else ''}{name}"
        summary[label] = {v["id"]: {"impact": v["impact"], "nodes": len(v["nodes"])} for v in violations}
        failures += [f"{label}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes'][0]['target']}"
                     for v in violations if v["impact"] in {"serious", "critical"}]
    (ARTIFACTS / "site-axe.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    assert not failures, "\n".join(failures)


def test_runs_with_personal_parameters_are_refused(site, tmp_path):
    """Privacy: an executed lesson made with a personal export (or any parameter) never becomes a page."""
    if FULL:
        pytest.skip("needs the small site's executed copies")
    (tmp_path / "executed").mkdir()
    nb = nbformat.read(site.parent / "executed" / "00_start_here.ipynb", as_version=4)
    nb.metadata.setdefault("papermill", {})["parameters"] = {"EXPORT_PATH": "my_spotify_data/"}
    nbformat.write(nb, tmp_path / "executed" / "00_start_here.ipynb")
    run = subprocess.run([sys.executable, str(REPO / "tools" / "build_site.py"), "--no-execute", "--executed",
                          str(tmp_path / "executed"), "--out", str(tmp_path / "site"), "--only", "00_start_here"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "SPOTIFY_ML_LAUNCH": ""})
    assert run.returncode != 0 and "the site shows the demo only" in run.stdout + run.stderr, run.stderr[-2000:]
    assert not (tmp_path / "site" / "00_start_here.html").exists()
    shutil.rmtree(tmp_path / "executed")


def test_fresh_runs_are_reused_and_stale_or_personal_ones_are_run_again(site, tmp_path):
    """`make site` executes a lesson only when output/ holds no fresh demo-account run of it."""
    if FULL:
        pytest.skip("needs the small site's executed copies")
    import build_site

    source, run = REPO / "notebooks" / "00_start_here.ipynb", tmp_path / "00_start_here.ipynb"
    shutil.copy(site.parent / "executed" / source.name, run)
    os.utime(run)  # newer than the notebook and helpers/
    assert build_site.is_fresh(source, run)
    os.utime(run, (source.stat().st_mtime - 60,) * 2)
    assert not build_site.is_fresh(source, run), "a run older than its notebook was reused"
    nb = nbformat.read(run, as_version=4)
    nb.metadata.setdefault("papermill", {})["parameters"] = {"EXPORT_PATH": "my_spotify_data/"}
    nbformat.write(nb, run)
    assert not build_site.is_fresh(source, run), "a run with personal parameters was reused"


def test_the_spark_companion_runs_for_the_site_only_with_java_and_a_failed_run_leaves_nothing(tmp_path, monkeypatch,
                                                                                              capsys):
    """`make site` runs the companion when Java 17/21 is here (its page then has outputs); without Java it
    says why and runs nothing; a run that fails is removed, so the page shows the stored notebook."""
    import build_site
    from helpers import spark

    target = tmp_path / f"{COMPANION}.ipynb"
    ran = []
    monkeypatch.setattr(spark, "java_version", lambda *a: None)
    monkeypatch.setattr(build_site, "execute", lambda source, executed: ran.append(executed))
    build_site.run_companion(tmp_path)
    assert not ran and "Spark needs Java 17 or 21" in capsys.readouterr().out

    def fails(source, executed):
        executed.parent.mkdir(parents=True, exist_ok=True)
        executed.write_text("{}")  # papermill leaves the half-run notebook behind
        raise RuntimeError("a cell failed")

    monkeypatch.setattr(spark, "java_version", lambda *a: 17)
    monkeypatch.setattr(build_site, "execute", fails)
    build_site.run_companion(tmp_path)
    assert not target.exists(), "a failed companion run was left for the site to show"
    assert "its page shows the stored notebook" in capsys.readouterr().err

    monkeypatch.setattr(build_site, "execute", lambda source, executed: ran.append(executed))
    build_site.run_companion(tmp_path)
    assert ran == [target]
