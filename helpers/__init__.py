"""Shared helpers for the Spotify ML Workbook: data, Spotify access, plotting, results, checks.

Every notebook starts with ``helpers.setup_notebook("NN_name", seed=SEED)``.
"""

from __future__ import annotations

import os
import random

import numpy as np

from . import checks, data, errors, plotting, results, spotify
from .errors import CourseError
from .quiet import quiet_native_stderr

__all__ = ["checks", "data", "errors", "plotting", "results", "spotify", "CourseError", "quiet_native_stderr", "set_seeds",
           "setup_notebook", "show_source"]
__version__ = "0.1.0"

DEFAULT_SEED = 42


def set_seeds(seed: int = DEFAULT_SEED) -> int:
    """Seed Python, NumPy and (if already imported) TensorFlow/Keras, so reruns give the same numbers."""
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import sys
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    elif "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
    return seed


def setup_notebook(stem: str, seed: int = DEFAULT_SEED) -> None:
    """One call at the top of each notebook: seeds, plotting style, and where results are recorded."""
    set_seeds(seed)
    plotting.use_style()
    results.set_notebook(stem)


def show_source(*functions) -> None:
    """Show the code of helpers a lesson teaches but keeps in ``helpers/`` because a later lesson reuses it."""
    import inspect

    from IPython.display import Code, display

    for function in functions:
        display(Code(inspect.getsource(function), language="python"))
