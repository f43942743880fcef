"""Reliability of the Spotify login and HTTP layer, against real sockets on 127.0.0.1 (no stubs)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import spotipy

from helpers import spotify
from helpers.errors import SpotifyAccessError

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api(BaseHTTPRequestHandler):
    """GET /v1/me answers a profile whose id is derived from the Authorization header;
    GET /v1/slow answers 429 with Retry-After: 600."""

    hits: list[str] = []

    def do_GET(self):
        Api.hits.append(self.path)
        if self.path.startswith("/v1/slow"):
            body, status, headers = b"{}", 429, {"Retry-After": "600"}
        else:
            auth = self.headers.get("Authorization", "")
            user = "user-" + hashlib.sha256(auth.encode()).hexdigest()[:8]
            body, status, headers = json.dumps({"id": user, "display_name": user}).encode(), 200, {}
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Api.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/"
    server.shutdown()
    server.server_close()


def client(prefix: str, token: str, session) -> spotify.LiveAccount:
    sp = spotipy.Spotify(auth=token, requests_session=session, retries=0)
    sp.prefix = prefix
    return spotify.LiveAccount(sp)


# 1. redirect port ----------------------------------------------------------------------------

def test_default_redirect_port_is_not_jupyterlabs():
    makefile = (ROOT / "Makefile").read_text()
    lab_port = int(re.search(r"^PORT\s*\?=\s*(\d+)", makefile, re.M).group(1))
    assert spotify.DEFAULT_REDIRECT_PORT != lab_port
    assert spotify.DEFAULT_REDIRECT_URI == f"http://127.0.0.1:{spotify.DEFAULT_REDIRECT_PORT}/callback"
    assert spotify.DEFAULT_REDIRECT_URI in (ROOT / "README.md").read_text()
    assert "127.0.0.1:8888/callback" not in (ROOT / "README.md").read_text()


def test_port_taken_gives_a_course_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        auth = spotify._pkce_class()(
            client_id="x", redirect_uri=f"http://127.0.0.1:{port}/callback", scope=spotify.SCOPES,
            open_browser=True,
            cache_handler=spotipy.cache_handler.CacheFileHandler(cache_path=str(tmp_path / "t.json")))
        with pytest.raises(SpotifyAccessError, match=f"127.0.0.1:{port}.*SPOTIPY_REDIRECT_URI"):
            auth.get_access_token()


# 2. headless login ---------------------------------------------------------------------------

LOGIN = """
from helpers import spotify
acct = spotify.connect(client_id="x", redirect_uri={uri!r}, open_browser={browser})
try:
    acct.me()
except spotify.SpotifyAccessError as exc:
    print("COURSE-ERROR", exc)
"""


@pytest.mark.parametrize("browser", [False, True])
def test_headless_login_fails_fast_with_a_course_error(tmp_path, browser):
    env = {**os.environ, "SPOTIFY_ML_CACHE": str(tmp_path), "BROWSER": "true",
           "SPOTIFY_ML_LOGIN_TIMEOUT": "2", "PYTHONPATH": str(ROOT)}
    uri = f"http://127.0.0.1:{free_port()}/callback"
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", LOGIN.format(uri=uri, browser=browser)],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                         timeout=60, cwd=ROOT)
    assert "COURSE-ERROR" in out.stdout, out.stdout + out.stderr
    assert "demo=True" in out.stdout
    assert time.monotonic() - start < 45


def test_no_browser_fails_at_once_instead_of_waiting_for_the_timeout(tmp_path, monkeypatch):
    """A remote kernel with open_browser=True has no browser to open: stop now, not after 300 s."""
    import webbrowser

    def no_browser(*args, **kwargs):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    monkeypatch.setenv("SPOTIFY_ML_LOGIN_TIMEOUT", "300")
    auth = spotify._pkce_class()(
        client_id="x", redirect_uri=f"http://127.0.0.1:{free_port()}/callback", scope=spotify.SCOPES,
        open_browser=True, cache_handler=spotipy.cache_handler.CacheFileHandler(cache_path=str(tmp_path / "t.json")))
    start = time.monotonic()
    with pytest.raises(SpotifyAccessError, match="No web browser can be opened.*300 s.*demo=True"):
        auth.get_access_token()
    assert time.monotonic() - start < 10


# 3. long Retry-After -------------------------------------------------------------------------

def test_long_retry_after_raises_at_once(api, tmp_path):
    session = spotify.http_session(tmp_path / "http")
    # The retry policy Spotify's https calls get, applied to the loopback test server.
    session.mount("http://", session.get_adapter("https://api.spotify.com/v1/me"))
    account = client(api, "tok", session)
    outcome = {}

    def call():
        try:
            account._call("a slow call", account.sp._get, "slow")
        except Exception as exc:  # noqa: BLE001 - inspected below
            outcome["error"] = exc

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "a 429 with Retry-After: 600 blocked the call"
    assert isinstance(outcome.get("error"), SpotifyAccessError)
    assert re.search("429.*600", str(outcome["error"]))
    assert Api.hits.count("/v1/slow") == 1  # reported at once, no retry loop


# 4. per-user HTTP cache ----------------------------------------------------------------------

def test_http_cache_is_per_user_and_private(api, tmp_path):
    session = spotify.http_session(tmp_path / "http")
    alice = client(api, "token-alice", session).me()["id"]
    assert client(api, "token-alice", session).me()["id"] == alice
    bob = client(api, "token-bob", session).me()["id"]
    assert alice != bob
    assert Api.hits.count("/v1/me/") == 2  # the second alice call came from the cache
    files = [p for p in tmp_path.glob("http*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert b"token-alice" not in (tmp_path / "http.sqlite").read_bytes()


def test_fresh_login_clears_http_cache(api, tmp_path, monkeypatch):
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(tmp_path))
    session = spotify.http_session()
    client(api, "token-alice", session).me()
    assert session.cache.responses.keys()
    account = spotify.connect(client_id="x")  # no token cached: a fresh login is coming
    assert not list(account.sp._session.cache.responses.keys())


# 6. personal files never enter git -----------------------------------------------------------

@pytest.mark.parametrize("path", [
    "Spotify Extended Streaming History/Streaming_History_Audio_2024.json",
    "MyData/StreamingHistory0.json",
    "notebooks/StreamingHistory_music_0.json",
    "data/endsong_0.json",
    "Streaming_History_Audio_2023-2024_1.json",
    "notebooks/me.jpg", "notebooks/faces/me.jpeg", "notebooks/selfie.png",
    "photos/me.jpg", "photos/anything.txt",
    ".cache-alice", "notebooks/.cache-bob",
])
def test_personal_files_are_git_ignored(path):
    out = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert out.returncode == 0, f"{path} is not git-ignored"


def test_course_files_are_not_git_ignored():
    for path in ["notebooks/00_start_here.ipynb", "helpers/spotify.py", "tests/fixtures/x.json"]:
        out = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
        assert out.returncode == 1, f"{path} is git-ignored"


def test_token_file_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(tmp_path))
    account = spotify.connect(client_id="x", open_browser=False)
    account.sp.auth_manager.cache_handler.save_token_to_cache({"access_token": "a", "expires_at": 0})
    assert stat.S_IMODE(spotify.token_path().stat().st_mode) == 0o600
