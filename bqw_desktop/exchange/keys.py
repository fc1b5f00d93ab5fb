"""Office key pairs (Ed25519): creating, storing, fingerprints, signing and checking.

A fingerprint is what two clerks read to each other over the phone before registering a
neighbour's key: 20 decimal digits in five groups of four (about 66 bits of SHA-256 of the
raw public key). Digits are read aloud without confusion in Chinese; 66 bits is far beyond
what anyone could match by trying keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from bqw_desktop.errors import UserError

__all__ = [
    "PUBLIC_KEY_BYTES",
    "b64decode",
    "b64encode",
    "compact_fingerprint",
    "fingerprint",
    "generate_keypair",
    "load_private_key",
    "private_public_bytes",
    "public_key_bytes",
    "save_private_key",
    "sign",
    "verify",
]

PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
_FINGERPRINT_DIGITS = 20
_MAX_KEY_FILE = 16 * 1024


def generate_keypair() -> Ed25519PrivateKey:
    """A new private key; its public half is `key.public_key()`."""
    return Ed25519PrivateKey.generate()


def save_private_key(path: Path | str, key: Ed25519PrivateKey) -> None:
    """Write `key` as unencrypted PKCS#8 PEM, mode 0600, atomically (temp file, fsync, rename).

    A crash or pulled plug leaves either the old file or the new one, never half of one.
    """
    path = Path(path)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        os.chmod(tmp_name, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    """Read a key written by `save_private_key`; a missing or damaged file is a UserError."""
    path = Path(path)
    try:
        data = path.read_bytes()[: _MAX_KEY_FILE + 1]
    except OSError as exc:
        raise UserError(f"无法读取本机密钥文件 {path}：{exc.strerror or exc}。") from exc
    if len(data) > _MAX_KEY_FILE:
        raise UserError(f"密钥文件 {path} 过大，不是本系统的密钥文件。")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise UserError(f"密钥文件 {path} 已损坏或不是本系统的密钥文件。") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"密钥文件 {path} 不是 Ed25519 密钥。")
    return key


def public_key_bytes(pub: Ed25519PublicKey) -> bytes:
    """The raw 32-byte form of a public key (what identity cards and manifests carry)."""
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_public_bytes(priv: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key of a private key."""
    return public_key_bytes(priv.public_key())


def fingerprint(pub_raw: bytes) -> str:
    """Readable fingerprint of a raw public key: '1234 5678 9012 3456 7890'."""
    digits = compact_fingerprint(pub_raw)
    return " ".join(digits[i : i + 4] for i in range(0, _FINGERPRINT_DIGITS, 4))


def compact_fingerprint(pub_raw: bytes) -> str:
    """The fingerprint's 20 digits without spaces (used to name a key inside signatures)."""
    if len(pub_raw) != PUBLIC_KEY_BYTES:
        raise ValueError("an Ed25519 public key has 32 bytes")
    number = int.from_bytes(hashlib.sha256(pub_raw).digest()[:10], "big")
    return f"{number % 10**_FINGERPRINT_DIGITS:0{_FINGERPRINT_DIGITS}d}"


def sign(priv: Ed25519PrivateKey, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data`."""
    return priv.sign(data)


def verify(pub_raw: bytes, data: bytes, sig: bytes) -> bool:
    """True when `sig` is a valid signature of `data` by the raw public key `pub_raw`."""
    if len(pub_raw) != PUBLIC_KEY_BYTES or len(sig) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pub_raw).verify(sig, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def b64encode(data: bytes) -> str:
    """Standard base64 text (keys and signatures in JSON)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: object, *, length: int | None = None) -> bytes | None:
    """Strict base64 decode; None when `text` is not valid base64 (of `length` bytes if given)."""
    if not isinstance(text, str) or len(text) > 4096:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    if length is not None and len(raw) != length:
        return None
    return raw


def fsync_dir(directory: Path) -> None:
    """Make a rename durable where the platform allows it (best effort: not on Windows, and
    some file systems on USB sticks refuse to sync a folder)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
