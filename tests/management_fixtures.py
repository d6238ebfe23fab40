"""Helpers for the status-change, dual-management and compliance tests, and the route guard's
foreign samples for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberManagementRow,
    MemberParticipationRow,
    MemberRow,
    OrgRow,
)
from tests.enterprise_fixtures import today
from tests.member_fixtures import make_member, national_id


def days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


async def change(
    world: Any, client: Any, member_id: int, kind: str, on_date: str, **kw: Any
) -> Any:
    headers = kw.pop("headers", None) or world.auth()
    return await client.post(
        f"/api/v1/members/{member_id}/status-changes",
        headers=headers,
        json={"kind": kind, "on_date": on_date, **kw},
    )


async def register(
    world: Any, client: Any, member_id: int, org: str, from_date: str, **kw: Any
) -> Any:
    headers = kw.pop("headers", None) or world.auth()
    return await client.post(
        f"/api/v1/members/{member_id}/managements",
        headers=headers,
        json={"org_id": world.ids[org], "from_date": from_date, **kw},
    )


async def management_tables(container: Any) -> dict[str, Any]:
    """Rows per table these areas write, plus the maintained counts, to prove that a refused
    request wrote nothing."""
    out: dict[str, Any] = {}
    async with container.db.read_sessions() as s:
        for row in (
            MemberRow,
            MemberAffiliationRow,
            MemberEventRow,
            MemberManagementRow,
            MemberParticipationRow,
            AuditRow,
        ):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
        out["member_counts"] = sorted(
            tuple(r) for r in await s.execute(sa.select(OrgRow.id, OrgRow.member_count))
        )
        out["member_versions"] = sorted(
            tuple(r) for r in await s.execute(sa.select(MemberRow.id, MemberRow.version))
        )
    return out


# ------------------------------------------------------------------ route guard


async def management_samples(world: Any, client: Any) -> dict[str, Any]:
    m = await make_member(world, client, 911)
    r = await register(world, client, m["id"], "branch2", days_ago(30), certificate_no="G-911")
    assert r.status_code == 201, r.text
    return {"management_id": r.json()["id"], "managed_member_id": m["id"]}


MANAGEMENT_ANCHOR_ONLY = {
    ("GET", "/api/v1/members/me/managements"): "the caller's own registrations",
    ("GET", "/api/v1/members/me/history"): "the caller's own history",
}
MANAGEMENT_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/members/{member_id}/status-changes"): lambda s: {
        "kind": "lost_contact",
        "on_date": days_ago(1),
    },
    ("POST", "/api/v1/members/{member_id}/managements"): lambda s: {
        "org_id": s["org_id"],
        "from_date": days_ago(1),
    },
    ("POST", "/api/v1/managements"): lambda s: {
        "national_id": national_id(dt.date(1990, 1, 1), 911),
        "org_id": s["org_id"],
        "from_date": days_ago(1),
    },
    ("POST", "/api/v1/managements/{management_id}/end"): lambda s: {},
    ("POST", "/api/v1/managements/{management_id}/participations"): lambda s: {
        "on_date": days_ago(1),
        "activity": "主题党日",
    },
}
MANAGEMENT_QUERIES: dict[tuple[str, str], Any] = {}
MANAGEMENT_HEADERS: dict[tuple[str, str], dict[str, str]] = {}
MANAGEMENT_GRAPHQL_ANCHOR_ONLY = {"myManagements", "myHistory"}
MANAGEMENT_GRAPHQL: dict[str, tuple[str, Any]] = {
    "changeMemberStatus": (
        "mutation($id: Int!, $d: Date!) { changeMemberStatus(memberId: $id, "
        "input: {kind: LOST_CONTACT, onDate: $d}) { errors { code } } }",
        lambda s: {"id": s["member_id"], "d": days_ago(1)},
    ),
    "registerManagement": (
        "mutation($m: Int!, $o: Int!, $d: Date!) { registerManagement(input: "
        "{memberId: $m, orgId: $o, fromDate: $d}) { errors { code } } }",
        lambda s: {"m": s["member_id"], "o": s["org_id"], "d": days_ago(1)},
    ),
    "endManagement": (
        "mutation($id: Int!) { endManagement(id: $id) { errors { code } } }",
        lambda s: {"id": s["management_id"]},
    ),
    "recordParticipation": (
        "mutation($id: Int!, $d: Date!) { recordParticipation(managementId: $id, onDate: $d, "
        'activity: "x") { errors { code } } }',
        lambda s: {"id": s["management_id"], "d": days_ago(1)},
    ),
    "memberManagements": (
        "query($id: Int!) { memberManagements(memberId: $id) { id } }",
        lambda s: {"id": s["managed_member_id"]},
    ),
    "orgManagements": (
        "query($id: Int!) { orgManagements(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "participations": (
        "query($id: Int!) { participations(managementId: $id) { id } }",
        lambda s: {"id": s["management_id"]},
    ),
    "compliance": (
        "query($id: Int!) { compliance(orgId: $id) { orgId } }",
        lambda s: {"id": s["org_id"]},
    ),
    "myManagements": ("{ myManagements { id } }", None),
    "myHistory": ("{ myHistory { memberId } }", None),
    "memberHistory": (
        "query($id: Int!) { memberHistory(memberId: $id) { memberId } }",
        lambda s: {"id": s["member_id"]},
    ),
}
