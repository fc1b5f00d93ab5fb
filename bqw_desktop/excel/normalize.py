"""Turning what people type into sheets into clean values.

Every parser here takes a raw cell value (str, int, float, bool, date/datetime or None, as
the readers return them) and either returns a clean value or raises `CellProblem` carrying a
short Chinese reason; the sheet parsers attach file, sheet, row and column to that reason.
Nothing here guesses: where a text could mean several things the matcher returns every
candidate and the caller asks the user.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_LABELS,
    ORG_TYPE_LABELS,
    InstitutionKind,
    Level,
    OrgType,
    org_type_label,
)


class CellProblem(ValueError):
    """A cell value that cannot be used; `reason` is one Chinese phrase."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- text ---------------------------------------------------------------------------------

# Full-width ASCII (！..～) sits at a fixed offset from ASCII; \u3000 is the ideographic space.
_HALFWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0x3000: 0x20,
}
_HALFWIDTH_ALL = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}

# Every space-like character people paste in from web pages and Word: NBSP, en/em spaces,
# zero-width spaces, BOM, ideographic space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
          "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
_SPACE_RE = re.compile(f"[\\s{_SPACES}]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACE_NEAR_CJK_RE = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


def to_halfwidth(text: str, *, punctuation: bool = False) -> str:
    """Full-width digits and Latin letters (and, if asked, punctuation) as ASCII."""
    return text.translate(_HALFWIDTH_ALL if punctuation else _HALFWIDTH_ALNUM)


def clean_text(value: Any) -> str:
    """A cell as one tidy line: half-width digits/letters, no stray or doubled spaces.

    Spaces next to Chinese characters are dropped ("某某 村" → "某某村"); runs of spaces
    between Latin words become one. Numbers come back without a trailing ".0".
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    else:
        text = number_text(value) if isinstance(value, (int, float)) else _other_text(value)
    text = _SPACE_RE.sub(" ", to_halfwidth(text)).strip()
    return _SPACE_NEAR_CJK_RE.sub("", text)


def compact(value: Any) -> str:
    """`clean_text` without any spaces at all: for codes, phones, keys and header matching."""
    return clean_text(value).replace(" ", "")


def number_text(value: float | bool) -> str:
    """A numeric cell as the digits a person typed: 13812345678.0 → "13812345678"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _other_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_blank(value: Any) -> bool:
    """True for None and text that is only spaces."""
    return value is None or (isinstance(value, str) and not _SPACE_RE.sub("", value))


_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")",
                           "[": "(", "]": ")", "《": "", "》": "", "“": "", "”": "", "\"": ""})
_PARTY_PREFIX_RE = re.compile(r"^(中国共产党|中共)")


def name_key(name: str) -> str:
    """A comparison key for organization names: what a re-typed name still has in common.

    Ignores spaces, full/half-width forms, bracket styles, quotes, letter case and a leading
    "中共"/"中国共产党". Two names with the same key are treated as the same name when matching
    (together with the region); the key is never shown.
    """
    text = unicodedata.normalize("NFKC", compact(name)).translate(_BRACKETS).lower()
    return _PARTY_PREFIX_RE.sub("", text)


# --- numbers ------------------------------------------------------------------------------

_INT_RE = re.compile(r"^([+-]?\d+)(?:\.0+)?(?:人|名|个)?$")


