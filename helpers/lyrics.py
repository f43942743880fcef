"""Small, tested pieces of lesson 07 (lyrics sentiment) that are easy to get subtly wrong."""

from __future__ import annotations


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when the closed intervals ``a = (low, high)`` and ``b`` share at least one point.

    Both ends matter: testing only ``a_high >= b_low`` calls two intervals overlapping when ``a``
    lies wholly above ``b``.
    """
    (a_low, a_high), (b_low, b_high) = a, b
    if a_low > a_high or b_low > b_high:
        raise ValueError(f"an interval is (low, high) with low <= high, got {a} and {b}")
    return a_low <= b_high and b_low <= a_high
