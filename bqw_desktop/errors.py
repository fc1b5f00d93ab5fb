"""Errors a user can cause and understand.

Every refusal the user may meet is a `UserError` carrying one Chinese sentence that names
what is wrong (file, row, field…). The command line prints it on stderr and exits non-zero;
the window shows it in a message box. Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal with a clear Chinese message; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(UserError):
    """The record asked for does not exist (or is deleted)."""


class OwnershipError(UserError):
    """An office tried to change a record another office owns."""


class TransitionError(UserError):
    """A lifecycle step the rules do not allow."""


class DatabaseRefused(UserError):
    """A file that is not ours, damaged, or from a newer version."""
