"""One plotting style for the whole course, with a colour-blind-safe palette (Okabe-Ito).

Used by every lesson and the Spark companion.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

# Okabe & Ito (2008): distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = "viridis"   # perceptually uniform, colour-blind safe
DIVERGING = "vlag"


def use_style() -> None:
    """Apply the course style to matplotlib and seaborn (called by ``helpers.setup_notebook``)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    mpl.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 90,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": SEQUENTIAL,
    })


def colors(n: int) -> list[str]:
    """``n`` palette colours (cycled when n exceeds the palette)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def show(fig=None) -> None:
    """Lay out and display the current figure, then close it so memory does not grow."""
    fig = fig or plt.gcf()
    fig.tight_layout()
    plt.show()
    plt.close(fig)
