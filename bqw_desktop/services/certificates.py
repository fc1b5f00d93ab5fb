"""Plaque certificates: numbers never reused, the signed record in the QR code, verification.

Issuing. Only the awarding office (the office whose "awarded" act is on the candidacy's
chain) issues a certificate: it allocates the number `{office code}-{award year}-{serial}`
(serials counted over every certificate that office ever issued for that year, revoked
ones included, so a number is never given twice), signs the record with its Ed25519 key and
keeps both in `certificates`, owned by itself so the record travels down with the award.
Reprinting uses the stored number and text. Another office prints a certificate only once
the awarding office's record has reached it; until then it is refused with the reason.

The QR payload and how it is read back are in `domain.certificate_text`.

Verifying (`verify_text`) reads the text, checks the signature against every key known for
the issuing office (current and retired: a certificate stays genuine after a key rotation),
checks that the issuing office may award that level, then looks for the award in this
database. Outcomes (`Verification.status`, exit code of `certificate verify`):

- `valid` (0): genuine, and the award is current here (已授牌 or 复评合格).
- `unconfirmed` (0): genuine, but this database holds no record of that award, so whether it
  was later revoked cannot be seen here; the message says so. The signature alone proves
  the awarding office issued it, and an office outside the award's chain cannot know more.
- `altered` (2): unreadable, or the signature does not match — the text was changed or the
  certificate was not issued by that office; names the fields that differ from the
  registered certificate when this database knows the number.
- `revoked` (3): genuine but no longer current: the certificate was replaced or revoked, the
  award act was reversed, or the site was eliminated or withdrawn.
- `unknown_issuer` (4): no key of the issuing office is known here yet (keys come down the
  tiers with the exchange packages).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Candidacy, Certificate, Office, Site, Transition
from bqw_desktop.domain.certificate_text import FIELD_LABELS, FIELDS, ParsedCertificate, parse_payload
from bqw_desktop.domain.lifecycle import PLAQUE_STATUSES, STATUS_LABELS, Status
from bqw_desktop.domain.vocab import LEVEL_LABELS, Level, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.trust_db import DbTrustStore, own_identity, own_private_key
from bqw_desktop.printing.data import AwardData, awarding_body, site_full_name
from bqw_desktop.services import candidacies, records
from bqw_desktop.services.context import Actor
from bqw_desktop.services.units import divisions_of

__all__ = [
    "EXIT_CODES",
    "CertificateInfo",
    "ParsedCertificate",
    "Verification",
    "award_data",
    "award_of",
    "awarding_body_of",
    "issue",
    "list_certificates",
    "parse_payload",
    "revoke",
    "sign_payload",
    "verify_text",
]

# Which tiers may award a level (a system office awards its own county- and city-level sites).
AWARDING_TIERS = {Level.PROVINCE: {Tier.PROVINCE}, Level.CITY: {Tier.CITY, Tier.SYSTEM},
                  Level.COUNTY: {Tier.COUNTY, Tier.SYSTEM}}
EXIT_CODES = {"valid": 0, "unconfirmed": 0, "altered": 2, "revoked": 3, "unknown_issuer": 4}
RECORD_TYPE = "certificates"

# --- plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a certificate's text; `ok` means genuine (see module doc)."""

    status: str  # valid / unconfirmed / altered / revoked / unknown_issuer
    message: str
    certificate: ParsedCertificate | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("valid", "unconfirmed")

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


