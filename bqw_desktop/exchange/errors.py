"""The refusal raised for any package, identity card or signature that is not acceptable."""

from __future__ import annotations

from bqw_desktop.errors import UserError

__all__ = ["PackageRefused"]


class PackageRefused(UserError):
    """A package (or identity card, or signed record) was refused; nothing was written.

    The message is one Chinese sentence naming what is wrong (member, expected vs actual…).
    """
