"""helpers.lyrics: the interval-overlap test lesson 07 uses to compare decades (issue 20 §7)."""

from __future__ import annotations

import pytest

from helpers.lyrics import intervals_overlap


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
