"""Demo stage: leaders, liaison officers, inspection visits, rectifications and the ledger.

Every county office keeps a register of people (its organization department's liaison
officers and responsible comrades, and the leaders of the organizations above its sites),
assigns a leader, a responsible comrade and a liaison officer to each site (some liaison
officers and leaders were replaced half-way, so history shows), visits each site roughly
every quarter over the last two years (a few sites have stalled and a handful were never
visited), records rectification items (most closed, some overdue; a share closed by the
city office on its own inspections) and keeps a creation ledger of every kind.
All records belong to the county office of each site's region, like the sites themselves.

Uses only `ctx.shared["sites"]`: tuples (id, owner_office, region_code, org_type, org_kind, name).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from itertools import chain
from typing import Any

from bqw_desktop.db.models import (
    Assignment,
    LedgerEntry,
    Person,
    Rectification,
    RectificationClosing,
    Visit,
)
from bqw_desktop.domain.divisions import load_divisions
from bqw_desktop.domain.liaison import HONOUR_SUBKINDS, Role
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.demo import names

LABEL = "联系指导与创建台账"

_OBSERVATIONS = (
    "党员活动室布置规范，制度上墙，“三会一课”记录较完整。",
    "创建实施方案已印发，任务分解到人，工作进度与计划基本一致。",
    "党员设岗定责落实较好，群众对党组织服务评价较高。",
    "党务公开栏内容更新及时，民主评议党员工作已开展。",
    "结合中心工作开展主题党日，党员参与率较高。",
    "阵地建设有新进展，新建党群服务中心已投入使用。",
    "党组织书记对创建目标清楚，班子分工明确。",
    "发展党员工作程序规范，入党积极分子培养有计划。",
    "党员志愿服务队定期开展活动，台账资料较齐全。",
    "创建工作亮点初步形成，特色做法有一定示范作用。",
)
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("“三会一课”记录不够规范，个别会议无记录。", "规范“三会一课”记录，补齐缺失的会议记录"),
    ("党务公开栏内容陈旧，未按季度更新。", "按季度更新党务公开栏内容"),
    ("创建台账资料不全，工作措施缺少佐证材料。", "整理完善创建台账，补充工作措施的佐证材料"),
    ("党员活动室兼作他用，活动阵地不够规范。", "规范党员活动室使用，落实专室专用"),
    ("流动党员管理不到位，联系方式未及时更新。", "建立流动党员联系台账，逐一核实联系方式"),
    ("党员积分管理制度未落实。", "制定并落实党员积分管理办法"),
    ("创建特色不够鲜明，经验总结不够。", "梳理提炼创建特色做法，形成书面经验材料"),
    ("发展党员材料缺少谈话记录。", "补充发展党员过程中的谈话记录"),
    ("组织生活会问题整改清单未公示。", "公示组织生活会问题整改清单并跟踪落实"),
    ("群众意见建议办理反馈不及时。", "建立群众意见办理反馈台账，限时答复"),
)
_EVIDENCE = (
    "已整改到位，附整改前后照片。",
    "补充材料已归档，经复查合格。",
    "已召开支委会专题研究并落实，附会议记录。",
    "整改情况经联络员现场复核确认。",
    "制度已印发并上墙，附文件。",
)
_CITY_EVIDENCE = "市委组织部督查组现场复查，确认已整改到位。"
_KINDS = (("guidance", 45), ("inspection", 35), ("survey", 12), ("pre_assessment", 8))
_FUNDING_PURPOSES = ("党员活动阵地建设", "党员教育培训", "党群服务中心设备购置", "创建工作经费",
                     "党建品牌宣传", "困难党员帮扶", "党员志愿服务活动")
_OUTLETS = ("湖南日报", "新湘评论", "红网", "湖南组工网", "{city}日报", "{county}电视台", "{county}党建网")
_HEADLINES = ("{site}：党建引领促发展", "{site}创先争优见实效", "走进{site}：小支部发挥大作用",
              "{site}探索“党建+”服务模式", "{site}示范点创建工作纪实")
_EXPERIENCES = ("“支部+合作社”带动群众增收", "党员设岗定责“一岗一责”", "党群服务“一站式”办理",
                "“党员积分制”激发队伍活力", "网格化管理“党员联户”", "“三亮三比”争当先锋")
_LIAISON_POSTS = ("组织科科员", "组织科副科长", "组织员", "干部科科员", "基层组织建设办公室干事",
                  "党员教育中心干事")
_RESPONSIBLE_POSTS = ("组织部副部长", "组织科科长", "基层组织建设办公室主任", "组织部部务委员")
_LEDGER_BLANK = {"subkind": "", "title": "", "body": "", "amount_fen": None, "participants": "", "outlet": "",
                 "honour_level": ""}
_LEADER_POSTS = ("党委书记", "党委副书记", "党工委书记", "党组书记")


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the demo's seeded generator (so a seed gives the same ids)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def _between(rng: random.Random, low: int, high: int) -> int:
    """Like rng.randint(low, high), at a third of its cost (this stage draws ~10⁶ numbers)."""
    return low + int(rng.random() * (high - low + 1))


def _choice_weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    x = rng.random() * sum(w for _, w in pairs)
    for key, weight in pairs:
        x -= weight
        if x < 0:
            return key
    return pairs[-1][0]


class _Office:
    """One county office's rows while they are generated."""

    def __init__(self, code: str, rng: random.Random, today: date) -> None:
        divisions = load_divisions()
        county = divisions.get(code)
        self.code = code
        self.name = county.name if county else code
        self.city_code = (county.parent_code if county and county.parent_code else code[:4] + "00")
        city = divisions.get(self.city_code)
        self.city_name = city.name if city else ""
        self.rng = rng
        self.today = today
        self.people: list[dict[str, Any]] = []
        self.assignments: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []
        self.rects: list[dict[str, Any]] = []
        self.closings: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []

    def person(self, unit: str, post: str) -> dict[str, Any]:
        row = {"id": _uuid(self.rng), "name": names.person_name(self.rng), "unit": unit, "post": post,
               "phone": names.phone(self.rng, region_code=self.code, landline_share=0.2)}
        self.people.append(row)
        return row


