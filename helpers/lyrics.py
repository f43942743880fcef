"""Small, tested pieces of lesson 07 (lyrics sentiment) that are easy to get subtly wrong: the two-sided
interval-overlap test, and the whole-word test of its artist check."""

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


def is_run_of_words(letters: str, words: list[str]) -> bool:
    """True when ``letters`` equals some consecutive *whole* words of ``words``, joined without spaces.

    The artist check of lesson 07 accepts one artist name inside another only this way: "prince" is a run of
    ``["prince", "and", "the", "revolution"]``, but "heart" is not one of ``["joan", "jett", "the", "blackhearts"]``,
    although it is a substring of the letters "joanjettheblackhearts".
    """
    return bool(letters) and any("".join(words[i:j]) == letters
                                 for i in range(len(words)) for j in range(i + 1, len(words) + 1))
