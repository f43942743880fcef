"""Likely wrong answers for notebook 02's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'grouped split': {   # exercise 1: a grouped split with GroupShuffleSplit (seed 7, 25% of the artists)
        "random rows, not grouped": "my_train, my_test = train_test_split(tracks, test_size=0.25, random_state=7)",
        "grouped by track, not by artist": (
            "a, b = next(GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=7)"
            ".split(tracks, groups=tracks['track_id']))\n"
            "my_train, my_test = tracks.iloc[a], tracks.iloc[b]"),
        "test_size 0.2 (the default of the lesson), not 0.25": (
            "a, b = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=7)"
            ".split(tracks, groups=tracks['track_artist']))\n"
            "my_train, my_test = tracks.iloc[a], tracks.iloc[b]"),
        "train and test swapped": (
            "a, b = next(GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=7)"
            ".split(tracks, groups=tracks['track_artist']))\n"
            "my_train, my_test = tracks.iloc[b], tracks.iloc[a]"),
    },
    'macro-F1 by hand': {   # exercise 2: macro-F1 by hand from the count confusion matrix
        "accuracy instead of macro-F1": "my_macro_f1 = np.trace(counts) / counts.sum()",
        "F1 of the mean precision and mean recall": (
            "p = np.mean(np.diag(counts) / counts.sum(axis=0))\n"
            "r = np.mean(np.diag(counts) / counts.sum(axis=1))\n"
            "my_macro_f1 = 2 * p * r / (p + r)"),
        "weighted by genre size (weighted F1)": (
            "tp = np.diag(counts)\n"
            "p, r = tp / counts.sum(axis=0), tp / counts.sum(axis=1)\n"
            "my_macro_f1 = np.average(2 * p * r / (p + r), weights=counts.sum(axis=1))"),
        "mean precision only": "my_macro_f1 = np.mean(np.diag(counts) / counts.sum(axis=0))",
    },
}
