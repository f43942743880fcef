"""Build the course as a static website: the lessons with their outputs, readable without installing.

    python tools/build_site.py                      # what `make site` runs: execute stale lessons, then build
    python tools/build_site.py --no-execute --executed DIR --out DIR --only 00_start_here 05_clustering

Each lesson runs headless with papermill into ``output/`` (as ``make run`` does) unless ``output/``
already holds a fresh run: one newer than the notebook and than every ``helpers/*.py``, made with the
notebook's default parameters and the demo account. Runs are made with ``SPOTIPY_CLIENT_ID`` removed,
so pages show only the demo account and the synthetic demo listener, never personal data.

The site is rendered offline by nbconvert's ``lab`` template with every script that would load
from the internet (require.js, MathJax, Mermaid, the widget manager) left out; figures are embedded
as data URIs and audio players keep their ``<audio>`` data. Pages: ``index.html`` (what the course
is, the lesson table, how to install, built from README.md), one page per lesson with previous/next
links, and ``data.html`` (datasets and licences).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

import lessons  # tools/lessons.py: the lesson list (notebooks/lessons.toml)

REPO = Path(__file__).resolve().parents[1]
TITLE = "Spotify ML Workbook"
LIVE_MARKER = "Connected to your Spotify account"  # what helpers.spotify.connect() prints for a real login

TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{#- Offline: no script from the internet. The widget manager, require.js, MathJax and Mermaid are left out. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<link rel="icon" href="data:,">
<style type="text/css">
body.jp-Notebook { max-width: 1100px; margin: 0 auto; padding: 0 1em; }
nav.site-nav { display: flex; gap: 1.5em; align-items: baseline; flex-wrap: wrap; padding: 0.8em 0;
  border-bottom: 1px solid #ddd; font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; }
nav.site-nav.bottom { border-top: 1px solid #ddd; border-bottom: none; margin-top: 2em; }
nav.site-nav .home { font-weight: bold; }
nav.site-nav .spacer { flex: 1; }
.site-note { background: #f3f7ff; border-left: 4px solid #4a7bd0; padding: 0.6em 1em; margin: 1em 0;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.site_nav_top }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.site_nav_bottom }}
{{ super() }}
{%- endblock body_footer -%}
"""


# ---------------------------------------------------------------- README

def readme_sections(readme: str) -> dict[str, str]:
    """README.md split at its `## ` headings; the text before the first heading is under ''."""
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


def find_section(sections: dict[str, str], start: str) -> str:
    for name, text in sections.items():
        if name.lower().startswith(start.lower()):
            return text
    raise KeyError(f"README.md has no section starting with '## {start}'")


def link_lessons(table_md: str, built: set[str]) -> str:
    """README's lesson table with each built lesson's name linked to its page."""
    return re.sub(r"`(\d\d_[A-Za-z0-9_]+)`",
                  lambda m: f"[{m.group(1)}]({m.group(1)}.html)" if m.group(1) in built else m.group(0),
                  table_md)


# ---------------------------------------------------------------- executing

def is_fresh(source: Path, executed: Path) -> bool:
    """True when `executed` is a run of `source` newer than it and than the helpers, with the
    personal-data parameters off and no real Spotify login."""
    if not executed.exists():
        return False
    newest = max([source.stat().st_mtime] + [p.stat().st_mtime for p in (REPO / "helpers").glob("*.py")])
    if executed.stat().st_mtime < newest:
        return False
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return False
    if nb.metadata.get("papermill", {}).get("exception") or not demo_only(nb):
        return False
    # A run under MPLBACKEND=Agg (as CI sets) holds no figures: run it again with the inline backend.
    draws = "plt." in "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return not draws or figure_count(nb) > 0


def figure_count(nb: nbformat.NotebookNode) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if any(k.startswith("image/") for k in o.get("data", {})))


# Parameters that bring in personal data or an account; on the site each must hold its "off" value.
PERSONAL = ["EXPORT_PATH", "PHOTO_PATH", "MPD_PATH", "PLAYLIST_ID", "USE_WEBCAM", "SAVE_TO_SPOTIFY", "FETCH_MY_LYRICS"]


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


def execute(source: Path, executed: Path) -> None:
    import papermill

    print(f"executing {source.name} -> {executed}", flush=True)
    os.environ.pop("SPOTIPY_CLIENT_ID", None)  # the demo account and demo listener only
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures into the page, not Agg
    executed.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(str(source), str(executed), cwd=str(source.parent), progress_bar=False,
                               start_timeout=180, execution_timeout=1200)  # a hung cell fails, never waits forever


# ---------------------------------------------------------------- rendering

def nav(pages: list[tuple[str, str]], index: int | None, bottom: bool = False) -> str:
    """Home, previous/next lesson and data links; `pages` is [(file, title)] of the lessons."""
    parts = [f'<nav class="site-nav{" bottom" if bottom else ""}">',
             f'<a class="home" href="index.html">{TITLE}</a>']
    if index is not None:
        if index > 0:
            parts.append(f'<a class="prev" href="{pages[index - 1][0]}">&larr; {html.escape(pages[index - 1][1])}</a>')
        parts.append('<span class="spacer"></span>')
        if index + 1 < len(pages):
            parts.append(f'<a class="next" href="{pages[index + 1][0]}">{html.escape(pages[index + 1][1])} &rarr;</a>')
    else:
        parts.append('<span class="spacer"></span>')
    parts.append('<a class="data" href="data.html">Data and licences</a>')
    parts.append("</nav>")
    return "\n".join(parts)


