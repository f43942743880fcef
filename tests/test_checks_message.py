"""A failed numeric self-check shows the student's number with at least 6 significant digits
(issue 20 §8): a t-quantile answer off by 1e-5 was rejected as "-0.125 is not what we expected"."""

from __future__ import annotations

import pytest

from helpers import checks


def test_a_close_miss_is_shown_with_enough_digits_to_see_the_difference():
    with checks.strict(), pytest.raises(checks.ExerciseError) as caught:
        checks.check_close("t quantile", -0.12499, -0.125, tol=1e-6)
    message = str(caught.value)
    assert "-0.124990 is not what we expected" in message
    assert "within 1e-06" in message
    assert "-0.125000" not in message and "-0.125 " not in message   # the expected value is not given away


def test_digits_grow_until_the_answer_differs_from_the_expected_value():
    with checks.strict(), pytest.raises(checks.ExerciseError, match=r"0\.1250000001 is not"):
        checks.check_close("share", 0.1250000001, 0.125, tol=1e-12)
    with checks.strict(), pytest.raises(checks.ExerciseError, match=r"0\.395000 is outside the expected range"):
        checks.check_between("auc", 0.395, 0.4, 0.5)
    with checks.strict(), pytest.raises(checks.ExerciseError, match=r"count: 1234567 is not"):
        checks.check_close("count", 1234567, 1234570, tol=0.5)
    with checks.strict(), pytest.raises(checks.ExerciseError, match=r"count: 1\.23457e\+06 is not"):
        checks.check_close("count", 1234567, 2.0, tol=0.5)


def test_printed_message_outside_strict_mode_has_the_digits(capsys):
    with checks.strict(False):
        checks.check_close("mean", 2.0000031, 2.0, tol=1e-6)
    assert "2.000003 is not what we expected" in capsys.readouterr().out
