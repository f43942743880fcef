"""Likely wrong answers for notebook 03's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'baseline R² by hand': {  # exercise 1: the baseline R² by hand
        "test mean as the prediction": (
            "prediction = np.full(len(y_test), y_test.mean())\n"
            "sse = np.sum((y_test.to_numpy() - prediction) ** 2)\n"
            "sst = np.sum((y_test.to_numpy() - y_test.mean()) ** 2)\n"
            "r2_by_hand = 1 - sse / sst"),
        "forgot the 1 -": (
            "prediction = np.full(len(y_test), y_train.mean())\n"
            "sse = np.sum((y_test.to_numpy() - prediction) ** 2)\n"
            "sst = np.sum((y_test.to_numpy() - y_test.mean()) ** 2)\n"
            "r2_by_hand = sse / sst"),
        "total sum of squares around the training mean": (
            "prediction = np.full(len(y_test), y_train.mean())\n"
            "sse = np.sum((y_test.to_numpy() - prediction) ** 2)\n"
            "sst = np.sum((y_test.to_numpy() - y_train.mean()) ** 2)\n"
            "r2_by_hand = 1 - sse / sst"),
    },
    'R² with genre': {  # exercise 2: does the playlist genre help?
        "album split instead of the artist split": (
            "genres = pd.CategoricalDtype(sorted(songs['playlist_genre'].unique()))\n"
            "cols = WITH_YEAR + ['playlist_genre']\n"
            "genre_model = HistGradientBoostingRegressor(categorical_features='from_dtype', random_state=SEED)\n"
            "genre_model.fit(a_train[cols].astype({'playlist_genre': genres}), a_y_train)\n"
            "r2_genre = r2_score(a_y_test, genre_model.predict(a_test[cols].astype({'playlist_genre': genres})))"),
        "genre without the release year": (
            "genres = pd.CategoricalDtype(sorted(songs['playlist_genre'].unique()))\n"
            "cols = AUDIO + ['playlist_genre']\n"
            "genre_model = HistGradientBoostingRegressor(categorical_features='from_dtype', random_state=SEED)\n"
            "genre_model.fit(train[cols].astype({'playlist_genre': genres}), y_train)\n"
            "r2_genre = r2_score(y_test, genre_model.predict(test[cols].astype({'playlist_genre': genres})))"),
        "scored on the training songs": (
            "genres = pd.CategoricalDtype(sorted(songs['playlist_genre'].unique()))\n"
            "cols = WITH_YEAR + ['playlist_genre']\n"
            "genre_model = HistGradientBoostingRegressor(categorical_features='from_dtype', random_state=SEED)\n"
            "genre_model.fit(train[cols].astype({'playlist_genre': genres}), y_train)\n"
            "r2_genre = r2_score(y_train, genre_model.predict(train[cols].astype({'playlist_genre': genres})))"),
    },
    'time_model uses the 15 audio features only': {  # exercise 3: does a hit model travel in time?
        "decade_start among the features": (
            "past = hits[hits['decade'].isin(['60s', '70s', '80s', '90s'])]\n"
            "future = hits[hits['decade'].isin(['00s', '10s']) & ~hits['main_artist'].isin(past['main_artist'])]\n"
            "time_model = HistGradientBoostingClassifier(random_state=SEED).fit(past[HIT_WITH_DECADE], past['target'])\n"
            "time_auc = roc_auc_score(future['target'], time_model.predict_proba(future[HIT_WITH_DECADE])[:, 1])"),
        "time reversed (train on 2000s-2010s, test on 60s-90s)": (
            "past = hits[hits['decade'].isin(['00s', '10s'])]\n"
            "future = hits[hits['decade'].isin(['60s', '70s', '80s', '90s']) & ~hits['main_artist'].isin(past['main_artist'])]\n"
            "time_model = HistGradientBoostingClassifier(random_state=SEED).fit(past[HIT_AUDIO], past['target'])\n"
            "time_auc = roc_auc_score(future['target'], time_model.predict_proba(future[HIT_AUDIO])[:, 1])"),
        "artists of the training decades kept in the test": (
            "past = hits[hits['decade'].isin(['60s', '70s', '80s', '90s'])]\n"
            "future = hits[hits['decade'].isin(['00s', '10s'])]\n"
            "time_model = HistGradientBoostingClassifier(random_state=SEED).fit(past[HIT_AUDIO], past['target'])\n"
            "time_auc = roc_auc_score(future['target'], time_model.predict_proba(future[HIT_AUDIO])[:, 1])"),
        "split at 1990 instead of 2000": (
            "past = hits[hits['decade'].isin(['60s', '70s', '80s'])]\n"
            "future = hits[hits['decade'].isin(['90s', '00s', '10s']) & ~hits['main_artist'].isin(past['main_artist'])]\n"
            "time_model = HistGradientBoostingClassifier(random_state=SEED).fit(past[HIT_AUDIO], past['target'])\n"
            "time_auc = roc_auc_score(future['target'], time_model.predict_proba(future[HIT_AUDIO])[:, 1])"),
    },
}