def exporter() -> HTMLExporter:
    return HTMLExporter(extra_loaders=[DictLoader({"site.html.j2": TEMPLATE})], template_file="site.html.j2")


def render(nb: nbformat.NotebookNode, name: str, top: str, bottom: str, title: str) -> str:
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)  # the widget manager would load from the internet
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": name},
                                                           "site_nav_top": top, "site_nav_bottom": bottom})
    return body


def link_notebooks(nb: nbformat.NotebookNode, built: set[str]) -> None:
    """Markdown links to another lesson's .ipynb point at its page."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\((?:\.\./notebooks/|\./)?(\d\d_[A-Za-z0-9_]+)\.ipynb\)",
                                 lambda m: f"({m.group(1)}.html)" if m.group(1) in built else m.group(0),
                                 cell.source)


def scrub_paths(nb: nbformat.NotebookNode) -> None:
    """Outputs name folders, not the person: the checkout becomes `<course>` and the home folder `~`."""
    swaps = [(str(REPO), "<course>"), (str(Path.home()), "~")]
    swaps = [(a, b) for a, b in swaps if len(a) > 1]

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


def lesson_title(nb: nbformat.NotebookNode, stem: str) -> str:
    """The lesson's first `# ` heading ("05 · Clusters of songs: ..."), else one made from its name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return f"{stem[:2]} {stem[3:].replace('_', ' ').capitalize()}"


def markdown_page(*texts: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(t) for t in texts])


def build(executed_dir: Path, out: Path, stems: list[str], readme: Path) -> list[Path]:
    sections = readme_sections(readme.read_text(encoding="utf-8"))
    course = lessons.load()
    rows = {x["stem"]: x for x in course}
    stems = sorted(stems)
    notebooks = {s: nbformat.read(executed_dir / f"{s}.ipynb", as_version=4) for s in stems}
    pages = [(f"{s}.html", lesson_title(notebooks[s], s)) for s in stems]
    built = set(stems)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []

    for i, stem in enumerate(stems):
        nb = notebooks[stem]
        if not demo_only(nb):
            raise SystemExit(f"{executed_dir / stem}.ipynb ran with changed parameters or your own Spotify "
                             f"account; the site shows the demo only. Delete it and run `make site` again.")
        link_notebooks(nb, built)
        scrub_paths(nb)
        row = rows.get(stem)
        about = (f"**Lesson {row['number']}**, about {row['time']}. You learn: {row['teaches']}. "
                 f"Data: {row['data']}.\n\n" if row else "")
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f'<div class="site-note">\n\n{about}This page shows one run of the lesson on the demo account and '
            f'the synthetic demo listener. [Install the course](index.html#install) to run it yourself.\n\n</div>'))
        page = render(nb, stem, nav(pages, i), nav(pages, i, bottom=True), f"{pages[i][1]} - {TITLE}")
        written.append(out / f"{stem}.html")
        written[-1].write_text(page, encoding="utf-8")

    intro = sections[""].replace(f"# {TITLE}", "").strip()
    table = link_lessons(lessons.readme_table(course), built)
    home = markdown_page(
        f"# {TITLE}\n\n{intro}\n\nEvery lesson below is shown here with the outputs, figures and sound of "
        f"one run, so you can read it before installing anything (the full install is about 3.5 GB).",
        "## Who it is for\n\n" + find_section(sections, "Who it is for"),
        "## The lessons\n\n" + table,
        '<a id="install"></a>\n\n## Install and run it yourself\n\n' + find_section(sections, "Set up")
        + "\n\nThe datasets and their licences are listed on the [data page](data.html).",
    )
    written.append(out / "index.html")
    written[-1].write_text(render(home, "index", nav(pages, None), nav(pages, None, bottom=True), TITLE),
                           encoding="utf-8")

    data = markdown_page(
        "# Data and licences\n\n" + find_section(sections, "Where the data comes from"),
        "## Licence of the course\n\nThe course code and the `helpers` package are MIT-licensed "
        "(see `pyproject.toml`). Each dataset keeps the licence in the table above; lyrics remain their "
        "owners' copyright and are never published here beyond short excerpts.",
    )
    written.append(out / "data.html")
    written[-1].write_text(render(data, "data", nav(pages, None), nav(pages, None, bottom=True),
                                  f"Data and licences - {TITLE}"), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    ap.add_argument("--executed", type=Path, default=REPO / "output", help="executed copies (make run's output/)")
    ap.add_argument("--out", type=Path, default=REPO / "site")
    ap.add_argument("--readme", type=Path, default=REPO / "README.md")
    ap.add_argument("--only", nargs="*", help="lesson stems to include (default: every notebook)")
    ap.add_argument("--no-execute", action="store_true", help="use the executed copies as they are")
    args = ap.parse_args(argv)

    sources = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        sources = [s for s in sources if s.stem in set(args.only)]
        missing = set(args.only) - {s.stem for s in sources}
        if missing:
            raise SystemExit(f"no such notebook: {', '.join(sorted(missing))}")
    for source in sources:
        target = args.executed / source.name
        if args.no_execute:
            if not target.exists():
                raise SystemExit(f"{target} is missing; run without --no-execute")
        elif is_fresh(source, target):
            print(f"reusing {target} (newer than the notebook and helpers/)")
        else:
            execute(source, target)
    written = build(args.executed, args.out, [s.stem for s in sources], args.readme)
    print(f"wrote {len(written)} pages to {args.out}; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
