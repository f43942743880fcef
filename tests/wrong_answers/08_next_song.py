"""Likely wrong answers to the exercises of notebook 08, keyed by each exercise's id (the name of its
first self-check), label -> code that replaces the reference solution. Each must be rejected by the exercise's self-check."""

WRONG = {
    'next song after the top song': {  # exercise 1: the song played most often right after the most played training song, and how often
        "the song BEFORE the top song": (
            "train_codes = codes[:a]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "before = pd.Series(train_codes[:-1][train_codes[1:] == top_code]).value_counts()\n"
            "next_after_top, times_after_top = songs[before.index[0]], int(before.iloc[0])"),
        "the top song itself": (
            "counts = pd.Series(codes[:a]).value_counts()\n"
            "next_after_top, times_after_top = songs[counts.index[0]], int(counts.iloc[0])"),
        "the whole history, not the training part": (
            "top_code = pd.Series(codes).value_counts().idxmax()\n"
            "after = pd.Series(codes[1:][codes[:-1] == top_code]).value_counts()\n"
            "next_after_top, times_after_top = songs[after.index[0]], int(after.iloc[0])"),
        "train + validation (codes[:b]), the leak the lesson warns about": (
            "train_codes = codes[:b]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "after = pd.Series(train_codes[1:][train_codes[:-1] == top_code]).value_counts()\n"
            "next_after_top, times_after_top = songs[after.index[0]], int(after.iloc[0])"),
        "within 2 positions after the top song, not right after": (
            "train_codes = codes[:a]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "near = np.concatenate([train_codes[1:][train_codes[:-1] == top_code],\n"
            "                       train_codes[2:][train_codes[:-2] == top_code]])\n"
            "after = pd.Series(near).value_counts()\n"
            "next_after_top, times_after_top = songs[after.index[0]], int(after.iloc[0])"),
        "a code, not the song's name": (
            "train_codes = codes[:a]\n"
            "top_code = pd.Series(train_codes).value_counts().idxmax()\n"
            "after = pd.Series(train_codes[1:][train_codes[:-1] == top_code]).value_counts()\n"
            "next_after_top, times_after_top = after.index[0], int(after.iloc[0])"),
        "the top song's own play count as the count": (
            "train_codes = codes[:a]\n"
            "counts = pd.Series(train_codes).value_counts()\n"
            "after = pd.Series(train_codes[1:][train_codes[:-1] == counts.index[0]]).value_counts()\n"
            "next_after_top, times_after_top = songs[after.index[0]], int(counts.iloc[0])"),
    },
    'MRR@10 function': {  # exercise 2: a function computing MRR@10, checked on a second, hidden ranking
        "hit rate instead of MRR": (
            "def mrr_at_10(ranked, targets):\n"
            "    return (ranked == targets[:, None]).any(axis=1).mean()"),
        "ranks counted from 0": (
            "def mrr_at_10(ranked, targets):\n"
            "    match = ranked == targets[:, None]\n"
            "    rank = match.argmax(axis=1)\n"
            "    return np.where(match.any(axis=1), 1 / np.maximum(rank, 1), 0).mean()"),
        "mean over hits only": (
            "def mrr_at_10(ranked, targets):\n"
            "    match = ranked == targets[:, None]\n"
            "    found = match.any(axis=1)\n"
            "    return (1 / (match.argmax(axis=1)[found] + 1)).mean()"),
        "misses counted as rank 1": (
            "def mrr_at_10(ranked, targets):\n"
            "    match = ranked == targets[:, None]\n"
            "    return (1 / (match.argmax(axis=1) + 1)).mean()"),
        "the most-popular model's stored score, not computed from the arguments": (
            "def mrr_at_10(ranked, targets):\n"
            "    return sq.evaluate(sq.MostPopular(n_songs).fit(folds[-1][0]), folds[-1][1], folds[-1][2])['rr'].mean()"),
    },
    'hybrid minus Markov, by session': {  # exercise 3: paired difference by session, and the keep-the-simpler rule
        "transitions resampled, not sessions": (
            "gap = stats.paired_difference(valid['Markov → same artist']['hit'], valid['Markov']['hit'], n_boot=N_BOOT, seed=SEED)\n"
            "keep_markov = gap[1] <= 0"),
        "Markov minus the hybrid": (
            "gap = stats.paired_difference(valid['Markov']['hit'], valid['Markov → same artist']['hit'], n_boot=N_BOOT, seed=SEED,\n"
            "                           groups=valid_groups)\n"
            "keep_markov = gap[1] <= 0"),
        "MRR instead of hit@10": (
            "gap = stats.paired_difference(valid['Markov → same artist']['rr'], valid['Markov']['rr'], n_boot=N_BOOT, seed=SEED,\n"
            "                           groups=valid_groups)\n"
            "keep_markov = gap[1] <= 0"),
        "the rule turned round": (
            "gap = stats.paired_difference(valid['Markov → same artist']['hit'], valid['Markov']['hit'], n_boot=N_BOOT, seed=SEED,\n"
            "                           groups=valid_groups)\n"
            "keep_markov = gap[1] > 0"),
    },
}
