"""Your own Spotify account, end to end, against a local stand-in for Spotify (tests/spotify_standin.py).

The stand-in is built from Spotify's published API description and listens on a free 127.0.0.1
port; the environment also points every proxy at a closed local port, so nothing leaves the
machine. The login is the real one: ``connect()`` with ``SPOTIPY_CLIENT_ID`` set, spotipy's PKCE
flow, the course's loopback listener, and a "browser" (Python's webbrowser, told by ``BROWSER`` to
run an HTTP client that follows the authorize URL and its redirect back).
"""

from __future__ import annotations

import json
import stat
import time
import webbrowser

import pytest
import requests

from helpers import spotify
from helpers.errors import SpotifyAccessError
from spotify_standin import StandIn, follow_login


@pytest.fixture(scope="module")
def server():
    with StandIn() as stand:
        yield stand


@pytest.fixture
def standin(server, tmp_path, monkeypatch):
    """The stand-in with fresh state, the course pointed at it, a fresh cache folder."""
    server.requests.clear()
    server.faults.clear()
    server.refused_scopes.clear()
    server.revoked_scopes.clear()
    server.device_active = server.premium = True
    server.played.clear()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read BROWSER afresh
    monkeypatch.setattr(webbrowser, "_browsers", {})
    yield server
    assert not server.problems, "the stand-in answered outside the description:\n" + "\n".join(server.problems)


_TOKEN: dict = {}


@pytest.fixture
def logged_in(standin):
    """A token cached as after a login (one real login per module, reused while the stand-in
    still honours it), so tests of what comes after the login do not each open the browser."""
    token = _TOKEN.get("info")
    if token is None or standin.tokens.get(token["access_token"], {}).get("expires", 0) < time.time() + 60:
        spotify.connect().me()
        token = _TOKEN["info"] = json.loads(spotify.token_path().read_text())
    else:
        spotify.token_path().parent.mkdir(parents=True, exist_ok=True)
        spotify.token_path().write_text(json.dumps(token))
    standin.requests.clear()
    return standin


def logins(stand) -> list[dict]:
    return [r for r in stand.requests if r["path"] == "/authorize"]


def token_grants(stand) -> list[str]:
    return [r for r in stand.requests if r["path"] == "/api/token"]