def run(ctx: Any) -> None:
    """Insert people, assignments, visits, rectifications, closings and ledger entries."""
    by_owner: dict[str, list[tuple]] = defaultdict(list)
    for site in ctx.shared.get("sites", []):
        by_owner[site[1]].append(site)
    offices = []
    for owner, site_rows in sorted(by_owner.items()):
        office = _Office(owner, ctx.rng, ctx.today)
        _fill_office(office, site_rows)
        offices.append(office)
    _insert(ctx, offices)


def _insert(ctx: Any, offices: list[_Office]) -> None:
    """Insert table by table (parents first), each table's rows office by office.

    One table at a time, like a plain bulk load, rather than six tables per office in turn:
    SQLite then keeps fewer tables' and indexes' pages hot in its cache at once.
    """
    user = ctx.actor.user
    # Closings name their own owner (the county, or the city on its inspections); owned_rows keeps it.
    for model, attribute in ((Person, "people"), (Assignment, "assignments"), (Visit, "visits"),
                             (Rectification, "rects"), (RectificationClosing, "closings"),
                             (LedgerEntry, "ledger")):
        rows = chain.from_iterable(owned_rows(model, getattr(office, attribute), owner=office.code, user=user)
                                   for office in offices)
        count = insert_rows(ctx.conn, model, rows)
        ctx.counts[model.__tablename__] = ctx.counts.get(model.__tablename__, 0) + count


