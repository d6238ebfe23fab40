"""Helpers for the transfer tests and the route guard's foreign samples."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    MemberTransferRow,
    OrgRow,
)
from tests.member_fixtures import make_member, national_id


def transfer_body(world: Any, member_id: int, to: str | None = "branch2", **kw: Any) -> Any:
    body: dict[str, Any] = {
        "member_id": member_id,
        "letter_no": kw.pop("letter_no", f"转字{member_id}号"),
        "dues_paid_until": kw.pop("dues_paid_until", "2026-10"),
        **kw,
    }
    if to is not None:
        body["to_org_id"] = world.ids[to]
    return body


async def issue(
    world: Any, client: Any, member_id: int, to: str | None = "branch2", **kw: Any
) -> Any:
    headers = kw.pop("headers", None) or world.auth()
    r = await client.post(
        "/api/v1/transfers", headers=headers, json=transfer_body(world, member_id, to, **kw)
    )
    assert r.status_code == 201, r.text
    return r.json()


async def act(
    world: Any, client: Any, transfer_id: int, action: str, body: Any = None, **kw: Any
) -> Any:
    headers = kw.pop("headers", None) or world.auth()
    r = await client.post(
        f"/api/v1/transfers/{transfer_id}/{action}", headers=headers, json=body or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


def incoming_body(world: Any, seq: int, org: str = "branch1", **kw: Any) -> dict[str, Any]:
    birth = kw.pop("birth_date", dt.date(1988, 5, 6))
    body = {
        "name": kw.pop("name", f"转入党员{seq}"),
        "gender": kw.pop("gender", "female"),
        "birth_date": birth.isoformat(),
        "national_id": kw.pop("national_id", national_id(birth, seq, region="330106")),
        "join_date": kw.pop("join_date", "2012-07-01"),
        "status": kw.pop("status", "full"),
        "org_id": world.ids[org],
        "letter_no": kw.pop("letter_no", f"浙组转{seq}"),
        "origin_name": kw.pop("origin_name", "杭州市西湖区某党支部"),
        "origin_region": kw.pop("origin_region", "浙江省杭州市"),
        "dues_paid_until": kw.pop("dues_paid_until", "2026-09"),
        **kw,
    }
    if body["status"] == "full":
        body.setdefault("full_member_date", "2013-07-01")
    return body


async def transfer_tables(container: Any) -> dict[str, int]:
    """Rows per table a transfer may write, to prove failures write nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (MemberTransferRow, MemberRow, MemberAffiliationRow, MemberEventRow, AuditRow):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
        # An update leaves counts alone: fingerprint the states and the members' orgs too.
        states = await s.execute(
            sa.select(MemberTransferRow.id, MemberTransferRow.state, MemberTransferRow.version)
        )
        out["states"] = hash(tuple(sorted(tuple(r) for r in states)))
        orgs = await s.execute(sa.select(MemberRow.id, MemberRow.org_id, MemberRow.standing))
        out["members"] = hash(tuple(sorted(tuple(r) for r in orgs)))
        counts = await s.execute(sa.select(OrgRow.id, OrgRow.member_count))
        out["counts"] = hash(tuple(sorted(tuple(r) for r in counts)))
    return out


async def invariants(container: Any) -> None:
    """Exactly one current affiliation per member on the roll, none for the others, and it
    names the member's org; every org's member_count equals a recount."""
    async with container.db.read_sessions() as s:
        rows = (
            await s.execute(
                sa.select(MemberRow.id, MemberRow.org_id, MemberRow.standing, MemberRow.org_path)
            )
        ).all()
        current = (
            await s.execute(
                sa.select(MemberAffiliationRow.member_id, MemberAffiliationRow.org_id).where(
                    MemberAffiliationRow.to_date.is_(None)
                )
            )
        ).all()
        orgs = {r.id: r for r in (await s.execute(sa.select(OrgRow))).scalars()}
    by_member: dict[int, list[int]] = {}
    for member_id, org_id in current:
        by_member.setdefault(member_id, []).append(org_id)
    on_roll = {"active", "lost_contact", "suspended"}
    for m in rows:
        if m.standing in on_roll:
            assert by_member.get(m.id) == [m.org_id], (m, by_member.get(m.id))
            assert m.org_path == orgs[m.org_id].path, m
        else:
            assert m.id not in by_member, m
    for org in orgs.values():
        recount = sum(1 for _, o in current if o == org.id)
        assert org.member_count == recount, (org.id, org.member_count, recount)


