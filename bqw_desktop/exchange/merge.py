"""Merging a verified package into the database, by the ownership rule.

For each record the package carries (docs/EXCHANGE.md):
- the sender must be allowed to send it (`scope`): otherwise the whole package is refused,
  naming the records;
- unknown here: created; a higher version from its owner: replaces ours; the same version
  and hash: unchanged; a lower version: unchanged (an older copy: a tombstone is never
  undone by an older package); the same version with a different hash: a conflict, kept
  with both sides for a person, and nothing changes;
- acts (transitions, closings) are records like the others, appended once by id; two live
  acts following the same act are a fork, recorded as a conflict of the candidacy;
- a site that arrives and matches one this office entered itself (same name and region) is
  flagged as a probable duplicate.

`merge` runs inside the caller's transaction and writes through SQLAlchemy Core (other
offices' records are written as their owners sent them; the ORM guard does not apply to
Core, and `session.info["merging"]` is set for the ORM writes of bookkeeping). Nothing is
committed here: the caller commits, or rolls back for a preview.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bqw_desktop.db.base import utc_now
from bqw_desktop.db.models import (
    OWNED_MODELS,
    Attachment,
    ExchangeConflict,
    PeerAttachment,
    ProbableDuplicate,
    RecordSignature,
    Site,
)
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.domain.chains import Act, derive
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.report import ConflictRow, DuplicateRow, ImportReport
from bqw_desktop.exchange.rows import (
    RECORD_TYPES,
    SIGNED_TYPES,
    TYPE_LABELS,
    AnchorIndex,
    columns_of,
)
from bqw_desktop.exchange.scope import Direction, OfficeTree
from bqw_desktop.exchange.verifier import VerifiedPackage

__all__ = ["Progress", "merge", "site_key"]

Progress = Callable[[str, int, int], None]
_CHUNK = 5000
_WRITE_BATCH = 2000


@dataclass
class _Incoming:
    record_type: str
    record: dict[str, Any]
    signature: dict[str, Any] | None
    outcome: str = ""
    local: Mapping[Any, Any] | None = None


@dataclass
class _Plan:
    by_type: dict[str, list[_Incoming]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def site_key(name: str, region_code: str) -> tuple[str, str]:
    """What makes two sites probably the same: their name (spaces and widths ignored) and region."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(text.split()), region_code or ""


