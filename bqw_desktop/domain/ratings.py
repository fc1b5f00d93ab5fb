"""How a checklist item is rated: by the site itself (tick) and by an assessing office (verdict).

Keys are stored; labels are shown. `none` (未评) means nobody has rated the item yet, so it
does not count as rated.
"""

from __future__ import annotations

from enum import StrEnum

from bqw_desktop.errors import UserError


class Rating(StrEnum):
    """A rating of one checklist item."""

    MET = "met"
    BASIC = "basic"
    UNMET = "unmet"
    NONE = "none"


RATING_LABELS: dict[str, str] = {
    Rating.MET: "达标",
    Rating.BASIC: "基本达标",
    Rating.UNMET: "未达标",
    Rating.NONE: "未评",
}

RATED: frozenset[str] = frozenset({Rating.MET, Rating.BASIC, Rating.UNMET})
"""Ratings that count as "rated" in a site's progress."""


def rating_key(value: str) -> str:
    """The rating key for a key or a Chinese label ("达标" → "met").

    Raises UserError naming the accepted values otherwise.
    """
    text = (value or "").strip()
    if text in RATING_LABELS:
        return text
    for key, label in RATING_LABELS.items():
        if text == label:
            return key
    accepted = "、".join(RATING_LABELS.values())
    raise UserError(f"评定结果“{value}”无效，应为以下之一：{accepted}。")
