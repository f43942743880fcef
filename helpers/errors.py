"""Errors a course user can meet, each with a message that says what happened and what to do.

Used by every helper; lessons catch ``CourseError`` where a student's own file or account can cause one (00-09).

They derive from ``CourseError`` so that a notebook can catch them all with one ``except`` and
show the message instead of a traceback from deep inside a library.
"""


class CourseError(Exception):
    """Base class: the message is written for the student, not for the developer."""


class DataUnavailableError(CourseError):
    """A data file is not on disk and cannot be downloaded (offline, or the source is gone)."""


class DataChecksumError(CourseError):
    """A data file does not match its registered sha256, even after one fresh download."""


class MalformedDataError(CourseError):
    """A file exists but is not in the format the loader expects (a user's export, say)."""


class SpotifyAccessError(CourseError):
    """The Spotify Web API refused a request; the message names the likely cause and the fix."""


class RemovedEndpointError(SpotifyAccessError):
    """The course would need an endpoint Spotify removed; it is never called."""


class UnknownDatasetError(CourseError, KeyError):
    """A dataset key that is not in ``data/registry.csv``; the message lists the known keys."""

    def __str__(self):  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class ResultsError(CourseError, ValueError):
    """``helpers.results.record`` was given something it cannot store as a metric."""
