"""Likely wrong answers to the exercises of notebook 08, one dict per exercise (label -> code that
replaces the reference solution). Each must be rejected by the exercise's self-check."""

WRONG = [
    {  # exercise 1: the song played most often right after the most played training song
        "the song BEFORE the top song": (
            "train_codes = codes[:a]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "before = train_codes[:-1][train_codes[1:] == top_code]\n"
            "next_after_top = songs[pd.Series(before).value_counts().idxmax()]"),
        "the top song itself": "next_after_top = songs[pd.Series(codes[:a]).value_counts().idxmax()]",
        "the whole history, not the training part": (
            "top_code = pd.Series(codes).value_counts().idxmax()\n"
            "next_after_top = songs[pd.Series(codes[1:][codes[:-1] == top_code]).value_counts().idxmax()]"),
        "a code, not the song's name": (
            "train_codes = codes[:a]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "next_after_top = pd.Series(train_codes[1:][train_codes[:-1] == top_code]).value_counts().idxmax()"),
    },
    {  # exercise 2: MRR@10 by hand
        "hit rate instead of MRR": "my_mrr = (ranked == targets[:, None]).any(axis=1).mean()",
        "ranks counted from 0": (
            "match = ranked == targets[:, None]\n"
            "rank = match.argmax(axis=1)\n"
            "my_mrr = np.where(match.any(axis=1), 1 / np.maximum(rank, 1), 0).mean()"),
        "mean over hits only": (
            "match = ranked == targets[:, None]\n"
            "found = match.any(axis=1)\n"
            "my_mrr = (1 / (match.argmax(axis=1)[found] + 1)).mean()"),
        "misses counted as rank 1": (
            "match = ranked == targets[:, None]\n"
            "my_mrr = (1 / (match.argmax(axis=1) + 1)).mean()"),
    },
]
