"""Likely wrong answers to the exercises of notebook 10 (tests/test_student_copies.py feeds them to the
self-checks), keyed by each exercise's id, the name of its first self-check; label -> code that replaces
the reference solution. Each must be rejected."""

WRONG = {
    "unigram perplexity": {  # exercise 1: the unigram model's perplexity on the training melodies, by hand
        "forgot the end token": (
            'log_probs = [math.log(unigram.prob([], w)) for s in seqs["train"] for w in s]\n'
            'unigram_ppl = math.exp(-sum(log_probs) / len(log_probs))'),
        "mean of per-melody perplexities": (
            'unigram_ppl = float(np.mean([math.exp(-np.mean([math.log(unigram.prob([], w)) for w in s + [music.EOS]]))'
            ' for s in seqs["train"]]))'),
        "log base 2, then exp": (
            'log_probs = [math.log2(unigram.prob([], w)) for s in seqs["train"] for w in s + [music.EOS]]\n'
            'unigram_ppl = math.exp(-sum(log_probs) / len(log_probs))'),
        "one over the mean probability": (
            'unigram_ppl = 1 / np.mean([unigram.prob([], w) for s in seqs["train"] for w in s + [music.EOS]])'),
        "the validation perplexity printed above": (
            'unigram_ppl = unigram_val'),
    },
    "every chorale on exactly one side, 15-25% held out": {  # exercise 2: a split without a leaked tune
        "a random split by chorale": (
            'order = np.random.default_rng(0).permutation(len(melodies))\n'
            'my_held_out = [melodies[i] for i in order[:80]]\n'
            'my_train = [melodies[i] for i in order[80:]]'),
        "tunes keyed by their first 8 pitches (misses transposed copies)": (
            'keys = sorted({first_pitches(m) for m in melodies})\n'
            'held = set(keys[::5])\n'
            'my_held_out = [m for m in melodies if first_pitches(m) in held]\n'
            'my_train = [m for m in melodies if first_pitches(m) not in held]'),
        "the last fifth of the file names": (
            'names = sorted(m["id"] for m in melodies)[-80:]\n'
            'my_held_out = [m for m in melodies if m["id"] in names]\n'
            'my_train = [m for m in melodies if m["id"] not in names]'),
        "one chorale per held-out tune, its other harmonisations left in training": (
            'firsts = {}\n'
            'for m, g in zip(melodies, groups):\n'
            '    if g in set(group_ids[::3]):\n'
            '        firsts.setdefault(g, m)\n'
            'my_held_out = list(firsts.values())\n'
            'my_train = [m for m in melodies if all(m is not h for h in my_held_out)]'),
        "nothing held out": (
            'my_train, my_held_out = list(melodies), []'),
        "the held-out chorales also kept in training": (
            'held_groups = set(group_ids[::5])\n'
            'my_held_out = [m for m, g in zip(melodies, groups) if g in held_groups]\n'
            'my_train = list(melodies)'),
    },
    "in-key share of the minor-key melodies": {  # exercise 3: in-key share of the minor training melodies' notes
        "rests counted as notes": (
            'minor_in_key = np.mean([p % 12 in music.C_MAJOR for m in split["train"] if m["mode"] == "minor" '
            'for p, _ in m["events"]])'),
        "pitch not reduced to a pitch class": (
            'minor_in_key = np.mean([p in music.C_MAJOR for m in split["train"] if m["mode"] == "minor" '
            'for p, _ in m["events"] if p != music.REST])'),
        "a count instead of a share": (
            'minor_in_key = sum(p % 12 in music.C_MAJOR for m in split["train"] if m["mode"] == "minor" '
            'for p, _ in m["events"] if p != music.REST)'),
        "the validation melodies": (
            'minor_in_key = np.mean([p % 12 in music.C_MAJOR for m in split["val"] if m["mode"] == "minor" '
            'for p, _ in m["events"] if p != music.REST])'),
        "the share of notes out of the key": (
            'minor_in_key = np.mean([p % 12 not in music.C_MAJOR for m in split["train"] if m["mode"] == "minor" '
            'for p, _ in m["events"] if p != music.REST])'),
        "all training melodies, the major ones too": (
            'minor_in_key = music.in_key_ratio([e for m in train_events for e in m])'),
        "the major-key melodies": (
            'minor_in_key = music.in_key_ratio([e for m in split["train"] if m["mode"] == "major" for e in m["events"]])'),
    },
    "PCA reconstruction error on the validation clips": {  # exercise 4: the PCA baseline of the spectrogram VAE
        "PCA fitted on all clips, the held-out ones included": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(np.vstack([flat["train"], flat["val"], flat["test"]]))\n'
            'pca_val_mse = float(np.mean((my_pca.inverse_transform(my_pca.transform(flat["val"])) - flat["val"]) ** 2))'),
        "PCA fitted on the validation clips": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(flat["val"])\n'
            'pca_val_mse = float(np.mean((my_pca.inverse_transform(my_pca.transform(flat["val"])) - flat["val"]) ** 2))'),
        "the error on the training clips": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(flat["train"])\n'
            'pca_val_mse = float(np.mean((my_pca.inverse_transform(my_pca.transform(flat["train"])) - flat["train"]) ** 2))'),
        "the root of the mean squared error": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(flat["train"])\n'
            'pca_val_mse = float(np.sqrt(np.mean((my_pca.inverse_transform(my_pca.transform(flat["val"])) - flat["val"]) ** 2)))'),
        "squared errors summed per clip, then averaged": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(flat["train"])\n'
            'pca_val_mse = float(np.mean(((my_pca.inverse_transform(my_pca.transform(flat["val"])) - flat["val"]) ** 2).sum(axis=1)))'),
        "twice as many components as the VAE's code": (
            'my_pca = PCA(2 * AUDIO_LATENT, random_state=SEED).fit(flat["train"])\n'
            'pca_val_mse = float(np.mean((my_pca.inverse_transform(my_pca.transform(flat["val"])) - flat["val"]) ** 2))'),
        "the training mean not added back": (
            'my_pca = PCA(AUDIO_LATENT, random_state=SEED).fit(flat["train"])\n'
            'pca_val_mse = float(np.mean((my_pca.transform(flat["val"]) @ my_pca.components_ - flat["val"]) ** 2))'),
    },
}
