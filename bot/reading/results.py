"""What reading `/zoom` text gives back: a meeting request with its guesses, or a refusal."""

from __future__ import annotations

from dataclasses import dataclass

from zoom.models import MeetingRequest


@dataclass(frozen=True)
class Reading:
    """A meeting request Zoom's create call accepts as it is.

    `guesses` are short phrases for the requester ("read 3 as 3 PM"), in the order they
    were made; empty when nothing was guessed.
    """

    request: MeetingRequest
    guesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """The text could not be read into a meeting. `message` is one or two sentences for the
    requester: what was understood and what to type instead."""

    message: str


class Refused(Exception):
    """Raised inside the reader to stop at the first problem; becomes a `Refusal`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
