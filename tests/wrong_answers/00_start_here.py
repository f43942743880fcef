"""Likely wrong answers for notebook 00's exercises (tests/test_student_copies.py feeds them to the self-checks)."""
WRONG = {
    'unique rock tracks': {   # exercise 1: unique rock tracks
        "counted playlist rows (tracks), not unique tracks": 'n_rock = (tracks["playlist_genre"] == "rock").sum()',
        "capitalised genre name": 'n_rock = (unique["playlist_genre"] == "Rock").sum()',
        "subgenres containing 'rock'": 'n_rock = unique["playlist_subgenre"].str.contains("rock").sum()',
        "a True/False mask, not a count": 'n_rock = unique["playlist_genre"] == "rock"',
    },
    'share of plays for the top 100 artists': {   # exercise 2: share of plays for the top 100 artists
        "not sorted before taking 100": (
            'per_artist = plays.groupby("artist_id")["plays"].sum()\n'
            'top100_share = per_artist.head(100).sum() / per_artist.sum()'),
        "top 100 by listeners, not by plays": (
            'by_listeners = plays.groupby("artist_id")["user_id"].nunique().nlargest(100).index\n'
            'top100_share = plays.loc[plays["artist_id"].isin(by_listeners), "plays"].sum() / plays["plays"].sum()'),
        "100 biggest (user, artist) rows, not artists": (
            'top100_share = plays["plays"].nlargest(100).sum() / plays["plays"].sum()'),
        "share of artists, not of plays": 'top100_share = 100 / plays["artist_id"].nunique()',
    },
}
