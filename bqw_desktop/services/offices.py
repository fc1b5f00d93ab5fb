"""Setting up an office's database, and knowing which office this installation is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.engine import Database, create_schema
from bqw_desktop.db.models import Meta, Office
from bqw_desktop.domain.divisions import Divisions, load_divisions, validate_region_code
from bqw_desktop.domain.vocab import TIER_LABELS, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import audit
from bqw_desktop.services.context import Actor

SYSTEM_CODE = re.compile(r"^(\d{6})-S(\d{2})$")
DIVISION_LEVEL_OF_TIER = {Tier.PROVINCE: "province", Tier.CITY: "city", Tier.COUNTY: "county"}


@dataclass(frozen=True)
class OfficeInfo:
    """This installation's office."""

    code: str
    name: str
    tier: str
    parent_code: str | None
    fingerprint: str


def default_office_name(tier: str, region_name: str) -> str:
    """"长沙县" → "长沙县委组织部"."""
    return f"{region_name}委组织部"


def check_office(tier: str, code: str, name: str | None, divisions: Divisions) -> tuple[str, str, str | None]:
    """Validate tier and code; return (code, name, parent_code)."""
    if tier not in set(Tier):
        raise UserError(f"单位层级“{tier}”无效，应为 province（省）、city（市州）、county（县市区）或 system（省直机关/系统）。")
    if tier == Tier.SYSTEM:
        match = SYSTEM_CODE.match(code.strip())
        if not match or divisions.get(match.group(1)) is None or divisions.get(match.group(1)).level != "province":
            raise UserError(f"省直机关/系统单位代码“{code}”格式不对，应为省级代码加编号，如 430000-S01。")
        if not name:
            raise UserError("省直机关/系统单位必须填写单位名称（--name）。")
        return code.strip(), name, match.group(1)
    code = validate_region_code(code, divisions=divisions)
    division = divisions.get(code)
    wanted = DIVISION_LEVEL_OF_TIER[Tier(tier)]
    if division.level != wanted:
        raise UserError(
            f"行政区划“{division.name}”（{code}）不是{TIER_LABELS[tier]}对应的区划层级，请核对层级与代码。"
        )
    return code, name or default_office_name(tier, division.name), division.parent_code or None


def init_office(path: Path, *, tier: str, code: str, name: str | None = None, user: str | None = None) -> Database:
    """Create the database of a new installation with its office and signing key."""
    from bqw_desktop.exchange import keys

    divisions = load_divisions()
    code, name, parent = check_office(tier, code, name, divisions)
    folder = DataFolder(path)
    if path.exists():
        raise UserError(f"数据库文件“{path}”已存在，不会覆盖；如需重新建立，请先备份并移走原文件。")
    if folder.private_key.exists():
        raise UserError(f"“{folder.private_key}”处已有单位密钥，不会覆盖；请先移走它。")
    private = keys.generate_keypair()
    public_raw = keys.public_key_bytes(private.public_key())
    folder.keys.mkdir(parents=True, exist_ok=True)
    keys.save_private_key(folder.private_key, private)
    try:
        _write_office(path, code=code, name=name, tier=tier, parent=parent, public_raw=public_raw, user=user)
    except BaseException:
        folder.private_key.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        raise
    from bqw_desktop.db.engine import open_database

    return open_database(path)


def _write_office(path: Path, *, code: str, name: str, tier: str, parent: str | None,
                  public_raw: bytes, user: str | None) -> None:
    from bqw_desktop.exchange import keys

    db = create_schema(path)
    actor = Actor(user=user, office_code=code) if user else Actor.system_user(code)
    with db.begin() as s:
        s.add(Office(code=code, name=name, tier=tier, parent_code=parent, public_key=public_raw,
                     fingerprint=keys.fingerprint(public_raw), is_self=True, trust="self"))
        for key, value in {"office_code": code, "office_tier": tier, "office_name": name}.items():
            s.add(Meta(key=key, value=value))
        s.flush()
        audit.record(s, actor, "init", record_type="offices", record_id=code,
                     summary={"tier": tier, "name": name})
    db.close()


def this_office(session: Session) -> OfficeInfo:
    office = session.scalar(select(Office).where(Office.is_self.is_(True)))
    if office is None:
        raise UserError("数据库尚未设置本单位信息，请先完成初始设置（bqw-desktop init）。")
    return OfficeInfo(office.code, office.name, office.tier, office.parent_code, office.fingerprint)


def office_label(session: Session, code: str) -> str:
    """'长沙县委组织部（430121）' for an office known here, else the bare code."""
    name = session.scalar(select(Office.name).where(Office.code == code))
    return f"{name}（{code}）" if name and name != code else code


def get_meta(session: Session, key: str, default: str = "") -> str:
    value = session.scalar(select(Meta.value).where(Meta.key == key))
    return default if value is None else value


def set_meta(session: Session, actor: Actor, key: str, value: str) -> None:
    row = session.get(Meta, key)
    before = row.value if row else None
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "setting", record_type="meta", record_id=key,
                 summary={"before": before, "after": value})


def scope_codes(office: OfficeInfo, divisions: Divisions | None = None) -> set[str]:
    """Region codes whose sites this office may register: its own subtree (a system: its province)."""
    divisions = divisions or load_divisions()
    root = office.parent_code if office.tier == Tier.SYSTEM else office.code
    return set(divisions.subtree(root)) if root in divisions else {root}
