"""Plain data the printed documents are made from.

Printing services read the database and fill these frozen dataclasses; the documents never
touch the database. Vocabulary keys (levels, organization types, tiers) are those of
`bqw_desktop.domain.vocab`; labels are looked up at print time.

Also here: the fixed wording the documents share (form titles, award names, awarding bodies,
which offices sign a nomination).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bqw_desktop.domain.vocab import LEVEL_LABELS, Level, Tier, org_type_label

__all__ = [
    "Attachment",
    "AwardData",
    "CandidacyHistory",
    "ChecklistItem",
    "DossierData",
    "HistoryStep",
    "LedgerEntry",
    "ListColumn",
    "ListData",
    "NominationData",
    "OpinionBox",
    "RectificationItem",
    "SiteParticulars",
    "VisitData",
    "award_wording",
    "awarding_body",
    "default_opinion_boxes",
    "nomination_title",
    "site_full_name",
]


def nomination_title(level: str) -> str:
    """ "创先争优活动省级示范点创建单位推荐表" for `level` (a Level key)."""
    return f"创先争优活动{LEVEL_LABELS.get(level, level)}示范点创建单位推荐表"


def award_wording(level: str) -> str:
    """The title a plaque bears, in the notice's words: "创先争优活动省级示范点"."""
    return f"创先争优活动{LEVEL_LABELS.get(level, level)}示范点"


def awarding_body(region_full_name: str) -> str:
    """The leading group that awards a plaque in `region_full_name`.

    "湖南省" → "中共湖南省委创先争优活动领导小组"; "长沙市" → "中共长沙市委…"; "芙蓉区" →
    "中共芙蓉区委…".
    """
    return f"中共{region_full_name}委创先争优活动领导小组"


def site_full_name(name: str, region_name: str) -> str:
    """The name a certificate bears: the register's name, led by its county if it lacks it.

    ("南铺镇南林社区党总支", "长沙县") → "长沙县南铺镇南林社区党总支"; ("中共黄花镇党委", "长沙县")
    → "中共长沙县黄花镇党委"; a name that already names the region is kept as it is.
    """
    name = name.strip()
    if not region_name or region_name in name:
        return name
    if name.startswith("中共"):
        return f"中共{region_name}{name[2:]}"
    return f"{region_name}{name}"


@dataclass(frozen=True)
class SiteParticulars:
    """A site's particulars as a nomination form or dossier shows them."""

    name: str
    org_type: str  # OrgType key
    region: str  # e.g. "长沙市浏阳市"
    secretary: str = ""
    members: int | None = None
    contact: str = ""
    phone: str = ""
    institution_kind: str | None = None  # InstitutionKind key, for org_type "institution"
    parent_org: str = ""  # 上级党组织
    address: str = ""
    code: str = ""  # the register's site code

    @property
    def org_type_label(self) -> str:
        return org_type_label(self.org_type, self.institution_kind)

    @property
    def members_text(self) -> str:
        return "" if self.members is None else f"{self.members} 名"


@dataclass(frozen=True)
class OpinionBox:
    """One office's opinion box: it signs and stamps; `text` is pre-filled opinion, if any."""

    office: str  # e.g. "县（市、区）委组织部"
    text: str = ""

    @property
    def label(self) -> str:
        """The box's heading, "意见" on a line of its own as printed forms set it."""
        return f"{self.office}\n意见"


def default_opinion_boxes(level: str, route: str = Tier.COUNTY) -> tuple[OpinionBox, ...]:
    """The offices that sign a nomination of `level` sent along `route` (a Tier key).

    County route: the site's own party organization, then the county, city and provincial
    offices up to the level. City route (a unit directly under a city): the city skips the
    county. System route (省直机关、各系统): the system's leading group recommends straight
    to the province, as the notice provides.
    """
    own = OpinionBox("所在党组织")
    county = OpinionBox("县（市、区）委组织部")
    city = OpinionBox("市（州）委组织部")
    system = OpinionBox("省直机关、系统创先争优活动领导（指导）小组")
    province = OpinionBox("省委创先争优活动领导小组办公室")
    if route == Tier.SYSTEM:
        return (own, system, province) if level == Level.PROVINCE else (own, system)
    if route == Tier.PROVINCE:  # a unit directly under the province decides itself
        return (own, province)
    chain = [own] if route == Tier.CITY else [own, county]
    if level in (Level.CITY, Level.PROVINCE):
        chain.append(city)
    if level == Level.PROVINCE:
        chain.append(province)
    return tuple(chain)