def test_login_end_to_end_then_the_cached_token_then_a_refresh(standin, capsys):
    account = spotify.connect()
    assert isinstance(account, spotify.LiveAccount)
    assert "Connected to your Spotify account" in capsys.readouterr().out
    assert account.me()["id"] == "standin-student"          # the first call logs in
    assert len(logins(standin)) == 1 and len(token_grants(standin)) == 1
    path = spotify.token_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = json.loads(path.read_text())
    assert set(spotify.SCOPES.split()) == set(token["scope"].split())

    again = spotify.connect()                                # a new kernel: the cached token is used
    saved = again.saved_tracks(limit=120)
    assert len(saved) == 120 and saved["track_id"].is_unique
    assert len(logins(standin)) == 1 and len(token_grants(standin)) == 1
    offsets = [r["query"] for r in standin.requests if r["path"] == "/v1/me/tracks"]
    assert len(offsets) == 3 and "offset=100" in offsets[-1]   # paging through `next`

    # An hour later: Spotify has expired the token, and spotipy sees it is due.
    standin.expire_tokens()
    token["expires_at"] = int(time.time()) - 10
    path.write_text(json.dumps(token))
    top = again.top_tracks(limit=50, time_range="long_term")
    assert len(top) == 50 and len(logins(standin)) == 1
    grants = token_grants(standin)
    assert len(grants) == 2 and grants[-1]["status"] == 200
    refreshed = json.loads(path.read_text())
    assert refreshed["access_token"] != token["access_token"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_pkce_code_verifier_is_checked(standin):
    """The stand-in's token endpoint refuses a code exchanged with the wrong verifier."""
    redirect = standin.env()["SPOTIPY_REDIRECT_URI"]
    session = requests.Session()
    session.trust_env = False
    first = session.get(f"{standin.url}/authorize", allow_redirects=False, params={
        "client_id": standin.client_id, "response_type": "code", "redirect_uri": redirect,
        "code_challenge_method": "S256", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"})
    assert first.status_code == 302 and first.headers["Location"].startswith(redirect + "?code=")
    code = first.headers["Location"].split("code=")[1]
    wrong = session.post(f"{standin.url}/api/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "client_id": standin.client_id, "code_verifier": "not-the-verifier"})
    assert wrong.status_code == 400 and wrong.json()["error_description"] == "code_verifier was incorrect"


def test_a_wrong_client_id_is_refused_at_login(standin, monkeypatch):
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "someone-elses-client-id")
    monkeypatch.setenv("SPOTIFY_ML_LOGIN_TIMEOUT", "3")  # the stand-in answers 400: no redirect comes back
    with pytest.raises(SpotifyAccessError, match="timed out"):
        spotify.connect().me()


def test_rate_limit_is_retried_after_the_wait_or_explained(logged_in):
    standin = logged_in
    account = spotify.connect()
    account.me()
    standin.fail_next("GET", "/me/top/tracks", 429, {"Retry-After": "1"})
    started = time.monotonic()
    assert len(account.top_tracks(limit=10, time_range="short_term")) == 10
    assert time.monotonic() - started >= 0.9   # Retry-After honoured
    assert [r["status"] for r in standin.requests if r["path"] == "/v1/me/top/tracks"] == [429, 200]
    standin.fail_next("GET", "/me/top/tracks", 429, {"Retry-After": "30"})
    started = time.monotonic()
    with pytest.raises(SpotifyAccessError, match="rate-limiting.*Wait 30 seconds"):
        account.top_tracks(limit=10, time_range="long_term")
    assert time.monotonic() - started < 5      # reported at once, not slept through


def test_development_mode_refusals_are_explained(logged_in):
    standin = logged_in
    account = spotify.connect()
    followed = account.playlists(owned_only=False).set_index("name").loc["Someone else's mix", "playlist_id"]
    with pytest.raises(SpotifyAccessError, match=r"403.*closed to development-mode apps"):
        account.playlist_items(followed)
    with pytest.raises(SpotifyAccessError, match="403"):  # a removed endpoint, called around the course
        account._call("audio features", account.sp._get, "audio-features", ids="x")
    with pytest.raises(spotify.RemovedEndpointError):     # the course itself never sends it
        account.audio_features(["x"])
    refused = [(r["path"], r["status"]) for r in standin.requests if r["status"] == 403]
    assert refused == [(f"/v1/playlists/{followed}/items", 403), ("/v1/audio-features", 403)]


def test_reads_and_a_saved_playlist_through_current_endpoints(logged_in):
    standin = logged_in
    account = spotify.connect()
    mine = account.playlists()
    assert len(mine) == 2 and set(mine["owner"]) == {"standin-student"}
    items = account.playlist_items(mine["playlist_id"].iloc[0])
    assert len(items) == 40 and items["position"].tolist() == list(range(40))
    assert len(account.recently_played()) == 50
    assert len(account.search_tracks("love", limit=25)) <= 10
    ids = account.top_tracks(limit=50)["track_id"].tolist() * 3   # 150 tracks: two POSTs of <= 100
    new_id = account.create_playlist("Made by the test", ids, description="stand-in")
    assert account.playlist_items(new_id)["track_id"].tolist() == ids
    writes = [(r["method"], r["path"]) for r in standin.requests if r["method"] != "GET" and r["path"].startswith("/v1")]
    assert writes == [("POST", "/v1/me/playlists"), ("POST", f"/v1/playlists/{new_id}/items"),
                      ("POST", f"/v1/playlists/{new_id}/items")]
    create = next(r for r in standin.requests if r["method"] == "POST" and r["path"] == "/v1/me/playlists")
    assert json.loads(create["body"]) == {"name": "Made by the test", "public": False, "collaborative": False,
                                          "description": "stand-in"}


@pytest.mark.parametrize("case, expected", [
    ("ok", None),
    ("no device", r"no active device.*404.*Open Spotify"),
    ("free account", r"403.*PREMIUM_REQUIRED.*needs Spotify Premium"),
    ("scope refused", r"did not grant the scope 'user-modify-playback-state'.*spotify-token.json"),
])
def test_play_playlist_starts_it_or_says_what_to_do(logged_in, case, expected):
    standin = logged_in
    standin.device_active = case != "no device"
    standin.premium = case != "free account"
    if case == "scope refused":  # e.g. the user removed the app's access to playback in their account
        standin.revoked_scopes.add(spotify.PLAYBACK_SCOPE)
    account = spotify.connect()
    playlist = account.playlists()["playlist_id"].iloc[0]
    if expected is None:
        account.play_playlist(playlist)
        assert standin.played == [{"context_uri": f"spotify:playlist:{playlist}"}]
    else:
        with pytest.raises(SpotifyAccessError, match=expected):
            account.play_playlist(playlist)
        assert standin.played == []
    assert [r["method"] for r in standin.requests if r["path"] == "/v1/me/player/play"] == ["PUT"]


def test_a_login_that_withheld_the_playback_scope_is_explained(logged_in, monkeypatch):
    """A token whose granted scopes lack playback (an old cached token, say): the 403 says which
    scope and how to log in again."""
    account = spotify.connect()
    monkeypatch.setattr(account, "_granted_scopes", lambda: set(spotify.SCOPES.split()) - {spotify.PLAYBACK_SCOPE})
    logged_in.fail_next("PUT", "/me/player/play", 403, message="Forbidden")
    with pytest.raises(SpotifyAccessError, match="did not grant the scope 'user-modify-playback-state'"):
        account.play_playlist("x")


def test_every_request_the_course_sent_is_current(logged_in):
    standin = logged_in
    """A whole session through the stand-in, checked call by call against the description."""
    from spotify_description import description

    account = spotify.connect()
    account.top_tracks(limit=60)
    account.saved_tracks(limit=60)
    account.recently_played()
    pid = account.create_playlist("x", account.top_tracks(limit=5)["track_id"].tolist())
    account.playlist_items(pid)
    account.play_playlist(pid)
    d = description()
    problems = [p for r in standin.requests if r["path"].startswith("/v1/")
                for p in d.check_request(r["method"], f"{r['path']}?{r['query']}", r["body"] or None,
                                         set(spotify.SCOPES.split()))]
    assert not problems, problems
    assert all(r["status"] < 400 for r in standin.requests), [r for r in standin.requests if r["status"] >= 400]


def test_follow_login_is_a_plain_http_client(standin):
    reply = follow_login(f"{standin.url}/authorize?client_id=nobody")
    assert reply.status_code == 400 and "INVALID_CLIENT" in reply.text


# Last: it expires the shared token, so the tests before it need no second login.
def test_an_expired_token_spotipy_still_trusts_gets_the_401_message(logged_in):
    account = spotify.connect()
    account.me()
    logged_in.expire_tokens()
    with pytest.raises(SpotifyAccessError, match=r"invalid or expired \(401\).*spotify-token.json"):
        account.top_tracks(time_range="short_term")