def parse_int(value: Any, *, minimum: int = 0, maximum: int = 10_000_000) -> int | None:
    """A whole number from 35, 35.0, "35", "３５", "35人"; None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("应为整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellProblem(f"“{number_text(value)}”不是整数")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = compact(value).replace(",", "").replace("，", "")
        match = _INT_RE.match(text)
        if not match:
            raise CellProblem(f"“{clean_text(value)}”不是整数")
        number = int(match.group(1))
    if not minimum <= number <= maximum:
        raise CellProblem(f"{number} 超出允许范围（{minimum}–{maximum}）")
    return number


# --- dates --------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
# Serials people's dates fall in: 1949-10-01 .. 2099-12-31.
_SERIAL_MIN, _SERIAL_MAX = 18_172, 73_050
_DATE_RES = (
    re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?\.?(?:\s*0{1,2}:00(?::00)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def excel_serial_to_date(serial: float) -> date:
    """An Excel 1900-system day number as a date (the 1900 leap-year bug is past by 1949)."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise CellProblem(f"“{number_text(serial)}”不像日期")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: Any) -> date | None:
    """A date from a date cell, an Excel serial, or text such as 2011.5.20, 2011年5月20日,
    2011-05-20, 2011/5/20, 20110520; None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellProblem("不是日期")
    if isinstance(value, (int, float)):
        if isinstance(value, int) or value.is_integer():
            digits = str(int(value))
            if len(digits) == 8:
                return _date_from_parts(digits[:4], digits[4:6], digits[6:], value)
        return excel_serial_to_date(value)
    text = compact(value).replace("－", "-").replace("．", ".").replace("／", "/")
    if text.isdigit() and len(text) == 5:
        return excel_serial_to_date(int(text))
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            year, month, day = match.groups()
            return _date_from_parts(year, month, day, value)
    raise CellProblem(f"“{clean_text(value)}”不是可识别的日期（应如 2011-05-20）")


def _date_from_parts(year: str, month: str, day: str, original: Any) -> date:
    try:
        result = date(int(year), int(month), int(day))
    except ValueError:
        raise CellProblem(f"“{clean_text(original)}”不是有效日期") from None
    if not 1949 <= result.year <= 2099:
        raise CellProblem(f"“{clean_text(original)}”的年份不合理")
    return result


# --- phones, ids, codes ---------------------------------------------------------------------

_PHONE_OK_RE = re.compile(r"^[0-9()+\-—、,，;；/转]+$")


def parse_phone(value: Any) -> str | None:
    """A phone number (or several) kept as text; numeric cells lose no digits.

    Accepts mobiles, landlines with area code and extension ("0731-88888888转123"), several
    numbers separated by 、 , ; /. Blank → None.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("不是电话号码")
    if isinstance(value, float) and not value.is_integer():
        raise CellProblem(f"“{number_text(value)}”不是电话号码（请把该列设为文本格式）")
    text = compact(to_halfwidth(number_text(value) if isinstance(value, (int, float)) else value,
                                punctuation=True))
    if not _PHONE_OK_RE.match(text) or sum(ch.isdigit() for ch in text) < 7:
        raise CellProblem(f"“{clean_text(value)}”不是有效的电话号码")
    return text


def parse_uuid(value: Any) -> str | None:
    """The canonical lowercase form of an ID from our own exports; blank → None."""
    if is_blank(value):
        return None
    text = compact(value)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise CellProblem(f"“{text}”不是本系统导出的 ID（如不确定请清空该列）") from None


def region_text(value: Any) -> str:
    """A region cell as text for the region resolver: 430104.0 → "430104"."""
    return compact(value)


# --- levels -------------------------------------------------------------------------------

_LEVEL_WORDS: dict[str, str] = {}
for _key, _label in LEVEL_LABELS.items():
    _LEVEL_WORDS[_key] = _key
    _LEVEL_WORDS[_label] = _key
    _LEVEL_WORDS[_label[0]] = _key
_LEVEL_WORDS.update({
    "县市区级": Level.COUNTY, "县(市、区)级": Level.COUNTY, "县(市区)级": Level.COUNTY,
    "区级": Level.COUNTY, "县级示范点": Level.COUNTY, "市州级": Level.CITY,
    "市(州)级": Level.CITY, "州级": Level.CITY, "市级示范点": Level.CITY,
    "省级示范点": Level.PROVINCE,
})


def parse_level(value: Any) -> str | None:
    """A Level key from 县级/市级/省级 (and their usual variants); blank → None."""
    if is_blank(value):
        return None
    text = to_halfwidth(compact(value), punctuation=True).lower()
    try:
        return str(_LEVEL_WORDS[text])
    except KeyError:
        raise CellProblem(f"“{clean_text(value)}”不是申报级别（应为 县级、市级 或 省级）") from None


# --- organization types ---------------------------------------------------------------------

OrgChoice = tuple[str, str | None]
"""(OrgType key, InstitutionKind key or None)."""

