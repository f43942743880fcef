"""A local stand-in for Spotify, built from its published API description, for end-to-end tests.

``StandIn`` is a small threaded HTTP server on a free 127.0.0.1 port (nothing leaves the machine):

- accounts: ``GET /authorize`` (redirects to the loopback redirect URI with a code) and
  ``POST /api/token`` (authorization code + PKCE: the code verifier is checked against the
  challenge; refresh tokens), as the authorization-code-with-PKCE flow is documented;
- the Web API under ``/v1``: every request is looked up in the description
  (tests/spotify_description.py) and refused with 400 when it is not a documented call or carries
  an undeclared query parameter, with 403 when the operation is deprecated (how Spotify answers a
  development-mode app on those) or the token lacks the operation's scope, and with 401 when the
  token is unknown or expired. The endpoints the course uses answer from a small fixed library:
  the demo account's tracks (helpers.spotify.DemoAccount), with paging, search capped at 10 per
  page, playlists the test creates, and playback on a device that may be missing (404) or on an
  account without Premium (403). ``fail_next`` injects a 429 with Retry-After (or any status).
- every answer the stand-in gives is validated against the operation's response schema; the
  problems are collected in ``problems`` and the fixture fails the test when there are any.

Run as a script (``python tests/spotify_standin.py URL``) it is the test's browser: it follows the
login URL and its redirect back to the waiting ``connect()``. Notebooks use it through ``BROWSER``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlparse

import requests

try:
    from spotify_description import SCOPE_EXEMPT
except ImportError:  # run as the browser script: only follow_login is needed
    SCOPE_EXEMPT = {}

CLIENT_ID = "standin0client0id0000000000000000"
USER_ID = "standin-student"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def follow_login(url: str, timeout: float = 60) -> requests.Response:
    """The browser step: open the authorize URL and follow its redirect back to the course."""
    session = requests.Session()
    session.trust_env = False  # loopback only, whatever proxy the environment names
    return session.get(url, allow_redirects=True, timeout=timeout)


def browser_command() -> str:
    """A ``BROWSER`` value (Python's webbrowser) that runs ``follow_login`` in the background."""
    return f"{sys.executable} {Path(__file__).resolve()} %s &"


# --------------------------------------------------------------------------------------------
# The fixed library: the demo account's tracks as Web API objects.
# --------------------------------------------------------------------------------------------

def _b62(text: str) -> str:
    digest = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "".join(alphabet[(digest >> (6 * i)) % 62] for i in range(22))


@functools.lru_cache(maxsize=1)
def _demo():
    from helpers.spotify import DemoAccount

    return DemoAccount()


class Library:
    """Top tracks, saved tracks, recently played and two playlists of the demo account."""

    def __init__(self, base: str):
        demo = _demo()
        self.base = base
        self.tracks: dict[str, dict] = {}
        self.top = self._ids(demo.top_tracks(50))
        saved = demo.saved_tracks(200)
        self.saved = list(zip(self._ids(saved), saved["added_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")))
        played = demo.recently_played(50)
        self.played = list(zip(self._ids(played), played["played_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")))
        self.playlists = {}
        for pid, row in demo.playlists().set_index("playlist_id").iterrows():
            self.playlists[_b62(pid)] = {"name": row["name"], "owner": USER_ID,
                                         "ids": self._ids(demo.playlist_items(pid))}
        self.playlists[_b62("followed")] = {"name": "Someone else's mix", "owner": "another-user",
                                            "ids": self.top[:5]}

    def _ids(self, frame) -> list[str]:
        for row in frame.itertuples():
            if row.track_id not in self.tracks:
                self.tracks[row.track_id] = self.track_object(row)
        return frame["track_id"].tolist()

    def track_object(self, row) -> dict:
        artists = [{"id": _b62(a), "name": a, "type": "artist", "uri": f"spotify:artist:{_b62(a)}",
                    "href": f"{self.base}/v1/artists/{_b62(a)}",
                    "external_urls": {"spotify": f"https://open.spotify.com/artist/{_b62(a)}"}}
                   for a in str(row.artist).split(", ")]
        album_id = _b62("album:" + str(row.album))
        date = str(row.release_date)
        album = {
            "album_type": "album", "total_tracks": 10, "available_markets": [],
            "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
            "href": f"{self.base}/v1/albums/{album_id}", "id": album_id, "images": [],
            "name": str(row.album), "release_date": date,
            "release_date_precision": {4: "year", 7: "month"}.get(len(date), "day"),
            "type": "album", "uri": f"spotify:album:{album_id}", "artists": artists[:1],
        }
        tid = row.track_id
        return {
            "album": album, "artists": artists, "disc_number": 1, "duration_ms": int(row.duration_ms),
            "explicit": False, "external_ids": {}, "is_local": False, "is_playable": True,
            "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
            "href": f"{self.base}/v1/tracks/{tid}", "id": tid, "name": str(row.track_name),
            "track_number": 1, "type": "track", "uri": f"spotify:track:{tid}",
        }


# --------------------------------------------------------------------------------------------
# The server.
# --------------------------------------------------------------------------------------------

@dataclass
class Fault:
    method: str
    path: str              # a regex matched against the path after /v1
    status: int
    headers: dict = field(default_factory=dict)
    times: int = 1
    message: str = ""
    reason: str | None = None


class StandIn:
    """The stand-in; ``url`` is its base (``http://127.0.0.1:PORT``). Use as a context manager."""

    def __init__(self, client_id: str = CLIENT_ID):
        from spotify_description import description

        self.description = description()
        self.client_id = client_id
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.standin = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.library = Library(self.url)
        self.lock = threading.Lock()
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}        # access token -> {"expires": t, "scope": set}
        self.refresh_tokens: dict[str, set] = {}
        self.requests: list[dict] = []           # every request, in order (no tokens kept)
        self.problems: list[str] = []            # the stand-in's own answers that break the description
        self.faults: list[Fault] = []
        self.refused_scopes: set[str] = set()    # scopes the "user" refuses at login
        self.revoked_scopes: set[str] = set()    # scopes granted but no longer honoured by the API
        self.device_active, self.premium = True, True
        self.created: dict[str, dict] = {}
        self.played: list[dict] = []
        self._ids = itertools.count(1)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- controls for tests ---------------------------------------------------------------------
    def fail_next(self, method: str, path: str, status: int, headers: dict | None = None, times: int = 1,
                  message: str = "", reason: str | None = None):
        self.faults.append(Fault(method, path, status, headers or {}, times, message, reason))

    def expire_tokens(self):
        """Every access token issued so far expires now (refresh tokens stay valid)."""
        with self.lock:
            for info in self.tokens.values():
                info["expires"] = 0

    def api_calls(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.requests if r["path"].startswith("/v1/")]

    def env(self, redirect_port: int | None = None) -> dict[str, str]:
        """The environment that points the course at this stand-in (and nothing else outside)."""
        dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: any other request fails at once
        return {
            "SPOTIPY_CLIENT_ID": self.client_id,
            "SPOTIPY_REDIRECT_URI": f"http://127.0.0.1:{redirect_port or free_port()}/callback",
            "SPOTIFY_ML_API_URL": f"{self.url}/v1/",
            "SPOTIFY_ML_ACCOUNTS_URL": self.url,
            "SPOTIFY_ML_LOGIN_TIMEOUT": "60",
            "BROWSER": browser_command(),
            "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead,
            "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
        }

    # -- accounts -------------------------------------------------------------------------------
    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        q = {k: v[0] for k, v in query.items()}
        redirect = q.get("redirect_uri", "")
        if q.get("client_id") != self.client_id:
            return 400, {}, b"INVALID_CLIENT: Invalid client"
        if not re.match(r"^http://(127\.0\.0\.1|\[::1\]):\d+/", redirect):
            return 400, {}, b"INVALID_CLIENT: Invalid redirect URI"
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return 400, {}, b"authorization code with PKCE (S256) expected"
        code = secrets.token_urlsafe(24)
        granted = set(q.get("scope", "").split()) - self.refused_scopes
        with self.lock:
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": redirect, "scope": granted}
        back = {"code": code, **({"state": q["state"]} if "state" in q else {})}
        return 302, {"Location": f"{redirect}?{urlencode(back)}"}, b""

    def token(self, form: dict) -> tuple[int, dict]:
        f = {k: v[0] for k, v in form.items()}
        if f.get("client_id") != self.client_id:
            return 400, {"error": "invalid_client", "error_description": "Invalid client"}
        if f.get("grant_type") == "authorization_code":
            with self.lock:
                grant = self.codes.pop(f.get("code", ""), None)
            if grant is None:
                return 400, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
            if f.get("redirect_uri") != grant["redirect_uri"]:
                return 400, {"error": "invalid_grant", "error_description": "Invalid redirect URI"}
            verifier = f.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or challenge != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "code_verifier was incorrect"}
            scope = grant["scope"]
        elif f.get("grant_type") == "refresh_token":
            with self.lock:
                scope = self.refresh_tokens.pop(f.get("refresh_token", ""), None)
            if scope is None:
                return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
        else:
            return 400, {"error": "unsupported_grant_type"}
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[access] = {"expires": time.time() + 3600, "scope": scope}
            self.refresh_tokens[refresh] = scope
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 3600,
                     "refresh_token": refresh, "scope": " ".join(sorted(scope))}

    # -- the Web API ----------------------------------------------------------------------------
    def api(self, method: str, path: str, query: str, body: bytes, auth: str):
        """(status, headers, json or None) for one Web API request."""
        d = self.description
        api_path = path[len("/v1"):]
        op = d.operation(method, path)
        if op is None:
            return 404, {}, _error(404, "Service not found")
        with self.lock:
            token = self.tokens.get(auth.removeprefix("Bearer ").strip())
        if token is None or token["expires"] < time.time():
            return 401, {}, _error(401, "The access token expired" if token else "Invalid access token")
        for fault in self.faults:
            if fault.method == method and re.fullmatch(fault.path, api_path) and fault.times > 0:
                fault.times -= 1
                return fault.status, fault.headers, _error(fault.status, fault.message or "injected", fault.reason)
        if op.deprecated:  # what a development-mode app gets from the removed endpoints
            return 403, {}, _error(403, f"{op.name} is not available to this app (development mode)")
        problems = d.check_request(method, f"{path}?{query}", body)
        if problems:
            return 400, {}, _error(400, "; ".join(problems))
        if op.scopes and not (op.scopes & (token["scope"] - self.revoked_scopes)) and op.name not in SCOPE_EXEMPT:
            return 403, {}, _error(403, "Insufficient client scope")
        q = {k: v for k, v in parse_qsl(query)}
        payload = json.loads(body) if body else {}
        return self.route(op.name, method, api_path, q, payload)

    def page(self, path: str, items: list, q: dict, max_limit: int = 50):
        limit, offset = int(q.get("limit", 20)), int(q.get("offset", 0))
        if not 1 <= limit <= max_limit or offset < 0:
            return None
        url = f"{self.url}/v1{path}"
        extra = {k: v for k, v in q.items() if k not in ("limit", "offset")}

        def link(o):
            return f"{url}?{urlencode({**extra, 'offset': o, 'limit': limit})}"
        return {"href": link(offset), "items": items[offset:offset + limit], "limit": limit,
                "next": link(offset + limit) if offset + limit < len(items) else None,
                "offset": offset, "previous": link(max(0, offset - limit)) if offset else None,
                "total": len(items)}

    def playlist(self, pid: str, info: dict, full: bool = False) -> dict:
        summary = {"href": f"{self.url}/v1/playlists/{pid}/items", "total": len(info["ids"])}
        owner = {"id": info["owner"], "type": "user", "uri": f"spotify:user:{info['owner']}",
                 "href": f"{self.url}/v1/users/{info['owner']}", "display_name": info["owner"],
                 "external_urls": {"spotify": f"https://open.spotify.com/user/{info['owner']}"}}
        return {"collaborative": False, "description": info.get("description", ""),
                "external_urls": {"spotify": f"https://open.spotify.com/playlist/{pid}"},
                "href": f"{self.url}/v1/playlists/{pid}", "id": pid, "images": [], "name": info["name"],
                "owner": owner, "public": info.get("public", False), "snapshot_id": "s1",
                "items": summary, "type": "playlist", "uri": f"spotify:playlist:{pid}"}

    def all_playlists(self) -> dict:
        return {**self.library.playlists, **self.created}

    def route(self, name: str, method: str, path: str, q: dict, payload: dict):
        lib = self.library
        bad = (400, {}, _error(400, "Invalid limit or offset"))
        if name == "GET /me":
            return 200, {}, {"id": USER_ID, "display_name": "Stand-in student", "type": "user",
                             "uri": f"spotify:user:{USER_ID}", "href": f"{self.url}/v1/users/{USER_ID}",
                             "external_urls": {"spotify": f"https://open.spotify.com/user/{USER_ID}"},
                             "images": []}
        if name == "GET /me/top/tracks":
            page = self.page(path, [lib.tracks[t] for t in lib.top], q)
            return (200, {}, page) if page else bad
        if name == "GET /me/tracks":
            page = self.page(path, [{"added_at": a, "track": lib.tracks[t]} for t, a in lib.saved], q)
            return (200, {}, page) if page else bad
        if name == "GET /me/player/recently-played":
            limit = int(q.get("limit", 20))
            if not 1 <= limit <= 50:
                return bad
            items = [{"track": lib.tracks[t], "played_at": at, "context": None} for t, at in lib.played[:limit]]
            return 200, {}, {"href": f"{self.url}/v1{path}", "items": items, "limit": limit, "next": None,
                             "cursors": {"after": items[0]["played_at"] if items else "",
                                         "before": items[-1]["played_at"] if items else ""},
                             "total": len(items)}
        if name == "GET /me/playlists":
            page = self.page(path, [self.playlist(p, i) for p, i in self.all_playlists().items()], q)
            return (200, {}, page) if page else bad
        if name == "POST /me/playlists":
            if not payload.get("name"):
                return 400, {}, _error(400, "Missing required field: name")
            pid = _b62(f"created-{next(self._ids)}")
            self.created[pid] = {"name": payload["name"], "owner": USER_ID, "ids": [],
                                 "description": payload.get("description", ""), "public": payload.get("public", True)}
            empty = self.page(f"/playlists/{pid}/items", [], {"limit": 100}, 100)
            return 201, {}, {**self.playlist(pid, self.created[pid]), "items": empty}
        m = re.fullmatch(r"/playlists/([^/]+)/items", path)
        if m:
            info = self.all_playlists().get(m.group(1))
            if info is None:
                return 404, {}, _error(404, "Resource not found")
            if info["owner"] != USER_ID:  # development mode: other users' playlists are closed
                return 403, {}, _error(403, "Forbidden")
            if method == "POST":
                uris = payload.get("uris") or q.get("uris", "").split(",")
                if not 1 <= len(uris) <= 100 or not all(u.startswith("spotify:track:") for u in uris):
                    return 400, {}, _error(400, "Invalid track uri")
                info["ids"].extend(u.split(":")[-1] for u in uris)
                return 201, {}, {"snapshot_id": f"s{len(info['ids'])}"}
            items = [{"added_at": "2026-11-01T00:00:00Z", "is_local": False, "item": lib.tracks[t],
                      "track": lib.tracks[t]} for t in info["ids"] if t in lib.tracks]
            page = self.page(path, items, q, 100)
            return (200, {}, page) if page else bad
        if name == "GET /search":
            page_q = {k: v for k, v in q.items() if k in ("limit", "offset")}
            words = q.get("q", "").lower()
            hits = [t for t in lib.tracks.values()
                    if words in t["name"].lower() or any(words in a["name"].lower() for a in t["artists"])]
            page = self.page(path, hits, page_q, 10)  # 10 per page since 2026
            return (200, {}, {"tracks": page}) if page else bad
        if name == "PUT /me/player/play":
            if not self.premium:
                return 403, {}, _error(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
            if not self.device_active:
                return 404, {}, _error(404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE")
            self.played.append(payload)
            return 204, {}, None
        return 403, {}, _error(403, f"{name} is not served by the stand-in")


def _error(status: int, message: str, reason: str | None = None) -> dict:
    return {"error": {"status": status, "message": message, **({"reason": reason} if reason else {})}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, headers: dict, body: bytes, content_type: str = "application/json"):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _handle(self):
        stand: StandIn = self.server.standin
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {"method": self.command, "path": url.path, "query": url.query,
                  "body": body.decode(errors="replace") if url.path.startswith("/v1/") else ""}
        stand.requests.append(record)
        if url.path == "/authorize" and self.command == "GET":
            status, headers, text = stand.authorize(parse_qs(url.query))
            record["status"] = status
            return self._answer(status, headers, text, "text/plain")
        if url.path == "/api/token" and self.command == "POST":
            status, answer = stand.token(parse_qs(body.decode()))
            record["status"] = status
            return self._answer(status, {}, json.dumps(answer).encode())
        if not url.path.startswith("/v1/"):
            return self._answer(404, {}, b"not found", "text/plain")
        status, headers, answer = stand.api(self.command, url.path, url.query, body,
                                            self.headers.get("Authorization", ""))
        record["status"] = status
        if stand.description.operation(self.command, url.path) is not None and status != 400:
            for problem in stand.description.check_response(self.command, url.path, status, answer):
                stand.problems.append(f"stand-in answer: {problem}")
        self._answer(status, headers, json.dumps(answer).encode() if answer is not None else b"")

    do_GET = do_POST = do_PUT = do_DELETE = _handle


if __name__ == "__main__":  # the test's browser (see BROWSER in StandIn.env)
    follow_login(sys.argv[1])
