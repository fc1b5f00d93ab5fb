"""Demo stage "records": the offices known here, plaque certificates, ledger attachments.

Offices. Every office that owns a demo record (and every office above this one) is known
here as if the exchange had brought it: its name (`default_office_name`, or the system
unit's name), tier, parent and a freshly made Ed25519 key. Parent and children of this
office are registered `direct` (identity card, fingerprint read over the phone), the others
`vouched` by the neighbour their keys came through — the rows `DbTrustStore.register_direct`
and `apply_updates` would write, inserted in bulk. Only the public keys are kept.

Certificates. Every candidacy holding a plaque has the certificate its awarding office
issued: number `{office}-{award year}-{serial}` (serials per office and year from 0001, in
award order), the QR text signed exactly as `services.certificates` signs it — with this
office's own key from its data folder for its own awards, with the key made above for the
others'. About one certificate in 200 is revoked: those of some sites later eliminated at
re-evaluation, and some lost or damaged ones replaced under a new number.

Attachments. About one ledger entry in twenty (at most MAX_ATTACHED per demo) has one or
two files: minutes or a plan as a one-page PDF set in the bundled fonts, photos as small
PNGs. A few distinct files are made and stored once by content hash
(`services.attachments.store_file`); many entries link to the same file.

Reads what the earlier stages wrote with a few whole-table queries (no query per row).
"""

from __future__ import annotations

import io
import mimetypes
import random
import struct
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session

from bqw_desktop.db.base import utc_now
from bqw_desktop.db.models import (
    OWNED_MODELS,
    Attachment,
    AttachmentLink,
    Candidacy,
    Certificate,
    LedgerEntry,
    Office,
    OfficeKey,
    Site,
    Transition,
)
from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.liaison import MEETING_SUBKINDS, LedgerKind
from bqw_desktop.domain.lifecycle import PLAQUE_STATUSES, Status
from bqw_desktop.domain.vocab import Level, Tier
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.scope import SYSTEM_CODE_RE, OfficeTree, office_tree
from bqw_desktop.exchange.trust_db import own_identity, own_private_key
from bqw_desktop.paths import DataFolder
from bqw_desktop.printing.data import site_full_name
from bqw_desktop.services import ledger
from bqw_desktop.services.attachments import store_file
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.certificates import sign_payload
from bqw_desktop.services.offices import default_office_name
from bqw_desktop.services.units import divisions_of, system_units

__all__ = [
    "AwardRow",
    "DemoFile",
    "DemoOffice",
    "awards",
    "file_bytes",
    "files_for",
    "minutes_pdf",
    "offices_to_know",
    "photo_png",
    "plan_pdf",
    "record_owners",
    "run",
]

LABEL = "单位密钥、牌匾证书与台账附件"

REVOKE_EVERY = 200  # about one certificate in this many is revoked
ELIMINATED_REASON = "两年复评不合格，予以淘汰，原证书作废"
REPLACED_REASONS = ("原证书遗失，经申请补发新证书", "原证书污损，经申请换发新证书")
ATTACH_PREFIX = "0d"  # entries whose id sorts below it: ids are random hex, so 13 in 256 (≈5%)
MAX_ATTACHED = 400  # entries with files, at most, so a province demo stays quick and small
PHOTO_VARIANTS = 12
_LEVEL_ORDER: dict[str, int] = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}


def run(ctx: Any) -> None:
    """Insert known offices and their keys, certificates, and ledger attachments."""
    if ctx.path is None:
        raise ValueError("the records stage needs the database path (keys and attachments live beside it)")
    with Session(bind=ctx.conn) as session:
        divisions = divisions_of(session)
        signers = _offices(ctx, session, divisions)
        signers[ctx.office.code] = own_private_key(ctx.path, own_identity(session))
        _certificates(ctx, divisions, signers)
    _attachments(ctx)


def _add(ctx: Any, table: str, count: int) -> None:
    ctx.counts[table] = ctx.counts.get(table, 0) + count


# --- offices and their keys ---------------------------------------------------------------


@dataclass(frozen=True)
class DemoOffice:
    """An office to register here: who it is and how its key arrived."""

    code: str
    name: str
    tier: str
    parent_code: str | None
    trust: str  # direct / vouched
    voucher_code: str | None


def record_owners(conn: Connection) -> set[str]:
    """Every office owning a record in the database: one query per owned table."""
    owners: set[str] = set()
    for model in OWNED_MODELS.values():
        owners.update(_owners_of(conn, cast(Table, model.__table__)))  # type: ignore[attr-defined]
    return owners


