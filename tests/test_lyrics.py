"""helpers.lyrics: the interval-overlap test lesson 07 uses to compare decades (issue 20 §7), and the whole-word
test of its artist check."""

from __future__ import annotations

import pytest

from helpers.lyrics import intervals_overlap, is_run_of_words


def test_overlap_is_symmetric_and_needs_both_ends():
    assert intervals_overlap((0.0, 1.0), (0.5, 2.0))
    assert intervals_overlap((0.5, 2.0), (0.0, 1.0))
    assert intervals_overlap((0.0, 1.0), (1.0, 2.0))          # touching ends share a point
    assert intervals_overlap((0.0, 3.0), (1.0, 2.0))          # one inside the other
    assert not intervals_overlap((0.0, 1.0), (1.5, 2.0))      # wholly below
    # the old one-sided test (later_high >= first_low) said "overlap" here: the later interval lies wholly above
    assert not intervals_overlap((0.30, 0.40), (0.10, 0.20))
    assert not intervals_overlap((0.10, 0.20), (0.30, 0.40))


def test_a_reversed_interval_is_an_error():
    with pytest.raises(ValueError, match="low <= high"):
        intervals_overlap((1.0, 0.0), (0.0, 1.0))


def test_a_name_inside_another_must_be_whole_words():
    assert is_run_of_words("prince", ["prince", "and", "the", "revolution"])
    assert is_run_of_words("bobseger", ["bob", "seger", "the", "silver", "bullet", "band"])   # a run of two words
    assert is_run_of_words("mchammer", ["mc", "hammer"])
    assert not is_run_of_words("heart", ["joan", "jett", "the", "blackhearts"])    # a substring, not a word
    assert not is_run_of_words("raphaels", ["raphael", "saadiq"])
    assert not is_run_of_words("", ["anything"]) and not is_run_of_words("abc", [])
