"""Likely wrong answers to the exercises of notebook 07, one dict per exercise (label -> code that
replaces the reference solution). Each must be rejected by the exercise's self-check."""

WRONG = [
    {  # exercise 1: share of clearly negative songs in the 2010s (line-average score)
        "a count instead of a share": 'negative_share_2010s = (songs.loc[songs["decade"] == 2010, "lines"] <= -0.05).sum()',
        "the whole-song score": 'negative_share_2010s = (songs.loc[songs["decade"] == 2010, "whole"] <= -0.05).mean()',
        "all decades, not the 2010s": 'negative_share_2010s = (songs["lines"] <= -0.05).mean()',
        "below zero instead of -0.05": 'negative_share_2010s = (songs.loc[songs["decade"] == 2010, "lines"] < 0).mean()',
    },
    {  # exercise 2: lower bound of the Fisher 95% CI of r(lines, energy)
        "r itself": 'energy_ci_low = np.corrcoef(joined["lines"], joined["energy"])[0, 1]',
        "forgot to transform back": (
            'energy_ci_low = np.arctanh(np.corrcoef(joined["lines"], joined["energy"])[0, 1]) '
            '- 1.96 / np.sqrt(len(joined) - 3)'),
        "sqrt(n) instead of sqrt(n - 3) and no transform": (
            'energy_ci_low = np.corrcoef(joined["lines"], joined["energy"])[0, 1] - 1.96 / np.sqrt(len(joined))'),
        "the valence correlation": (
            'energy_ci_low = np.tanh(np.arctanh(np.corrcoef(joined["lines"], joined["valence"])[0, 1]) '
            '- 1.96 / np.sqrt(len(joined) - 3))'),
    },
]
