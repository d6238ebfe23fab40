"""Webhooks: subscriptions, signed deliveries received on a loopback HTTP server, retries with
backoff, the delivery log, manual redelivery and several workers at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.integrations.webhooks import WebhookSender, verify
from app.worker import run_once
from tests.member_fixtures import make_member
from tests.sync_fixtures import client_token, make_client


class Receiver:
    """A loopback HTTP server recording every request; answers ``statuses`` in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses = list(statuses or [])
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


async def _client(world, client) -> dict[str, str]:
    reg = await make_client(world, client)
    return {"Authorization": f"Bearer {await client_token(client, reg)}"}


async def _pump(container, sender, until, timeout: float = 180.0) -> None:
    """Run worker rounds until ``until()`` holds (the PostgreSQL horizon may lag a moment)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not until():
        assert asyncio.get_running_loop().time() < deadline, "worker did not deliver"
        made, sent = await run_once(container, sender)
        if not made and not sent:
            await asyncio.sleep(0.2)


async def test_deliveries_are_signed_and_carry_no_personal_numbers(
    world, client, container, receiver
):
    h = await _client(world, client)
    r = await client.post(
        "/api/v1/sync/webhooks", headers=h, json={"url": receiver.url, "event_types": ["member.*"]}
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["secret"].startswith("whsec_")
    m = await make_member(world, client, 41, phone="13612345678")
    await client.post(  # an org change: not subscribed
        "/api/v1/orgs",
        headers=world.auth(),
        json={"parent_id": world.ids["park"], "kind": "branch", "formation": "joint", "name": "新"},
    )
    sender = WebhookSender()
    try:
        await _pump(container, sender, lambda: len(receiver.requests) >= 1)
    finally:
        await sender.close()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert verify(hook["secret"], headers, body)
    assert not verify("whsec_" + "A" * 44, headers, body)
    assert headers["webhook-signature"].startswith("v1,")
    event = json.loads(body)
    assert event["type"] == "member.create" and event["data"]["entity_id"] == str(m["id"])
    assert "13612345678" not in body.decode() and m["national_id"] not in body.decode()
    log = (await client.get(f"/api/v1/sync/webhooks/{hook['id']}/deliveries", headers=h)).json()
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log["items"]] == [
        ("delivered", 1, 200)
    ]


async def test_failed_delivery_backs_off_and_redelivers_with_the_same_id(world, client, container):
    receiver = Receiver([500])
    h = await _client(world, client)
    hook = (
        await client.post(
            "/api/v1/sync/webhooks", headers=h, json={"url": receiver.url, "event_types": ["*"]}
        )
    ).json()
    await make_member(world, client, 42)
    sender = WebhookSender()
    try:
        await _pump(container, sender, lambda: len(receiver.requests) >= 1)
        log = (await client.get(f"/api/v1/sync/webhooks/{hook['id']}/deliveries", headers=h)).json()
        d = log["items"][0]
        assert (d["status"], d["attempts"], d["last_status_code"]) == ("pending", 1, 500)
        wait = dt.datetime.fromisoformat(d["next_attempt_at"]) - dt.datetime.now(dt.UTC)
        assert dt.timedelta(seconds=5) < wait <= dt.timedelta(seconds=10)  # backoff
        _, sent = await run_once(container, sender)
        assert sent == 0  # not due yet
        r = await client.post(
            f"/api/v1/sync/webhooks/{hook['id']}/deliveries/{d['id']}/redeliver", headers=h
        )
        assert r.status_code == 200 and r.json()["status"] == "pending"
        await _pump(container, sender, lambda: len(receiver.requests) >= 2)
    finally:
        await sender.close()
        receiver.close()
    ids = [hdr["webhook-id"] for hdr, _ in receiver.requests]
    assert ids[0] == ids[1]
    log = (await client.get(f"/api/v1/sync/webhooks/{hook['id']}/deliveries", headers=h)).json()
    assert (log["items"][0]["status"], log["items"][0]["attempts"]) == ("delivered", 2)


async def test_several_workers_deliver_each_change_once(world, client, container, receiver):
    h = await _client(world, client)
    await client.post(
        "/api/v1/sync/webhooks", headers=h, json={"url": receiver.url, "event_types": ["*"]}
    )
    for seq in range(51, 59):
        await make_member(world, client, seq)
    senders = [WebhookSender() for _ in range(3)]
    try:
        deadline = asyncio.get_running_loop().time() + 180
        while len(receiver.requests) < 8:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.gather(*(run_once(container, s, batch=3) for s in senders))
            await asyncio.sleep(0.1)
        await asyncio.gather(*(run_once(container, s) for s in senders))
    finally:
        for s in senders:
            await s.close()
    ids = [hdr["webhook-id"] for hdr, _ in receiver.requests]
    assert len(ids) == len(set(ids)) == 8


async def test_webhook_rules(world, client, receiver):
    h = await _client(world, client)
    for url in ("ftp://example.org/x", "javascript:alert(1)", "file:///etc/passwd", "http://"):
        r = await client.post(
            "/api/v1/sync/webhooks", headers=h, json={"url": url, "event_types": ["*"]}
        )
        assert r.status_code == 422 and r.json()["code"] == "sync.webhook_url_invalid", url
    r = await client.post(
        "/api/v1/sync/webhooks", headers=h, json={"url": receiver.url, "event_types": ["bad type"]}
    )
    assert r.json()["code"] == "sync.webhook_event_types_invalid"
    hook = (
        await client.post(
            "/api/v1/sync/webhooks", headers=h, json={"url": receiver.url, "event_types": ["*"]}
        )
    ).json()
    other = await _client(world, client)
    r = await client.get(f"/api/v1/sync/webhooks/{hook['id']}", headers=other)
    assert r.status_code == 404  # another client's webhook does not exist for you
    assert (
        await client.delete(f"/api/v1/sync/webhooks/{hook['id']}", headers=h)
    ).status_code == 204
    listed = (await client.get("/api/v1/sync/webhooks", headers=h)).json()
    assert listed["items"] == []
