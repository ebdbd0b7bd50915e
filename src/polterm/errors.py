"""The one error type every face shows the user as a one-line message."""

from __future__ import annotations


class PoltermError(Exception):
    """Bad input or a refused operation; the message is for the user, the exit code is 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(PoltermError):
    """A record changed under the user (optimistic version check) or a slot is taken."""


class PermissionDenied(PoltermError):
    """The person's role does not allow this."""
