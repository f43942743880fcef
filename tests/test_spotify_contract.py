"""Every request helpers.spotify can send, every response fixture and the README's table, checked
against Spotify's published OpenAPI description (../shared/spotify-openapi, updated 2026-05-30).

The requests are not listed by hand: each public method of ``LiveAccount`` runs against a recording
transport that answers from tests/fixtures/spotify, and a method the test does not know how to call
fails the test, so a new live call cannot skip the check. Where the description and DESIGN.md's
development-mode notes disagree, the description wins and the message says so.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
import spotipy
from requests.adapters import BaseAdapter

from helpers import spotify
from spotify_description import KNOWN_GAPS, SCOPE_EXEMPT, UNDOCUMENTED_STATUSES, description

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "spotify"

# Which operation (and status) each response fixture answers; every fixture must be listed.
FIXTURE_OPERATIONS = {
    "me": ("GET", "/me", 200),
    "top_tracks_page1": ("GET", "/me/top/tracks", 200),
    "top_tracks_page2": ("GET", "/me/top/tracks", 200),
    "saved_tracks": ("GET", "/me/tracks", 200),
    "recently_played": ("GET", "/me/player/recently-played", 200),
    "playlists": ("GET", "/me/playlists", 200),
    "playlist_items": ("GET", "/playlists/{playlist_id}/items", 200),
    "search": ("GET", "/search", 200),
    "create_playlist": ("POST", "/me/playlists", 201),
    "add_items": ("POST", "/playlists/{playlist_id}/items", 201),
    "error_401": ("GET", "/me/top/tracks", 401),
    "error_403": ("GET", "/me/top/tracks", 403),
    "error_404": ("PUT", "/me/player/play", 404),  # the 404 a student meets: no active device
    "error_429": ("GET", "/me/top/tracks", 429),
}

# Fixture answering each request the recording transport sees: (method, path regex) -> fixture.
ROUTES = [
    ("GET", r"/v1/me", "me"),
    ("GET", r"/v1/me/top/tracks", "top_tracks_page1"),
    ("GET", r"/v1/me/tracks", "saved_tracks"),
    ("GET", r"/v1/me/player/recently-played", "recently_played"),
    ("GET", r"/v1/me/playlists", "playlists"),
    ("GET", r"/v1/playlists/[^/]+/items", "playlist_items"),
    ("GET", r"/v1/search", "search"),
    ("POST", r"/v1/me/playlists", "create_playlist"),
    ("POST", r"/v1/playlists/[^/]+/items", "add_items"),
    ("PUT", r"/v1/me/player/play", None),
]

# How the test calls each public LiveAccount method. A method missing here fails the test.
CALLS = {
    "me": lambda a: a.me(),
    "top_tracks": lambda a: a.top_tracks(limit=60, time_range="short_term"),
    "recently_played": lambda a: a.recently_played(),
    "saved_tracks": lambda a: a.saved_tracks(limit=60),
    "playlists": lambda a: a.playlists(),
    "playlist_items": lambda a: a.playlist_items("pl1"),
    "search_tracks": lambda a: a.search_tracks("memories", limit=25),
    "create_playlist": lambda a: a.create_playlist("Mine", [f"id{i:020d}" for i in range(130)], description="d"),
    "play_playlist": lambda a: a.play_playlist("pl1"),
}
# Methods that must send nothing: Spotify removed what they stood for.
REMOVED = {"audio_features", "audio_analysis", "recommendations", "related_artists", "artist_top_tracks"}


class Recorder(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.sent: list[tuple[str, str, bytes | None]] = []

    def send(self, request, **kwargs):
        self.sent.append((request.method, request.url, request.body))
        path = urlparse(request.url).path.rstrip("/")
        response = requests.Response()
        response.url, response.request, response.reason = request.url, request, "fixture"
        for method, pattern, name in ROUTES:
            if request.method == method and re.fullmatch(pattern, path):
                response.status_code = 204 if name is None else FIXTURE_OPERATIONS[name][2]
                response._content = b"" if name is None else (FIXTURES / f"{name}.json").read_bytes()
                response.headers["Content-Type"] = "application/json"
                return response
        response.status_code = 404  # unrouted: recorded, and checked against the description
        response._content = (FIXTURES / "error_404.json").read_bytes()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


FAILED_CALLS: dict[str, str] = {}


@pytest.fixture(scope="module")
def sent() -> list[tuple[str, str, bytes | None]]:
    recorder = Recorder()
    session = requests.Session()
    session.mount("https://", recorder)
    account = spotify.LiveAccount(spotipy.Spotify(auth="fixture-token", requests_session=session, retries=0))
    public = {n for n, _ in inspect.getmembers(spotify.LiveAccount, inspect.isfunction) if not n.startswith("_")}
    unknown = public - set(CALLS) - REMOVED
    assert not unknown, f"LiveAccount.{sorted(unknown)} is not exercised by the contract test: add it to CALLS"
    for name in sorted(CALLS):
        try:
            CALLS[name](account)
        except spotify.SpotifyAccessError as exc:  # reported by test_every_call_completes
            FAILED_CALLS[name] = str(exc)
    before = len(recorder.sent)
    for name in sorted(REMOVED):
        with pytest.raises(spotify.RemovedEndpointError):
            getattr(account, name)(["x"])
    assert len(recorder.sent) == before, "a removed endpoint sent a request"
    return recorder.sent


def test_every_request_the_course_sends_is_current_in_the_description(sent):
    d = description()
    scopes = set(spotify.SCOPES.split())
    problems = [p for method, url, body in sent for p in d.check_request(method, url, body, scopes)]
    assert not problems, "\n".join(problems)
    seen = {d.operation(m, urlparse(u).path).name for m, u, _ in sent}
    assert {"POST /me/playlists", "POST /playlists/{playlist_id}/items", "GET /playlists/{playlist_id}/items",
            "PUT /me/player/play"} <= seen


def test_every_call_completes_against_the_fixtures(sent):
    assert not FAILED_CALLS, FAILED_CALLS


def test_a_deprecated_call_fails_with_the_replacement_named():
    """The check above is not vacuous: the calls Spotify replaced are caught, naming what to use."""
    d = description()
    assert d.check_request("GET", "https://api.spotify.com/v1/playlists/x/tracks?limit=5") == [
        "GET /v1/playlists/x/tracks is GET /playlists/{playlist_id}/tracks, which the API description "
        "marks deprecated: use GET /playlists/{playlist_id}/items instead"]
    assert "use POST /me/playlists instead" in d.check_request("POST", "https://api.spotify.com/v1/users/u/playlists",
                                                                 b'{"name": "x"}')[0]
    assert "use PUT /me/library instead" in d.check_request("PUT", "https://api.spotify.com/v1/me/tracks")[0]
    assert "'bogus' is not declared" in d.check_request("GET", "https://api.spotify.com/v1/me/top/tracks?bogus=1")[0]
    assert "not in Spotify's API description" in d.check_request("GET", "https://api.spotify.com/v1/me/everything")[0]


def test_query_values_are_checked_against_their_schemas():
    """Since 2026 search returns at most 10 per page: the description says so, and so does the check."""
    d = description()
    assert d.check_request("GET", "https://api.spotify.com/v1/search?q=x&type=track&limit=10") == []
    too_many = d.check_request("GET", "https://api.spotify.com/v1/search?q=x&type=track&limit=20")
    assert len(too_many) == 1 and "limit='20'" in too_many[0] and "maximum of 10" in too_many[0]
    assert "is not one of" in d.check_request("GET", "https://api.spotify.com/v1/search?q=x&type=song")[0]
    assert d.check_request("GET", "https://api.spotify.com/v1/me/top/tracks?limit=60")  # at most 50


def test_login_scopes_exist_and_each_is_needed_by_a_call_the_course_sends(sent):
    d = description()
    requested = set(spotify.SCOPES.split())
    assert requested <= d.scopes(), f"scopes unknown to the description: {requested - d.scopes()}"
    used = set().union(*(d.operation(m, urlparse(u).path).scopes for m, u, _ in sent))
    assert requested <= used, f"scopes requested at login that no call needs: {requested - used}"


@pytest.mark.parametrize("name", sorted(FIXTURE_OPERATIONS))
def test_response_fixture_validates_against_the_operation_schema(name):
    d = description()
    method, path, status = FIXTURE_OPERATIONS[name]
    body = json.loads((FIXTURES / f"{name}.json").read_text())
    op = d.operation(method, path)
    assert op is not None and not op.deprecated, f"{method} {path}"
    assert d.check_response(method, path, status, body) == []


def test_every_fixture_is_checked():
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(FIXTURE_OPERATIONS)


def test_known_gaps_in_the_description_are_still_gaps():
    """Each place where the tests accept null against the description must still be typed non-null
    there; when the description is fixed, drop the entry from KNOWN_GAPS."""
    d = description()
    for (schema, prop), why in KNOWN_GAPS.items():
        node = d.schema_property(schema, prop)
        assert node is not None and not node.get("nullable"), f"{schema}.{prop} is fixed: drop it ({why})"


def test_exemptions_from_the_description_are_still_needed():
    """Each exemption names a real gap: a status the operation does not list, or scopes that
    unlock only deprecated fields."""
    d = description()
    for (name, status), (shared, why) in UNDOCUMENTED_STATUSES.items():
        op = next(o for o in d.operations if o.name == name)
        assert status not in d.documented_statuses(op), f"{name} now documents {status}: drop it ({why})"
        assert shared in d.doc["components"]["responses"]
    for name, (scopes, why) in SCOPE_EXEMPT.items():
        op = next(o for o in d.operations if o.name == name)
        assert op.scopes == scopes, f"{name}'s scopes changed to {op.scopes}: review the exemption ({why})"
        user = d.doc["components"]["schemas"]["PrivateUserObject"]["properties"]
        assert all(user[f].get("deprecated") for f in ["email", "country", "product", "explicit_content"])


def test_fields_the_course_reads_are_current():
    """The course reads a playlist entry's ``item`` (``track`` is deprecated) and a playlist's
    ``items`` summary (``tracks`` is deprecated), falling back to the old names only."""
    d = description()
    assert d.schema_property("PlaylistTrackObject", "track").get("deprecated")
    assert not d.schema_property("PlaylistTrackObject", "item").get("deprecated")
    assert d.schema_property("SimplifiedPlaylistObject", "tracks").get("deprecated")
    assert not d.schema_property("SimplifiedPlaylistObject", "items").get("deprecated")
    source = inspect.getsource(spotify.LiveAccount)
    assert 'item.get("item") or item.get("track")' in source
    assert 'p.get("items") or p.get("tracks")' in source
    # The track fields a frame is built from are current.
    for prop in ["id", "name", "artists", "album", "duration_ms", "explicit"]:
        node = d.schema_property("TrackObject", prop)
        assert node is not None and not node.get("deprecated"), prop


# --------------------------------------------------------------------------------------------
# DESIGN.md and README against the description.
# --------------------------------------------------------------------------------------------

def test_design_notes_agree_with_the_description_where_they_can():
    """DESIGN.md's 2026 notes, checked operation by operation. Where they disagree, the
    description is what the course follows, and this test names the disagreement."""
    d = description()
    gone = {"GET /audio-features", "GET /audio-analysis/{id}", "GET /recommendations",
            "GET /artists/{id}/related-artists", "GET /artists/{id}/top-tracks", "GET /tracks",
            "GET /albums", "GET /artists", "GET /browse/new-releases", "GET /users/{user_id}/playlists",
            "GET /users/{user_id}", "GET /browse/featured-playlists", "GET /playlists/{playlist_id}/tracks",
            "POST /users/{user_id}/playlists", "PUT /me/tracks", "DELETE /me/tracks"}
    kept = {"GET /me/top/tracks", "GET /me/top/artists", "GET /me/player/recently-played", "GET /me/tracks",
            "GET /me/playlists", "GET /playlists/{playlist_id}/items", "GET /tracks/{id}", "GET /albums/{id}",
            "GET /artists/{id}", "GET /search", "POST /me/playlists", "PUT /me/library"}
    ops = {op.name: op for op in d.operations}
    assert all(ops[name].deprecated for name in gone), [n for n in gone if not ops[n].deprecated]
    assert all(not ops[name].deprecated for name in kept), [n for n in kept if ops[n].deprecated]
    # Fields DESIGN.md calls removed: the description marks popularity and followers deprecated ...
    assert d.schema_property("TrackObject", "popularity").get("deprecated")
    assert d.schema_property("ArtistObject", "followers").get("deprecated")
    for field in ["country", "email", "product", "explicit_content"]:
        assert d.schema_property("PrivateUserObject", field).get("deprecated"), field
    # ... and keeps external_ids (the announced removal was reverted in March 2026): the README follows.
    ext = d.schema_property("TrackObject", "external_ids")
    assert ext is not None and not ext.get("deprecated"), "the description now deprecates external_ids"
    # Where they disagree: the description marks album `available_markets` deprecated AND required.
    assert d.schema_property("AlbumBase", "available_markets").get("deprecated")
    assert "available_markets" in d.doc["components"]["schemas"]["AlbumBase"]["required"], (
        "the description no longer requires album available_markets: the fixtures may drop it")


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Using your own Spotify account")
    return text[start:text.index("\n## ", start + 5)]


# README "Gone" rows -> the operations (or fields) they name; each must be deprecated or absent.
README_GONE = {
    "Audio features, audio analysis": ["GET /audio-features", "GET /audio-features/{id}", "GET /audio-analysis/{id}"],
    "Recommendations, related artists, editorial/algorithmic playlists, previews": [
        "GET /recommendations", "GET /artists/{id}/related-artists", "GET /browse/featured-playlists",
        "GET /browse/categories/{category_id}/playlists", "field TrackObject.preview_url"],
    "Batch look-ups (`/tracks?ids=`), artist top tracks, new releases, other users' playlists": [
        "GET /tracks", "GET /artists/{id}/top-tracks", "GET /browse/new-releases", "GET /users/{user_id}/playlists"],
    "`popularity`, `followers` fields": ["field TrackObject.popularity", "field ArtistObject.followers",
                                         "field PublicUserObject.followers"],
    "`/playlists/{id}/tracks`": ["GET /playlists/{playlist_id}/tracks", "POST /playlists/{playlist_id}/tracks"],
    "`POST /users/{user_id}/playlists`": ["POST /users/{user_id}/playlists"],
    "`PUT`/`DELETE /me/tracks`": ["PUT /me/tracks", "DELETE /me/tracks"],
}
# README "Still available" items -> operations that must exist and be current.
README_AVAILABLE = {
    "top tracks and artists": ["GET /me/top/tracks", "GET /me/top/artists"],
    "recently played": ["GET /me/player/recently-played"],
    "saved tracks": ["GET /me/tracks"],
    "your own playlists and their items": ["GET /me/playlists", "GET /playlists/{playlist_id}/items"],
    "single track/album/artist": ["GET /tracks/{id}", "GET /albums/{id}", "GET /artists/{id}"],
    "search": ["GET /search"],
    "creating playlists with `POST /me/playlists`": ["POST /me/playlists", "POST /playlists/{playlist_id}/items"],
    "saving to your library with `PUT /me/library`": ["PUT /me/library"],
    "starting playback with `PUT /me/player/play`": ["PUT /me/player/play"],
    "`external_ids`": ["field TrackObject.external_ids"],
}


def _state(d, ref: str) -> str:
    """'current', 'deprecated' or 'absent' for 'METHOD /path' or 'field Schema.prop'."""
    if ref.startswith("field "):
        schema, prop = ref[6:].split(".")
        node = d.schema_property(schema, prop)
    else:
        method, path = ref.split(" ", 1)
        op = d.operation(method, path)
        node = op.spec if op is not None and op.path == path else None
    return "absent" if node is None else "deprecated" if node.get("deprecated") else "current"


def test_readme_table_follows_the_description():
    d = description()
    section = _readme_section()
    rows = [line.split("|")[1].strip() for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| Gone") and "---" not in line]
    assert rows and set(rows) == set(README_GONE), f"README 'Gone' rows changed: {rows}"
    for row, refs in README_GONE.items():
        current = [ref for ref in refs if _state(d, ref) == "current"]
        assert not current, f"README lists {row!r} as gone, but the description has {current} current"
    available = section[section.index("Still available"):]
    available = re.sub(r"\s+", " ", available[:available.index("\n\n")])
    for item, refs in README_AVAILABLE.items():
        assert item in available, f"README's 'Still available' no longer names {item!r}"
        missing = [ref for ref in refs if _state(d, ref) != "current"]
        assert not missing, f"README says {item!r} is available, but the description has {missing} deprecated or absent"
    assert "external_ids" not in " ".join(rows), "external_ids is current in the description: not a 'Gone' row"
