"""Personal data at rest: AES-256-GCM for values, HMAC-SHA256 for exact-match lookups."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class DataCipher:
    def __init__(self, key: bytes) -> None:
        # Separate sub-keys so the lookup hash reveals nothing about the encryption key.
        self._aead = AESGCM(hmac.new(key, b"lianjian/encrypt", hashlib.sha256).digest())
        self._mac_key = hmac.new(key, b"lianjian/lookup", hashlib.sha256).digest()

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return "v1." + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, *, context: str) -> str:
        if not token.startswith("v1."):
            raise ValueError("unknown ciphertext version")
        blob = base64.urlsafe_b64decode(token[3:])
        return self._aead.decrypt(blob[:12], blob[12:], context.encode()).decode()

    def lookup_hash(self, value: str, *, context: str) -> str:
        return hmac.new(self._mac_key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