@dataclass(frozen=True)
class CertificateInfo:
    """An issued certificate, as a plain row."""

    id: str
    number: str
    candidacy_id: str
    transition_id: str
    level: str
    site_name: str
    award_date: date
    issuer: str
    revoked: bool
    revoked_reason: str
    payload: str

    def as_json(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["award_date"] = self.award_date.isoformat()
        return data


@dataclass(frozen=True)
class Award:
    """The award act on a candidacy's chain: who made it and when."""

    candidacy_id: str
    transition_id: str
    office_code: str
    acted_on: date
    level: str
    site_name: str
    region_code: str


# --- payload ------------------------------------------------------------------------------


def sign_payload(private: Ed25519PrivateKey, *, number: str, site_name: str, level: str, award_date: date,
                 issuer: str) -> str:
    """A certificate's QR text, signed with the issuing office's key."""
    unsigned = ParsedCertificate(number, site_name, level, award_date, issuer, b"")
    return ParsedCertificate(number, site_name, level, award_date, issuer,
                             keys.sign(private, unsigned.signed_bytes())).text()


# --- awards and numbers --------------------------------------------------------------------


def award_of(session: Session, candidacy_id: str) -> Award:
    """The award act on the candidacy's chain; UserError (in Chinese) if it holds no plaque."""
    cand = records.get_live(session, Candidacy, candidacy_id, label="申报")
    site = session.get(Site, cand.site_id)
    name = full_name_of(session, site.name, site.region_code) if site is not None else cand.site_id
    if cand.status not in PLAQUE_STATUSES:
        label = candidacies.status_label(cand.status)
        raise UserError(f"“{name}”的{LEVEL_LABELS.get(cand.level, cand.level)}申报当前为“{label}”，"
                        "没有有效的授牌，不能打印证书或牌匾制作单。")
    # A plaque status is derived from a chain with neither fork nor dangling step, so the one
    # live award act is the one on the chain (cheaper than walking the history for batches).
    act = session.execute(select(Transition.id, Transition.owner_office, Transition.acted_on).where(
        Transition.candidacy_id == cand.id, Transition.to_status == Status.AWARDED,
        Transition.deleted.is_(False)).order_by(Transition.acted_on.desc()).limit(1)).first()
    if act is not None:
        return Award(cand.id, act.id, act.owner_office, act.acted_on, cand.level, name,
                     site.region_code if site is not None else "")
    raise UserError(f"“{name}”的申报中找不到授牌记录，不能打印证书。")


def full_name_of(session: Session, name: str, region_code: str) -> str:
    """The site's name as a certificate bears it (`printing.data.site_full_name`), with the
    region's current name (units renamed or added here included)."""
    division = divisions_of(session).get(region_code)
    return site_full_name(name, division.name if division is not None else "")


def _live_certificate(session: Session, transition_id: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(
        Certificate.transition_id == transition_id, Certificate.deleted.is_(False),
        Certificate.revoked.is_(False)).order_by(Certificate.created_at.desc()).limit(1))


def _next_number(session: Session, office_code: str, year: int) -> str:
    """The next serial for the office and year, counting every number ever given (never reused)."""
    prefix = f"{office_code}-{year}-"
    used = session.scalars(select(Certificate.number).where(Certificate.number.startswith(prefix)))
    serials = [int(n[len(prefix):]) for n in used if n[len(prefix):].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


def _private_key(session: Session, db_path: Path) -> Ed25519PrivateKey:
    return own_private_key(db_path, own_identity(session))


def issue(session: Session, actor: Actor, *, candidacy_id: str, db_path: Path,
          private_key: Ed25519PrivateKey | None = None, award: Award | None = None) -> Certificate:
    """The certificate of the candidacy's award: the one already issued, or a new one.

    A new number is allocated and signed only by the awarding office. Raises UserError when
    the candidacy holds no plaque, or when another office made the award and its certificate
    record has not arrived here yet.
    """
    award = award or award_of(session, candidacy_id)
    existing = _live_certificate(session, award.transition_id)
    if existing is not None:
        return existing
    if award.office_code != actor.office_code:
        body = candidacies.office_name(session, award.office_code)
        raise UserError(f"“{award.site_name}”的授牌由{body}作出，证书须由授牌单位编号并签名；"
                        "待其证书记录随数据交换下发后即可打印。")
    key = private_key or _private_key(session, db_path)
    number = _next_number(session, actor.office_code, award.acted_on.year)
    payload = sign_payload(key, number=number, site_name=award.site_name, level=award.level,
                    award_date=award.acted_on, issuer=actor.office_code)
    cert = records.create(session, actor, Certificate, number=number, candidacy_id=award.candidacy_id,
                          transition_id=award.transition_id, level=award.level, site_name=award.site_name,
                          award_date=award.acted_on, payload=payload, revoked=False, revoked_reason="")
    return cert


def revoke(session: Session, actor: Actor, *, number: str, reason: str) -> Certificate:
    """Mark a certificate revoked (its number stays used); only the issuing office may."""
    if not (reason or "").strip():
        raise UserError("作废证书须写明原因。")
    cert = session.scalar(select(Certificate).where(Certificate.number == number.strip()))
    if cert is None or cert.deleted:
        raise UserError(f"找不到编号为“{number}”的证书。")
    records.update(session, actor, cert, revoked=True, revoked_reason=reason.strip())
    return cert


def awarding_body_of(session: Session, office_code: str) -> str:
    """The leading group named on a certificate awarded by `office_code`.

    A geographic office: "中共湖南省委创先争优活动领导小组" (its division's name); a system
    office: its own name followed by "创先争优活动领导（指导）小组".
    """
    division = divisions_of(session).get(office_code)
    if division is not None:
        return awarding_body(division.name)
    name = session.scalar(select(Office.name).where(Office.code == office_code)) or office_code
    return f"{name}创先争优活动领导（指导）小组"


def _award_data(session: Session, cert: Certificate) -> AwardData:
    return AwardData(certificate_no=cert.number, level=cert.level, site_full_name=cert.site_name,
                     awarding_body=awarding_body_of(session, cert.owner_office), award_date=cert.award_date,
                     qr_text=cert.payload)


def award_data(session: Session, actor: Actor, *, candidacy_ids: Sequence[str], db_path: Path,
               on_refusal: Callable[[str], None] | None = None) -> list[AwardData]:
    """What the certificates (or plaque sheets) of these candidacies print, issuing as needed.

    A candidacy that cannot have a certificate raises UserError, or, with `on_refusal`, is
    left out and its reason passed on. The private key is read once, when first needed.
    """
    private: Ed25519PrivateKey | None = None
    out = []
    for cid in candidacy_ids:
        try:
            award = award_of(session, cid)
            if private is None and award.office_code == actor.office_code and \
                    _live_certificate(session, award.transition_id) is None:
                private = _private_key(session, db_path)
            cert = issue(session, actor, candidacy_id=cid, db_path=db_path, private_key=private, award=award)
        except UserError as exc:
            if on_refusal is None:
                raise
            on_refusal(exc.message)
            continue
        out.append(_award_data(session, cert))
    return out


def list_certificates(session: Session) -> list[CertificateInfo]:
    """Every certificate known here, by number."""
    rows = session.scalars(select(Certificate).where(Certificate.deleted.is_(False)).order_by(Certificate.number))
    return [CertificateInfo(c.id, c.number, c.candidacy_id, c.transition_id, c.level, c.site_name, c.award_date,
                            c.owner_office, c.revoked, c.revoked_reason, c.payload) for c in rows]


# --- verification ---------------------------------------------------------------------------


def _known_keys(session: Session, issuer: str) -> list[bytes]:
    found = [k.public_key for k in DbTrustStore(session).keys_for(issuer)]
    office_key = session.scalar(select(Office.public_key).where(Office.code == issuer))
    if office_key and office_key not in found:
        found.append(office_key)
    return found


def _differences(parsed: ParsedCertificate, cert: Certificate) -> list[str]:
    stored = parse_payload(cert.payload)
    if stored is None:
        return []
    return [FIELD_LABELS[key] for key, _ in FIELDS if getattr(stored, key) != getattr(parsed, key)]


def _issuer_may_award(session: Session, parsed: ParsedCertificate) -> bool:
    tier = session.scalar(select(Office.tier).where(Office.code == parsed.issuer))
    if tier is None:
        return True  # a key known without an office row: nothing more to check
    return tier in AWARDING_TIERS.get(parsed.level, set())


def _award_record(session: Session, parsed: ParsedCertificate,
                  cert: Certificate | None) -> tuple[Candidacy, Transition] | None:
    """The candidacy and award act the certificate stands for, if this database has them."""
    if cert is not None:
        cand, act = session.get(Candidacy, cert.candidacy_id), session.get(Transition, cert.transition_id)
        return (cand, act) if cand is not None and act is not None else None
    query = (select(Candidacy, Transition, Site.name, Site.region_code)
             .join(Transition, Transition.candidacy_id == Candidacy.id)
             .join(Site, Site.id == Candidacy.site_id)
             .where(Candidacy.level == parsed.level, Transition.to_status == Status.AWARDED,
                    Transition.owner_office == parsed.issuer, Transition.acted_on == parsed.award_date)
             .order_by(Transition.deleted))  # a live act first
    for cand, act, name, region in session.execute(query):
        if parsed.site_name in (name, full_name_of(session, name, region)):
            return cand, act
    return None


def _currency(session: Session, parsed: ParsedCertificate, cert: Certificate | None) -> Verification:
    who = candidacies.office_name(session, parsed.issuer)
    genuine = f"证书签名有效（签发：{who}）：{parsed.description}。"
    if cert is not None and cert.revoked:
        newer = _live_certificate(session, cert.transition_id)
        also = f"，已换发新证书（编号 {newer.number}）" if newer is not None else ""
        return Verification("revoked", f"{genuine}但该证书已作废{also}；作废原因：{cert.revoked_reason}。", parsed)
    found = _award_record(session, parsed, cert)
    if found is None:
        return Verification("unconfirmed", f"{genuine}本机没有该授牌的后续记录，无法确认其后是否被撤销。", parsed)
    cand, act = found
    if act.deleted:
        return Verification("revoked", f"{genuine}但该授牌记录已被{who}撤回，证书不再有效。", parsed)
    if cand.deleted:
        return Verification("revoked", f"{genuine}但该申报已被删除，证书不再有效。", parsed)
    if cand.status in PLAQUE_STATUSES:
        label = STATUS_LABELS[Status(cand.status)]
        return Verification("valid", f"证书真实有效（签发：{who}）：{parsed.description}；当前状态：{label}。", parsed)
    label = candidacies.status_label(cand.status)
    return Verification("revoked", f"{genuine}但该示范点当前状态为“{label}”，牌匾已不再有效。", parsed)


def verify_text(session: Session, text: str) -> Verification:
    """Check a certificate's QR text against the keys and records of this database."""
    parsed = parse_payload(text)
    if parsed is None:
        return Verification("altered", "无法识别证书内容：应包含“创先争优活动示范点证书”及编号、单位、级别、授牌、签发、签名各项，"
                                       "内容不完整或已被改动。")
    cert = session.scalar(select(Certificate).where(Certificate.number == parsed.number))
    known = _known_keys(session, parsed.issuer)
    if not known:
        return Verification("unknown_issuer", f"无法核验：本机尚未取得签发单位 {parsed.issuer} 的公钥"
                                              "（公钥随数据交换逐级下发），暂不能确认证书真伪。", parsed)
    message = parsed.signed_bytes()
    if not any(keys.verify(k, message, parsed.signature) for k in known):
        if cert is not None and (diff := _differences(parsed, cert)):
            return Verification("altered", f"证书内容与登记的证书（编号 {parsed.number}）不符："
                                           f"{'、'.join(diff)}被改动，签名无效。", parsed)
        return Verification("altered", f"签名无效：证书内容被改动，或并非由签发单位 {parsed.issuer} 签发。", parsed)
    if not _issuer_may_award(session, parsed):
        who = candidacies.office_name(session, parsed.issuer)
        return Verification("altered", f"签名虽属{who}，但该单位无权授予"
                                       f"{LEVEL_LABELS.get(parsed.level, parsed.level)}示范点，证书无效。", parsed)
    return _currency(session, parsed, cert)
