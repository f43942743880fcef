"""Likely wrong answers for notebook 06's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'weekend share': {   # exercise 1: weekend share of minutes
        "share of plays, not of minutes": "weekend_share = float((plays['local'].dt.day_of_week >= 5).mean())",
        "UTC days instead of local days":
            "weekend_share = plays.loc[plays['ts'].dt.day_of_week >= 5, 'minutes'].sum() / plays['minutes'].sum()",
        "Sunday only (== 6)":
            "weekend_share = plays.loc[plays['local'].dt.day_of_week == 6, 'minutes'].sum() / plays['minutes'].sum()",
        "two days out of seven": "weekend_share = 2 / 7",
    },
    'top ten artists': {   # exercise 2: top-ten artists and their streaks
        "top ten by number of plays":
            "top_ten = list(plays['artist'].value_counts().index[:10])\n"
            "artist_streaks = {a: longest_streak(plays.loc[plays['stream'] & (plays['artist'] == a), 'local']"
            ".dt.tz_localize(None).dt.normalize())[0] for a in top_ten}",
        "longest streak of any music, not of the artist":
            "top_ten = list(plays.groupby('artist')['minutes'].sum().nlargest(10).index)\n"
            "artist_streaks = {a: length for a in top_ten}",
        "number of days with the artist, not the longest run":
            "top_ten = list(plays.groupby('artist')['minutes'].sum().nlargest(10).index)\n"
            "artist_streaks = {a: plays.loc[plays['stream'] & (plays['artist'] == a), 'local']"
            ".dt.tz_localize(None).dt.normalize().nunique() for a in top_ten}",
        "UTC days instead of local days":
            "top_ten = list(plays.groupby('artist')['minutes'].sum().nlargest(10).index)\n"
            "artist_streaks = {a: longest_streak(plays.loc[plays['stream'] & (plays['artist'] == a), 'ts']"
            ".dt.tz_convert(None).dt.normalize())[0] for a in top_ten}",
        "all plays, not only streams (30 s or more)":
            "top_ten = list(plays.groupby('artist')['minutes'].sum().nlargest(10).index)\n"
            "artist_streaks = {a: longest_streak(plays.loc[plays['artist'] == a, 'local']"
            ".dt.tz_localize(None).dt.normalize())[0] for a in top_ten}",
        "ten least-played of the top by minutes (ascending)":
            "top_ten = list(plays.groupby('artist')['minutes'].sum().sort_values().index[-10:])\n"
            "artist_streaks = {a: longest_streak(plays.loc[plays['stream'] & (plays['artist'] == a), 'local']"
            ".dt.tz_localize(None).dt.normalize())[0] for a in top_ten}",
    },
    'no artist on both sides': {   # exercise 3: grouped split and tree AUC
        "AUC on the training rows":
            "train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=SEED).split(X, y, groups))\n"
            "tree = DecisionTreeClassifier(max_depth=3, random_state=SEED).fit(X.iloc[train_idx], y[train_idx])\n"
            "tree_auc = roc_auc_score(y[train_idx], tree.predict_proba(X.iloc[train_idx])[:, 1])",
        "AUC from hard labels (predict)":
            "train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=SEED).split(X, y, groups))\n"
            "tree = DecisionTreeClassifier(max_depth=3, random_state=SEED).fit(X.iloc[train_idx], y[train_idx])\n"
            "tree_auc = roc_auc_score(y[test_idx], tree.predict(X.iloc[test_idx]))",
        "split not grouped by artist":
            "from sklearn.model_selection import train_test_split\n"
            "train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.3, random_state=SEED)\n"
            "tree = DecisionTreeClassifier(max_depth=3, random_state=SEED).fit(X.iloc[train_idx], y[train_idx])\n"
            "tree_auc = roc_auc_score(y[test_idx], tree.predict_proba(X.iloc[test_idx])[:, 1])",
        "accuracy instead of AUC":
            "train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=SEED).split(X, y, groups))\n"
            "tree = DecisionTreeClassifier(max_depth=3, random_state=SEED).fit(X.iloc[train_idx], y[train_idx])\n"
            "tree_auc = tree.score(X.iloc[test_idx], y[test_idx])",
    },
}