_I = OrgType.INSTITUTION
# Keywords found inside the text; the longest keyword present decides. Equal-length hits
# that disagree are returned together so the user is asked.
_ORG_KEYWORDS: dict[str, OrgChoice] = {
    # township
    "乡镇": (OrgType.TOWNSHIP, None), "乡党委": (OrgType.TOWNSHIP, None),
    "镇党委": (OrgType.TOWNSHIP, None), "乡镇党委": (OrgType.TOWNSHIP, None),
    # village
    "村": (OrgType.VILLAGE, None), "农村": (OrgType.VILLAGE, None),
    "村党支部": (OrgType.VILLAGE, None), "村党总支": (OrgType.VILLAGE, None),
    "村支部": (OrgType.VILLAGE, None), "村党委": (OrgType.VILLAGE, None),
    "行政村": (OrgType.VILLAGE, None),
    # subdistrict / community
    "街道": (OrgType.SUBDISTRICT, None), "街道党工委": (OrgType.SUBDISTRICT, None),
    "社区": (OrgType.COMMUNITY, None), "居委会": (OrgType.COMMUNITY, None),
    "城市社区": (OrgType.COMMUNITY, None),
    # enterprises
    "国企": (OrgType.SOE, None), "国有": (OrgType.SOE, None), "国有企业": (OrgType.SOE, None),
    "国有控股": (OrgType.SOE, None), "央企": (OrgType.SOE, None), "省属企业": (OrgType.SOE, None),
    "公有制企业": (OrgType.SOE, None),
    "非公": (OrgType.PRIVATE, None), "非公企业": (OrgType.PRIVATE, None),
    "非公有制": (OrgType.PRIVATE, None), "非公有制企业": (OrgType.PRIVATE, None),
    "非公有制经济组织": (OrgType.PRIVATE, None), "民营": (OrgType.PRIVATE, None),
    "民营企业": (OrgType.PRIVATE, None), "私营": (OrgType.PRIVATE, None),
    "私营企业": (OrgType.PRIVATE, None), "个体": (OrgType.PRIVATE, None),
    "外资企业": (OrgType.PRIVATE, None), "两新": (OrgType.PRIVATE, None),
    # organs, schools, research
    "机关": (OrgType.ORGAN, None), "党政机关": (OrgType.ORGAN, None),
    "学校": (OrgType.SCHOOL, None), "中学": (OrgType.SCHOOL, None),
    "小学": (OrgType.SCHOOL, None), "大学": (OrgType.SCHOOL, None),
    "高校": (OrgType.SCHOOL, None), "学院": (OrgType.SCHOOL, None),
    "幼儿园": (OrgType.SCHOOL, None), "职校": (OrgType.SCHOOL, None),
    "教育": (OrgType.SCHOOL, None),
    "科研": (OrgType.RESEARCH, None), "科研院所": (OrgType.RESEARCH, None),
    "科研单位": (OrgType.RESEARCH, None), "研究所": (OrgType.RESEARCH, None),
    "研究院": (OrgType.RESEARCH, None),
    # institutions
    "事业单位": (_I, None), "其他事业单位": (_I, InstitutionKind.OTHER),
    "医院": (_I, InstitutionKind.HEALTH), "卫生院": (_I, InstitutionKind.HEALTH),
    "卫生": (_I, InstitutionKind.HEALTH), "医疗": (_I, InstitutionKind.HEALTH),
    "疾控": (_I, InstitutionKind.HEALTH), "卫生事业单位": (_I, InstitutionKind.HEALTH),
    "文化": (_I, InstitutionKind.CULTURE), "文化馆": (_I, InstitutionKind.CULTURE),
    "图书馆": (_I, InstitutionKind.CULTURE), "博物馆": (_I, InstitutionKind.CULTURE),
    "文化站": (_I, InstitutionKind.CULTURE), "文化事业单位": (_I, InstitutionKind.CULTURE),
    "体育": (_I, InstitutionKind.SPORT), "体育馆": (_I, InstitutionKind.SPORT),
    "体育事业单位": (_I, InstitutionKind.SPORT),
    # social organizations
    "社会组织": (OrgType.SOCIAL, None), "协会": (OrgType.SOCIAL, None),
    "商会": (OrgType.SOCIAL, None), "学会": (OrgType.SOCIAL, None),
    "民办非企业": (OrgType.SOCIAL, None), "社团": (OrgType.SOCIAL, None),
    "基金会": (OrgType.SOCIAL, None),
}

# Whole-text matches win over keywords: our own labels (as exported), the keys, and the
# bare categories that would otherwise be ambiguous.
_ORG_EXACT: dict[str, OrgChoice] = {}
for _key in OrgType:
    _ORG_EXACT[str(_key)] = (str(_key), None)
    _ORG_EXACT[ORG_TYPE_LABELS[_key]] = (str(_key), None)
