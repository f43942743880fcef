"""Likely wrong answers for notebook 04's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    "largest difference from the helper's probabilities": {  # exercise 1: what the network sees
        "x and y swapped in the crop": (
            "crop = cv2.resize(grey[x:x + w, y:y + h], (64, 64), interpolation=cv2.INTER_AREA).astype('float32')\n"
            "model_input = (crop / 255.0 - 0.5) * 2.0\n"
            "my_probs = emotion.fer_model().predict(model_input[None, :, :, None], verbose=0)[0]"),
        "only divided by 255": (
            "crop = cv2.resize(grey[y:y + h, x:x + w], (64, 64), interpolation=cv2.INTER_AREA).astype('float32')\n"
            "model_input = crop / 255.0\n"
            "my_probs = emotion.fer_model().predict(model_input[None, :, :, None], verbose=0)[0]"),
        "whole picture instead of the face": (
            "crop = cv2.resize(grey, (64, 64), interpolation=cv2.INTER_AREA).astype('float32')\n"
            "model_input = (crop / 255.0 - 0.5) * 2.0\n"
            "my_probs = emotion.fer_model().predict(model_input[None, :, :, None], verbose=0)[0]"),
    },
    'artists split across plain folds': {  # exercise 2: how much could the plain folds leak?
        "artists with more than one track (108)": (
            "artists_split = int(artists.value_counts().gt(1).sum())\n"
            "worst_overlap = max(len(set(artists.iloc[train]) & set(artists.iloc[test]))\n"
            "                    for train, test in by_artist.split(X, y, groups=artists))"),
        "unshuffled folds (81)": (
            "test_fold = np.empty(len(moods), dtype=int)\n"
            "for fold, (_, test_idx) in enumerate(StratifiedKFold(n_splits=CV_FOLDS).split(X, y)):\n"
            "    test_fold[test_idx] = fold\n"
            "artists_split = int(pd.Series(test_fold).groupby(artists.to_numpy()).nunique().gt(1).sum())\n"
            "worst_overlap = max(len(set(artists.iloc[train]) & set(artists.iloc[test]))\n"
            "                    for train, test in by_artist.split(X, y, groups=artists))"),
        "tracks instead of artists": (
            "test_fold = np.empty(len(moods), dtype=int)\n"
            "for fold, (_, test_idx) in enumerate(stratified.split(X, y)):\n"
            "    test_fold[test_idx] = fold\n"
            "folds_per_artist = pd.Series(test_fold).groupby(artists.to_numpy()).nunique()\n"
            "artists_split = int(artists.isin(folds_per_artist.index[folds_per_artist > 1]).sum())\n"
            "worst_overlap = 0"),
        "overlap measured on the plain folds": (
            "test_fold = np.empty(len(moods), dtype=int)\n"
            "for fold, (_, test_idx) in enumerate(stratified.split(X, y)):\n"
            "    test_fold[test_idx] = fold\n"
            "artists_split = int(pd.Series(test_fold).groupby(artists.to_numpy()).nunique().gt(1).sum())\n"
            "worst_overlap = max(len(set(artists.iloc[train]) & set(artists.iloc[test]))\n"
            "                    for train, test in stratified.split(X, y))"),
    },
    'calm playlist': {  # exercise 3: a "calm me down" strategy
        "valence 0.9 at 150 BPM": (
            "calm_target = pd.Series({'valence': 0.9, 'energy': 0.25, 'tempo': 150, 'mood': 'Calm'})\n"
            "calm_playlist = build_playlist(catalog, calm_target, 15)"),
        "tempo as a fraction (0.85)": (
            "calm_target = pd.Series({'valence': 0.5, 'energy': 0.25, 'tempo': 0.85, 'mood': 'Calm'})\n"
            "calm_playlist = build_playlist(catalog, calm_target, 15)"),
        "valence and energy swapped": (
            "calm_target = pd.Series({'valence': 0.25, 'energy': 0.5, 'tempo': 85, 'mood': 'Calm'})\n"
            "calm_playlist = build_playlist(catalog, calm_target, 15)"),
        "mood Sad instead of Calm": (
            "calm_target = pd.Series({'valence': 0.5, 'energy': 0.25, 'tempo': 85, 'mood': 'Sad'})\n"
            "calm_playlist = build_playlist(catalog, calm_target, 15)"),
    },
}
