"""Who is acting: the user and the office, recorded with every write."""

from __future__ import annotations

import getpass
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person making a change and the office they act for.

    Until local accounts exist the person is the operating-system user.
    """

    user: str
    office_code: str

    @classmethod
    def system_user(cls, office_code: str) -> Actor:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(user=user, office_code=office_code)
