"""Races on transfers that must end with exactly one effect (they bite on PostgreSQL; on
SQLite the write lock serialises them), followed by the roster's invariants: one current
affiliation per member on the roll, and every org's member_count equal to a recount."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import MemberAffiliationRow, MemberTransferRow
from tests.member_fixtures import make_member
from tests.transfer_fixtures import act, invariants, issue, transfer_body


async def _open_transfers(container, member_id: int) -> int:
    async with container.db.read_sessions() as s:
        stmt = sa.select(sa.func.count()).where(
            MemberTransferRow.member_id == member_id,
            MemberTransferRow.state.in_(["issued", "accepted"]),
        )
        return int((await s.execute(stmt)).scalar_one())


async def test_simultaneous_transfers_of_one_member_create_one(world, client, container):
    h = world.auth()
    members = [await make_member(world, client, 40 + i) for i in range(4)]
    calls = []
    for m in members:
        for dest in ("branch2", "branch3", "general"):
            calls.append(
                client.post(
                    "/api/v1/transfers", headers=h, json=transfer_body(world, m["id"], dest)
                )
            )
    responses = await asyncio.gather(*calls)
    for i, m in enumerate(members):
        mine = responses[i * 3 : i * 3 + 3]
        codes = sorted(r.status_code for r in mine)
        assert codes == [201, 409, 409], [r.text for r in mine]
        created = next(r.json() for r in mine if r.status_code == 201)
        for r in mine:
            if r.status_code == 409:
                assert r.json()["code"] == "transfer.already_open"
                assert r.json()["existing_id"] == created["id"]
        assert await _open_transfers(container, m["id"]) == 1
    await invariants(container)


async def test_accept_and_cancel_at_once_have_one_effect(world, client, container):
    h = world.auth()
    for seq in range(50, 54):
        m = await make_member(world, client, seq)
        t = await issue(world, client, m["id"], "branch3")
        accept, cancel = await asyncio.gather(
            client.post(f"/api/v1/transfers/{t['id']}/accept", headers=h, json={}),
            client.post(f"/api/v1/transfers/{t['id']}/cancel", headers=h, json={}),
        )
        codes = sorted([accept.status_code, cancel.status_code])
        assert codes == [200, 409], (accept.text, cancel.text)
        loser = accept if accept.status_code == 409 else cancel
        assert loser.json()["code"] == "transfer.wrong_state"
        final = (await client.get(f"/api/v1/transfers/{t['id']}", headers=h)).json()
        assert final["state"] == ("accepted" if accept.status_code == 200 else "cancelled")
        assert final["version"] == 2
    await invariants(container)


async def test_two_reports_at_once_move_the_affiliation_once(world, client, container):
    h = world.auth()
    transfers = []
    for seq in range(60, 64):
        m = await make_member(world, client, seq)
        t = await issue(world, client, m["id"], "branch3")
        await act(world, client, t["id"], "accept")
        transfers.append((m, t))
    responses = await asyncio.gather(
        *[
            client.post(f"/api/v1/transfers/{t['id']}/report", headers=h, json={})
            for _, t in transfers
            for _ in range(2)
        ]
    )
    for i, (m, _) in enumerate(transfers):
        pair = responses[2 * i : 2 * i + 2]
        assert sorted(r.status_code for r in pair) == [200, 409], [r.text for r in pair]
        async with container.db.read_sessions() as s:
            n = (
                await s.execute(
                    sa.select(sa.func.count()).where(MemberAffiliationRow.member_id == m["id"])
                )
            ).scalar_one()
        assert n == 2
    got = (await client.get(f"/api/v1/orgs/{world.ids['branch3']}", headers=h)).json()
    assert got["member_count"] == 4
    await invariants(container)


async def test_report_and_a_new_letter_at_once(world, client, container):
    """A report and a new issue for the same member: the member lock orders them."""
    h = world.auth()
    m = await make_member(world, client, 70)
    t = await issue(world, client, m["id"], "branch3")
    await act(world, client, t["id"], "accept")
    report, again = await asyncio.gather(
        client.post(f"/api/v1/transfers/{t['id']}/report", headers=h, json={}),
        client.post("/api/v1/transfers", headers=h, json=transfer_body(world, m["id"], "branch2")),
    )
    assert report.status_code == 200, report.text
    # Either the new letter came first and was refused, or it came after the report and was
    # issued from the new branch.
    if again.status_code == 201:
        assert again.json()["from_org_id"] == world.ids["branch3"]
    else:
        assert again.status_code == 409 and again.json()["code"] == "transfer.already_open"
    await invariants(container)
