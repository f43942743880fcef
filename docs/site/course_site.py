"""Sphinx extension that writes the course website's pages before Sphinx reads them.

From notebooks/lessons.toml (tools/lessons.py) it writes, into the source folder Sphinx was given:
``index.md`` (the course, the lesson table with times and data, how to install), one page per lesson
from its executed copy in ``course_executed`` (`make run`'s output/), the Spark companion
(``extras/``), ``data.md`` (datasets and licences, from README), and ``_extra/`` with each lesson's
stored notebook (no outputs) and its student copy (tools/make_student.py), published beside the
pages for the download buttons. Files are rewritten only when their content changes, so Sphinx
rebuilds only what changed.

Privacy: an executed lesson made with parameters, personal-data parameters on, or a real Spotify
login is refused (the site shows the demo account and the synthetic demo listener only); outputs
name folders, not the person (the checkout becomes ``<course>``, the home folder ``~``).
Accessibility: each figure gets the titles its cell sets as alt text, each audio player a label.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import lessons  # noqa: E402  tools/lessons.py: the one list of lessons
from make_student import student_copy  # noqa: E402

TITLE = "Spotify ML Workbook"
COMPANION = "extras/01_recommender_spark"
LIVE_MARKER = "Connected to your Spotify account"  # what helpers.spotify.connect() prints for a real login
# Parameters that bring in personal data or an account; on the site each must hold its "off" value.
PERSONAL = ["EXPORT_PATH", "PHOTO_PATH", "MPD_PATH", "PLAYLIST_ID", "USE_WEBCAM", "SAVE_TO_SPOTIFY", "FETCH_MY_LYRICS"]


class PersonalRunError(Exception):
    pass


# ---------------------------------------------------------------- launch buttons: one setting

LAUNCH_KEYS = {"repo", "branch", "binder", "hub", "colab", "ui"}


def launch_options(setting: str) -> dict:
    """Theme options for launch buttons from one setting, ``SPOTIFY_ML_LAUNCH`` (empty: no buttons).

    Space-separated ``key=value`` pairs: ``repo=`` the public git repository holding the course
    (required), ``branch=`` (main), and one or more of ``binder=`` a BinderHub (https://mybinder.org),
    ``hub=`` your JupyterHub (opened through nbgitpuller, which copies the course into the user's
    home), ``colab=`` (https://colab.research.google.com; GitHub repositories only); ``ui=lab|classic``.
    """
    parts = dict(p.split("=", 1) if "=" in p else (p, "") for p in setting.split())
    if not parts:
        return {}
    unknown = set(parts) - LAUNCH_KEYS
    if unknown or not parts.get("repo") or not {"binder", "hub", "colab"} & set(parts):
        raise ValueError(f"SPOTIFY_ML_LAUNCH={setting!r}: give repo=URL and one of binder=URL, hub=URL, "
                         f"colab=URL (known keys: {', '.join(sorted(LAUNCH_KEYS))})")
    buttons = {"notebook_interface": {"lab": "jupyterlab"}.get(parts.get("ui", "lab"), parts.get("ui"))}
    for key, option in [("binder", "binderhub_url"), ("hub", "jupyterhub_url"), ("colab", "colab_url")]:
        if key in parts:
            buttons[option] = parts[key]
    return {"repository_url": parts["repo"].removesuffix(".git"), "repository_branch": parts.get("branch", "main"),
            "path_to_docs": "notebooks", "launch_buttons": buttons}


# ---------------------------------------------------------------- privacy

def demo_only(nb: nbformat.NotebookNode) -> bool:
    """No parameters given, personal-data parameters off, and no real Spotify login in the outputs."""
    if nb.metadata.get("papermill", {}).get("parameters"):
        return False
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            for name, value in re.findall(rf"^({'|'.join(PERSONAL)})\s*=\s*([^#\n]*)", cell.source, re.M):
                if value.strip() not in {'""', "''", "False", "None"}:
                    return False
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")
    return LIVE_MARKER not in text


def scrub_paths(nb: nbformat.NotebookNode) -> None:
    """Outputs name folders, not the person: the checkout becomes `<course>` and the home folder `~`."""
    swaps = [(a, b) for a, b in [(str(REPO), "<course>"), (str(Path.home()), "~")] if len(a) > 1]

    def scrub(text):
        if isinstance(text, list):
            return [scrub(t) for t in text]
        for a, b in swaps:
            text = text.replace(a, b)
        return text

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = scrub(out["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in out.get("data", {}):
                    out["data"][mime] = scrub(out["data"][mime])


# ---------------------------------------------------------------- accessibility

TITLE_CALL = re.compile(r"""(?:\btitle\s*=\s*|set_title\(\s*|suptitle\(\s*|label\(\s*[\w.\[\]]+\s*,\s*)"""
                        r"""[rf]{0,2}(["'])(.+?)(?<!\\)\1""")


def figure_titles(source: str) -> list[str]:
    """The literal titles a code cell gives its figures (f-string fields shown as '…'), in order, once each."""
    titles = []
    for _, text in TITLE_CALL.findall(source):
        text = re.sub(r"\{[^{}]*\}", "…", text).strip()
        if text and text not in titles:
            titles.append(text)
    return titles


def label_outputs(nb: nbformat.NotebookNode, number: str) -> None:
    """Alt text for every figure (the titles its cell sets) and an aria-label for every audio player."""
    figure = audio = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        if any(k.startswith("image/") for o in outputs for k in o.get("data", {})):
            figure += 1
            titles = figure_titles(cell.source)
            alt = ("Figure: " + "; ".join(titles)) if titles else f"Figure {figure} of lesson {number}"
            cell.metadata.setdefault("mystnb", {})["image"] = {"alt": alt}
        said = ""
        for out in outputs:
            if out.get("output_type") == "stream" and out.get("text", "").strip():
                said = out["text"].strip().splitlines()[-1].strip()
            page = out.get("data", {}).get("text/html")
            if page and "<audio" in "".join(page):
                audio += 1
                label = html.escape(f"Audio {audio} of lesson {number}" + (f": {said}" if said else ""), quote=True)
                out["data"]["text/html"] = re.sub(r"<audio(?![^>]*aria-label)", f'<audio aria-label="{label}"',
                                                  "".join(page))


# ---------------------------------------------------------------- pages

def readme_sections(readme: str) -> dict[str, str]:
    """README.md split at its `## ` headings (prose the site quotes: intro, set-up, data and licences)."""
    sections: dict[str, str] = {}
    name, lines = "", []
    for line in readme.splitlines():
        if line.startswith("## "):
            sections[name] = "\n".join(lines).strip()
            name, lines = line[3:].strip(), []
        else:
            lines.append(line)
    sections[name] = "\n".join(lines).strip()
    return sections


def section(sections: dict[str, str], start: str) -> str:
    for name, text in sections.items():
        if name.lower().startswith(start.lower()):
            return text
    raise KeyError(f"README.md has no section starting with '## {start}'")


def lesson_title(nb: nbformat.NotebookNode, stem: str) -> str:
    """The lesson's first `# ` heading ("05 · Clusters of songs: ..."), else one made from its name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return f"{stem[:2]} {stem[3:].replace('_', ' ').capitalize()}"


def link_notebooks(nb: nbformat.NotebookNode, built: set[str]) -> None:
    """Markdown links to a lesson's .ipynb point at its page (or, when not on this site, at its download)."""
    def swap(m):
        stem = m.group(1)
        return f"({stem}.ipynb)" if stem in built else f"(notebooks/{stem}.ipynb)"

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\((?:\.\./notebooks/|\.\./|\./)?(\d\d_[A-Za-z0-9_]+)\.ipynb\)", swap, cell.source)


def note_cell(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(f"```{{admonition}} About this page\n:class: site-note\n\n{text}\n```")


def downloads(stem: str, up: str = "") -> str:
    return (f'Download <a href="{up}notebooks/{stem}.ipynb" download>the notebook</a> (as stored, without outputs) '
            f'or <a href="{up}student/{stem}.ipynb" download>the student copy</a> (solutions removed).')


def write_if_changed(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


class _Staging:
    """The page sources written so far (anything else left in `src` is an earlier build's and is removed)."""

    def __init__(self, src: Path):
        self.src, self.wanted = src, set()

    def put(self, rel: str, content: str | bytes) -> None:
        write_if_changed(self.src / rel, content)
        self.wanted.add(self.src / rel)

    def put_downloads(self, stem: str, source: Path) -> None:
        """The stored notebook (no outputs) and its student copy, for the page's download menu."""
        stored = nbformat.read(source, as_version=4)
        self.put(f"_extra/notebooks/{stem}.ipynb", source.read_bytes())
        self.put(f"_extra/student/{stem}.ipynb", nbformat.writes(student_copy(stored)[0]) + "\n")

    def remove_the_rest(self) -> None:
        for old in [p for p in self.src.rglob("*") if p.is_file()]:
            if old not in self.wanted:
                old.unlink()


def stage(src: Path, executed: Path, only: list[str] | None = None) -> dict[str, str]:
    """Write every page's source into `src`; returns {docname: stem} of the notebook pages."""
    course = lessons.load()
    unknown = set(only or []) - {x["stem"] for x in course}
    if unknown:
        raise ValueError(f"not in notebooks/lessons.toml: {', '.join(sorted(unknown))}")
    chosen = [x for x in course if not only or x["stem"] in only]
    built = {x["stem"] for x in chosen}
    staging = _Staging(src)
    titles = {x["stem"]: _stage_lesson(staging, x, executed, built) for x in chosen}
    companion_title = _stage_companion(staging, executed, built)
    sections = readme_sections((REPO / "README.md").read_text(encoding="utf-8"))
    staging.put("index.md", _home_page(sections, chosen, titles, companion_title))
    staging.put("data.md", "# Data and licences\n\n" + section(sections, "Where the data comes from")
                + "\n\n## Licence of the course\n\nThe course code and the `helpers` package are MIT-licensed "
                  "(see `pyproject.toml`). Each dataset keeps the licence in the table above; lyrics remain their "
                  "owners' copyright and are never published here beyond short excerpts.\n")
    staging.remove_the_rest()
    return {**{x["stem"]: x["stem"] for x in chosen}, COMPANION: COMPANION.split("/")[1]}


def _stage_lesson(staging: _Staging, lesson: dict, executed: Path, built: set[str]) -> str:
    """One lesson's page from its executed run (demo account only); returns its title."""
    stem, run = lesson["stem"], executed / f"{lesson['stem']}.ipynb"
    if not run.exists():
        raise FileNotFoundError(f"{run} is missing: run `make site` (it executes stale lessons) or `make run`")
    nb = nbformat.read(run, as_version=4)
    if not demo_only(nb):
        raise PersonalRunError(f"{run} ran with changed parameters or your own Spotify account; the site "
                               f"shows the demo only. Delete it and run `make site` again.")
    title = lesson_title(nb, stem)
    nb.metadata.pop("widgets", None)  # widget state would need the widget manager from the internet
    link_notebooks(nb, built)
    scrub_paths(nb)
    label_outputs(nb, lesson["number"])
    nb.cells.insert(1, note_cell(
        f"**Lesson {lesson['number']}**, about {lesson['time']}. **You learn:** {lesson['teaches']}. "
        f"**Data:** {lesson['data']}.\n\nThis page shows one run of the lesson on the demo account and the "
        f"synthetic demo listener. [Install the course](index.md#install) to run it yourself. "
        + downloads(stem)))
    staging.put(f"{stem}.ipynb", nbformat.writes(nb))
    staging.put_downloads(stem, REPO / "notebooks" / f"{stem}.ipynb")
    return title


def _stage_companion(staging: _Staging, executed: Path, built: set[str]) -> str:
    """The Spark companion: its executed copy when one is there, else the stored notebook (Spark needs Java)."""
    stored = REPO / "notebooks" / f"{COMPANION}.ipynb"
    run = executed / f"{COMPANION}.ipynb"
    nb = nbformat.read(run if run.exists() else stored, as_version=4)
    if run.exists() and not demo_only(nb):
        raise PersonalRunError(f"{run} ran with changed parameters or your own Spotify account; delete it.")
    scrub_paths(nb)
    label_outputs(nb, "01 (Spark)")
    link_notebooks(nb, built)
    for cell in nb.cells:  # links from extras/ to the lessons
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\((notebooks/)?(\d\d_\w+\.ipynb)\)", lambda m: f"(../{m.group(1) or ''}{m.group(2)})",
                                 cell.source)
    nb.cells.insert(1, note_cell(
        "**Optional companion to lesson 01**: Spark MLlib's ALS on the same data, and what Spark costs. "
        + ("This page shows one run on the demo account. " if run.exists() else
           "Shown without outputs: it needs Java 17 or 21 (`make spark` checks). ") + downloads(COMPANION.split("/")[1], "../")))
    staging.put(f"{COMPANION}.ipynb", nbformat.writes(nb))
    staging.put_downloads(COMPANION.split("/")[1], stored)
    return lesson_title(nb, COMPANION)


def _home_page(sections: dict[str, str], chosen: list[dict], titles: dict[str, str], companion_title: str) -> str:
    """The home page: README's intro and set-up, and the lesson table from notebooks/lessons.toml."""
    rows = ["| # | Lesson | What you learn | Data | Time |", "|---|---|---|---|---|"]
    rows += [f"| {x['number']} | [{titles[x['stem']].split(' · ', 1)[-1]}]({x['stem']}.ipynb) | {x['teaches']} | "
             f"{x['data']} | {x['time']} |" for x in chosen]
    toc = "\n".join(x["stem"] for x in chosen)
    intro = sections[""].replace(f"# {TITLE}", "").strip()
    return f"""# {TITLE}

{intro}

Every lesson is shown here with the outputs, figures and sound of one run, so you can read it before
installing anything (the full install is about 3.5 GB). Each page offers the notebook and its student
copy to download.

## Who it is for

{section(sections, "Who it is for")}

## The lessons

{chr(10).join(rows)}

Optional: [{companion_title}]({COMPANION}.ipynb), after lesson 01.

(install)=
## Install and run it yourself

{section(sections, "Set up")}

The datasets and their licences are listed on the [data page](data.md).

```{{toctree}}
:hidden:
:caption: Lessons

{toc}
```

```{{toctree}}
:hidden:
:caption: Optional

{COMPANION}
```

```{{toctree}}
:hidden:
:caption: About

data
```
"""


# ---------------------------------------------------------------- Sphinx hooks

def _stage(app) -> None:
    executed = Path(app.config.course_executed or REPO / "output")
    only = [s for s in app.config.course_lessons.split(",") if s.strip()] or None
    app.env.course_pages = stage(Path(app.srcdir), executed, only)


def _extra_path(app, config) -> None:
    extra = Path(app.srcdir) / "_extra"  # filled by _stage; Sphinx checks it exists before that
    extra.mkdir(parents=True, exist_ok=True)
    config.html_extra_path = [str(extra)]


def _download_buttons(app, pagename, templatename, context, doctree) -> None:
    """The theme's download menu offers the stored notebook and the student copy (and print to PDF)."""
    stem = getattr(app.env, "course_pages", {}).get(pagename)
    buttons = context.get("header_buttons", [])
    for group in [b for b in buttons if b.get("label") == "download-buttons"]:
        keep = [b for b in group["buttons"] if b.get("label") == "download-pdf-button"]
        if stem:
            keep[:0] = [
                {"type": "link", "url": context["pathto"](f"notebooks/{stem}.ipynb", 1), "text": "notebook .ipynb",
                 "icon": "fas fa-code", "tooltip": "Download the notebook (as stored, without outputs)",
                 "label": "download-notebook-button"},
                {"type": "link", "url": context["pathto"](f"student/{stem}.ipynb", 1), "text": "student copy .ipynb",
                 "icon": "fas fa-graduation-cap", "tooltip": "Download the student copy (solutions removed)",
                 "label": "download-student-button"},
            ]
        group["buttons"] = keep


def setup(app):
    app.add_config_value("course_executed", "", "env")  # folder of executed lessons (output/)
    app.add_config_value("course_lessons", "", "env")  # comma-separated stems; empty: every lesson in lessons.toml
    app.connect("config-inited", _extra_path)
    app.connect("builder-inited", _stage)
    app.connect("html-page-context", _download_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}


if __name__ == "__main__":  # debugging: python docs/site/course_site.py SRC EXECUTED [STEM...]
    print(json.dumps(stage(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None), indent=1))
