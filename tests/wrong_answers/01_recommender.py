"""Likely wrong answers for notebook 01's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'shape of vote_scores': {   # exercise 1: nearest-track votes (max cosine to the visible_fit tracks of each playlist), on validation
        "mean instead of max (a centroid in disguise)": "vote_scores = np.vstack([(Zn @ Zn[v].T).mean(axis=1) for v in visible_fit])",
        "raw standardised features, not unit length": "vote_scores = np.vstack([(Z @ Z[v].T).max(axis=1) for v in visible_fit])",
        "validation tracks vote too (leak)": (
            "vote_scores = np.vstack([(Zn @ Zn[np.r_[v, h]].T).max(axis=1) for v, h in zip(visible_fit, hidden_valid)])"),
        "the test split's visible tracks (they hold the validation tracks)": (
            "vote_scores = np.vstack([(Zn @ Zn[v].T).max(axis=1) for v in visible])"),
        "argmax (which track) instead of max (how close)": (
            "vote_scores = np.vstack([(Zn @ Zn[v].T).argmax(axis=1) for v in visible_fit])"),
    },
    'raw-count ALS precision@10 on validation': {   # exercise 2: ALS on raw play counts, scored on validation
        "scored on the test split": (
            'X_fit_raw = recsys.to_matrix(fit, SHAPE, fit["plays"].to_numpy(np.float32))\n'
            'raw_precision = recsys.evaluate_top_k(als_model(X_fit_raw, *best_als), X_fit_bin, X_test, K).summary["precision"]'),
        "fitted on train, which holds the validation artists": (
            'X_train_raw = recsys.to_matrix(train, SHAPE, train["plays"].to_numpy(np.float32))\n'
            'raw_precision = recsys.evaluate_top_k(als_model(X_train_raw, *best_als), X_fit_bin, X_valid, K).summary["precision"]'),
        "binary played matrix, not raw counts": (
            'raw_precision = recsys.evaluate_top_k(als_model(X_fit_bin, *best_als), X_fit_bin, X_valid, K).summary["precision"]'),
        "log confidence again, not raw counts": (
            'raw_precision = recsys.evaluate_top_k(als_model(X_fit_log, *best_als), X_fit_bin, X_valid, K).summary["precision"]'),
    },
}
