"""Likely wrong answers to the exercises of notebook 10, one dict per exercise (label -> code that
replaces the reference solution). Each must be rejected by the exercise's self-check."""

WRONG = [
    {  # exercise 1: the unigram model's validation perplexity, by hand
        "forgot the end token": (
            'log_probs = [math.log(unigram.prob([], w)) for s in seqs["val"] for w in s]\n'
            'unigram_ppl = math.exp(-sum(log_probs) / len(log_probs))'),
        "mean of per-melody perplexities": (
            'unigram_ppl = float(np.mean([math.exp(-np.mean([math.log(unigram.prob([], w)) for w in s + [music.EOS]]))'
            ' for s in seqs["val"]]))'),
        "log base 2, then exp": (
            'log_probs = [math.log2(unigram.prob([], w)) for s in seqs["val"] for w in s + [music.EOS]]\n'
            'unigram_ppl = math.exp(-sum(log_probs) / len(log_probs))'),
        "one over the mean probability": (
            'unigram_ppl = 1 / np.mean([unigram.prob([], w) for s in seqs["val"] for w in s + [music.EOS]])'),
        "the training melodies": (
            'log_probs = [math.log(unigram.prob([], w)) for s in seqs["train"] for w in s + [music.EOS]]\n'
            'unigram_ppl = math.exp(-sum(log_probs) / len(log_probs))'),
    },
    {  # exercise 2: share of the training melodies' notes in C major / A minor
        "rests counted as notes": (
            'corpus_in_key = np.mean([p % 12 in music.C_MAJOR for m in train_events for p, _ in m])'),
        "pitch not reduced to a pitch class": (
            'corpus_in_key = np.mean([p in music.C_MAJOR for m in train_events for p, _ in m if p != music.REST])'),
        "a count instead of a share": (
            'corpus_in_key = sum(p % 12 in music.C_MAJOR for m in train_events for p, _ in m if p != music.REST)'),
        "the validation melodies": (
            'corpus_in_key = np.mean([p % 12 in music.C_MAJOR for m in split["val"] for p, _ in m["events"] '
            'if p != music.REST])'),
        "the share of notes out of the key": (
            'corpus_in_key = np.mean([p % 12 not in music.C_MAJOR for m in train_events for p, _ in m if p != music.REST])'),
    },
]
