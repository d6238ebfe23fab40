"""Key material: the Ed25519 signing key and the data key, configured or generated once into
the data folder (mode 0600) so restarts keep issuing verifiable tokens and reading data."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: when two workers start together, one writes and the other reads its key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


class SigningKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        self.public: Ed25519PublicKey = private.public_key()
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.x = _b64u(raw)
        # RFC 7638 thumbprint: members in lexicographic order, no whitespace.
        canonical = json.dumps(
            {"crv": "Ed25519", "kty": "OKP", "x": self.x}, separators=(",", ":"), sort_keys=True
        )
        self.kid = _b64u(hashlib.sha256(canonical.encode()).digest())

    def jwk(self) -> dict[str, str]:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.x,
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


def load_signing_key(pem: str, data_dir: Path) -> SigningKey:
    if not pem:
        path = data_dir / "jwt-ed25519.pem"
        if not path.exists():
            generated = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_secret(path, generated)
        pem = path.read_text()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the JWT signing key must be an Ed25519 private key")
    return SigningKey(key)


def load_data_key(configured: str, data_dir: Path) -> bytes:
    if not configured:
        path = data_dir / "data.key"
        if not path.exists():
            _write_secret(path, _b64u(secrets.token_bytes(32)).encode())
        configured = path.read_text().strip()
    key = base64.urlsafe_b64decode(configured + "=" * (-len(configured) % 4))
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes, urlsafe base64")
    return key
