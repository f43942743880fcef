"""Likely wrong answers for notebook 05's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'components for 90%': {   # exercise 1: components for 90%
        "0-based position (no + 1)": "n90 = int(np.argmax(np.cumsum(pca_full.explained_variance_ratio_) >= 0.90))",
        "the 80% count from above": "n90 = n_components",
        "ratio of one component instead of the cumulative sum":
            "n90 = int(np.argmax(pca_full.explained_variance_ratio_ <= 0.10) + 1)",
    },
    'stability (ARI between two seeds)': {   # exercise 2: stability between two seeds
        "refit with the same seed (ARI 1.0)":
            "other = KMeans(n_clusters=K, n_init=N_INIT, random_state=SEED).fit(P)\n"
            "stability = adjusted_rand_score(kmeans.labels_, other.labels_)",
        "labels compared with themselves (ARI 1.0)": "stability = adjusted_rand_score(kmeans.labels_, kmeans.labels_)",
        "raw label agreement instead of ARI":
            "other = KMeans(n_clusters=K, n_init=N_INIT, random_state=SEED + 1).fit(P)\n"
            "stability = float(np.mean(kmeans.labels_ == other.labels_))",
        "NMI instead of ARI":
            "other = KMeans(n_clusters=K, n_init=N_INIT, random_state=SEED + 1).fit(P)\n"
            "stability = normalized_mutual_info_score(kmeans.labels_, other.labels_)",
    },
}
