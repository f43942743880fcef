"""Likely wrong answers for notebook 09's exercises (tests/test_student_copies.py feeds them to the self-checks).

Keyed by each exercise's id, the name of its first self-check. Each must be rejected on the demo listener and
on a basic export too (where the label is "played < 30 s", so an ms_played answer is exactly 1).
"""
WRONG = {
    "plays_before on the toy frame": {   # exercise 1: plays_before
        "counts the current play too": "return frame.groupby(key, sort=False).cumcount() + 1",
        "counts later plays instead of earlier ones": "return frame.groupby(key, sort=False).cumcount(ascending=False)",
        "all plays of the key, earlier and later": "return frame.groupby(key, sort=False)[key].transform('size') - 1",
    },
    "leak_auc": {   # exercise 2: the whole-export track skip rate as a (leaking) score
        "the honest rate over earlier plays (no leak)": "leak_auc = roc_auc_score(y_test, test['track_skip_rate'])",
        "scored on all plays, not the test plays":
            "leak_auc = roc_auc_score(plays['skip'], plays.groupby('track_key')['skip'].transform('mean'))",
        "rate from the training plays only":
            "leak_auc = roc_auc_score(y_test, test['track_key'].map(train.groupby('track_key')['skip'].mean()).fillna(PRIOR))",
        "rate over the test plays only":
            "leak_auc = roc_auc_score(y_test, test.groupby('track_key')['skip'].transform('mean'))",
        "by artist, not by track":
            "leak_auc = roc_auc_score(y_test, plays.groupby('artist')['skip'].transform('mean').loc[test.index])",
        "wrong sign":
            "leak_auc = roc_auc_score(y_test, -plays.groupby('track_key')['skip'].transform('mean').loc[test.index])",
        "the ms_played leak instead": "leak_auc = roc_auc_score(y_test, -test['ms_played'])",
    },
}
