"""`make site`: run the stale lessons, then build the course website with Sphinx + MyST-NB + the book theme.

    python tools/build_site.py                          # every lesson in notebooks/lessons.toml into site/
    python tools/build_site.py --no-execute --executed DIR --out DIR --only 00_start_here 05_clustering

A lesson runs headless with papermill into ``output/`` (as ``make run`` does) unless ``output/``
already holds a fresh run: newer than the notebook and every ``helpers/*.py``, made with the default
parameters and the demo account (``SPOTIPY_CLIENT_ID`` is removed). Sphinx then renders the stored
outputs without executing anything (docs/site/conf.py; the pages are written by docs/site/course_site.py).
Launch buttons: ``SPOTIFY_ML_LAUNCH`` (see README "Read the lessons as a website").
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "docs" / "site"
sys.path.insert(0, str(CONF))
import course_site  # noqa: E402  (also makes tools/ importable)
import lessons  # noqa: E402


def is_fresh(source: Path, executed: Path) -> bool:
    """True when `executed` is a demo-account run of `source` newer than it and than the helpers."""
    if not executed.exists():
        return False
    newest = max([source.stat().st_mtime] + [p.stat().st_mtime for p in (REPO / "helpers").glob("*.py")])
    if executed.stat().st_mtime < newest:
        return False
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return False
    if nb.metadata.get("papermill", {}).get("exception") or not course_site.demo_only(nb):
        return False
    # A run under MPLBACKEND=Agg (as CI sets) holds no figures: run it again with the inline backend.
    draws = "plt." in "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return not draws or any(k.startswith("image/") for c in nb.cells if c.cell_type == "code"
                            for o in c.get("outputs", []) for k in o.get("data", {}))


def execute(source: Path, executed: Path) -> None:
    import papermill

    print(f"executing {source.name} -> {executed}", flush=True)
    os.environ.pop("SPOTIPY_CLIENT_ID", None)  # the demo account and demo listener only
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures into the page, not Agg
    executed.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(str(source), str(executed), cwd=str(source.parent), progress_bar=False,
                               start_timeout=180, execution_timeout=1200)  # a hung cell fails, never waits forever


def reused(source: Path, executed: Path) -> bool:
    """True, saying so, when `executed` is a fresh run of `source` (``is_fresh``) that the site can show."""
    if is_fresh(source, executed):
        print(f"reusing {executed} (newer than the notebook and helpers/)")
        return True
    return False


def run_companion(executed: Path) -> None:
    """The Spark companion runs too when Java 17/21 is here; without Java its page shows the stored notebook
    (a failed run is removed, so the page never shows a half-run notebook)."""
    from helpers import spark
    from helpers.errors import CourseError

    source, target = REPO / "notebooks" / f"{course_site.COMPANION}.ipynb", executed / f"{course_site.COMPANION}.ipynb"
    if reused(source, target):
        return
    try:
        spark.check_java()
    except CourseError:
        print(f"not running {source.name}: Spark needs Java 17 or 21 (`make spark` checks); its page has no outputs")
        return
    try:
        execute(source, target)
    except Exception as e:  # the lessons' pages still build; the companion's shows the stored notebook
        target.unlink(missing_ok=True)
        print(f"{source.name} failed ({type(e).__name__}); its page shows the stored notebook", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--executed", type=Path, default=REPO / "output", help="executed copies (make run's output/)")
    ap.add_argument("--out", type=Path, default=REPO / "site")
    ap.add_argument("--work", type=Path, help="Sphinx's sources and doctrees (default: EXECUTED/.site-build)")
    ap.add_argument("--only", nargs="*", help="lesson stems to include (default: every lesson in lessons.toml)")
    ap.add_argument("--no-execute", action="store_true", help="use the executed copies as they are")
    args = ap.parse_args(argv)

    stems = [x["stem"] for x in lessons.load()]
    if args.only:
        missing = set(args.only) - set(stems)
        if missing:
            raise SystemExit(f"not in notebooks/lessons.toml: {', '.join(sorted(missing))}")
        stems = [s for s in stems if s in args.only]
    for stem in stems:
        source, target = REPO / "notebooks" / f"{stem}.ipynb", args.executed / f"{stem}.ipynb"
        if args.no_execute:
            if not target.exists():
                raise SystemExit(f"{target} is missing; run without --no-execute")
        elif not reused(source, target):
            execute(source, target)
    if not args.no_execute and not args.only:
        run_companion(args.executed)

    from sphinx.cmd.build import build_main

    work = (args.work or args.executed / ".site-build").resolve()
    (work / "src").mkdir(parents=True, exist_ok=True)
    try:
        code = build_main(["-b", "html", "-q", "-c", str(CONF), "-d", str(work / "doctrees"),
                           "-D", f"course_executed={args.executed.resolve()}", "-D", f"course_lessons={','.join(stems)}",
                           str(work / "src"), str(args.out.resolve())])
    except course_site.PersonalRunError as e:
        raise SystemExit(str(e))
    if code == 0:
        print(f"wrote the site to {args.out}; open {args.out / 'index.html'} or "
              f"python3 -m http.server -d {args.out} 8000")
    return code


if __name__ == "__main__":
    sys.exit(main())
