"""Exceptions movequal raises for problems a user can fix, with CLI exit codes.

Every error a user can cause (a bad file, a missing model, no person in view)
is a :class:`MovequalError` subclass carrying a one-line message and a distinct
process exit code, so the CLI, the API and batch jobs can report the reason
without a traceback.
"""

from __future__ import annotations


class MovequalError(Exception):
    """Base class for errors caused by the input or environment, not by a bug."""

    exit_code: int = 2


class InputError(MovequalError):
    """The input file cannot be used (generic bad input)."""

    exit_code = 10


class EmptyFileError(InputError):
    """The input file has zero bytes."""

    exit_code = 11


class NotAVideoError(InputError):
    """The input file is not a container FFmpeg can read (text, image, garbage)."""

    exit_code = 12


class NoVideoStreamError(InputError):
    """The container has no video stream (for example an audio-only file)."""

    exit_code = 13


class CorruptVideoError(InputError):
    """The video is truncated or damaged so that no frame can be decoded."""

    exit_code = 14


class NoPersonError(InputError):
    """No person was detected on enough frames to assess the movement."""

    exit_code = 15


class VideoLimitError(InputError):
    """The video is past a limit set for it (duration, frame count, frame rate, picture size), as decoded."""

    exit_code = 16


class JobDeadlineError(MovequalError):
    """An analysis ran past the deadline its service gives every job."""

    exit_code = 17


class ModelError(MovequalError):
    """A pose model is missing, cannot be provisioned, or fails its checksum."""

    exit_code = 20


UNRECOGNISED_MOVEMENT_EXIT_CODE = 30
"""Exit code of ``movequal analyze --movement auto`` when the clip fits no supported movement.

Not an error: the report folder is written (movement "unrecognised", no score), but a script must not take
the run for a scored one."""

NOTHING_MEASURED_EXIT_CODE = 31
"""Exit code of ``movequal analyze`` when the clip gives nothing to measure: walking with no pass of two full
steps in view, a timed test or hold that was not found, or a body cut off by the picture's edge
(``assessment.cut_off``).

Not an error either: the report says why (``gait.message``, ``assessment.message``), and no number is made up."""

INTERNAL_ERROR_EXIT_CODE = 70
"""Exit code for an unexpected failure (a bug): distinct from every input error."""