def _fill_office(office: _Office, site_rows: list[tuple]) -> None:
    rng = office.rng
    unit = f"{office.name}委组织部"
    liaisons = [office.person(unit, rng.choice(_LIAISON_POSTS)) for _ in range(max(3, len(site_rows) // 14))]
    responsible = [office.person(unit, rng.choice(_RESPONSIBLE_POSTS)) for _ in range(max(2, len(site_rows) // 40))]
    leaders = [office.person(f"{office.name}{rng.choice(('委', '人民政府', '直属机关工委'))}", rng.choice(_LEADER_POSTS))
               for _ in range(max(4, len(site_rows) // 12))]
    for site in site_rows:
        _fill_site(office, site, liaisons=liaisons, responsible=responsible, leaders=leaders)


def _fill_site(office: _Office, site: tuple, *, liaisons: list[dict], responsible: list[dict],
               leaders: list[dict]) -> None:
    rng, today = office.rng, office.today
    site_id, name = site[0], site[5]
    start = today - timedelta(days=_between(rng, 560, 700))
    lead = rng.choice(leaders)
    _assign(office, site_id, lead, Role.LEADER, start, None)
    _assign(office, site_id, rng.choice(responsible), Role.RESPONSIBLE, start, None)
    # About one site in five had its liaison officer replaced half-way.
    officers = [(rng.choice(liaisons), start)]
    if rng.random() < 0.2:
        handover = start + timedelta(days=_between(rng, 150, 450))
        officers.append((rng.choice([p for p in liaisons if p is not officers[0][0]] or liaisons), handover))
    for n, (person, since) in enumerate(officers):
        until = officers[n + 1][1] if n + 1 < len(officers) else None
        _assign(office, site_id, person, Role.LIAISON, since, until)
    _visits(office, site_id, start, officers, lead)
    _ledger(office, site_id, name, start, lead)


def _assign(office: _Office, site_id: str, person: dict, role: str, start: date, end: date | None) -> None:
    office.assignments.append({"id": _uuid(office.rng), "site_id": site_id, "person_id": person["id"],
                               "role": str(role), "start_date": start, "end_date": end})


def _visits(office: _Office, site_id: str, start: date, officers: list[tuple[dict, date]], lead: dict) -> None:
    rng, today = office.rng, office.today
    fate = rng.random()
    if fate < 0.01:
        return  # never visited
    # Most sites are visited about once a quarter; some have stalled for months.
    stop = today - timedelta(days=_between(rng, 100, 300)) if fate < 0.07 else today
    when = start + timedelta(days=_between(rng, 10, 40))
    while when <= stop:
        officer = next(p for p, since in reversed(officers) if since <= when)
        _visit(office, site_id, when, officer, lead)
        when += timedelta(days=_between(rng, 50, 130))


def _visit(office: _Office, site_id: str, when: date, officer: dict, lead: dict) -> None:
    rng = office.rng
    kind = _choice_weighted(rng, _KINDS)
    visitors = officer["name"] + (f"、{lead['name']}" if rng.random() < 0.15 else "")
    found = rng.sample(_PROBLEMS, k=rng.choice((1, 1, 2))) if rng.random() < 0.35 else []
    visit_id = _uuid(rng)
    office.visits.append({"id": visit_id, "site_id": site_id, "visit_date": when, "kind": kind,
                          "visitors": visitors, "observations": rng.choice(_OBSERVATIONS),
                          "problems": "".join(problem for problem, _ in found)})
    for _, action in found:
        due = when + timedelta(days=_between(rng, 15, 60))
        rect_id = _uuid(rng)
        office.rects.append({"id": rect_id, "visit_id": visit_id, "site_id": site_id, "description": action,
                             "due_date": due, "responsible": "党组织书记" if rng.random() < 0.6 else "支部委员"})
        _maybe_close(office, rect_id, when, due)


def _maybe_close(office: _Office, rect_id: str, found_on: date, due: date) -> None:
    rng, today = office.rng, office.today
    age = (today - due).days
    chance = 0.95 if age > 60 else 0.7 if age > 0 else 0.35
    if rng.random() >= chance:
        return
    latest = min(today, due + timedelta(days=20))
    if latest <= found_on:
        return
    closed_on = found_on + timedelta(days=_between(rng, 1, (latest - found_on).days))
    by_city = rng.random() < 0.1
    office.closings.append({"id": _uuid(rng), "rectification_id": rect_id, "closed_on": closed_on,
                            "evidence": _CITY_EVIDENCE if by_city else rng.choice(_EVIDENCE),
                            "owner_office": office.city_code if by_city else office.code})


def _ledger(office: _Office, site_id: str, name: str, start: date, lead: dict) -> None:
    rng, today = office.rng, office.today

    def add(kind: str, when: date, **fields: Any) -> None:
        # Every row names every column: one executemany statement takes its columns from the first row.
        office.ledger.append({**_LEDGER_BLANK, "id": _uuid(rng), "site_id": site_id, "kind": kind,
                              "entry_date": min(when, today), **fields})

    def later(low: int, high: int) -> date:
        return start + timedelta(days=_between(rng, low, high))

    add("plan", later(5, 30), subkind="plan", title=f"{name}创先争优示范点创建实施方案",
        body="明确创建目标、工作措施、责任分工和时间安排。")
    if rng.random() < 0.5:
        add("plan", later(30, 90), subkind="measures", title="创建工作措施及责任分工",
            body="细化创建任务清单，落实“一月一调度、一季一督查”。")
    add("meeting", later(20, 120), subkind="progress", title="示范点创建工作推进会",
        participants=f"{lead['name']}、支部委员、党员代表", body="通报创建进展，部署下阶段重点任务。")
    if rng.random() < 0.3:
        add("meeting", later(200, 500), subkind="exchange", title="示范点创建现场经验交流会",
            participants=f"{office.name}各乡镇（街道）组织委员", body="现场观摩，交流创建经验。")
    if rng.random() < 0.3:
        add("meeting", later(300, 560), subkind="review", title="示范点创建领导点评会",
            participants=f"{lead['name']}、{office.name}委组织部负责同志", body="逐项点评创建情况，提出改进意见。")
    for _ in range(rng.choice((0, 1, 1, 2))):
        amount = _between(rng, 10, 160) * 500  # in yuan; now and then with fen
        fen = rng.choice((0, 0, 0, 50))
        add("funding", later(30, 540), title=rng.choice(_FUNDING_PURPOSES), amount_fen=amount * 100 + fen,
            body="上级党组织划拨专项经费。")
    if rng.random() < 0.25:
        add("honour", later(180, 560), subkind=rng.choice(tuple(HONOUR_SUBKINDS)),
            honour_level=_choice_weighted(rng, (("county", 50), ("city", 30), ("province", 15), ("national", 5))),
            title="党群共建先进集体")
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        outlet = rng.choice(_OUTLETS).format(city=office.city_name, county=office.name)
        add("publicity", later(60, 560), outlet=outlet, title=rng.choice(_HEADLINES).format(site=name))
    if rng.random() < 0.3:
        add("experience", later(200, 560), title=rng.choice(_EXPERIENCES),
            body="坚持党建引领，把创建工作与中心工作紧密结合，形成可复制、可推广的做法。")