def merge(
    session: Session,
    verified: VerifiedPackage,
    *,
    self_code: str,
    tree: OfficeTree,
    attachment_store: Path | None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Apply a verified package in the caller's transaction; return what happened.

    Raises PackageRefused, naming records, when the sender sent something it may not
    (unless `dry_run`: the report then lists them and nothing is written). Attachment files
    are stored only when `attachment_store` is given (not in a preview).
    """
    manifest = verified.manifest
    sender = manifest.sender.code
    report = ImportReport(
        file_name=verified.path.name, sender_code=sender, sender_name=manifest.sender.name,
        sequence=manifest.sequence, status=str(verified.summary.status), skipped=verified.summary.skipped,
        dry_run=dry_run, at=utc_now().isoformat(timespec="seconds"), notes=list(verified.summary.notes),
    )
    if verified.is_duplicate:
        return report
    direction = tree.direction(sender, self_code)
    if direction is None:
        raise PackageRefused(
            f"交换包 {verified.path.name} 来自 {manifest.sender.label}，它不是本机关的直接上级或下级，不能导入。"
        )
    tick = progress or (lambda _label, _done, _total: None)
    index = AnchorIndex(session, tree)
    plan = _read(verified, index, report)
    tick("核对范围", 1, 4)
    _check_scope(plan, index, tree, direction=direction, sender=sender, self_code=self_code, report=report)
    _classify(session, plan, self_code=self_code, report=report, index=index)
    tick("比对版本", 2, 4)
    if plan.refused:
        report.refused = plan.refused
        if dry_run:
            return report
        raise PackageRefused(
            f"交换包 {verified.path.name} 含有 {manifest.sender.label}无权发送的记录，整个包已拒收，"
            f"未写入任何内容：{'；'.join(plan.refused[:5])}" + (f" 等 {len(plan.refused)} 条。" if len(plan.refused) > 5 else "。")
        )
    _check_values_and_references(session, plan, verified.path.name)
    session.info["merging"] = True
    try:
        _write(session, plan, sender=sender, sequence=manifest.sequence, progress=tick)
        report.conflicts = _record_conflicts(session, plan, sender=sender, index=index)
        report.conflicts += _record_forks(session, plan, sender=sender, index=index)
        report.duplicates = _flag_duplicates(session, plan, self_code=self_code)
        _keep_signatures(session, plan)
        _refresh_caches(session, plan)
        if attachment_store is not None:
            _store_attachments(session, verified, attachment_store)
        _keep_acknowledgements(session, sender, manifest.acknowledgements.attachments)
        session.flush()
    except IntegrityError as exc:
        raise PackageRefused(
            f"交换包 {verified.path.name} 中的记录与本机记录冲突，无法写入（{str(exc.orig)[:120]}），未写入任何内容。"
        ) from exc
    finally:
        session.info.pop("merging", None)
    tick("完成", 4, 4)
    return report


# -- reading ---------------------------------------------------------------------------------


def _read(verified: VerifiedPackage, index: AnchorIndex, report: ImportReport) -> _Plan:
    plan = _Plan()
    name = verified.path.name
    present = set(verified.record_types)
    unknown = sorted(present - set(RECORD_TYPES))
    if unknown:
        raise PackageRefused(
            f"交换包 {name} 含有本软件不认识的记录类型 {'、'.join(unknown[:3])}，可能来自更新版本的软件，请先升级本软件。"
        )
    for record_type in RECORD_TYPES:
        if record_type not in present:
            continue
        cols = columns_of(record_type)
        items = []
        for n, line in enumerate(verified.records(record_type), start=1):
            record = line.get("record")
            where = f"交换包 {name} 中 {TYPE_LABELS[record_type]}记录第 {n} 行"
            if not isinstance(record, dict) or set(line) - {"record", "signature"}:
                raise PackageRefused(f"{where}格式不对，已拒绝。")
            if record.keys() != cols.travelling:
                raise PackageRefused(f"{where}的字段与本软件不一致，可能来自不同版本的软件，已拒绝。")
            if not (isinstance(record["id"], str) and isinstance(record["owner_office"], str)
                    and type(record["version"]) is int and record["version"] >= 1
                    and isinstance(record["content_hash"], str)):
                raise PackageRefused(f"{where}的编号、所属单位或版本号无效，已拒绝。")
            items.append(_Incoming(record_type, record, line.get("signature")))
        plan.by_type[record_type] = items
        index.overlay(record_type, (i.record for i in items))
    return plan


def _check_scope(plan: _Plan, index: AnchorIndex, tree: OfficeTree, *, direction: Direction, sender: str,
                 self_code: str, report: ImportReport) -> None:
    for record_type, items in plan.by_type.items():
        for item in items:
            record = item.record
            owner = record["owner_office"]
            reason = None
            if not tree.may_send(direction=direction, sender=sender, recipient=self_code, owner=owner):
                reason = f"由 {owner} 登记"
            elif not index.entitled(self_code, record_type, record):
                reason = "不属于本机关的范围"
            elif record_type in SIGNED_TYPES and (item.signature or {}).get("office") != owner:
                reason = "签名机关不是其所属单位"
            if reason:
                item.outcome = "refused"
                label = index.label(record_type, record)
                report.add(record_type, "refused", label)
                plan.refused.append(f"{TYPE_LABELS[record_type]}“{label}”（编号 {record['id'][:8]}，{reason}）")


def _classify(session: Session, plan: _Plan, *, self_code: str, report: ImportReport, index: AnchorIndex) -> None:
    for record_type, items in plan.by_type.items():
        table = OWNED_MODELS[record_type].__table__  # type: ignore[attr-defined]
        ids = [i.record["id"] for i in items if not i.outcome]
        local = _rows_by_id(session, table, ids, columns=_STATE)
        seen: set[str] = set()
        for item in items:
            if item.outcome:
                continue
            record = item.record
            rid = record["id"]
            if rid in seen:
                raise PackageRefused(f"交换包中{TYPE_LABELS[record_type]}记录 {rid[:8]} 出现了两次，已拒绝。")
            seen.add(rid)
            mine = local.get(rid)
            item.local = mine
            if mine is None:
                item.outcome = "created"
            elif mine["owner_office"] != record["owner_office"]:
                item.outcome = "refused"
                plan.refused.append(f"{TYPE_LABELS[record_type]}“{index.label(record_type, record)}”"
                                    f"（编号 {rid[:8]}，所属单位与本机记录不一致）")
            elif mine["owner_office"] == self_code or record["version"] < mine["version"]:
                item.outcome = "unchanged"
            elif record["version"] > mine["version"]:
                item.outcome = "updated"
            elif record["content_hash"] == mine["content_hash"]:
                item.outcome = "unchanged"
            else:
                item.outcome = "conflict"
            label = None if item.outcome == "unchanged" else index.label(record_type, record)
            report.add(record_type, item.outcome, label)


_STATE = ("id", "owner_office", "version", "content_hash")


def _rows_by_id(session: Session, table: Any, ids: Sequence[str],
                columns: Sequence[str] | None = None) -> dict[str, Mapping[Any, Any]]:
    """Rows with these ids (only `columns` if given), by id."""
    out: dict[str, Mapping[Any, Any]] = {}
    picked = [table.c[c] for c in columns] if columns else [table]
    # One statement compiled once; the id list is expanded at execution.
    stmt = select(*picked).where(table.c.id.in_(bindparam("ids", expanding=True)))
    for start in range(0, len(ids), _CHUNK):
        for row in session.execute(stmt, {"ids": list(ids[start:start + _CHUNK])}).mappings().all():
            out[row["id"]] = row
    return out


# -- checking values and references --------------------------------------------------------


def _check_values_and_references(session: Session, plan: _Plan, name: str) -> None:
    """Every record to be written has sound values, the hash it claims, and references that
    will resolve (else the commit would fail on a deferred foreign key)."""
    arriving: dict[str, set[str]] = {t: {i.record["id"] for i in items if i.outcome in ("created", "updated")}
                                     for t, items in plan.by_type.items()}
    missing: dict[str, set[str]] = {}
    for record_type, items in plan.by_type.items():
        cols = columns_of(record_type)
        refs = _references(record_type)
        for item in items:
            if item.outcome not in ("created", "updated", "conflict"):
                continue
            record = item.record
            try:
                item.record = cols.to_db(record)
            except ValueError as exc:
                raise PackageRefused(
                    f"交换包 {name} 中{TYPE_LABELS[record_type]}记录 {record['id'][:8]} 的字段值无效（{exc}），已拒绝。"
                ) from exc
            if _hash_json({k: record[k] for k in cols.content}) != record["content_hash"]:
                raise PackageRefused(
                    f"交换包 {name} 中{TYPE_LABELS[record_type]}记录 {record['id'][:8]} 的内容与其校验值不符，"
                    "可能被改动过，已拒绝。"
                )
            if item.outcome == "conflict":
                continue
            for column, target in refs:
                value = record[column]
                if value is not None and value not in arriving.get(target, ()):
                    missing.setdefault(target, set()).add(value)
    for target, ids in missing.items():
        table = OWNED_MODELS[target].__table__  # type: ignore[attr-defined]
        found = set(_rows_by_id(session, table, sorted(ids)))
        absent = sorted(ids - found)
        if absent:
            raise PackageRefused(
                f"交换包 {name} 中的记录引用了本机和包中都没有的{TYPE_LABELS.get(target, target)}"
                f"（编号 {absent[0][:8]} 等 {len(absent)} 个），包不完整，已拒绝。"
            )


def _references(record_type: str) -> list[tuple[str, str]]:
    """(column, referenced record type) for each foreign key of the type."""
    table = OWNED_MODELS[record_type].__table__  # type: ignore[attr-defined]
    out = []
    for fk in table.foreign_keys:
        out.append((fk.parent.key, fk.column.table.name))
    return out


# -- writing ---------------------------------------------------------------------------------


def _write(session: Session, plan: _Plan, *, sender: str, sequence: int, progress: Progress) -> None:
    now = utc_now()
    marker = f"交换包 {sender}#{sequence}"[:64]
    total = sum(len(v) for v in plan.by_type.values())
    done = 0
    for record_type in RECORD_TYPES:
        items = plan.by_type.get(record_type, ())
        cols = columns_of(record_type)
        table = cols.model.__table__  # type: ignore[attr-defined]
        new_rows, changed = [], []
        for item in items:
            if item.outcome not in ("created", "updated"):
                continue
            row = dict(item.record)  # content, version and hash, exactly the columns
            row.update(version=item.record["version"], content_hash=item.record["content_hash"],
                       updated_at=now, updated_by=marker)
            if record_type == "sites":
                row["search_key"] = _search_key(row)
            if item.outcome == "created":
                row["created_at"] = now
                new_rows.append(row)
            else:
                row["b_id"] = row.pop("id")
                changed.append(row)
        for start in range(0, len(new_rows), _WRITE_BATCH):
            session.execute(insert(table), new_rows[start:start + _WRITE_BATCH])
        if changed:
            stmt = update(table).where(table.c.id == bindparam("b_id"))
            for start in range(0, len(changed), _WRITE_BATCH):
                session.execute(stmt, changed[start:start + _WRITE_BATCH])
        done += len(items)
        progress(TYPE_LABELS[record_type], done, total)


def _search_key(row: Mapping[str, Any]) -> str:
    from bqw_desktop.services.sites import key_for

    return key_for(row["name"], row["region_code"], row.get("secretary") or "")


# -- conflicts and duplicates ----------------------------------------------------------------


def _record_conflicts(session: Session, plan: _Plan, *, sender: str, index: AnchorIndex) -> list[ConflictRow]:
    out = []
    for record_type, items in plan.by_type.items():
        cols = columns_of(record_type)
        for item in items:
            if item.outcome != "conflict":
                continue
            record = item.record
            known = session.scalars(select(ExchangeConflict).where(
                ExchangeConflict.record_id == record["id"], ExchangeConflict.kind == "version",
                ExchangeConflict.incoming_hash == record["content_hash"])).first()
            if known is not None:
                if known.status == "open":
                    out.append(conflict_row(known))
                continue
            table = cols.model.__table__  # type: ignore[attr-defined]
            local = _rows_by_id(session, table, [record["id"]])[record["id"]]
            row = ExchangeConflict(
                kind="version", record_type=record_type, record_id=record["id"], owner_office=record["owner_office"],
                sender_code=sender, site_name=index.label(record_type, record)[:200],
                local=_json(cols.exported(local)), incoming=_json(cols.exported(record)),
                incoming_hash=record["content_hash"], detected_at=utc_now(),
            )
            session.add(row)
            session.flush()
            out.append(conflict_row(row))
    return out


def _record_forks(session: Session, plan: _Plan, *, sender: str, index: AnchorIndex) -> list[ConflictRow]:
    """A fork in a candidacy's chain of transitions is shown as a conflict of the candidacy."""
    touched = {i.record["candidacy_id"] for i in plan.by_type.get("transitions", ())
               if i.outcome in ("created", "updated")}
    if not touched:
        return []
    t = OWNED_MODELS["transitions"].__table__  # type: ignore[attr-defined]
    acts: dict[str, list[Act]] = {}
    for start, ids in _chunks(sorted(touched)):
        rows = session.execute(select(t.c.id, t.c.follows_id, t.c.candidacy_id, t.c.to_status, t.c.owner_office)
                               .where(t.c.candidacy_id.in_(ids), t.c.deleted.is_(False)))
        for rid, follows, cand, to_status, owner in rows:
            acts.setdefault(cand, []).append(Act(rid, follows, {"to_status": to_status, "owner": owner}))
    out = []
    for cand, cand_acts in sorted(acts.items()):
        chain = derive(cand_acts)
        if not chain.forked:
            continue
        fork_ids = ",".join(a.id for a in chain.fork)
        digest = content_hash(fork_ids)
        known = session.scalars(select(ExchangeConflict).where(
            ExchangeConflict.record_id == cand, ExchangeConflict.kind == "fork",
            ExchangeConflict.incoming_hash == digest)).first()
        if known is not None:
            if known.status == "open":
                out.append(conflict_row(known))
            continue
        sides = [{"id": a.id, "follows_id": a.follows_id, **a.payload} for a in chain.fork]  # type: ignore[dict-item]
        row = ExchangeConflict(
            kind="fork", record_type="candidacies", record_id=cand,
            owner_office=index.candidacy.get(cand, ("", ""))[0], sender_code=sender,
            site_name=index.label("candidacies", {"id": cand, "site_id": index.candidacy.get(cand, ("", ""))[1],
                                                  "owner_office": ""})[:200],
            local=_json(sides[0]), incoming=_json(sides[1:]), incoming_hash=digest, detected_at=utc_now(),
        )
        session.add(row)
        session.flush()
        out.append(conflict_row(row))
    return out


def _flag_duplicates(session: Session, plan: _Plan, *, self_code: str) -> list[DuplicateRow]:
    arrived = [i.record for i in plan.by_type.get("sites", ()) if i.outcome == "created" and not i.record["deleted"]]
    if not arrived:
        return []
    own: dict[tuple[str, str], str] = {}
    query = select(Site.id, Site.name, Site.region_code).where(Site.owner_office == self_code,
                                                               Site.deleted.is_(False))
    for sid, name, region in session.execute(query):
        own.setdefault(site_key(name, region), sid)
    out = []
    for record in arrived:
        local = own.get(site_key(record["name"], record["region_code"]))
        if local is None:
            continue
        row = ProbableDuplicate(local_site_id=local, incoming_site_id=record["id"], name=record["name"],
                                region_code=record["region_code"], detected_at=utc_now())
        session.add(row)
        session.flush()
        out.append(DuplicateRow(row.id, local, record["id"], record["name"], record["region_code"], "open"))
    return out


# -- signatures, caches, attachments, acknowledgements ----------------------------------------


def _keep_signatures(session: Session, plan: _Plan) -> None:
    """Keep the deciding office's signature of the version held here, to relay it unaltered."""
    for record_type in SIGNED_TYPES & plan.by_type.keys():
        rows = []
        for item in plan.by_type[record_type]:
            record = item.record
            held = item.outcome in ("created", "updated") or (
                item.outcome == "unchanged" and item.local is not None
                and item.local["version"] == record["version"] and item.local["content_hash"] == record["content_hash"])
            if held and item.signature is not None:
                rows.append({"record_type": record_type, "record_id": record["id"], "version": record["version"],
                             "content_hash": record["content_hash"], "signature": _json(item.signature)})
        if not rows:
            continue
        for _, ids in _chunks([r["record_id"] for r in rows]):
            session.execute(delete(RecordSignature).where(RecordSignature.record_type == record_type,
                                                          RecordSignature.record_id.in_(ids)))
        for start in range(0, len(rows), _WRITE_BATCH):
            session.execute(insert(RecordSignature), rows[start:start + _WRITE_BATCH])


def _refresh_caches(session: Session, plan: _Plan) -> None:
    """Re-derive local caches: candidacy statuses from their chains, site progress from ticks."""
    written = {t: [i.record for i in items if i.outcome in ("created", "updated")] for t, items in plan.by_type.items()}
    candidacies = {r["candidacy_id"] for r in written.get("transitions", ())} | {r["id"] for r in written.get("candidacies", ())}
    if candidacies:
        from bqw_desktop.services import candidacies as cand_service

        cand_service.refresh_statuses(session, sorted(candidacies))
    sites = {r["site_id"] for r in written.get("ticks", ())} | {r["id"] for r in written.get("sites", ())}
    if sites:
        recount_progress(session, sorted(sites))


def recount_progress(session: Session, site_ids: Sequence[str]) -> None:
    """Refresh the sites' checklist progress (`Site.ticks_*`) after their ticks arrived."""
    from bqw_desktop.services import checklists

    for _, ids in _chunks(list(site_ids)):
        checklists.recount_all(session, ids)


def _store_attachments(session: Session, verified: VerifiedPackage, store: Path) -> None:
    from bqw_desktop.services.attachments import store_file

    carried = verified.attachments
    if not carried:
        return
    have = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(list(carried)))))
    for sha, staged in sorted(carried.items()):
        stored, size = store_file(store, staged)
        if stored != sha:  # the verifier checked it; a change on disk since is a refusal
            raise PackageRefused(f"附件 {sha[:12]} 在导入过程中被改动，已拒绝。")
        if sha not in have:
            session.add(Attachment(sha256=sha, size=size, media_type=""))


