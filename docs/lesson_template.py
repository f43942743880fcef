# %% [markdown]
# # NN · Title: the question this lesson answers
#
# One paragraph of story: what a listener or a music service wants to know, and why machine learning
# helps. This template is a complete, runnable lesson (it asks whether a song's sound tells us that it
# sits in a rock playlist); copy it, keep its structure and replace its content. docs/NOTEBOOK_GUIDE.md
# says how, and what `make test` checks.
#
# **Learning objectives**
# - Split songs by artist, so that no artist is on both sides.
# - Compare a model with the strongest simple baseline, chosen on validation and tested once.
# - Record the headline number so that the tests hold it to a floor.
#
# **Estimated time:** 20 minutes (the notebook itself runs in seconds).
#
# **Data used:** TidyTuesday "30,000 Spotify songs". Licences are printed below the imports.

# %% tags=["parameters"]
TEST_SHARE = 0.25   # share of the artists held out for the test
SEED = 42

# %%
import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import helpers
from helpers import checks, data, results

helpers.setup_notebook("NN_name", seed=SEED)
print(data.credit("spotify_songs"))

# %% [markdown]
# ## 1. The data and a split without leakage
#
# One row per song (`dedupe=True`; the few without features or artist left out). The label: is the song in a rock playlist? The test set holds
# whole artists, so the model is scored on artists it has never heard.

# %%
songs = data.load_tracks(dedupe=True).dropna(subset=[*data.AUDIO_FEATURES, "track_artist"])
X = songs[data.AUDIO_FEATURES].to_numpy()
y = (songs["playlist_genre"] == "rock").to_numpy(int)
train_idx, test_idx = next(GroupShuffleSplit(1, test_size=TEST_SHARE, random_state=SEED)
                           .split(X, y, groups=songs["track_artist"]))
shared = set(songs["track_artist"].iloc[train_idx]) & set(songs["track_artist"].iloc[test_idx])
print(f"{len(train_idx):,} training songs, {len(test_idx):,} test songs; artists on both sides: {len(shared)}")

# %% [markdown]
# ## 2. A baseline, then a model
#
# The majority class scores an ROC-AUC of 0.5 by construction; the model must do better on the
# held-out artists.

# %%
baseline = DummyClassifier(strategy="most_frequent").fit(X[train_idx], y[train_idx])
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X[train_idx], y[train_idx])
baseline_auc = roc_auc_score(y[test_idx], baseline.predict_proba(X[test_idx])[:, 1])
model_auc = results.record("rock_auc", roc_auc_score(y[test_idx], model.predict_proba(X[test_idx])[:, 1]))
print(f"test ROC-AUC: majority {baseline_auc:.3f}, logistic regression {model_auc:.3f}")

# %% [markdown]
# ### Exercise 1: how many songs are rock?
# Store the share of rock songs among the **training** songs in `rock_share` (a number from 0 to 1).

# %%
rock_share = None
# BEGIN SOLUTION
rock_share = y[train_idx].mean()
# END SOLUTION
checks.check_close("rock share in training", rock_share, float(np.mean(y[train_idx])), tol=1e-9,
                   hint="Use the labels y of the training rows only: y[train_idx].")

# %% [markdown]
# ### Exercise 2: no artist on both sides
# Count the artists that appear in both the training and the test songs; store it in `overlap`.

# %%
overlap = None
# BEGIN SOLUTION
overlap = len(set(songs["track_artist"].iloc[train_idx]) & set(songs["track_artist"].iloc[test_idx]))
# END SOLUTION
checks.check_equal("artists on both sides", overlap, 0,
                   hint="Intersect the sets of track_artist of the training and the test rows.")

# %% [markdown]
# ## What we learned
# - A split by artist keeps the test honest: no artist was on both sides (printed above).
# - Audio features alone separate rock from the rest better than the majority class (ROC-AUC above).
#
# ## Go further
# - Try a gradient-boosted tree, chosen on a validation split carved from the training artists.
#
# ## References
# - TidyTuesday 2020-01-21, "30,000 Spotify songs" (Kaylin Pavlik).
