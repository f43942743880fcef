"""Likely wrong answers for notebook 09's exercises (tests/test_student_copies.py feeds them to the self-checks).

Keyed by each exercise's id, the name of its first self-check. Each must be rejected on the demo listener and
on a basic export too (where the label is "played < 30 s").
"""
WRONG = {
    "plays_before on the toy frame": {   # exercise 1: plays_before
        "counts the current play too": "return frame.groupby(key, sort=False).cumcount() + 1",
        "counts later plays instead of earlier ones": "return frame.groupby(key, sort=False).cumcount(ascending=False)",
        "all plays of the key, earlier and later": "return frame.groupby(key, sort=False)[key].transform('size') - 1",
    },
    "whole_export_rate on the toy frame": {   # exercise 2: the whole-export skip rate (the leak)
        "the honest rate over earlier plays (no leak)":
            "return (frame.groupby(key, sort=False)['skip'].cumsum() - frame['skip']) / frame.groupby(key, sort=False).cumcount()",
        "earlier plays and this one, not later ones":
            "return frame.groupby(key, sort=False)['skip'].cumsum() / (frame.groupby(key, sort=False).cumcount() + 1)",
        "leave one out: the other plays of the key only":
            "g = frame.groupby(key, sort=False)['skip']\nreturn (g.transform('sum') - frame['skip']) / (g.transform('size') - 1)",
        "the number of skips, not the rate": "return frame.groupby(key, sort=False)['skip'].transform('sum')",
        "the overall skip rate, not per key": "return pd.Series(frame['skip'].mean(), index=frame.index)",
        "the share completed (wrong sign)": "return 1 - frame.groupby(key, sort=False)['skip'].transform('mean')",
        "one value per key, not per row": "return frame.groupby(key, sort=False)['skip'].mean()",
    },
}
