"""The course's lessons, from the one list that describes them: notebooks/lessons.toml.

The README's lesson table, the site (docs/site/course_site.py, run by `make site`), the benchmark's time budgets
(tools/benchmark.py) and the tests read this list, so adding a lesson means one entry here:

    python tools/lessons.py          # check that README's table matches notebooks/lessons.toml
    python tools/lessons.py --write  # rewrite README's table from it (`make lessons`)
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSONS_FILE = REPO / "notebooks" / "lessons.toml"
BEGIN = "<!-- lessons: generated from notebooks/lessons.toml by `make lessons`; edit that file, not this table -->"
END = "<!-- /lessons -->"
FIELDS = {"stem", "teaches", "data", "time"}
DEFAULT_BUDGET_S = 180
"""Each lesson runs top to bottom in under 3 minutes on 2 cores unless its entry says ``budget_s``."""


def load(path: Path = LESSONS_FILE) -> list[dict]:
    """Every lesson's entry, in course order; a missing field or a stem without a notebook is refused by name."""
    lessons = tomllib.loads(path.read_text(encoding="utf-8"))["lessons"]
    for n, lesson in enumerate(lessons, 1):
        missing = FIELDS - set(lesson)
        if missing:
            raise ValueError(f"{path}: lesson {n} ({lesson.get('stem', '?')}) lacks {sorted(missing)}")
        lesson.setdefault("budget_s", DEFAULT_BUDGET_S)
        lesson["number"] = lesson["stem"][:2]
    return lessons


def readme_table(lessons: list[dict]) -> str:
    """The Markdown table the README shows (and the site's home page)."""
    rows = ["| # | Notebook | What you learn | Data | Time |", "|---|---|---|---|---|"]
    rows += [f"| {x['number']} | `{x['stem']}` | {x['teaches']} | {x['data']} | {x['time']} |" for x in lessons]
    return "\n".join(rows)


def with_table(readme: str, lessons: list[dict]) -> str:
    """``readme`` with the text between the markers replaced by the table."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README.md lacks the markers around the lesson table:\n{BEGIN}\n...\n{END}")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{readme_table(lessons)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite README.md's lesson table")
    args = ap.parse_args(argv)
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    wanted = with_table(text, load())
    if args.write:
        readme.write_text(wanted, encoding="utf-8")
        print(f"README.md's lesson table written from {LESSONS_FILE.relative_to(REPO)}")
        return 0
    if wanted != text:
        print("README.md's lesson table differs from notebooks/lessons.toml: run `make lessons`.")
        return 1
    print("README.md's lesson table matches notebooks/lessons.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
