"""Quiet start-up: TensorFlow 2.21 writes log lines from C++ when it is imported, before it reads
``TF_CPP_MIN_LOG_LEVEL``. Students should not have to wonder whether "failed call to cuInit" is an error.

Used by lessons 01, 02, 04 (through ``helpers.emotion``), 08 and 10, wherever Keras is imported."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager


@contextmanager
def quiet_native_stderr():
    """Silence what C/C++ code writes to file descriptor 2 (Python exceptions are unaffected).

        with quiet_native_stderr():
            import keras
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's later C++ logs, unless you set it
    try:
        sys.stderr.flush()
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        yield  # no real stderr (some embedded interpreters): nothing to silence
        return
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
