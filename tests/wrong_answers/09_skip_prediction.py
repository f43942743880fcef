"""Likely wrong answers for notebook 09's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = [
    {   # exercise 1: plays_before
        "counts the current play too": "return frame.groupby(key, sort=False).cumcount() + 1",
        "counts later plays instead of earlier ones": "return frame.groupby(key, sort=False).cumcount(ascending=False)",
        "all plays of the key, earlier and later": "return frame.groupby(key, sort=False)[key].transform('size') - 1",
    },
    {   # exercise 2: leak AUC
        "scored on all plays, not the test plays": "leak_auc = roc_auc_score(plays['skip'], -plays['ms_played'])",
        "scored on the training plays": "leak_auc = roc_auc_score(y_train, -train['ms_played'])",
        "wrong sign (+ms_played)": "leak_auc = roc_auc_score(y_test, test['ms_played'])",
        "hard 30-second threshold instead of the score":
            "leak_auc = roc_auc_score(y_test, (test['ms_played'] < 30_000).astype(int))",
    },
]
