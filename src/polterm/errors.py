"""The one error type every face shows the user as a one-line message."""

from __future__ import annotations

from collections.abc import Mapping


class PoltermError(Exception):
    """Bad input or a refused operation; the message is for the user, the exit code is 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldError(PoltermError):
    """Bad input in one field. The message names the field as the command line does (`flag`);
    a form puts its own label for the field before `detail` instead (`labelled`)."""

    def __init__(self, flag: str, message: str, detail: str) -> None:
        super().__init__(message)
        self.flag = flag
        self.detail = detail

    def labelled(self, labels: Mapping[str, str]) -> str:
        """The message as a form whose fields are labelled `labels` (by flag) shows it."""
        label = labels.get(self.flag)
        return self.message if label is None else f"{label}: {self.detail}"


class ConflictError(PoltermError):
    """A record changed under the user (optimistic version check) or a slot is taken."""


class PermissionDenied(PoltermError):
    """The person's role does not allow this."""