def _owners_of(conn: Connection, table: Table) -> list[str]:
    """The distinct owners of one table, hopping from one to the next along its owner index.

    A plain DISTINCT reads every index entry (850,000 in a province demo); the recursive
    query (standard SQL) makes one index seek per owner instead.
    """
    column = table.c.owner_office
    walk = select(func.min(column).label("code")).cte("owners", recursive=True)
    step = select(select(func.min(column)).where(column > walk.c.code).scalar_subquery()).where(
        walk.c.code.is_not(None))
    walk = walk.union_all(step)
    return list(conn.scalars(select(walk.c.code).where(walk.c.code.is_not(None))))


def offices_to_know(me: str, owners: set[str], *, tree: OfficeTree, divisions: Divisions,
                  systems: dict[str, str]) -> list[DemoOffice]:
    """The offices `me` knows: the owners and the offices above `me`, with every voucher among
    them, by code. Codes neither a division nor a system office are left out."""
    wanted = (set(owners) | set(tree.chain(me))) - {me}
    pending = sorted(wanted)
    while pending:  # a vouched key needs its voucher registered directly
        code = pending.pop()
        voucher = _neighbour_towards(me, code, tree)
        if voucher is not None and voucher not in wanted and voucher != me:
            wanted.add(voucher)
            pending.append(voucher)
    out = []
    for code in sorted(wanted):
        described = _describe(code, tree=tree, divisions=divisions, systems=systems)
        if described is None:
            continue
        name, tier, parent = described
        direct = tree.direction(me, code) is not None
        out.append(DemoOffice(code, name, tier, parent, "direct" if direct else "vouched",
                               None if direct else _neighbour_towards(me, code, tree)))
    return out


def _neighbour_towards(me: str, code: str, tree: OfficeTree) -> str | None:
    """The neighbour of `me` on the way to `code`: the child above it, else the parent of `me`."""
    chain = tree.chain(code)
    if me in chain:
        at = chain.index(me)
        return chain[at - 1] if at > 0 else None
    return tree.parent(me)


def _describe(code: str, *, tree: OfficeTree, divisions: Divisions,
              systems: dict[str, str]) -> tuple[str, str, str | None] | None:
    """(name, tier, parent) as the office's own set-up (`check_office`) records them."""
    if SYSTEM_CODE_RE.match(code):
        return systems.get(code, code), str(Tier.SYSTEM), tree.parent(code)
    division = divisions.get(code)
    if division is None or division.level not in (Tier.PROVINCE, Tier.CITY, Tier.COUNTY):
        return None
    return default_office_name(division.level, division.name), division.level, division.parent_code or None


def _offices(ctx: Any, session: Session, divisions: Divisions) -> dict[str, Ed25519PrivateKey]:
    """Insert the known offices with new keys; returns their private keys (kept in memory only)."""
    found = offices_to_know(ctx.office.code, record_owners(ctx.conn), tree=office_tree(), divisions=divisions,
                          systems=system_units(session))
    now = utc_now()
    signers: dict[str, Ed25519PrivateKey] = {}
    offices: list[dict[str, Any]] = []
    office_keys: list[dict[str, Any]] = []
    for known in found:
        private = keys.generate_keypair()
        public = keys.private_public_bytes(private)
        signers[known.code] = private
        offices.append({"code": known.code, "name": known.name, "tier": known.tier,
                        "parent_code": known.parent_code, "public_key": public,
                        "fingerprint": keys.fingerprint(public), "is_self": False, "trust": known.trust,
                        "registered_at": now})
        office_keys.append({"office_code": known.code, "public_key": public, "source": known.trust,
                            "voucher_code": known.voucher_code, "rotation": 0, "retired": False,
                            "registered_at": now})
    if offices:
        ctx.conn.execute(insert(cast(Table, Office.__table__)), offices)
        ctx.conn.execute(insert(cast(Table, OfficeKey.__table__)), office_keys)
    _add(ctx, "offices", len(offices))
    _add(ctx, "office_keys", len(office_keys))
    return signers


# --- certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRow:
    """An award act with what its certificate bears."""

    candidacy_id: str
    transition_id: str
    office: str
    acted_on: date
    level: str
    site_name: str  # as the certificate bears it
    status: str

    def order(self) -> tuple[Any, ...]:
        """Issuing order within an office: by award date, then level and name (never by id)."""
        return (self.acted_on, _LEVEL_ORDER.get(self.level, 9), self.site_name, self.transition_id)


