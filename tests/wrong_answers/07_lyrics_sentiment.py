"""Likely wrong answers to the exercises of notebook 07, keyed by each exercise's id (the name of its first
self-check): label -> code that replaces the reference solution. Each must be rejected by the self-check."""

WRONG = {
    "negative share of love songs": {   # exercise 1: P(negative | the song uses "love")
        "the other conditional: share of negative songs that use love": (
            'negative_songs = songs[songs["lines"] <= -0.05]\n'
            'love_negative_share = negative_songs["tokens"].map(lambda toks: "love" in toks).mean()'),
        "every occurrence counted, not each song once": (
            'times = songs["tokens"].map(lambda toks: toks.count("love"))\n'
            'love_negative_share = times[songs["lines"] <= -0.05].sum() / times.sum()'),
        "the whole-song score": (
            'mentions_love = songs["tokens"].map(lambda toks: "love" in toks)\n'
            'love_negative_share = (songs.loc[mentions_love, "whole"] <= -0.05).mean()'),
        "all songs, not only those with love": 'love_negative_share = (songs["lines"] <= -0.05).mean()',
        "a count instead of a share": (
            'mentions_love = songs["tokens"].map(lambda toks: "love" in toks)\n'
            'love_negative_share = (songs.loc[mentions_love, "lines"] <= -0.05).sum()'),
        "love found inside other words (glove, lover, beloved) in the raw lyrics": (
            'mentions_love = songs["lyrics"].str.lower().str.contains("love")\n'
            'love_negative_share = (songs.loc[mentions_love, "lines"] <= -0.05).mean()'),
        "below zero instead of -0.05": (
            'mentions_love = songs["tokens"].map(lambda toks: "love" in toks)\n'
            'love_negative_share = (songs.loc[mentions_love, "lines"] < 0).mean()'),
    },
    "no-words within one decade": {   # exercise 2: within-one-decade accuracy of the no-words baseline
        "exact accuracy": "nowords_within_one = np.mean(pred_nowords == decade[test])",
        "strictly less than 10 years (the same as exact)": "nowords_within_one = np.mean(np.abs(pred_nowords - decade[test]) < 10)",
        "the text model's predictions (printed above)": "nowords_within_one = np.mean(np.abs(pred_test - decade[test]) <= 10)",
        "a count instead of a share": "nowords_within_one = np.sum(np.abs(pred_nowords - decade[test]) <= 10)",
        "one decade counted as 1, not 10 years": "nowords_within_one = np.mean(np.abs(pred_nowords - decade[test]) <= 1)",
        "the majority guess": "nowords_within_one = np.mean(np.abs(majority - decade[test]) <= 10)",
    },
}
