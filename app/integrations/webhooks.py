"""Outbound webhooks signed per Standard Webhooks (https://www.standardwebhooks.com):
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`` keyed with the base64 part of the ``whsec_`` secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx

TIMEOUT_SECONDS = 10.0


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (used by the tests; integrators use their own library)."""
    msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(time.time() - ts) > tolerance:
        return False
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    return any(
        hmac.compare_digest(expected, sig.split(",", 1)[1])
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    )


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookSender:
    """POSTs signed deliveries; a status code, or the kind of transport error (no URL, no
    body: those could carry tokens or data into logs)."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def send(
        self, url: str, *, secret: str, msg_id: str, payload: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        body = encode(payload)
        ts = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": "lianjian-webhooks/1",
            "webhook-id": msg_id,
            "webhook-timestamp": str(ts),
            "webhook-signature": sign(secret, msg_id, ts, body),
        }
        try:
            r = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as e:
            return None, type(e).__name__
        return r.status_code, None if r.is_success else f"HTTP {r.status_code}"

    async def close(self) -> None:
        await self.client.aclose()