def awards(conn: Connection, divisions: Divisions) -> list[AwardRow]:
    """The award act of every candidacy holding a plaque or eliminated after one, in issuing
    order per office. Like `certificates.award_of`, the latest live award act counts."""
    statuses = [str(s) for s in PLAQUE_STATUSES] + [str(Status.ELIMINATED)]
    query = (select(Candidacy.id, Transition.id, Transition.owner_office, Transition.acted_on, Candidacy.level,
                    Site.name, Site.region_code, Candidacy.status)
             .join(Transition, Transition.candidacy_id == Candidacy.id)
             .join(Site, Site.id == Candidacy.site_id)
             .where(Candidacy.status.in_(statuses), Candidacy.deleted.is_(False),
                    Transition.to_status == Status.AWARDED, Transition.deleted.is_(False)))
    latest: dict[str, AwardRow] = {}
    for cid, tid, office, acted_on, level, name, region, status in conn.execute(query):
        division = divisions.get(region)
        row = AwardRow(cid, tid, office, acted_on, level,
                       site_full_name(name, division.name if division is not None else ""), status)
        if cid not in latest or row.acted_on > latest[cid].acted_on:
            latest[cid] = row
    return sorted(latest.values(), key=lambda a: (a.office, a.order()))


def _certificates(ctx: Any, divisions: Divisions, signers: dict[str, Ed25519PrivateKey]) -> None:
    found = awards(ctx.conn, divisions)
    plaques = [a for a in found if a.status in PLAQUE_STATUSES]
    eliminated = [a for a in found if a.status == Status.ELIMINATED]
    revoked = max(2, round(len(plaques) / REVOKE_EVERY)) if plaques else 0
    dropped = ctx.rng.sample(eliminated, min(len(eliminated), (revoked + 1) // 2))
    replaced = ctx.rng.sample(plaques, min(len(plaques), revoked - len(dropped)))
    issued = sorted(plaques + dropped, key=lambda a: (a.office, a.order()))
    serials: dict[tuple[str, int], int] = defaultdict(int)
    rows: list[dict[str, Any]] = []

    def certificate(award: AwardRow, *, reason: str = "") -> dict[str, Any]:
        year = award.acted_on.year
        serials[(award.office, year)] += 1
        number = f"{award.office}-{year}-{serials[(award.office, year)]:04d}"
        payload = sign_payload(signers[award.office], number=number, site_name=award.site_name,
                                 level=award.level, award_date=award.acted_on, issuer=award.office)
        row = {"owner_office": award.office, "number": number, "candidacy_id": award.candidacy_id,
               "transition_id": award.transition_id, "level": award.level, "site_name": award.site_name,
               "award_date": award.acted_on, "payload": payload, "revoked": bool(reason),
               "revoked_reason": reason}
        rows.append(row)
        return row

    dropped_ids = {a.candidacy_id for a in dropped}
    replaced_ids = {a.candidacy_id for a in replaced}
    for award in issued:
        reason = ELIMINATED_REASON if award.candidacy_id in dropped_ids else ""
        if award.candidacy_id in replaced_ids:
            reason = ctx.rng.choice(REPLACED_REASONS)
        certificate(award, reason=reason)
    # Replacements are issued later, so they take the next serials of their office and year.
    for award in sorted(replaced, key=lambda a: (a.office, a.order())):
        certificate(award)
    _add(ctx, "certificates", insert_rows(ctx.conn, Certificate, _revoked_later(
        owned_rows(Certificate, rows, owner=ctx.office.code, user=ctx.actor.user))))


def _revoked_later(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A revoked certificate was issued, then changed once by its owner: version 2."""
    for row in rows:
        if row["revoked"]:
            row["version"] = 2
        yield row


# --- ledger attachments -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    """A generated file: its name as linked, caption and content."""

    key: str  # what makes its content (equal keys, equal bytes)
    filename: str
    caption: str


def _attachments(ctx: Any) -> None:
    """Link one or two generated files to about one ledger entry in twenty."""
    entries = ctx.conn.execute(
        select(LedgerEntry.id, LedgerEntry.owner_office, LedgerEntry.kind, LedgerEntry.subkind, LedgerEntry.title)
        .where(LedgerEntry.id < ATTACH_PREFIX, LedgerEntry.deleted.is_(False))
        .order_by(LedgerEntry.id).limit(MAX_ATTACHED)).all()
    planned = [(entry, files_for(entry.kind, entry.subkind, entry.title, ctx.rng)) for entry in entries]
    stored = _store({f.key: f for _, files in planned for f in files}, DataFolder(ctx.path).attachments)
    now = utc_now()
    rows = [{"sha256": sha, "size": size, "media_type": media, "stored_at": now}
            for sha, size, media in dict.fromkeys(stored.values())]
    if rows:
        ctx.conn.execute(insert(cast(Table, Attachment.__table__)), rows)
    _add(ctx, "attachments", len(rows))
    links = [{"owner_office": entry.owner_office, "record_type": ledger.RECORD_TYPE, "record_id": entry.id,
              "sha256": stored[f.key][0], "filename": f.filename, "caption": f.caption}
             for entry, files in planned for f in files]
    _add(ctx, "attachment_links", insert_rows(ctx.conn, AttachmentLink,
                                              owned_rows(AttachmentLink, links, owner=ctx.office.code,
                                                         user=ctx.actor.user)))


def files_for(kind: str, subkind: str, title: str, rng: random.Random) -> list[DemoFile]:
    """The files of one entry: minutes or a plan where the kind has them, photos otherwise."""
    photos = [DemoFile(f"photo:{variant}", f"活动照片{n}.png", "活动照片")
              for n, variant in enumerate(rng.sample(range(PHOTO_VARIANTS), 2), 1)]
    if kind == LedgerKind.MEETING:
        sub = subkind if subkind in MEETING_SUBKINDS else "progress"
        minutes = DemoFile(f"minutes:{sub}", f"{title or MEETING_SUBKINDS[sub]}会议记录.pdf", "会议记录")
        return [minutes, photos[0]] if rng.random() < 0.5 else [minutes]
    if kind == LedgerKind.PLAN:
        return [DemoFile(f"plan:{subkind or 'plan'}", f"{title or '创建实施方案'}.pdf", "创建方案")]
    return photos if rng.random() < 0.3 else photos[:1]


def _store(files: dict[str, DemoFile], store: Path) -> dict[str, tuple[str, int, str]]:
    """Make each distinct file once and store it by content: key → (sha256, size, media type)."""
    out: dict[str, tuple[str, int, str]] = {}
    with tempfile.TemporaryDirectory(prefix="bqw-demo-") as tmp:
        for n, (key, demo_file) in enumerate(sorted(files.items())):
            source = Path(tmp) / f"{n}{Path(demo_file.filename).suffix}"
            source.write_bytes(file_bytes(key))
            sha, size = store_file(store, source)
            media = mimetypes.guess_type(demo_file.filename)[0] or "application/octet-stream"
            out[key] = (sha, size, media)
    return out


def file_bytes(key: str) -> bytes:
    """The content of a generated file (the same key always gives the same bytes)."""
    kind, _, arg = key.partition(":")
    if kind == "photo":
        return photo_png(int(arg))
    if kind == "minutes":
        return minutes_pdf(arg)
    return plan_pdf(arg)


# --- making the files -----------------------------------------------------------------------

_AGENDA = {
    "progress": ("一、通报示范点创建工作进展情况，对照创建目标逐项梳理完成情况。",
                 "二、查摆创建工作中存在的问题：台账资料不够规范，党员积分管理有待落实。",
                 "三、部署下阶段重点任务，落实“一月一调度、一季一督查”。",
                 "四、明确责任分工，支部委员按分工抓好落实，月底前报送进展。"),
    "exchange": ("一、现场观摩党员活动阵地、党务公开栏和党群服务中心。",
                 "二、示范点党组织书记介绍创建工作主要做法和体会。",
                 "三、与会同志交流发言，互相学习借鉴好经验、好做法。",
                 "四、组织部负责同志讲话，对推广示范点经验提出要求。"),
    "review": ("一、示范点党组织书记汇报创建工作开展情况。",
               "二、领导逐项点评创建情况，肯定成绩，指出不足。",
               "三、提出改进意见：进一步提炼特色做法，完善佐证材料。",
               "四、支部委员会研究整改措施，限期落实到位。"),
}
_PLAN = ("一、指导思想：以创先争优为载体，抓党建、促发展、惠民生、保稳定。",
         "二、创建目标：班子坚强有力，制度健全规范，作用发挥明显，群众普遍满意。",
         "三、工作措施：开展党员亮身份、亮承诺活动；完善党员积分管理和志愿服务制度；",
         "　　建好用好党员活动阵地，按期开展“三会一课”和主题党日。",
         "四、责任分工：党组织书记负总责，支部委员按分工抓落实，联络员跟踪指导。",
         "五、时间安排：动员部署、组织实施、自查自评、迎接考核四个阶段，逐月推进。")


def minutes_pdf(subkind: str) -> bytes:
    """A one-page "会议记录" of a meeting of this kind."""
    label = MEETING_SUBKINDS.get(subkind, MEETING_SUBKINDS["progress"])
    lines = [f"会议名称：示范点创建工作{label}", "主 持 人：党组织书记", "参会人员：支部委员、党员代表、联络员",
             "记 录 人：组织委员", "", "会议内容：", *_AGENDA.get(subkind, _AGENDA["progress"]), "",
             "会议要求：各项任务明确到人，按时间节点完成，下次会议通报落实情况。"]
    return _one_page_pdf("会议记录", lines)


def plan_pdf(subkind: str) -> bytes:
    """A one-page creation plan (or its measures and division of work)."""
    title = "创建工作措施及责任分工" if subkind == "measures" else "创先争优活动示范点创建实施方案"
    return _one_page_pdf(title, list(_PLAN))


def _one_page_pdf(title: str, lines: list[str]) -> bytes:
    """An A4 page: a centred title and body lines in the bundled body font (one font subset
    keeps the file small and quick to make); the same text always gives the same bytes (no
    creation date or random document id)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from bqw_desktop.printing.fonts import FontChain, default_fontset
    from bqw_desktop.printing.layout import wrap

    fonts = default_fontset()
    body = FontChain([fonts.body])
    width, height = A4
    margin, size = 72.0, 12.0
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    page.setTitle(title)
    page.setFont(fonts.body, 22)
    page.drawCentredString(width / 2, height - 96, title)
    page.setFont(fonts.body, size)
    y = height - 150
    for line in lines:
        for part in wrap(line, width - 2 * margin, body, size) or [""]:
            page.drawString(margin, y, part)
            y -= size * 2
    page.showPage()
    page.save()
    return buffer.getvalue()


def photo_png(variant: int, *, width: int = 240, height: int = 160) -> bytes:
    """A small "活动照片": sky, a building with a red banner, people in a row, the ground.

    Drawn row by row with the standard library only (zlib, struct); `variant` picks the
    colours and places, the same variant always giving the same bytes.
    """
    rng = random.Random(variant)
    sky = (rng.randint(120, 180), rng.randint(170, 210), rng.randint(215, 250))
    ground = rng.choice(((96, 140, 70), (150, 150, 145), (180, 160, 120)))
    wall = rng.choice(((200, 190, 170), (225, 225, 220), (170, 90, 70)))
    horizon = int(height * rng.uniform(0.58, 0.7))
    left, right = rng.randint(10, 60), width - rng.randint(10, 60)
    top = rng.randint(25, 45)
    banner = (top + 8, top + 22)
    people = [(x, rng.choice(((40, 40, 60), (170, 30, 30), (230, 230, 230), (60, 80, 140))))
              for x in range(rng.randint(14, 30), width - 12, rng.randint(16, 24))]
    rows = []
    for y in range(height):
        if y >= horizon:
            row = bytearray(bytes(ground) * width)
        else:
            shade = y * 40 // max(1, horizon)
            row = bytearray(bytes((max(0, sky[0] - shade), max(0, sky[1] - shade), sky[2])) * width)
            if y >= top:
                _paint(row, left, right, (0xC8, 0x10, 0x10) if banner[0] <= y < banner[1] else wall)
        for x, colour in people:
            head, body = horizon - 30, horizon - 22
            if head <= y < body:
                _paint(row, x + 2, x + 8, (235, 200, 170))
            elif body <= y < horizon + 6:
                _paint(row, x, x + 10, colour)
        rows.append(b"\x00" + bytes(row))
    return _png(width, height, b"".join(rows))


def _paint(row: bytearray, x0: int, x1: int, colour: tuple[int, int, int]) -> None:
    x0, x1 = max(0, x0), min(len(row) // 3, x1)
    if x1 > x0:
        row[x0 * 3:x1 * 3] = bytes(colour) * (x1 - x0)


def _png(width: int, height: int, raw: bytes) -> bytes:
    """An 8-bit RGB PNG of filtered scanlines (each led by filter byte 0)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

