"""Helpers for the sync tests: machine clients, their tokens and member rows."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    ChangeOutboxRow,
    ClientExternalIdRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
)
from tests.member_fixtures import national_id

ALL_SCOPES = [
    "orgs:read",
    "orgs:write",
    "enterprises:read",
    "enterprises:write",
    "members:read",
    "members:write",
    "pii:read",
    "sync:write",
    "changes:read",
]


async def make_client(
    world: Any, client: Any, org: str = "district", scopes: list[str] | None = None
) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/sync/clients",
        headers=world.auth(),
        json={"org_id": world.ids[org], "name": f"{org} 系统", "scopes": scopes or ALL_SCOPES},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def client_token(client: Any, registered: dict[str, Any], **form: str) -> str:
    r = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": registered["client_id"],
            "client_secret": registered["client_secret"],
            **form,
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def client_auth(world: Any, client: Any, org: str = "district") -> dict[str, str]:
    registered = await make_client(world, client, org)
    return {"Authorization": f"Bearer {await client_token(client, registered)}"}


def member_row(world: Any, seq: int, org: str = "branch1", **kw: Any) -> dict[str, Any]:
    birth = kw.pop("birth_date", dt.date(1985, 3, 4))
    row = {
        "external_id": kw.pop("external_id", f"EXT-{seq}"),
        "name": kw.pop("name", f"同步党员{seq}"),
        "gender": kw.pop("gender", "female"),
        "birth_date": birth.isoformat(),
        "national_id": kw.pop("national_id", national_id(birth, seq % 1000, region="350526")),
        "join_date": kw.pop("join_date", "2012-07-01"),
        "status": kw.pop("status", "full"),
        "org_id": world.ids[org],
        **kw,
    }
    if row["status"] == "full":
        row.setdefault("full_member_date", "2013-07-01")
    return row


async def sync_tables(container: Any) -> dict[str, int]:
    """Row counts of every table a member batch writes, to prove what was (not) written."""
    out = {}
    async with container.db.read_sessions() as s:
        for table in (
            MemberRow,
            MemberAffiliationRow,
            MemberEventRow,
            AuditRow,
            ChangeOutboxRow,
            ClientExternalIdRow,
        ):
            n = (await s.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
            out[table.__tablename__] = int(n)
    return out


# For tests/test_route_guard.py.
async def sync_samples(world: Any, client: Any) -> dict[str, Any]:
    registered = await make_client(world, client)
    token = await client_token(client, registered)
    hook = await client.post(
        "/api/v1/sync/webhooks",
        headers={"Authorization": f"Bearer {token}"},
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]},
    )
    assert hook.status_code == 201, hook.text
    upload = await client.post(
        "/api/v1/sync/members:upload",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        content=b"external_id,name,gender,birth_date,national_id,join_date,status\nX,x,male,"
        b"1990-01-01,x,2015-07-01,full\n",
    )
    assert upload.status_code == 202, upload.text
    # The intruder is refused on the subscription before any delivery is looked up.
    return {
        "client_id": registered["id"],
        "webhook_id": hook.json()["id"],
        "delivery_id": 1,
        "job_id": upload.json()["id"],
    }


SYNC_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/sync/clients"): lambda s: {
        "org_id": s["org_id"],
        "name": "x",
        "scopes": ["members:read"],
    },
    ("POST", "/api/v1/sync/clients/{client_id}/secret"): lambda s: {"grace_hours": 1},
    ("POST", "/api/v1/sync/webhooks"): lambda s: {
        "url": "https://example.org/hook",
        "event_types": ["*"],
    },
}
SYNC_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/sync/members:export"): lambda s: {"org_id": s["org_id"]},
}
SYNC_HEADERS: dict[tuple[str, str], dict[str, str]] = {}
SYNC_GRAPHQL: dict[str, tuple[str, Any]] = {}
# Routes that act only inside the calling client's own subtree (rows outside it are rejected
# row by row; the feed reads the client's subtree only).
SYNC_ANCHOR_ONLY: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/sync/clients"): "the clients registered in the caller's own subtree",
    ("POST", "/api/v1/sync/members:batch"): "rows act inside the calling client's subtree only",
    ("POST", "/api/v1/sync/orgs:batch"): "rows act inside the calling client's subtree only",
    ("POST", "/api/v1/sync/enterprises:batch"): "rows act inside the calling client's subtree only",
    ("GET", "/api/v1/changes"): "the calling client's own subtree",
    ("POST", "/api/v1/sync/webhooks"): "subscribes the calling client to its own subtree",
    ("GET", "/api/v1/sync/webhooks"): "the calling client's own subscriptions",
    ("POST", "/api/v1/sync/members:upload"): "rows act inside the calling client's subtree only",
}


async def follow_feed(
    client: Any,
    headers: dict[str, str],
    since: str | None = None,
    *,
    until: Any = None,
    limit: int = 200,
    timeout: float = 180.0,
) -> tuple[list[dict[str, Any]], str]:
    """Read the feed to its end; with ``until`` (a predicate over the items read), keep
    polling until it holds. On PostgreSQL the horizon is cluster-wide, so another database's
    open transaction can hold changes back for a while (docs/decisions.md D17)."""
    items: list[dict[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        r = await client.get("/api/v1/changes", headers=headers, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        since = page["next_cursor"]
        if page["has_more"]:
            continue
        if until is None or until(items):
            return items, str(since)
        assert asyncio.get_running_loop().time() < deadline, "feed did not catch up"
        await asyncio.sleep(0.2)
