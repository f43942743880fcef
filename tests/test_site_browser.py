"""The static site (`make site`) in a real browser: Debian's Chromium driven by Playwright.

CI does not run every lesson a third time: the site here is built from two lessons that run in
about half a minute each (00_start_here and 05_clustering), by the same tool `make site` uses.
Every page must load with no console error, every image must decode, every internal link must
resolve, and screenshots of the home page and a lesson page are kept in test-artifacts/.
To test a whole site that `make site` built instead: SPOTIFY_ML_SITE=site pytest tests/test_site_browser.py
"""

from __future__ import annotations

import base64
import functools
import io
import os
import subprocess
import sys
import threading
import wave
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import nbformat
import pytest

from browser_tools import ARTIFACTS, browser, chromium  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]
LESSONS = ["00_start_here", "05_clustering"]


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory) -> Path:
    if os.environ.get("SPOTIFY_ML_SITE"):
        return Path(os.environ["SPOTIFY_ML_SITE"]).resolve()
    tmp = tmp_path_factory.mktemp("site")
    env = dict(os.environ, SPOTIFY_ML_RESULTS=str(tmp / "results"))  # the repo's results/ stay untouched
    env.pop("SPOTIPY_CLIENT_ID", None)
    run = subprocess.run([sys.executable, str(REPO / "tools" / "build_site.py"), "--executed", str(tmp / "executed"),
                          "--out", str(tmp / "site"), "--only", *LESSONS],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp / "site"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_page(browser, url: str):
    """A page at `url`, with every console error, page error, failed request and HTTP error collected."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:120]} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load", timeout=30_000)
    return page, problems


def lessons(site: Path) -> list[str]:
    return sorted(p.stem for p in site.glob("[0-9][0-9]_*.html"))


def test_the_site_has_home_lessons_and_data_pages(site):
    assert (site / "index.html").is_file() and (site / "data.html").is_file()
    if os.environ.get("SPOTIFY_ML_SITE"):
        assert lessons(site) == sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    else:
        assert lessons(site) == LESSONS


def test_every_page_loads_with_no_errors_and_every_image_and_link_resolves(site, server, browser):
    for html_file in sorted(site.glob("*.html")):
        page, problems = open_page(browser, server + html_file.name)
        try:
            broken = page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))")
            assert not broken, f"{html_file.name}: images that do not decode: {broken}"
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            for href in hrefs:
                url, fragment = urldefrag(href)
                if not url.startswith(server):
                    assert urlparse(url).scheme in {"http", "https", "mailto"}, f"{html_file.name}: odd link {href}"
                    continue  # external links are not followed: the site is built and tested offline
                target = site / (url[len(server):] or "index.html")
                assert target.is_file(), f"{html_file.name}: internal link {href} has no page"
                if fragment and target.name == html_file.name:
                    found = page.evaluate("f => !!(document.getElementById(f) || document.getElementById(decodeURIComponent(f)))", fragment)
                    assert found, f"{html_file.name}: no anchor #{fragment}"
            page.wait_for_timeout(200)  # late console messages
            assert not problems, f"{html_file.name}: {problems}"
        finally:
            page.close()


def test_home_page_lists_the_lessons_and_how_to_install(site, server, browser):
    page, problems = open_page(browser, server)
    try:
        table = page.locator("table").filter(has_text="What you learn").first
        assert table.is_visible()
        for stem in lessons(site):
            assert table.locator(f"a[href='{stem}.html']").count() == 1, f"no link to {stem}"
        assert "15 min" in table.inner_text() and "40 min" in table.inner_text()
        assert page.get_by_role("heading", name="Install and run it yourself").is_visible()
        assert "make lab" in page.inner_text("body")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=True)
        assert not problems
    finally:
        page.close()


def test_lesson_page_has_outputs_figures_and_navigation(site, server, browser):
    page, problems = open_page(browser, server + "00_start_here.html")
    try:
        assert page.locator(".jp-OutputArea-output").count() > 5, "the lesson shows no outputs"
        figures = page.locator(".jp-OutputArea-output img")
        assert figures.count() >= 1, "the lesson shows no figure"
        assert page.locator(".jp-OutputArea-output", has_text="using the demo account").count() >= 1
        assert "Lesson 00" in page.locator(".site-note").first.inner_text()
        page.locator("nav.site-nav").first.locator("a.next").click()
        page.wait_for_url(f"**/{lessons(site)[1]}.html", timeout=10_000)
        assert page.locator(".jp-OutputArea-output").count() > 5
        page.locator("nav.site-nav").first.locator("a.prev").click()
        page.wait_for_url("**/00_start_here.html", timeout=10_000)
        page.goto(server + "05_clustering.html", wait_until="load")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-lesson-05_clustering.png"))  # navigation, note, title
        page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "site-lesson-05_clustering-figure.png"))
        assert not problems, problems
    finally:
        page.close()


def tone_wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    import numpy as np

    samples = (np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate) * 20000).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(samples.tobytes())
    return buf.getvalue()


def test_audio_players_survive_and_play(tmp_path, browser):
    """A lesson's IPython.display.Audio output keeps a working <audio> player on its page."""
    sys.path.insert(0, str(REPO / "tools"))
    from build_site import render

    from IPython.display import Audio

    audio = Audio(data=tone_wav(), rate=8000)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "Audio(tone, rate=8000)", execution_count=1,
        outputs=[nbformat.v4.new_output("display_data", data={"text/html": audio._repr_html_(),
                                                              "text/plain": "<IPython.lib.display.Audio object>"})])])
    page_file = tmp_path / "audio.html"
    page_file.write_text(render(nb, "audio", "", "", "audio"), encoding="utf-8")
    page, problems = open_page(browser, page_file.as_uri())
    try:
        player = page.locator("audio[controls]")
        assert player.count() == 1
        page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
        duration = page.evaluate("document.querySelector('audio').duration")
        assert duration == pytest.approx(0.5, abs=0.05)
        assert base64.b64decode(page.evaluate(
            "document.querySelector('audio source').src.split(',')[1]"))[:4] == b"RIFF"
        assert not problems, problems
    finally:
        page.close()
