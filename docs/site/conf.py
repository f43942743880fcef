"""Sphinx configuration of the course website (`make site`): Sphinx + MyST-NB + the book theme.

The pages are not written by hand: ``course_site.py`` (next to this file) writes them into the
source folder Sphinx is given, from notebooks/lessons.toml (the lesson list, times and data), the
executed lessons (``course_executed``, `make run`'s output/) and README.md. Build it with
``python tools/build_site.py``, which runs stale lessons first; see README "Read the lessons as a website".

Launch buttons (Binder, a JupyterHub, Colab) come from one setting, off by default:
``SPOTIFY_ML_LAUNCH`` (``make site LAUNCH=...``), described in ``course_site.launch_options``.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course_site import launch_options  # noqa: E402

project = "Spotify ML Workbook"
author = "the Spotify ML Workbook authors"
copyright = "the Spotify ML Workbook authors; datasets under their own licences"
language = "en"

extensions = ["myst_nb", "course_site"]
exclude_patterns = ["_extra", "**.ipynb_checkpoints"]

# MyST-NB: show the outputs stored in the executed lessons; never execute here (tools/build_site.py
# runs stale lessons with papermill, demo account only), and load no widget JavaScript from a CDN.
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_merge_streams = True
nb_output_stderr = "show"
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_title = project
html_copy_source = False  # the downloads are the stored notebook and the student copy, not the executed source
html_show_sourcelink = False
html_last_updated_fmt = None
html_permalinks_icon = "#"
html_css_files = ["course.css"]
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # a browser asks for one; without it every page logs a 404
html_context = {"default_mode": "light"}  # the reader can switch to dark or auto in the header
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
    "show_prev_next": True,
    "search_bar_text": "Search the lessons...",
    **launch_options(os.environ.get("SPOTIFY_ML_LAUNCH", "")),
}
