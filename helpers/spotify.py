"""Your Spotify account in the notebooks, as it can be used in 2026, or a demo account without one.

Used by lessons 00, 01, 02, 04, 05, 06 and 07 (``connect()``: your account or the demo account).

``connect()`` returns an account object with the same DataFrame-returning methods either way:

- ``LiveAccount``: spotipy with the authorization-code flow + PKCE (no client secret needed), a
  loopback redirect URI, a token cache in the per-user cache folder, and an HTTP cache with retries.
- ``DemoAccount``: a documented, synthetic listener built from real catalog tracks (TidyTuesday),
  used when no credentials are set, so every notebook runs offline.

Endpoints Spotify removed for new and development-mode apps (audio features, audio analysis,
recommendations, related artists, batch look-ups, other users' playlists) and removed or deprecated
fields (popularity, followers) are never called or read; tests/test_spotify_contract.py checks every
request against Spotify's published API description. Audio features come from the open
datasets, joined by track id: see ``helpers.data.with_audio_features``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import data
from .errors import CourseError, RemovedEndpointError, SpotifyAccessError

CLIENT_ID_ENV = "SPOTIPY_CLIENT_ID"
REDIRECT_ENV = "SPOTIPY_REDIRECT_URI"
# Not 8888: `make lab` serves JupyterLab there, and the login's local listener needs its own port.
DEFAULT_REDIRECT_PORT = 8765
DEFAULT_REDIRECT_URI = f"http://127.0.0.1:{DEFAULT_REDIRECT_PORT}/callback"
LOGIN_TIMEOUT_ENV = "SPOTIFY_ML_LOGIN_TIMEOUT"
# Where the Web API and the accounts service live. Only the tests set these (to a local stand-in
# for Spotify on 127.0.0.1, tests/spotify_standin.py); unset, the course talks to Spotify.
API_URL_ENV = "SPOTIFY_ML_API_URL"
ACCOUNTS_URL_ENV = "SPOTIFY_ML_ACCOUNTS_URL"
DEFAULT_API_URL = "https://api.spotify.com/v1/"
DEFAULT_ACCOUNTS_URL = "https://accounts.spotify.com"
LOGIN_TIMEOUT_S = 300.0  # how long the login waits for the browser's redirect
MAX_RETRY_AFTER_S = 5.0  # a 429 asking for a longer wait is reported at once instead of blocking
PLAYBACK_SCOPE = "user-modify-playback-state"  # only for play_playlist (lesson 04's PLAY_ON_SPOTIFY)
SCOPES = " ".join([
    "user-top-read", "user-read-recently-played", "user-library-read",
    "playlist-read-private", "playlist-modify-private", PLAYBACK_SCOPE,
])
TRACK_COLUMNS = ["track_id", "track_name", "artist", "album", "release_date", "duration_ms", "explicit"]

REMOVED = {
    "audio_features": "Audio Features (GET /audio-features) was removed for new apps on 2024-11-27",
    "audio_analysis": "Audio Analysis (GET /audio-analysis) was removed for new apps on 2024-11-27",
    "recommendations": "Recommendations (GET /recommendations) was removed for new apps on 2024-11-27",
    "related_artists": "Related Artists was removed for new apps on 2024-11-27",
    "artist_top_tracks": "Artist top tracks was removed for development-mode apps in February 2026",
    "tracks_batch": "Batch look-ups (GET /tracks?ids=) were removed for development-mode apps in February 2026",
}


def token_path() -> Path:
    """Where the OAuth token is cached: the per-user cache folder, never the repository."""
    return data.cache_dir() / "spotify-token.json"


# --------------------------------------------------------------------------------------------
# Errors: every refusal becomes one clear sentence with the likely cause and the fix.
# --------------------------------------------------------------------------------------------

def explain(exc: Exception, what: str = "the request") -> SpotifyAccessError:
    """Turn a spotipy / requests exception into a ``SpotifyAccessError`` a student can act on."""
    import spotipy

    if isinstance(exc, CourseError):
        return exc if isinstance(exc, SpotifyAccessError) else SpotifyAccessError(str(exc))
    if isinstance(exc, spotipy.SpotifyOauthError):
        return SpotifyAccessError(
            f"Spotify rejected the login for {what} ({exc.error or 'oauth error'}: "
            f"{exc.error_description or exc}). Check that {CLIENT_ID_ENV} is the Client ID of your app "
            f"in the Spotify developer dashboard, that the redirect URI registered there is exactly "
            f"{os.environ.get(REDIRECT_ENV, DEFAULT_REDIRECT_URI)}, and that your account is on the "
            f"app's user list. Then delete {token_path()} and run connect() again."
        )
    if isinstance(exc, spotipy.SpotifyException):
        status = exc.http_status
        if status == 401:
            return SpotifyAccessError(
                f"Spotify says the access token for {what} is invalid or expired (401). "
                f"Delete {token_path()} and run connect() again to log in afresh."
            )
        if status == 403:
            return SpotifyAccessError(
                f"Spotify refused {what} (403 Forbidden). In 2026 this usually means one of: the "
                f"endpoint is closed to development-mode apps (audio features, recommendations, "
                f"batch look-ups and other users' playlists were removed); your Spotify account is "
                f"not on the app's user list (Development Mode: at most 5 users, and the app owner "
                f"needs Premium); or the token lacks a scope: delete {token_path()} and log in again."
            )
        if status == 404:
            return SpotifyAccessError(
                f"Spotify could not find {what} (404). Check the id or link; the item may be "
                f"private to another user, or the endpoint may have been removed for your app."
            )
        if status == 429:
            return rate_limited((exc.headers or {}).get("Retry-After"), what)
        return SpotifyAccessError(f"Spotify answered {status} for {what}: {exc.msg}")
    if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        return SpotifyAccessError(
            f"Could not reach the Spotify Web API for {what}: you seem to be offline. "
            f"The demo account works offline: connect(demo=True)."
        )
    return SpotifyAccessError(f"{what} failed: {type(exc).__name__}: {exc}")


def rate_limited(retry_after: str | float | None, what: str = "the request") -> SpotifyAccessError:
    """The 429 message, also raised at once when Spotify asks for a wait longer than ``MAX_RETRY_AFTER_S``."""
    retry = retry_after if retry_after not in (None, "") else "a few"
    return SpotifyAccessError(
        f"Spotify is rate-limiting this app (429) for {what}. Wait {retry} seconds and run "
        f"the cell again; the HTTP cache means repeated runs cost fewer requests."
    )


def _removed(name: str):
    raise RemovedEndpointError(
        f"{REMOVED[name]}, so the course never calls it. Audio features come from the open "
        f"datasets instead: helpers.data.with_audio_features(tracks) joins them by track id."
    )


# --------------------------------------------------------------------------------------------
# Shared shape: every account answers with the same columns.
# --------------------------------------------------------------------------------------------

class Account:
    """What both accounts offer. Methods return DataFrames with ``TRACK_COLUMNS`` first."""

    is_demo: bool = False

    def audio_features(self, *_, **__):
        _removed("audio_features")

    def audio_analysis(self, *_, **__):
        _removed("audio_analysis")

    def recommendations(self, *_, **__):
        _removed("recommendations")

    def related_artists(self, *_, **__):
        _removed("related_artists")

    def artist_top_tracks(self, *_, **__):
        _removed("artist_top_tracks")


def _track_row(track: dict) -> dict:
    album = track.get("album") or {}
    return {
        "track_id": track.get("id"),
        "track_name": track.get("name"),
        "artist": ", ".join(a.get("name", "") for a in track.get("artists") or []),
        "album": album.get("name"),
        "release_date": album.get("release_date"),
        "duration_ms": track.get("duration_ms"),
        "explicit": track.get("explicit"),
    }


def _tracks_frame(rows: list[dict], extra: list[str] = ()) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=TRACK_COLUMNS + list(extra))


class LiveAccount(Account):
    """A logged-in Spotify user, through spotipy. Only endpoints still open in 2026 are used."""

    def __init__(self, client):
        self.sp = client

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # spotipy, oauth and network errors all get one clear message
            raise explain(exc, what) from None

    def _pages(self, what: str, first: dict, limit: int | None = None) -> list[dict]:
        items, page = list(first.get("items", [])), first
        while page.get("next") and (limit is None or len(items) < limit):
            page = self._call(what, self.sp.next, page)
            items.extend(page.get("items", []))
        return items if limit is None else items[:limit]

    def me(self) -> dict:
        user = self._call("your profile (GET /me)", self.sp.current_user)
        return {"id": user.get("id"), "display_name": user.get("display_name")}

    def top_tracks(self, limit: int = 50, time_range: str = "medium_term") -> pd.DataFrame:
        """Your top tracks (``time_range``: short_term ~4 weeks, medium_term ~6 months, long_term ~1 year)."""
        what = "your top tracks (GET /me/top/tracks)"
        first = self._call(what, self.sp.current_user_top_tracks, limit=min(limit, 50), time_range=time_range)
        items = self._pages(what, first, limit)
        rows = [{**_track_row(t), "rank": i + 1} for i, t in enumerate(items)]
        return _tracks_frame(rows, ["rank"])

    def recently_played(self, limit: int = 50) -> pd.DataFrame:
        """Your last plays (at most 50, Spotify's limit), newest first, with ``played_at`` (UTC)."""
        what = "your recently played tracks (GET /me/player/recently-played)"
        page = self._call(what, self.sp.current_user_recently_played, limit=min(limit, 50))
        rows = [{**_track_row(i["track"]), "played_at": i.get("played_at")} for i in page.get("items", [])]
        df = _tracks_frame(rows, ["played_at"])
        df["played_at"] = pd.to_datetime(df["played_at"], utc=True)
        return df

    def saved_tracks(self, limit: int = 200) -> pd.DataFrame:
        """Your liked songs, newest first, with ``added_at`` (UTC)."""
        what = "your saved tracks (GET /me/tracks)"
        first = self._call(what, self.sp.current_user_saved_tracks, limit=min(limit, 50))
        items = self._pages(what, first, limit)
        rows = [{**_track_row(i["track"]), "added_at": i.get("added_at")} for i in items if i.get("track")]
        df = _tracks_frame(rows, ["added_at"])
        df["added_at"] = pd.to_datetime(df["added_at"], utc=True)
        return df

    def playlists(self, owned_only: bool = True) -> pd.DataFrame:
        """Your playlists: playlist_id, name, owner, tracks_total.

        ``/me/playlists`` also lists playlists you follow; since 2026 a development-mode app may
        not read other users' playlists, so by default only the ones you own are returned.
        """
        what = "your playlists (GET /me/playlists)"
        items = self._pages(what, self._call(what, self.sp.current_user_playlists, limit=50))
        if owned_only:
            me = self.me()["id"]
            items = [p for p in items if p and (p.get("owner") or {}).get("id") == me]
        rows = [{
            "playlist_id": p.get("id"),
            "name": p.get("name"),
            "owner": (p.get("owner") or {}).get("id"),
            "tracks_total": ((p.get("items") or p.get("tracks")) or {}).get("total"),
        } for p in items if p]
        return pd.DataFrame(rows, columns=["playlist_id", "name", "owner", "tracks_total"])

    def playlist_items(self, playlist_id: str) -> pd.DataFrame:
        """The tracks of one of your playlists, in order (GET /playlists/{id}/items).

        Episodes and local files are left out. Other users' playlists are refused by Spotify
        for development-mode apps since 2026; the error says so.
        """
        what = f"the items of playlist {playlist_id} (GET /playlists/{{id}}/items)"
        items = self._pages(what, self._call(what, self.sp.playlist_items, playlist_id, additional_types=("track",)))
        rows = []
        for position, item in enumerate(items):
            track = item.get("item") or item.get("track")  # `track` is the deprecated name
            if track and track.get("type", "track") == "track" and track.get("id"):
                rows.append({**_track_row(track), "position": position, "added_at": item.get("added_at")})
        return _tracks_frame(rows, ["position", "added_at"])

    def search_tracks(self, query: str, limit: int = 10) -> pd.DataFrame:
        """Search the catalogue (Spotify returns at most 10 results per page since 2026)."""
        what = f"a search for {query!r} (GET /search)"
        page = self._call(what, self.sp.search, q=query, limit=min(limit, 10), type="track")
        rows = [_track_row(t) for t in (page.get("tracks") or {}).get("items", [])]
        return _tracks_frame(rows)

    def create_playlist(self, name: str, track_ids: list[str], description: str = "",
                        public: bool = False) -> str:
        """Create a playlist in your account (POST /me/playlists) and add the tracks; returns its id."""
        what = f"creating playlist {name!r} (POST /me/playlists)"
        playlist = self._call(what, self.sp.current_user_playlist_create, name, public=public,
                              description=description)
        uris = [f"spotify:track:{t}" for t in track_ids if t]
        for start in range(0, len(uris), 100):
            # The documented body is {"uris": [...]}; spotipy 2.26's playlist_add_items sends a bare
            # JSON array, which the API description does not allow (tests/test_spotify_contract.py).
            self._call(f"adding tracks to {name!r} (POST /playlists/{{id}}/items)", self.sp._post,
                       f"playlists/{playlist['id']}/items", payload={"uris": uris[start:start + 100]})
        return playlist["id"]

    def play_playlist(self, playlist_id: str, device_id: str | None = None) -> None:
        """Start one of your playlists on your active Spotify device (PUT /me/player/play).

        Needs Spotify Premium (which a development-mode app's owner has) and a device where
        Spotify is open; 404 (no active device), 403 (no Premium) and a refused scope each
        become a message saying what to do.
        """
        what = f"playing playlist {playlist_id} (PUT /me/player/play)"
        try:
            self.sp.start_playback(device_id=device_id, context_uri=f"spotify:playlist:{playlist_id}")
        except Exception as exc:
            raise _playback_error(exc, what, self._granted_scopes()) from None

    def _granted_scopes(self) -> set[str] | None:
        """The scopes the cached token was granted, or None when unknown."""
        auth = getattr(self.sp, "auth_manager", None)
        handler = getattr(auth, "cache_handler", None)
        try:
            token = handler.get_cached_token() if handler is not None else None
        except Exception:
            return None
        return set((token or {}).get("scope", "").split()) if token else None


def _playback_error(exc: Exception, what: str, granted: set[str] | None) -> SpotifyAccessError:
    import spotipy

    if not isinstance(exc, spotipy.SpotifyException):
        return explain(exc, what)
    text = f"{exc.msg} {exc.reason or ''}".lower()
    if exc.http_status == 404:
        return SpotifyAccessError(
            f"Spotify found no active device for {what} (404 NO_ACTIVE_DEVICE). Open Spotify on your "
            f"phone, computer or speaker, start any song for a moment so that the device counts as "
            f"active, then run this cell again."
        )
    if exc.http_status in (401, 403) and ("scope" in text or (granted is not None and PLAYBACK_SCOPE not in granted)):
        return SpotifyAccessError(
            f"Your login did not grant the scope {PLAYBACK_SCOPE!r} needed for {what} ({exc.http_status}). "
            f"Delete {token_path()} and run connect() again, and accept every permission on "
            f"Spotify's login page."
        )
    if exc.http_status == 403:
        return SpotifyAccessError(
            f"Spotify refused {what} (403{': ' + exc.reason if exc.reason else ''}): starting playback "
            f"needs Spotify Premium on the account you logged in with. Play the saved playlist in the "
            f"Spotify app instead; it is in your library."
        )
    return explain(exc, what)


# --------------------------------------------------------------------------------------------
# The demo account: a synthetic listener made of real catalog tracks.
# --------------------------------------------------------------------------------------------

DEMO_SEED = 2026
DEMO_DESCRIPTION = (
    "Demo account (synthetic listener, real tracks). Built by helpers.spotify.DemoAccount from the "
    "TidyTuesday catalogue with seed 2026: the listener mostly likes pop and latin, some r&b; "
    "top tracks are drawn from those genres weighted by catalogue popularity; saved tracks add "
    "others at random; two playlists are chosen by audio features (a calm one and a workout one)."
)


class DemoAccount(Account):
    """A documented synthetic listener whose tracks are real catalog tracks. Works offline.

    Taste: genre weights pop 0.45, latin 0.30, r&b 0.15, others 0.10 (applied per track).
    - ``top_tracks``: 50 tracks drawn without replacement with weight genre x (popularity + 1).
    - ``saved_tracks``: the top tracks plus 150 tracks drawn with the genre weights alone.
    - ``playlists``: "Demo · Calm evenings" (the 40 saved tracks with the lowest energy) and
      "Demo · Workout" (the 40 saved tracks with the highest energy x danceability).
    Playlists the notebooks "create" are kept in memory only.
    """

    is_demo = True
    GENRE_WEIGHTS = {"pop": 0.45, "latin": 0.30, "r&b": 0.15}
    OTHER_WEIGHT = 0.10 / 3

    def __init__(self, seed: int = DEMO_SEED):
        catalog = data.load_tracks(dedupe=True)
        rng = np.random.default_rng(seed)
        weight = catalog["playlist_genre"].map(self.GENRE_WEIGHTS).fillna(self.OTHER_WEIGHT).to_numpy()
        top_p = weight * (catalog["track_popularity"].to_numpy() + 1.0)
        top_idx = rng.choice(len(catalog), size=50, replace=False, p=top_p / top_p.sum())
        rest_p = weight.copy()
        rest_p[top_idx] = 0
        more_idx = rng.choice(len(catalog), size=150, replace=False, p=rest_p / rest_p.sum())
        self._catalog = catalog
        self._top = catalog.iloc[top_idx]
        saved = catalog.iloc[np.concatenate([top_idx, more_idx])]
        self._saved = saved
        calm = saved.nsmallest(40, "energy")
        workout = saved.assign(score=saved["energy"] * saved["danceability"]).nlargest(40, "score")
        self._playlists = {
            "demo-calm-evenings": ("Demo · Calm evenings", calm),
            "demo-workout": ("Demo · Workout", workout),
        }
        self.created: dict[str, tuple[str, list[str]]] = {}

    @staticmethod
    def _as_tracks(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame({
            "track_id": frame["track_id"].to_numpy(),
            "track_name": frame["track_name"].to_numpy(),
            "artist": frame["track_artist"].to_numpy(),
            "album": frame["track_album_name"].to_numpy(),
            "release_date": frame["track_album_release_date"].to_numpy(),
            "duration_ms": frame["duration_ms"].to_numpy(),
            "explicit": pd.array([pd.NA] * len(frame), dtype="boolean"),  # not in the catalogue
        })
        return out

    def me(self) -> dict:
        return {"id": "demo-listener", "display_name": "Demo listener (synthetic)"}

    def top_tracks(self, limit: int = 50, time_range: str = "medium_term") -> pd.DataFrame:
        df = self._as_tracks(self._top.head(limit))
        df["rank"] = np.arange(1, len(df) + 1)
        return df

    def recently_played(self, limit: int = 50) -> pd.DataFrame:
        rng = np.random.default_rng(DEMO_SEED + 1)
        picks = self._saved.iloc[rng.choice(len(self._saved), size=min(limit, 50), replace=False)]
        df = self._as_tracks(picks)
        end = pd.Timestamp("2026-11-29 22:00", tz="UTC")
        df["played_at"] = end - pd.to_timedelta(np.cumsum(picks["duration_ms"].to_numpy()), unit="ms")
        return df

    def saved_tracks(self, limit: int = 200) -> pd.DataFrame:
        df = self._as_tracks(self._saved.head(limit))
        df["added_at"] = pd.Timestamp("2026-11-01", tz="UTC") - pd.to_timedelta(np.arange(len(df)), unit="D")
        return df

    def playlists(self, owned_only: bool = True) -> pd.DataFrame:
        rows = [{"playlist_id": pid, "name": name, "owner": "demo-listener", "tracks_total": len(tracks)}
                for pid, (name, tracks) in self._playlists.items()]
        rows += [{"playlist_id": pid, "name": name, "owner": "demo-listener", "tracks_total": len(ids)}
                 for pid, (name, ids) in self.created.items()]
        return pd.DataFrame(rows, columns=["playlist_id", "name", "owner", "tracks_total"])

    def playlist_items(self, playlist_id: str) -> pd.DataFrame:
        if playlist_id in self.created:
            ids = self.created[playlist_id][1]
            tracks = self._catalog.set_index("track_id").loc[ids].reset_index()
        elif playlist_id in self._playlists:
            tracks = self._playlists[playlist_id][1]
        else:
            raise SpotifyAccessError(
                f"The demo account has no playlist {playlist_id!r}; its playlists are "
                f"{sorted(self._playlists) + sorted(self.created)}."
            )
        df = self._as_tracks(tracks)
        df["position"] = np.arange(len(df))
        df["added_at"] = pd.NaT
        return df

    def search_tracks(self, query: str, limit: int = 10) -> pd.DataFrame:
        q = query.lower()
        hit = (self._catalog["track_name"].str.lower().str.contains(q, regex=False)
               | self._catalog["track_artist"].str.lower().str.contains(q, regex=False))
        return self._as_tracks(self._catalog[hit.fillna(False)].head(min(limit, 10)))

    def create_playlist(self, name: str, track_ids: list[str], description: str = "",
                        public: bool = False) -> str:
        playlist_id = f"demo-created-{len(self.created) + 1}"
        self.created[playlist_id] = (name, list(track_ids))
        print(f"Demo account: playlist {name!r} kept in memory only ({len(track_ids)} tracks), "
              f"nothing was sent to Spotify.")
        return playlist_id

    def play_playlist(self, playlist_id: str, device_id: str | None = None) -> None:
        print(f"Demo account: nothing to play on ({playlist_id!r} exists in memory only). With your "
              f"own account this starts the playlist on your active Spotify device.")


# --------------------------------------------------------------------------------------------
# Connecting.
# --------------------------------------------------------------------------------------------

def check_redirect_uri(uri: str) -> str:
    """Spotify accepts only loopback IP literals for http redirect URIs (not ``localhost``)."""
    parsed = urlparse(uri)
    host = parsed.hostname or ""
    if parsed.scheme == "https":
        return uri
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parsed.scheme != "http" or not loopback or not parsed.port:
        raise SpotifyAccessError(
            f"Redirect URI {uri!r} will be refused by Spotify: since 2025 an http redirect must use a "
            f"loopback IP address and a port, e.g. {DEFAULT_REDIRECT_URI} (not 'localhost'). "
            f"Register that exact URI in your app's dashboard and set {REDIRECT_ENV} to it."
        )
    return uri


class CappedRetry(Retry):
    """urllib3's Retry, but a Retry-After longer than ``MAX_RETRY_AFTER_S`` raises at once."""

    def sleep_for_retry(self, response=None):
        retry_after = self.get_retry_after(response) if response is not None else None
        if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
            raise rate_limited(response.headers.get("Retry-After"))
        return super().sleep_for_retry(response)


def _cache_key(request, **kwargs) -> str:
    """requests-cache's key plus a hash of the Authorization header (which it ignores by default),
    so that two users, or two logins, never share cached answers."""
    from requests_cache import create_key

    auth = (request.headers or {}).get("Authorization", "")
    return create_key(request, **kwargs) + "-" + hashlib.sha256(auth.encode()).hexdigest()[:16]


def http_session(cache_name: Path | None = None) -> requests.Session:
    """A cached HTTP session with the retry policy spotipy only gives its own sessions.

    GET responses are cached for an hour per access token (a hash of the Authorization header is
    part of the cache key; the token itself is not stored), the cache file is readable by its owner
    only, and 429/5xx answers are retried with backoff, honouring a Retry-After of at most
    ``MAX_RETRY_AFTER_S`` seconds (a longer one raises the rate-limit error at once).
    """
    import requests_cache

    base = Path(cache_name or data.cache_dir() / "spotify-http")
    base.parent.mkdir(parents=True, exist_ok=True)
    session = requests_cache.CachedSession(
        cache_name=str(base),
        backend="sqlite",
        expire_after=timedelta(hours=1),
        allowable_methods=("GET",),
        key_fn=_cache_key,
    )
    for path in base.parent.glob(base.name + "*"):
        if path.is_file():
            os.chmod(path, 0o600)
    retry = CappedRetry(
        total=3, connect=1, read=1, status=3, backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST", "PUT", "DELETE"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))  # loopback test servers
    return session


def _login_timeout() -> float:
    try:
        return float(os.environ.get(LOGIN_TIMEOUT_ENV) or LOGIN_TIMEOUT_S)
    except ValueError:
        return LOGIN_TIMEOUT_S


def _can_prompt() -> bool:
    """True in a terminal or in a Jupyter kernel whose front end answers ``input()``."""
    try:
        if sys.stdin is not None and sys.stdin.isatty():
            return True
    except (AttributeError, ValueError):
        pass
    return "ipykernel" in sys.modules


_HEADLESS_HINT = (
    "This Python has no terminal or browser to finish the Spotify login (a headless kernel, a "
    "script run without input, or a CI job). Log in once from JupyterLab on your own computer "
    "(the token is then cached in {token}), or use the demo account: connect(demo=True)."
)


def _port_taken(port: int, exc: OSError) -> SpotifyAccessError:
    return SpotifyAccessError(
        f"The Spotify login could not listen on 127.0.0.1:{port} ({exc.strerror or exc}): another "
        f"program (often JupyterLab, which `make lab` serves on 8888) already uses that port. Pick a "
        f"free port, e.g. {DEFAULT_REDIRECT_URI}, register that exact redirect URI in your app's "
        f"dashboard, set {REDIRECT_ENV} to it and run connect() again."
    )


def _open_in_browser(url: str) -> bool:
    """Open the login page; False when this Python has no browser to open (a remote or headless
    kernel), so the login can stop at once instead of waiting for a redirect that never comes."""
    import webbrowser

    try:
        return bool(webbrowser.get().open(url))
    except webbrowser.Error:
        return False


def _no_browser(redirect_uri: str, timeout: float) -> SpotifyAccessError:
    return SpotifyAccessError(
        f"No web browser can be opened from this Python (a remote or headless kernel), so the login "
        f"would wait {timeout:.0f} s for a redirect to {redirect_uri} that cannot come. Run connect() "
        f"once in JupyterLab on your own computer (the token is then cached in {token_path()}), or use "
        f"the demo account: connect(demo=True)."
    )


def _pkce_class():
    import spotipy
    from spotipy import oauth2

    class CoursePKCE(spotipy.SpotifyPKCE):
        """spotipy's PKCE flow with a clear error when the port is taken, a login timeout, and
        no endless wait for input that a headless kernel can never give."""

        def _get_auth_response_local_server(self, redirect_port):
            try:
                server = oauth2.start_local_http_server(redirect_port)
            except OSError as exc:
                raise _port_taken(redirect_port, exc) from None
            try:
                server.timeout = _login_timeout()
                if not _open_in_browser(self.get_authorize_url()):
                    raise _no_browser(self.redirect_uri, server.timeout)
                server.handle_request()
            finally:
                server.server_close()
            if self.state is not None and server.state != self.state:
                raise oauth2.SpotifyStateError(self.state, server.state)
            if server.auth_code is not None:
                return server.auth_code
            if server.error is not None:
                raise oauth2.SpotifyOauthError(f"Received error from OAuth server: {server.error}")
            raise SpotifyAccessError(
                f"The Spotify login timed out: nothing came back to {self.redirect_uri} within "
                f"{server.timeout:.0f} s. Finish the login in the browser tab that opened (check "
                f"that the redirect URI in your app's dashboard is exactly {self.redirect_uri}). "
                + _HEADLESS_HINT.format(token=token_path())
            )

        def _get_auth_response_interactive(self, open_browser=False):
            if not _can_prompt():
                raise SpotifyAccessError(_HEADLESS_HINT.format(token=token_path()))
            try:
                return super()._get_auth_response_interactive(open_browser=open_browser)
            except EOFError:
                raise SpotifyAccessError(_HEADLESS_HINT.format(token=token_path())) from None
            except Exception as exc:
                if type(exc).__name__ == "StdinNotImplementedError":  # ipykernel without stdin
                    raise SpotifyAccessError(_HEADLESS_HINT.format(token=token_path())) from None
                raise

    return CoursePKCE


def _service_url(env: str, default: str) -> str:
    """``default``, or the URL in ``env`` when set (https, or http on a loopback address only)."""
    url = os.environ.get(env) or default
    parsed = urlparse(url)
    try:
        loopback = ipaddress.ip_address(parsed.hostname or "").is_loopback
    except ValueError:
        loopback = False
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise SpotifyAccessError(f"{env} = {url!r} must be an https URL (or http on 127.0.0.1); "
                                 f"unset it to talk to Spotify.")
    return url


def connect(client_id: str | None = None, redirect_uri: str | None = None, *, demo: bool = False,
            session: requests.Session | None = None, open_browser: bool = True) -> Account:
    """Your account when ``SPOTIPY_CLIENT_ID`` (or ``client_id``) is set, else the demo account.

    The first live call opens a browser to log in (authorization code + PKCE, no secret); the
    token is cached in ``token_path()`` outside the repository. ``demo=True`` forces the demo.
    A fresh login (no cached token) also clears the HTTP cache.
    """
    client_id = client_id or os.environ.get(CLIENT_ID_ENV)
    if demo or not client_id:
        if not demo:
            print(f"No Spotify credentials found ({CLIENT_ID_ENV} is not set): using the demo "
                  f"account, a synthetic listener made of real catalogue tracks.")
        return DemoAccount()
    import spotipy
    from spotipy.cache_handler import CacheFileHandler

    redirect_uri = check_redirect_uri(redirect_uri or os.environ.get(REDIRECT_ENV) or DEFAULT_REDIRECT_URI)
    token_path().parent.mkdir(parents=True, exist_ok=True)
    fresh_login = not token_path().exists()
    class PrivateTokenFile(CacheFileHandler):
        """spotipy's token file, readable by its owner only."""

        def save_token_to_cache(self, token_info):
            super().save_token_to_cache(token_info)
            if os.path.exists(self.cache_path):
                os.chmod(self.cache_path, 0o600)

    auth = _pkce_class()(
        client_id=client_id, redirect_uri=redirect_uri, scope=SCOPES, open_browser=open_browser,
        cache_handler=PrivateTokenFile(cache_path=str(token_path())),
    )
    accounts = _service_url(ACCOUNTS_URL_ENV, DEFAULT_ACCOUNTS_URL).rstrip("/")
    auth.OAUTH_AUTHORIZE_URL, auth.OAUTH_TOKEN_URL = f"{accounts}/authorize", f"{accounts}/api/token"
    if session is None:
        session = http_session()
        if fresh_login:
            session.cache.clear()
    client = spotipy.Spotify(auth_manager=auth, requests_session=session, requests_timeout=15)
    client.prefix = _service_url(API_URL_ENV, DEFAULT_API_URL).rstrip("/") + "/"
    print("Connected to your Spotify account (the login opens in your browser on first use).")
    return LiveAccount(client)
