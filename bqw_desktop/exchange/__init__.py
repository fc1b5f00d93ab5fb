"""Tier exchange: office identities and keys, signed decisions, and the `.bqw` package.

Plain data in, plain data out: records are JSON-ready dicts grouped by record type, offices
are `OfficeIdentity` values, keys are `cryptography` Ed25519 objects. Nothing here touches
the database; services feed records in and hand verified packages to the merge.
"""

from __future__ import annotations

from bqw_desktop.exchange.canonical import canonical_json, content_hash
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.identity import (
    KeyRotation,
    OfficeIdentity,
    Vouch,
    export_identity_card,
    make_rotation,
    make_vouch,
    read_identity_card,
)
from bqw_desktop.exchange.keys import (
    fingerprint,
    generate_keypair,
    load_private_key,
    public_key_bytes,
    save_private_key,
    sign,
    verify,
)
from bqw_desktop.exchange.manifest import FORMAT_VERSION, Acknowledgements, Manifest
from bqw_desktop.exchange.package import PackageContent, package_file_name, write_package
from bqw_desktop.exchange.signed import sign_record, verify_record
from bqw_desktop.exchange.trust import (
    MemoryTrustStore,
    TrustedKey,
    TrustStore,
    current_key,
    find_key,
)
from bqw_desktop.exchange.verifier import (
    Limits,
    PackageSummary,
    SequenceStatus,
    VerifiedPackage,
    verify_package,
)

__all__ = [
    "FORMAT_VERSION",
    "Acknowledgements",
    "KeyRotation",
    "Limits",
    "Manifest",
    "MemoryTrustStore",
    "OfficeIdentity",
    "PackageContent",
    "PackageRefused",
    "PackageSummary",
    "SequenceStatus",
    "TrustStore",
    "TrustedKey",
    "VerifiedPackage",
    "Vouch",
    "canonical_json",
    "content_hash",
    "current_key",
    "export_identity_card",
    "find_key",
    "fingerprint",
    "generate_keypair",
    "load_private_key",
    "make_rotation",
    "make_vouch",
    "package_file_name",
    "public_key_bytes",
    "read_identity_card",
    "save_private_key",
    "sign",
    "sign_record",
    "verify",
    "verify_package",
    "verify_record",
    "write_package",
]