# For tests/test_route_guard.py.
async def transfer_samples(world: Any, client: Any) -> dict[str, Any]:
    m = await make_member(world, client, 961)
    t = await issue(world, client, m["id"])
    return {"transfer_id": t["id"], "transfer_member_id": m["id"]}


TRANSFER_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/transfers"): lambda s: {
        "member_id": s["transfer_member_id"],
        "letter_no": "x",
        "to_org_id": s["org_id"],
        "dues_paid_until": "2026-10",
    },
    ("POST", "/api/v1/transfers/incoming"): lambda s: {
        "name": "x",
        "gender": "female",
        "birth_date": "1988-05-06",
        "national_id": national_id(dt.date(1988, 5, 6), 962),
        "join_date": "2012-07-01",
        "status": "probationary",
        "org_id": s["org_id"],
        "letter_no": "x",
        "origin_name": "x",
        "origin_region": "x",
        "dues_paid_until": "2026-09",
    },
    ("POST", "/api/v1/transfers/{transfer_id}/accept"): lambda s: {},
    ("POST", "/api/v1/transfers/{transfer_id}/reject"): lambda s: {"reason": "x"},
    ("POST", "/api/v1/transfers/{transfer_id}/cancel"): lambda s: {},
    ("POST", "/api/v1/transfers/{transfer_id}/report"): lambda s: {},
    ("POST", "/api/v1/transfers/{transfer_id}/receipt"): lambda s: {"receipt_no": "x"},
}
TRANSFER_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/orgs/{org_id}/transfers"): lambda s: {"queue": "outgoing_open"},
}
TRANSFER_HEADERS: dict[tuple[str, str], dict[str, str]] = {}
# Routes that act only on the caller's own member record.
TRANSFER_ANCHOR_ONLY = {
    ("GET", "/api/v1/members/me/transfers"): "the transfers of the caller's own member record",
}
TRANSFER_GRAPHQL: dict[str, tuple[str, Any]] = {
    "transfer": (
        "query($id: Int!) { transfer(id: $id) { id } }",
        lambda s: {"id": s["transfer_id"]},
    ),
    "memberTransfers": (
        "query($id: Int!) { memberTransfers(memberId: $id) { edges { cursor } } }",
        lambda s: {"id": s["transfer_member_id"]},
    ),
    "orgTransferQueue": (
        "query($id: Int!) { orgTransferQueue(orgId: $id, queue: OUTGOING_OPEN) "
        "{ edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "issueTransfer": (
        'mutation($m: Int!, $o: Int!) { issueTransfer(input: {memberId: $m, letterNo: "x", '
        'toOrgId: $o, duesPaidUntil: "2026-10"}) { errors { code } } }',
        lambda s: {"m": s["transfer_member_id"], "o": s["org_id"]},
    ),
    "acceptTransfer": (
        "mutation($id: Int!) { acceptTransfer(id: $id) { errors { code } } }",
        lambda s: {"id": s["transfer_id"]},
    ),
    "rejectTransfer": (
        'mutation($id: Int!) { rejectTransfer(id: $id, reason: "x") { errors { code } } }',
        lambda s: {"id": s["transfer_id"]},
    ),
    "reportTransfer": (
        "mutation($id: Int!) { reportTransfer(id: $id) { errors { code } } }",
        lambda s: {"id": s["transfer_id"]},
    ),
    "cancelTransfer": (
        "mutation($id: Int!) { cancelTransfer(id: $id) { errors { code } } }",
        lambda s: {"id": s["transfer_id"]},
    ),
    "recordTransferReceipt": (
        'mutation($id: Int!) { recordTransferReceipt(id: $id, receiptNo: "x") '
        "{ errors { code } } }",
        lambda s: {"id": s["transfer_id"]},
    ),
    "registerIncomingTransfer": (
        'mutation($id: Int!, $n: String!) { registerIncomingTransfer(input: {name: "x", '
        'gender: FEMALE, birthDate: "1988-05-06", nationalId: $n, joinDate: "2012-07-01", '
        'status: PROBATIONARY, orgId: $id, letterNo: "x", originName: "x", originRegion: "x", '
        'duesPaidUntil: "2026-09"}) { errors { code } } }',
        lambda s: {"id": s["org_id"], "n": national_id(dt.date(1988, 5, 6), 963)},
    ),
}
