"""Races between a member leaving the roll and their transfer (they bite on PostgreSQL; on
SQLite the write lock serialises them): both take the member's row lock first, so one waits
for the other and the outcome is one of the two orders, never a mix: at most one current
affiliation, counts equal a recount, no open transfer for a gone member."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import MemberAffiliationRow, MemberRow, MemberTransferRow
from tests.management_fixtures import days_ago
from tests.member_fixtures import count_mismatches, make_member
from tests.transfer_fixtures import act, invariants, issue, transfer_body


async def _state(container, member_id: int) -> tuple[str, list[int], list[str]]:
    async with container.db.read_sessions() as s:
        standing = (
            await s.execute(sa.select(MemberRow.standing).where(MemberRow.id == member_id))
        ).scalar_one()
        current = (
            await s.execute(
                sa.select(MemberAffiliationRow.org_id).where(
                    MemberAffiliationRow.member_id == member_id,
                    MemberAffiliationRow.to_date.is_(None),
                )
            )
        ).scalars()
        states = (
            await s.execute(
                sa.select(MemberTransferRow.state)
                .where(MemberTransferRow.member_id == member_id)
                .order_by(MemberTransferRow.id)
            )
        ).scalars()
        return standing, list(current), list(states)


async def test_death_and_report_at_once_end_in_one_order(world, client, container):
    h = world.auth()
    pairs = []
    for seq in range(80, 86):
        m = await make_member(world, client, seq)
        t = await issue(world, client, m["id"], "branch3")
        await act(world, client, t["id"], "accept")
        pairs.append((m, t))
    responses = await asyncio.gather(
        *[
            call
            for m, t in pairs
            for call in (
                client.post(
                    f"/api/v1/members/{m['id']}/status-changes",
                    headers=h,
                    json={"kind": "died", "on_date": days_ago(0)},
                ),
                client.post(f"/api/v1/transfers/{t['id']}/report", headers=h, json={}),
            )
        ]
    )
    orders = set()
    for i, (m, t) in enumerate(pairs):
        died, report = responses[2 * i], responses[2 * i + 1]
        assert died.status_code == 201, died.text  # the death is always recorded
        standing, current, states = await _state(container, m["id"])
        assert standing == "died" and current == []
        if report.status_code == 200:
            # Reported first: moved to branch3, then died there.
            orders.add("report-first")
            assert states == ["completed"]
            assert died.json()["event"]["details"]["org_id"] == world.ids["branch3"]
            assert "transfer_cancelled" not in died.json()["event"]["details"]
        else:
            # Died first: the accepted letter was cancelled, the report found it closed.
            orders.add("death-first")
            assert report.status_code == 409, report.text
            assert report.json()["code"] == "transfer.wrong_state"
            assert report.json()["state"] == "cancelled"
            assert states == ["cancelled"]
            assert died.json()["event"]["details"]["transfer_cancelled"] == t["id"]
    assert orders  # whichever order each pair took, it was one of the two
    for key in ("branch1", "branch3"):
        org = (await client.get(f"/api/v1/orgs/{world.ids[key]}", headers=h)).json()
        assert org["member_count"] == 0, key
    assert await count_mismatches(container) == []
    await invariants(container)


async def test_death_and_a_new_letter_at_once_leave_no_open_transfer(world, client, container):
    h = world.auth()
    members = [await make_member(world, client, seq) for seq in range(90, 96)]
    responses = await asyncio.gather(
        *[
            call
            for m in members
            for call in (
                client.post(
                    f"/api/v1/members/{m['id']}/status-changes",
                    headers=h,
                    json={"kind": "left", "on_date": days_ago(0)},
                ),
                client.post("/api/v1/transfers", headers=h, json=transfer_body(world, m["id"])),
            )
        ]
    )
    for i, m in enumerate(members):
        left, issued = responses[2 * i], responses[2 * i + 1]
        assert left.status_code == 201, left.text
        standing, current, states = await _state(container, m["id"])
        assert standing == "left" and current == []
        if issued.status_code == 201:
            assert states == ["cancelled"]  # issued first, closed by the departure
        else:
            assert issued.status_code == 422, issued.text
            assert issued.json()["code"] == "transfer.member_not_on_roll"
            assert states == []
    assert await count_mismatches(container) == []
    await invariants(container)
