"""Likely wrong answers for the Spark companion's exercises (notebooks/extras/01_recommender_spark.ipynb).

tests/test_student_copies.py globs only the ten numbered lessons; these were fed to the self-checks by
running its probe on the companion once by hand. tests/test_spark_mpd.py checks there is one dict per exercise.
"""
WRONG = {
    'the K most-listened artists': {   # exercise 1: the K artists with the most listeners in train_sdf, most first, ties by i
        "least listened first (ascending count)": (
            'top_artists = [row["i"] for row in train_sdf.groupBy("i").count().orderBy("count", "i").limit(K).collect()]'),
        "most plays (sum of confidence) instead of most listeners": (
            'top_artists = [row["i"] for row in train_sdf.groupBy("i").agg(F.sum("confidence").alias("s"))'
            '.orderBy(F.desc("s"), "i").limit(K).collect()]'),
        "the counts instead of the artist numbers": (
            'top_artists = [row["count"] for row in train_sdf.groupBy("i").count().orderBy(F.desc("count"), "i")'
            '.limit(K).collect()]'),
    },
    'MAP@10': {   # exercise 2: MAP@10 from the hit table
        "precision@10, not average precision": "map_at_10 = float(hit.mean())",
        "precision at every rank, hits or not": (
            "map_at_10 = float((np.cumsum(hit, axis=1) / np.arange(1, K + 1)).mean())"),
        "no cumulative sum (1/rank at each hit)": (
            "map_at_10 = float(((hit / np.arange(1, K + 1)).sum(axis=1) / np.minimum(n_relevant, K)).mean())"),
    },
}
