"""helpers.spotify without the network: spotipy talks to HTTP fixtures through its requests session.

The fixtures in tests/fixtures/spotify are responses in the shapes the Web API documents in 2026
(no popularity or followers; playlist contents under /items); tests/test_spotify_contract.py
validates each against Spotify's published API description.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
import requests
import spotipy
from requests.adapters import BaseAdapter

from helpers import data, spotify
from helpers.errors import RemovedEndpointError, SpotifyAccessError

FIXTURES = Path(__file__).parent / "fixtures" / "spotify"


class FixtureAdapter(BaseAdapter):
    """Answers requests from a routing table {(METHOD, path, query-substring): (status, fixture, headers)}."""

    def __init__(self, routes):
        super().__init__()
        self.routes = routes
        self.calls: list[tuple[str, str]] = []

    def send(self, request, **kwargs):
        url = urlparse(request.url)
        self.calls.append((request.method, url.path + ("?" + url.query if url.query else "")))
        for (method, path, query), (status, name, headers) in self.routes.items():
            if request.method == method and url.path.rstrip("/") == path and query in url.query:
                if isinstance(name, Exception):
                    raise name
                response = requests.Response()
                response.status_code = status
                response._content = (FIXTURES / f"{name}.json").read_bytes()
                response.headers.update({"Content-Type": "application/json", **headers})
                response.url, response.request, response.reason = request.url, request, "fixture"
                return response
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def close(self):
        pass


API = "/v1"
OK = {
    ("GET", f"{API}/me", ""): (200, "me", {}),
    ("GET", f"{API}/me/top/tracks", "offset=2"): (200, "top_tracks_page2", {}),
    ("GET", f"{API}/me/top/tracks", "time_range"): (200, "top_tracks_page1", {}),
    ("GET", f"{API}/me/tracks", ""): (200, "saved_tracks", {}),
    ("GET", f"{API}/me/player/recently-played", ""): (200, "recently_played", {}),
    ("GET", f"{API}/me/playlists", ""): (200, "playlists", {}),
    ("GET", f"{API}/playlists/pl1/items", ""): (200, "playlist_items", {}),
    ("GET", f"{API}/search", ""): (200, "search", {}),
    ("POST", f"{API}/me/playlists", ""): (201, "create_playlist", {}),
    ("POST", f"{API}/playlists/newpl/items", ""): (201, "add_items", {}),
}


def live_account(routes) -> tuple[spotify.LiveAccount, FixtureAdapter]:
    adapter = FixtureAdapter(routes)
    session = requests.Session()
    session.mount("https://", adapter)
    client = spotipy.Spotify(auth="fixture-token", requests_session=session, retries=0)
    return spotify.LiveAccount(client), adapter


def test_live_account_reads_top_tracks_across_pages():
    account, adapter = live_account(OK)
    top = account.top_tracks(limit=3)
    assert list(top.columns[:7]) == spotify.TRACK_COLUMNS
    assert top["rank"].tolist() == [1, 2, 3]
    assert top.loc[0, "artist"] == "Ed Sheeran"
    assert len([c for c in adapter.calls if "top/tracks" in c[1]]) == 2


def test_playlist_items_use_the_items_endpoint_and_skip_episodes():
    account, adapter = live_account(OK)
    items = account.playlist_items("pl1")
    assert ("GET", "/v1/playlists/pl1/items") in [(m, p.split("?")[0]) for m, p in adapter.calls]
    assert not any("/tracks" in p for _, p in adapter.calls)
    assert len(items) == 3 and items["position"].tolist() == [0, 1, 2]


def test_other_reads_return_tidy_frames():
    account, _ = live_account(OK)
    assert account.me()["id"] == "student42"
    saved = account.saved_tracks()
    assert str(saved["added_at"].dt.tz) == "UTC" and len(saved) == 3
    played = account.recently_played()
    assert played["played_at"].is_monotonic_increasing
    lists = account.playlists()  # only your own: others' playlists are closed to dev-mode apps
    assert lists.to_dict("records") == [{"playlist_id": "pl1", "name": "Road trip", "owner": "student42", "tracks_total": 3}]
    assert set(account.playlists(owned_only=False)["playlist_id"]) == {"pl1", "followed1"}
    assert account.search_tracks("memories")["track_name"].tolist() == ["Memories - Dillon Francis Remix"]


def test_create_playlist_posts_to_me_playlists_then_adds_items():
    account, adapter = live_account(OK)
    new_id = account.create_playlist("Made by the workbook", ["6f807x0ima9a1j3VPbc7VN", "0r7CVbZTWZgbTCYdfa2P31"])
    assert new_id == "newpl"
    posts = [p.split("?")[0] for m, p in adapter.calls if m == "POST"]
    assert posts == ["/v1/me/playlists", "/v1/playlists/newpl/items"]


@pytest.mark.parametrize("status, fixture, headers, expected", [
    (403, "error_403", {}, "closed to development-mode apps"),
    (401, "error_401", {}, "invalid or expired"),
    (404, "error_404", {}, "could not find"),
    (429, "error_429", {"Retry-After": "7"}, "Wait 7 seconds"),
])
def test_refusals_become_clear_messages(status, fixture, headers, expected):
    account, _ = live_account({("GET", f"{API}/me/top/tracks", ""): (status, fixture, headers)})
    with pytest.raises(SpotifyAccessError) as info:
        account.top_tracks()
    assert expected in str(info.value) and str(status) in str(info.value)
    assert info.value.__cause__ is None  # no spotipy traceback chained under the message


def test_no_network_says_offline_and_points_to_the_demo():
    refused = requests.exceptions.ConnectionError("Failed to establish a new connection")
    account, _ = live_account({("GET", f"{API}/me/playlists", ""): (0, refused, {})})
    with pytest.raises(SpotifyAccessError, match="offline.*demo=True"):
        account.playlists()


def test_removed_endpoints_are_never_called():
    account, adapter = live_account(OK)
    for name in ["audio_features", "audio_analysis", "recommendations", "related_artists", "artist_top_tracks"]:
        with pytest.raises(RemovedEndpointError, match="with_audio_features|removed"):
            getattr(account, name)(["6f807x0ima9a1j3VPbc7VN"])
    assert adapter.calls == []


def test_wrong_client_id_is_explained():
    error = spotipy.SpotifyOauthError("Invalid client", error="invalid_client", error_description="Invalid client")
    message = str(spotify.explain(error, "logging in"))
    assert "SPOTIPY_CLIENT_ID" in message and "redirect URI" in message


def test_missing_credentials_fall_back_to_the_demo_account(monkeypatch, capsys):
    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    account = spotify.connect()
    assert account.is_demo and "demo account" in capsys.readouterr().out
    top = account.top_tracks(limit=50)
    assert len(top) == 50 and top["track_id"].is_unique
    assert list(top.columns[:7]) == spotify.TRACK_COLUMNS
    assert set(account.playlists()["playlist_id"]) == {"demo-calm-evenings", "demo-workout"}
    calm = account.playlist_items("demo-calm-evenings")
    merged, rate = data.with_audio_features(calm, verbose=False)
    workout, _ = data.with_audio_features(account.playlist_items("demo-workout"), verbose=False)
    assert rate == 1.0 and merged["energy"].mean() < workout["energy"].mean()


def test_demo_account_is_deterministic_and_creates_in_memory(monkeypatch):
    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    a, b = spotify.connect(demo=True), spotify.connect(demo=True)
    pd.testing.assert_frame_equal(a.top_tracks(), b.top_tracks())
    new_id = a.create_playlist("Mine", a.top_tracks(5)["track_id"].tolist())
    assert a.playlist_items(new_id)["track_id"].tolist() == a.top_tracks(5)["track_id"].tolist()
    with pytest.raises(SpotifyAccessError, match="no playlist"):
        a.playlist_items("not-there")


def test_connect_with_credentials_builds_a_pkce_client_without_network(monkeypatch, tmp_path):
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(tmp_path))
    account = spotify.connect("0123456789abcdef", open_browser=False)
    assert isinstance(account, spotify.LiveAccount)
    auth = account.sp.auth_manager
    assert isinstance(auth, spotipy.SpotifyPKCE) and auth.redirect_uri == spotify.DEFAULT_REDIRECT_URI
    assert str(tmp_path) in auth.cache_handler.cache_path  # token outside the repository
    https = account.sp._session.get_adapter("https://api.spotify.com")
    assert 429 in https.max_retries.status_forcelist and https.max_retries.respect_retry_after_header


@pytest.mark.parametrize("uri", ["http://localhost:8888/callback", "http://example.com/cb", "http://127.0.0.1/cb"])
def test_redirect_uri_must_be_a_loopback_ip_with_a_port(uri):
    with pytest.raises(SpotifyAccessError, match="127.0.0.1"):
        spotify.check_redirect_uri(uri)
    assert spotify.check_redirect_uri("http://127.0.0.1:8888/callback")
    assert spotify.check_redirect_uri("http://[::1]:9000/cb")


def test_audio_features_join_reports_the_match_rate(capsys):
    frame = pd.DataFrame({"track_id": ["6f807x0ima9a1j3VPbc7VN", "4uLU6hMCjMI75M1A2tKUQC"], "track_name": ["a", "b"]})
    merged, rate = data.with_audio_features(frame)
    assert rate == 0.5 and merged["track_id"].tolist() == ["6f807x0ima9a1j3VPbc7VN"]
    assert "1 of 2 tracks (50%)" in capsys.readouterr().out
    assert set(spotify.data.AUDIO_FEATURES) <= set(merged.columns)


def test_fixtures_carry_no_removed_fields():
    text = " ".join(p.read_text() for p in FIXTURES.glob("*.json"))
    for removed in ['"popularity"', '"followers"']:  # external_ids stays: its removal was reverted
        assert removed not in text
    assert json.loads((FIXTURES / "playlists.json").read_text())["items"][0]["items"]["total"] == 3


def test_service_urls_default_to_spotify_and_refuse_plain_http_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(tmp_path))
    for env in (spotify.API_URL_ENV, spotify.ACCOUNTS_URL_ENV):
        monkeypatch.delenv(env, raising=False)
    account = spotify.connect("0123456789abcdef", open_browser=False)
    assert account.sp.prefix == "https://api.spotify.com/v1/"
    assert account.sp.auth_manager.OAUTH_TOKEN_URL == "https://accounts.spotify.com/api/token"
    assert spotipy.SpotifyPKCE.OAUTH_TOKEN_URL == "https://accounts.spotify.com/api/token"  # class untouched
    monkeypatch.setenv(spotify.API_URL_ENV, "http://127.0.0.1:9/v1")
    monkeypatch.setenv(spotify.ACCOUNTS_URL_ENV, "http://127.0.0.1:9")
    account = spotify.connect("0123456789abcdef", open_browser=False)
    assert account.sp.prefix == "http://127.0.0.1:9/v1/"
    assert account.sp.auth_manager.OAUTH_AUTHORIZE_URL == "http://127.0.0.1:9/authorize"
    monkeypatch.setenv(spotify.ACCOUNTS_URL_ENV, "http://example.com")
    with pytest.raises(SpotifyAccessError, match="SPOTIFY_ML_ACCOUNTS_URL.*https"):
        spotify.connect("0123456789abcdef", open_browser=False)


def test_demo_account_only_says_what_playing_would_do(monkeypatch, capsys):
    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    account = spotify.connect(demo=True)
    account.play_playlist(account.create_playlist("Mood", account.top_tracks(3)["track_id"].tolist()))
    assert "nothing to play on" in capsys.readouterr().out
