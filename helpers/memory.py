"""Peak memory of a piece of work: this process, the processes it started (Spark's JVM, a notebook kernel), or both.

Used by the Spark companion (notebooks/extras/01_recommender_spark.ipynb: implicit vs Spark) and by
``make bench`` (tools/benchmark.py: each notebook's kernel).
"""

from __future__ import annotations

import os
import threading

def tree_rss(pid: int | None = None, which: str = "all") -> int:
    """Resident memory (bytes) of a process and its children, e.g. this kernel plus Spark's JVM.

    ``which``: "all" (the process and every child), "self" (the process only: an in-memory library
    such as ``implicit``) or "children" (only what it started: Spark's JVM).
    """
    import psutil

    if which not in {"all", "self", "children"}:
        raise ValueError("which must be 'all', 'self' or 'children'")
    try:
        root = psutil.Process(pid or os.getpid())
        procs = ([root] if which != "children" else []) + (root.children(recursive=True) if which != "self" else [])
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakMemory:
    """Sample ``tree_rss(which=...)`` every ``interval`` seconds in a thread; ``peak``, ``start`` in bytes.

        with PeakMemory("self") as mem:
            model.fit(X)
        print(mem.peak / 1e9, "GB at most")
    """

    def __init__(self, which: str = "all", interval: float = 0.05):
        self.which, self.interval = which, interval
        self.start = self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(which=self.which))
            self._stop.wait(self.interval)

    def __enter__(self):
        self.start = self.peak = tree_rss(which=self.which)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(which=self.which))
        return False