for _kind in InstitutionKind:
    _ORG_EXACT[org_type_label(_I, _kind)] = (str(_I), str(_kind))
_ORG_EXACT["文化、卫生、体育等事业单位"] = (_I, None)


def _org_norm(text: str) -> str:
    return to_halfwidth(compact(text), punctuation=True).lower()


_ORG_EXACT_NORM = {_org_norm(k): (str(v[0]), None if v[1] is None else str(v[1]))
                   for k, v in _ORG_EXACT.items()}
_ORG_KEYWORDS_NORM = sorted(
    ((_org_norm(k), [(str(v[0]), None if v[1] is None else str(v[1]))])
     for k, v in _ORG_KEYWORDS.items()),
    key=lambda kv: -len(kv[0]),
)
# Words that name a family of types without saying which: always asked about.
_ORG_KEYWORDS_NORM.append(("企业", [(str(OrgType.SOE), None), (str(OrgType.PRIVATE), None)]))


def match_org_type(value: Any) -> list[OrgChoice]:
    """Every (org_type, institution_kind) the text could mean.

    One candidate: use it. Several: ask the user. None: the text is not an organization type.
    "村党支部", "村党总支" → village; "镇卫生院" → institution/health; "村(社区)党组织" →
    village and community (ask). A keyword inside a longer keyword found at the same place
    does not count ("公有制企业" inside "非公有制企业").
    """
    text = _org_norm(clean_text(value))
    if not text:
        return []
    if text in _ORG_EXACT_NORM:
        return [_ORG_EXACT_NORM[text]]
    hits: list[tuple[int, int, list[OrgChoice]]] = []
    for keyword, choices in _ORG_KEYWORDS_NORM:
        start = text.find(keyword)
        while start >= 0:
            end = start + len(keyword)
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in hits):
                hits.append((start, end, choices))
            start = text.find(keyword, start + 1)
    found: list[OrgChoice] = []
    for _, _, choices in hits:
        found.extend(c for c in choices if c not in found)
    return _merge_kinds(found)


def _merge_kinds(found: list[OrgChoice]) -> list[OrgChoice]:
    """An institution with a known kind makes the kind-less institution candidate redundant."""
    kinds = {c for c in found if c[0] == OrgType.INSTITUTION and c[1] is not None}
    if kinds and (str(OrgType.INSTITUTION), None) in found:
        found = [c for c in found if c != (str(OrgType.INSTITUTION), None)]
    return found


_KIND_WORDS = {_org_norm(label): str(kind) for kind, label in INSTITUTION_KIND_LABELS.items()}
_KIND_WORDS.update({str(k): str(k) for k in InstitutionKind})
_KIND_WORDS.update({_org_norm(w): str(InstitutionKind.HEALTH) for w in ("医疗", "医院", "卫生院")})
_KIND_WORDS.update({_org_norm(w): str(InstitutionKind.CULTURE) for w in ("文化馆", "图书馆")})
_KIND_WORDS.update({_org_norm(w): str(InstitutionKind.OTHER) for w in ("其他", "其它")})


def parse_institution_kind(value: Any) -> str | None:
    """An InstitutionKind key from 文化/卫生/体育/其他 (or the key); blank → None."""
    if is_blank(value):
        return None
    text = _org_norm(clean_text(value))
    if text in _KIND_WORDS:
        return _KIND_WORDS[text]
    choices = {c[1] for c in match_org_type(value) if c[0] == OrgType.INSTITUTION and c[1]}
    if len(choices) == 1:
        return choices.pop()
    raise CellProblem(f"“{clean_text(value)}”不是事业单位类别（应为 文化、卫生、体育 或 其他）")


def org_choice_key(choice: OrgChoice) -> str:
    """The answer key of an organization-type choice: "village" or "institution:health"."""
    return choice[0] if choice[1] is None else f"{choice[0]}:{choice[1]}"


def org_choice_from_key(key: str) -> OrgChoice:
    """The inverse of `org_choice_key`."""
    org_type, _, kind = key.partition(":")
    return org_type, kind or None


def org_choice_label(choice: OrgChoice) -> str:
    """The Chinese label of a choice, as shown in questions and exports."""
    return org_type_label(choice[0], choice[1])