def _keep_acknowledgements(session: Session, sender: str, attachments: Iterable[str]) -> None:
    """The sender holds these attachments: leave them out of packages to it."""
    session.execute(delete(PeerAttachment).where(PeerAttachment.peer_code == sender))
    rows = [{"peer_code": sender, "sha256": sha} for sha in sorted(set(attachments))]
    for start in range(0, len(rows), _WRITE_BATCH):
        session.execute(insert(PeerAttachment), rows[start:start + _WRITE_BATCH])


# -- helpers ---------------------------------------------------------------------------------


def conflict_row(row: ExchangeConflict) -> ConflictRow:
    return ConflictRow(
        id=row.id, kind=row.kind, record_type=row.record_type, record_id=row.record_id,
        owner_office=row.owner_office, sender_code=row.sender_code, site_name=row.site_name,
        status=row.status, resolution=row.resolution, local=json.loads(row.local or "{}"),
        incoming=json.loads(row.incoming or "{}"),
        detected_at=row.detected_at.isoformat(timespec="seconds") if row.detected_at else "",
    )


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _hash_json(content: Mapping[str, Any]) -> str:
    """`domain.canonical.content_hash` for JSON-native values (what a package holds), faster."""
    return hashlib.sha256(_CANONICAL.encode(content).encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _chunks(ids: Sequence[str]) -> Iterable[tuple[int, list[str]]]:
    for start in range(0, len(ids), _CHUNK):
        yield start, list(ids[start:start + _CHUNK])
