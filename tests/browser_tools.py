"""Shared by the real-browser tests: find Debian's Chromium and Playwright, or say how to install them."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

PLAYWRIGHT_PIN = "playwright==1.65.2"  # keep in step with requirements.txt
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # git-ignored screenshots


def chromium_path() -> str | None:
    for candidate in [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def skip_without_browser() -> str:
    """The Chromium executable, or skip the test with the commands that install what is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip(f"Playwright for Python is missing: pip install {PLAYWRIGHT_PIN} "
                    "(no `playwright install`: the tests use Debian's chromium)")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium browser: apt-get install chromium (Debian's package; .ci/run installs it)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=["--no-sandbox", "--disable-dev-shm-usage"])


# Module-scoped fixtures both browser test modules import (pytest finds fixtures imported into a module).
@pytest.fixture(scope="module")
def chromium() -> str:
    return skip_without_browser()


@pytest.fixture(scope="module")
def browser(chromium):
    """One headless Chromium for the module's tests, always closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p, chromium)
        try:
            yield b
        finally:
            b.close()
