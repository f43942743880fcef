"""The lessons' live branches, run against the local stand-in for Spotify with a real login.

Each lesson that connects an account (00, 01, 02, 04, 05, 07) runs in its own kernel with the
stand-in's environment (SPOTIPY_CLIENT_ID set, the API and accounts URLs on 127.0.0.1, BROWSER the
test's HTTP client, every proxy a closed local port), its own SPOTIFY_ML_CACHE and
SPOTIFY_ML_RESULTS, and strict checks. The kernel logs in through spotipy's PKCE flow and prints
"Connected to your Spotify account".

A whole lesson takes minutes, so each run is a *slice* of the lesson (the time this adds to
`make test` stays well under 3 minutes): its parameters cell (papermill parameters applied), its
imports cell, and every live-branch cell, taken verbatim from the notebook and found by what they
contain. The modelling cells in between are replaced by short setup cells written here (a
catalogue frame, a few picks, a quick K-Means), listed in SLICES, so that a change to a live-branch
cell is always what runs. The full lessons run with the demo account elsewhere in `make test`
(tests/test_student_copies.py); that path is untouched.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import nbformat
import pytest

from spotify_description import description
from spotify_standin import StandIn

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
IMPORTS = "helpers.setup_notebook("


def setup(source: str) -> dict:
    return {"setup": source}


SLICES = {
    "00_start_here": {
        "parameters": {},
        "cells": [IMPORTS, "account = spotify.connect()", "account.audio_features("],
    },
    "01_recommender": {
        "parameters": {"SAVE_TO_SPOTIFY": True},
        "cells": [IMPORTS, setup("catalog = data.load_tracks(dedupe=True)"),
                  "my_playlists = account.playlists()",
                  setup("picks = np.arange(K)  # stands in for the content-based suggestions (section 6)"),
                  "if SAVE_TO_SPOTIFY and len(picks)"],
    },
    "02_genre_classification": {
        "parameters": {},
        "cells": [IMPORTS, setup('tracks = data.load_tracks(dedupe=True)\n'
                                 'GENRES = sorted(tracks["playlist_genre"].unique())'),
                  "top = account.top_tracks(limit=50)",
                  setup('mine["predicted"] = mine["playlist_genre"]  # stands in for the chosen model'),
                  'who = "the demo listener" if account.is_demo'],
    },
    "04_mood_playlist": {
        "parameters": {"SAVE_TO_SPOTIFY": True, "PLAY_ON_SPOTIFY": True},
        "cells": [IMPORTS, setup('playlist = data.load_tracks(dedupe=True).head(PLAYLIST_LENGTH)\n'
                                 'name = f"{STRATEGY} my mood - happy"  # stands in for sections 1-4'),
                  "account.create_playlist(name, playlist"],
    },
    "05_clustering": {
        "parameters": {"SAVE_TO_SPOTIFY": True},
        "cells": [IMPORTS, setup(
            'tracks = helpers.data.load_tracks(dedupe=True)\n'
            'FEATURES = [f for f in AUDIO_FEATURES if f not in ("key", "mode")]\n'
            'scaler = StandardScaler().fit(tracks[FEATURES])\n'
            'pca = PCA(n_components=4, random_state=SEED).fit(scaler.transform(tracks[FEATURES]))\n'
            'kmeans = KMeans(n_clusters=4, n_init=1, random_state=SEED).fit(\n'
            '    pca.transform(scaler.transform(tracks[FEATURES])))\n'
            'tracks["cluster"] = kmeans.labels_\n'
            'names = {k: f"cluster {k}" for k in range(4)}  # stands in for sections 2-4'),
            "def playlist_from(", "saved = account.saved_tracks(", "my_chill = playlist_from(library"],
    },
    "07_lyrics_sentiment": {
        "parameters": {"FETCH_MY_LYRICS": True},
        "cells": [IMPORTS, setup("def unique_lines(text):  # stands in for section 2's cleaning\n"
                                 "    return [ln.strip() for ln in text.splitlines() if ln.strip()]"),
                  "def my_lyrics("],
    },
}


# A cell on the live path: it uses the account, connects, or reads a switch that talks to Spotify.
LIVE = re.compile(r"\baccount\s*[.=,]|spotify\.connect\(|SAVE_TO_SPOTIFY|PLAY_ON_SPOTIFY|FETCH_MY_LYRICS")


def live_cells(stem: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and LIVE.search(c.source)
            and "parameters" not in c.metadata.get("tags", [])]


def test_every_live_branch_cell_of_every_lesson_is_in_a_slice():
    """A lesson that gains a live-branch cell (or a lesson that starts connecting) fails here
    until SLICES runs it."""
    connecting = {p.stem for p in NOTEBOOKS.glob("*.ipynb") if live_cells(p.stem)}
    assert connecting == set(SLICES), f"lessons with live-branch cells: {sorted(connecting)}"
    for stem in SLICES:
        sliced = [c.source for c in slice_notebook(stem).cells]
        missing = [src[:80] for src in live_cells(stem) if src not in sliced]
        assert not missing, f"{stem}: live-branch cells not run against the stand-in: {missing}"


def slice_notebook(stem: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, f"{stem}: one tagged parameters cell expected"
    cells = [params[0]]
    for part in SLICES[stem]["cells"]:
        if isinstance(part, dict):
            cells.append(nbformat.v4.new_code_cell(part["setup"]))
            continue
        found = [c for c in code if part in c.source]
        assert len(found) == 1, f"{stem}: {len(found)} cells contain {part!r}; update SLICES"
        cells.append(found[0])
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = [nbformat.v4.new_code_cell(c.source, metadata=c.metadata) for c in cells]
    return out


@pytest.fixture(scope="module")
def server():
    with StandIn() as stand:
        yield stand


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(v) for v in (out.get("data") or {}).values())
            if out.get("output_type") == "error":
                parts.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


@pytest.mark.parametrize("stem", sorted(SLICES))
def test_lesson_live_branch_runs_through_a_real_login(stem, server, tmp_path, monkeypatch):
    from test_student_copies import run_headless

    server.requests.clear()
    server.played.clear()
    server.created.clear()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    cache = tmp_path / "cache"
    monkeypatch.setenv("SPOTIFY_ML_CACHE", str(cache))
    monkeypatch.setenv("SPOTIFY_ML_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("SPOTIFY_ML_STRICT_CHECKS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    source = tmp_path / f"{stem}.live.ipynb"
    nbformat.write(slice_notebook(stem), source)
    ran = run_headless(source, tmp_path / f"{stem}.out.ipynb", cwd=NOTEBOOKS, parameters=SLICES[stem]["parameters"])
    text = outputs_text(ran)
    assert "Connected to your Spotify account" in text, text[-2000:]
    assert "demo account" not in text.lower().replace("the demo account would", ""), text[-2000:]
    assert "ERROR" not in text and "SpotifyAccessError" not in text, text[-2000:]

    # A real login: one authorization, one code exchange, the token cached owner-only.
    assert [r["path"] for r in server.requests if not r["path"].startswith("/v1/")] == ["/authorize", "/api/token"]
    token_file = cache / "spotify-token.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = json.loads(token_file.read_text())
    saved = (tmp_path / f"{stem}.out.ipynb").read_text()
    assert token["access_token"] not in saved and token["refresh_token"] not in saved

    # Every call is current in the description and succeeded; the stand-in answered by the book.
    d = description()
    api = [r for r in server.requests if r["path"].startswith("/v1/")]
    assert api, "the live branch sent no API request"
    problems = [p for r in api for p in d.check_request(r["method"], f"{r['path']}?{r['query']}", r["body"] or None)]
    assert not problems, problems
    assert all(r["status"] < 400 for r in api), [(r["method"], r["path"], r["status"]) for r in api if r["status"] >= 400]
    assert not server.problems, server.problems

    calls = [(r["method"], d.operation(r["method"], r["path"]).path) for r in api]
    writes = [c for c in calls if c[0] != "GET"]
    if stem == "04_mood_playlist":
        assert writes == [("POST", "/me/playlists"), ("POST", "/playlists/{playlist_id}/items"),
                          ("PUT", "/me/player/play")]
        created = next(iter(server.created.values()))
        assert len(created["ids"]) == 20 and created["public"] is False
        assert server.played == [{"context_uri": f"spotify:playlist:{next(iter(server.created))}"}]
        assert "Now playing" in text
    elif stem == "05_clustering":
        assert writes == [("POST", "/me/playlists"), ("POST", "/playlists/{playlist_id}/items")] * 2
    elif stem == "01_recommender":
        assert writes == [("POST", "/me/playlists"), ("POST", "/playlists/{playlist_id}/items")]
        assert ("GET", "/playlists/{playlist_id}/items") in calls
    else:
        assert writes == [], f"{stem} wrote to the account: {writes}"
    if stem == "07_lyrics_sentiment":
        assert ("GET", "/me/top/tracks") in calls
        assert "lyrics service unavailable" in text  # the lyrics site is outside: never reached
