"""Helpers for the member tests: valid id numbers and API shortcuts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    OrgRow,
)
from app.domain.members.model import national_id_check_char


def national_id(birth: dt.date, seq: int = 1, region: str = "350525") -> str:
    """A valid resident id number for ``birth``; ``seq`` (0–999) tells people apart."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + national_id_check_char(body)


def member_body(world: Any, seq: int, org: str = "branch1", **kw: Any) -> dict[str, Any]:
    birth = kw.pop("birth_date", dt.date(1990, 1, 1))
    body = {
        "name": kw.pop("name", f"党员{seq}"),
        "gender": kw.pop("gender", "male"),
        "birth_date": birth.isoformat(),
        "national_id": kw.pop("national_id", national_id(birth, seq)),
        "join_date": kw.pop("join_date", "2015-07-01"),
        "status": kw.pop("status", "full"),
        "org_id": world.ids[org],
        **kw,
    }
    if body["status"] == "full":
        body.setdefault("full_member_date", "2016-07-01")
    return body


async def make_member(world: Any, client: Any, seq: int, org: str = "branch1", **kw: Any) -> Any:
    r = await client.post(
        "/api/v1/members", headers=world.auth(), json=member_body(world, seq, org, **kw)
    )
    assert r.status_code == 201, r.text
    return r.json()


async def member_tables(container: Any) -> dict[str, int]:
    """Rows per table the member area writes, to prove failures write nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (MemberRow, MemberAffiliationRow, MemberEventRow, AuditRow):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
    return out


async def count_mismatches(container: Any) -> list[tuple[int, int, int]]:
    """Orgs whose maintained member_count differs from a recount of current affiliations,
    and members whose org_path differs from their org's path."""
    async with container.db.read_sessions() as s:
        recount = (
            sa.select(sa.func.count())
            .where(MemberAffiliationRow.org_id == OrgRow.id, MemberAffiliationRow.to_date.is_(None))
            .scalar_subquery()
        )
        rows = (await s.execute(sa.select(OrgRow.id, OrgRow.member_count, recount))).all()
        bad = [(r[0], r[1], r[2]) for r in rows if r[1] != r[2]]
        paths = await s.execute(
            sa.select(MemberRow.id)
            .join(OrgRow, OrgRow.id == MemberRow.org_id)
            .where(OrgRow.path != MemberRow.org_path)
        )
        bad += [(-1, int(i), 0) for i in paths.scalars()]
        return bad


# For tests/test_route_guard.py: a member to aim the member routes at from another district.
async def member_samples(world: Any, client: Any) -> dict[str, Any]:
    m = await make_member(world, client, 901)
    return {"member_id": m["id"], "member_national_id": national_id(dt.date(1990, 1, 1), 901)}


MEMBER_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/members"): lambda s: {
        "name": "x",
        "gender": "female",
        "birth_date": "1991-02-03",
        "national_id": national_id(dt.date(1991, 2, 3), 902),
        "join_date": "2015-07-01",
        "status": "probationary",
        "org_id": s["org_id"],
    },
    ("PATCH", "/api/v1/members/{member_id}"): lambda s: {"name": "y"},
    ("POST", "/api/v1/members:lookup"): lambda s: {"national_id": s["member_national_id"]},
}
MEMBER_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/members"): lambda s: {"org_id": s["org_id"]},
}
MEMBER_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("PATCH", "/api/v1/members/{member_id}"): {"If-Match": '"1"'},
}
MEMBER_GRAPHQL: dict[str, tuple[str, Any]] = {
    "member": (
        "query($id: Int!) { member(id: $id) { id } }",
        lambda s: {"id": s["member_id"]},
    ),
    "members": (
        "query($id: Int) { members(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "memberStats": (
        "query($id: Int!) { memberStats(orgId: $id) { total } }",
        lambda s: {"id": s["org_id"]},
    ),
    "memberTotals": (
        "query($id: Int!) { memberTotals(orgId: $id) { total } }",
        lambda s: {"id": s["org_id"]},
    ),
    "createMember": (
        'mutation($id: Int!, $n: String!) { createMember(input: {name: "x", gender: FEMALE, '
        'birthDate: "1991-02-03", nationalId: $n, joinDate: "2015-07-01", '
        "status: PROBATIONARY, orgId: $id}) { errors { code } } }",
        lambda s: {"id": s["org_id"], "n": national_id(dt.date(1991, 2, 3), 903)},
    ),
    "updateMember": (
        "mutation($id: Int!) { updateMember(id: $id, expectedVersion: 1, "
        'input: {name: "y"}) { errors { code } } }',
        lambda s: {"id": s["member_id"]},
    ),
}
