"""Writing a file so that no reader ever sees half of it (used by helpers.results and helpers.listener)."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write a temp file in the same folder, then rename it over ``path``: readers never see half a file.

    A concurrent notebook reading the demo export, or a second kernel recording metrics, sees the old
    file or the new one, never a mixture; a failed write leaves the old file and no temp file behind.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")   # one per process: no clash even unlocked
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
