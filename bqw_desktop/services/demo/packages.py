"""Demo offices that exchange packages: a province, a city and counties, each its own database.

`create_offices` sets up the databases and registers the identity cards of direct
neighbours (the fingerprints are compared here as two clerks would over the phone);
`send` exports one package and imports it at the neighbour; `demo_packages` fills the
county registers, takes the city's and province's steps, and leaves the packages that went
up and down in a folder, to be opened in the import dialog or checked with
`bqw-desktop exchange verify`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bqw_desktop.db.engine import Database
from bqw_desktop.exchange.identity import read_identity_card
from bqw_desktop.exchange.report import ImportReport
from bqw_desktop.exchange.scope import office_tree
from bqw_desktop.services import exchange, sites, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office

__all__ = ["DEMO_OFFICES", "DemoOffice", "copy_offices", "create_offices", "demo_packages", "register_neighbours",
           "send"]

DEMO_OFFICES: tuple[tuple[str, str], ...] = (
    ("province", "430000"), ("city", "430100"), ("county", "430121"), ("county", "430111"),
)


@dataclass
class DemoOffice:
    """One demo installation: its database and the clerk working at it."""

    code: str
    tier: str
    db: Database

    @property
    def actor(self) -> Actor:
        return Actor(user="演示", office_code=self.code)


def create_offices(folder: Path, offices: Sequence[tuple[str, str]] = DEMO_OFFICES) -> dict[str, DemoOffice]:
    """New databases in `folder` (which must not hold them yet), neighbours registered."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {code: DemoOffice(code, tier, init_office(folder / f"{code}.sqlite3", tier=tier, code=code, user="演示"))
            for tier, code in offices}
    register_neighbours(made, folder)
    return made


def copy_offices(source: Path, target: Path, offices: Sequence[tuple[str, str]] = DEMO_OFFICES
                 ) -> dict[str, DemoOffice]:
    """Open copies of closed demo offices made in `source` (databases with their data folders)."""
    import shutil

    from bqw_desktop.db.engine import open_database

    target.mkdir(parents=True, exist_ok=True)
    out = {}
    for tier, code in offices:
        name = f"{code}.sqlite3"
        shutil.copy2(source / name, target / name)
        shutil.copytree(source / f"{name}.d", target / f"{name}.d")
        out[code] = DemoOffice(code, tier, open_database(target / name))
    return out


def register_neighbours(offices: dict[str, DemoOffice], folder: Path) -> None:
    """Each office registers the identity cards of its parent and children."""
    tree = office_tree()
    cards = {code: exchange.export_identity(o.db, out=folder / f"{code}.card.json") for code, o in offices.items()}
    for code, office in offices.items():
        for other, card in cards.items():
            if other != code and tree.direction(code, other) is not None:
                fingerprint = read_identity_card(card).fingerprint  # read out over the phone
                with office.db.begin() as s:
                    exchange.trust_identity_card(s, office.actor, path=card, fingerprint=fingerprint)


def send(offices: dict[str, DemoOffice], sender: str, recipient: str, folder: Path) -> ImportReport:
    """Export the package from `sender` to `recipient` and import it there."""
    result = exchange.export_package(offices[sender].db, offices[sender].actor, to_code=recipient, out=folder)
    return exchange.import_package(offices[recipient].db, offices[recipient].actor, result.path)


def demo_packages(folder: Path, *, progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
    """Demo offices in `folder/offices`, and the packages they exchanged in `folder/packages`."""
    tick = progress or (lambda _label, _done, _total: None)
    offices = create_offices(folder / "offices")
    out = folder / "packages"
    out.mkdir(parents=True, exist_ok=True)
    tick("建立演示单位", 1, 4)
    names = {"430121": ("星沙街道党工委", "subdistrict"), "430111": ("雨花亭街道党工委", "subdistrict")}
    for code, (name, org_type) in names.items():
        o = offices[code]
        with o.db.begin() as s:
            site = sites.add_site(s, o.actor, name=name, org_type=org_type, secretary="张明")
            visits.record_visit(s, o.actor, site_id=site.id, visit_date=date.today(), kind="guidance",
                                visitors="县委组织部 李华", observations="台账齐全")
    tick("录入示范点", 2, 4)
    paths = []
    for sender, recipient in (("430121", "430100"), ("430111", "430100"), ("430100", "430000"),
                              ("430000", "430100"), ("430100", "430121"), ("430100", "430111")):
        result = exchange.export_package(offices[sender].db, offices[sender].actor, to_code=recipient, out=out)
        exchange.import_package(offices[recipient].db, offices[recipient].actor, result.path)
        paths.append(result.path)
    tick("交换数据包", 3, 4)
    for o in offices.values():
        o.db.close()
    tick("完成", 4, 4)
    return paths