@dataclass(frozen=True)
class NominationData:
    """A candidacy's nomination form (推荐表)."""

    level: str  # Level key
    particulars: SiteParticulars
    achievements: str  # 主要事迹; paragraphs separated by newlines
    measures: str  # 创建措施
    opinions: tuple[OpinionBox, ...]
    title: str = ""  # defaults to nomination_title(level)
    nominating_office: str = ""  # 推荐单位, printed above the table
    remarks: str = ""  # 备注

    @property
    def heading(self) -> str:
        return self.title or nomination_title(self.level)


@dataclass(frozen=True)
class AwardData:
    """One award: what its certificate and plaque sheet print."""

    certificate_no: str  # prefixed by the awarding office's code; allocated elsewhere, never reused
    level: str  # Level key
    site_full_name: str
    awarding_body: str  # e.g. "中共湖南省委创先争优活动领导小组"
    award_date: date
    qr_text: str  # the signed record, as plain text

    @property
    def wording(self) -> str:
        return award_wording(self.level)


@dataclass(frozen=True)
class RectificationItem:
    """A problem found on a visit and what is to be done about it."""

    problem: str
    measure: str = ""
    deadline: date | None = None
    status: str = ""  # e.g. "整改中", "已整改"


@dataclass(frozen=True)
class VisitData:
    """An inspection visit (督查) to a site."""

    site_name: str
    visit_date: date
    inspectors: str  # 督查人员
    liaison_officer: str = ""  # 联络员
    region: str = ""
    form: str = "实地督查"  # 督查方式
    findings: str = ""  # 督查情况
    rectifications: tuple[RectificationItem, ...] = ()
    remarks: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    """One creation goal of the site's checklist and its verdict."""

    number: str  # e.g. "(1)"
    goal: str
    verdict: str = ""  # e.g. "达标", "基本达标", "未达标", "" (not yet assessed)
    note: str = ""


@dataclass(frozen=True)
class HistoryStep:
    when: date
    text: str  # e.g. "县（市、区）委组织部推荐"


@dataclass(frozen=True)
class CandidacyHistory:
    """One candidacy of a site, with its steps in order."""

    level: str  # Level key
    round_label: str  # e.g. "2011—2012 年度"
    status: str  # e.g. "已授牌", "创建中", "未通过"
    steps: tuple[HistoryStep, ...] = ()


@dataclass(frozen=True)
class LedgerEntry:
    """A line of the site's work ledger (台账)."""

    when: date
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file kept with the site's record."""

    name: str
    kind: str = ""  # e.g. "图片", "文档"
    size_bytes: int | None = None
    added: date | None = None


@dataclass(frozen=True)
class DossierData:
    """Everything of one site (一点一档)."""

    particulars: SiteParticulars
    level_status: str  # e.g. "省级示范点（2012年6月授牌）"
    produced_by: str  # the office printing it
    produced_on: date
    checklist: tuple[ChecklistItem, ...] = ()
    candidacies: tuple[CandidacyHistory, ...] = ()
    visits: tuple[VisitData, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class ListColumn:
    """A list column: its heading, relative width, and alignment."""

    title: str
    weight: float = 1.0
    align: str = "left"  # "left", "center" or "right"


@dataclass(frozen=True)
class ListData:
    """A register list (名单) as filtered: rows of strings under `columns`."""

    title: str
    columns: tuple[ListColumn, ...]
    rows: Sequence[Sequence[str]]
    subtitle: str = ""  # e.g. "（长沙市 2012年6月）"
    totals: str = ""  # e.g. "合计：省级示范点 12 个"
    office: str = ""  # printed at the foot of the last page with the date
    produced_on: date | None = None
    numbered: bool = True  # prepend a "序号" column
    landscape: bool = False
