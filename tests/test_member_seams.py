"""Where transfers meet member standing and dual management: a member leaving the roll closes
their open transfer; only active members move; a report ends the management at the new
organisation and a receipt ends them all; lapsed letters of gone members leave the overdue
queue and the compliance finding; counts equal a recount after a mix of everything."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db.models import AuditRow, MemberManagementRow, MemberRow, MemberTransferRow
from app.domain.members.standing import count_mismatches as domain_mismatches
from tests.enterprise_fixtures import today
from tests.management_fixtures import change, days_ago, register
from tests.member_fixtures import count_mismatches, make_member, national_id
from tests.transfer_fixtures import (
    act,
    incoming_body,
    invariants,
    issue,
    transfer_body,
    transfer_tables,
)


async def _audit(container, action: str) -> list[AuditRow]:
    async with container.db.read_sessions() as s:
        stmt = sa.select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)
        return list((await s.execute(stmt)).scalars())


async def _open_transfers(container, member_id: int) -> int:
    async with container.db.read_sessions() as s:
        stmt = sa.select(sa.func.count()).where(
            MemberTransferRow.member_id == member_id,
            MemberTransferRow.state.in_(["issued", "accepted"]),
        )
        return int((await s.execute(stmt)).scalar_one())


async def _queue(world, client, org: str, queue: str) -> list[int]:
    r = await client.get(
        f"/api/v1/orgs/{world.ids[org]}/transfers",
        headers=world.auth(),
        params={"queue": queue},
    )
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["items"]]


async def _post(world, client, transfer_id: int, action: str, body=None):
    return await client.post(
        f"/api/v1/transfers/{transfer_id}/{action}", headers=world.auth(), json=body or {}
    )


@pytest.mark.parametrize(
    ("kind", "accepted"), [("died", False), ("left", True), ("struck_off", True)]
)
async def test_leaving_the_roll_cancels_the_open_transfer(world, client, container, kind, accepted):
    m = await make_member(world, client, 1)
    t = await issue(world, client, m["id"], "branch3")
    if accepted:
        await act(world, client, t["id"], "accept")
    assert await _queue(world, client, "park", "outgoing_open") == [t["id"]]

    r = await change(world, client, m["id"], kind, days_ago(0), reason="r")
    assert r.status_code == 201, r.text
    assert r.json()["event"]["details"]["transfer_cancelled"] == t["id"]
    got = (await client.get(f"/api/v1/transfers/{t['id']}", headers=world.auth())).json()
    assert got["state"] == "cancelled"
    assert got["reason"] == f"member_left_roll:{kind}"
    assert got["cancelled_on"] == today().isoformat()
    assert got["days_left"] is None
    assert await _open_transfers(container, m["id"]) == 0
    (audit,) = await _audit(container, "transfer.cancel")
    assert audit.target_id == str(t["id"])
    assert audit.changes["by"] == "member.status_change"
    assert audit.changes["state"] == {
        "from": "accepted" if accepted else "issued",
        "to": "cancelled",
    }
    # The queues no longer carry it; it is history.
    for q in ("outgoing_open", "incoming_open", "awaiting_decision", "expiring", "overdue"):
        assert await _queue(world, client, "district", q) == [], q
    assert t["id"] in await _queue(world, client, "district", "history")

    # Every further action is refused (the letter is closed), writing nothing.
    before = await transfer_tables(container)
    for action in ("accept", "report", "cancel"):
        r = await _post(world, client, t["id"], action)
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "transfer.wrong_state" and r.json()["state"] == "cancelled"
    r = await client.post(
        "/api/v1/transfers", headers=world.auth(), json=transfer_body(world, m["id"], "branch2")
    )
    assert r.status_code == 422 and r.json()["code"] == "transfer.member_not_on_roll", r.text
    assert await transfer_tables(container) == before
    await invariants(container)
    assert await count_mismatches(container) == []


async def test_leaving_the_roll_without_a_transfer_cancels_nothing(world, client, container):
    m = await make_member(world, client, 2)
    done = await issue(world, client, m["id"], "branch3")
    await _post(world, client, done["id"], "cancel")
    r = await change(world, client, m["id"], "died", days_ago(0))
    assert r.status_code == 201, r.text
    assert "transfer_cancelled" not in r.json()["event"]["details"]
    assert len(await _audit(container, "transfer.cancel")) == 1  # the sender's own cancel


async def test_a_gone_members_lapsed_letter_leaves_the_overdue_queue(world, client, container):
    lapsed = await make_member(world, client, 3)
    stored = await make_member(world, client, 4)
    t1 = await issue(world, client, lapsed["id"], "branch3")
    t2 = await issue(world, client, stored["id"], "branch3")
    async with container.db.write_sessions() as s:
        # Both letters ran out a while ago; the second was already swept to `expired`.
        await s.execute(
            sa.update(MemberTransferRow)
            .where(MemberTransferRow.id.in_([t1["id"], t2["id"]]))
            .values(
                issued_on=today() - dt.timedelta(days=100),
                valid_until=today() - dt.timedelta(days=10),
            )
        )
        await s.execute(
            sa.update(MemberTransferRow)
            .where(MemberTransferRow.id == t2["id"])
            .values(state="expired")
        )
        await s.commit()
    assert sorted(await _queue(world, client, "park", "overdue")) == [t1["id"], t2["id"]]
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/compliance",
        headers=world.auth(),
        params={"rule": "transfers_overdue"},
    )
    # The compliance finding uses the queue's own definition: stored expired ones count too.
    assert r.json()["totals"] == {"transfers_overdue": 1}
    assert r.json()["findings"][0]["figures"]["transfers"] == 2

    for m in (lapsed, stored):
        r = await change(world, client, m["id"], "died", days_ago(0))
        assert r.status_code == 201, r.text
    # The lapsed open letter is cancelled; the stored expired one stays expired (history is
    # not rewritten) but neither is overdue any more: nobody is left to report.
    states = {
        t["id"]: (await client.get(f"/api/v1/transfers/{t['id']}", headers=world.auth())).json()[
            "state"
        ]
        for t in (t1, t2)
    }
    assert states == {t1["id"]: "cancelled", t2["id"]: "expired"}
    assert await _queue(world, client, "park", "overdue") == []
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/compliance",
        headers=world.auth(),
        params={"rule": "transfers_overdue"},
    )
    assert r.json()["totals"] == {"transfers_overdue": 0}
    async with container.uow() as uow:
        park = await uow.orgs.get(world.ids["park"])
        assert park is not None
        assert await uow.transfers.count_overdue(park.path, today=uow.clock.today()) == 0


@pytest.mark.parametrize("standing", ["lost_contact", "suspended"])
async def test_only_active_members_move(world, client, container, standing):
    m = await make_member(world, client, 5)
    t = await issue(world, client, m["id"], "branch3")
    r = await change(world, client, m["id"], standing, days_ago(0))
    assert r.status_code == 201, r.text
    # Still on the roll: the letter stays open (the sender may cancel it, it may expire).
    assert (await client.get(f"/api/v1/transfers/{t['id']}", headers=world.auth())).json()[
        "state"
    ] == "issued"
    other = await make_member(world, client, 6)
    await change(world, client, other["id"], standing, days_ago(0))
    before = await transfer_tables(container)
    r = await _post(world, client, t["id"], "accept")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "transfer.member_not_active"
    assert body["type"] == "urn:lianjian:problem:transfer.member_not_active"
    assert standing in body["detail"]
    r = await client.post(
        "/api/v1/transfers", headers=world.auth(), json=transfer_body(world, other["id"])
    )
    assert r.status_code == 422 and r.json()["code"] == "transfer.member_not_active"
    assert r.json()["errors"][0]["pointer"] == "/member_id"
    assert await transfer_tables(container) == before

    if standing == "lost_contact":
        # Contact restored: the same letter goes on.
        r = await change(world, client, m["id"], "contact_restored", days_ago(0))
        assert r.status_code == 201, r.text
        await act(world, client, t["id"], "accept")
        # Lost again between acceptance and report: the report waits too.
        await change(world, client, m["id"], "lost_contact", days_ago(0))
        r = await _post(world, client, t["id"], "report")
        assert r.status_code == 422 and r.json()["code"] == "transfer.member_not_active"
    else:
        # Reject and cancel stay open to either side: they stop the letter.
        got = await act(world, client, t["id"], "cancel")
        assert got["state"] == "cancelled"
    await invariants(container)


async def test_a_gone_member_with_an_open_letter_is_refused(world, client, container):
    """Rows written before the seam was closed (or by a district sync): the guard still holds."""
    m = await make_member(world, client, 7)
    t = await issue(world, client, m["id"], "branch3")
    async with container.db.write_sessions() as s:
        await s.execute(sa.update(MemberRow).where(MemberRow.id == m["id"]).values(standing="died"))
        await s.commit()
    r = await _post(world, client, t["id"], "accept")
    assert r.status_code == 422 and r.json()["code"] == "transfer.member_not_on_roll", r.text


async def _managements(container, member_id: int) -> dict[int, tuple]:
    async with container.db.read_sessions() as s:
        rows = await s.execute(
            sa.select(MemberManagementRow).where(MemberManagementRow.member_id == member_id)
        )
        return {r.org_id: (r.ended_on, r.end_reason, r.to_date) for r in rows.scalars()}


async def test_report_ends_the_management_at_the_new_org(world, client, container):
    m = await make_member(world, client, 8)
    at_dest = await register(world, client, m["id"], "branch3", days_ago(200), certificate_no="A")
    elsewhere = await register(world, client, m["id"], "branch2", days_ago(30))
    assert at_dest.status_code == 201 and elsewhere.status_code == 201
    t = await issue(world, client, m["id"], "branch3")
    await act(world, client, t["id"], "accept")
    got = await act(world, client, t["id"], "report")
    assert got["state"] == "completed"

    day = today().isoformat()
    state = await _managements(container, m["id"])
    assert state[world.ids["branch3"]] == (today(), "transferred_in", today())
    assert state[world.ids["branch2"]] == (None, None, None)
    r = await client.get(f"/api/v1/members/{m['id']}/managements", headers=world.auth())
    # Periods are inclusive, like affiliations (the old one ends and the new one starts on the
    # report day): the registration's last day is the report day.
    ends = {x["org_id"]: (x["to_date"], x["ended_on"], x["end_reason"]) for x in r.json()}
    assert ends == {
        world.ids["branch3"]: (day, day, "transferred_in"),
        world.ids["branch2"]: (None, None, None),
    }
    (ended,) = await _audit(container, "management.end")
    assert ended.target_id == str(at_dest.json()["id"])
    assert ended.changes["reason"] == "transferred_in" and ended.changes["ended_on"] == day
    (moved,) = await _audit(container, "member.transfer")
    assert moved.changes["managements_ended"] == [at_dest.json()["id"]]
    # The old home branch may now register the member as managed there (they moved away).
    r = await register(world, client, m["id"], "branch1", days_ago(0))
    assert r.status_code == 201, r.text
    await invariants(container)


async def test_receipt_of_an_outgoing_transfer_ends_every_management(world, client, container):
    m = await make_member(world, client, 9)
    await register(world, client, m["id"], "branch3", days_ago(60))
    await register(world, client, m["id"], "branch2", days_ago(20))
    t = await issue(
        world, client, m["id"], None, external_name="杭州某支部", external_region="浙江"
    )
    got = await act(world, client, t["id"], "receipt", {"receipt_no": "回-9"})
    assert got["state"] == "completed"
    state = await _managements(container, m["id"])
    assert set(state.values()) == {(today(), "transferred_out", today())}
    audits = await _audit(container, "management.end")
    assert sorted(a.changes["reason"] for a in audits) == ["transferred_out"] * 2
    (out,) = await _audit(container, "member.transfer_out")
    assert len(out.changes["managements_ended"]) == 2
    await invariants(container)


async def test_counts_equal_a_recount_after_a_mix(world, client, container):
    """Creates, internal / outgoing / incoming transfers, status changes and an org move:
    REST list, member-stats, member totals (maintained), GraphQL members / memberStats /
    memberTotals all agree with a recount, and gone members are in none of them."""
    h = world.auth()
    ms = [
        await make_member(world, client, 20 + i, org)
        for i, org in enumerate(
            ["branch1", "branch1", "branch1", "branch2", "branch2", "branch3", "branch3"]
        )
    ]
    # internal transfer branch1 -> branch3
    t = await issue(world, client, ms[0]["id"], "branch3")
    await act(world, client, t["id"], "accept")
    await act(world, client, t["id"], "report")
    # outgoing with receipt, then re-admitted by an incoming letter at branch2
    t = await issue(world, client, ms[1]["id"], None, external_name="外省", external_region="浙江")
    await act(world, client, t["id"], "receipt", {"receipt_no": "回-1"})
    back = incoming_body(
        world,
        21,
        "branch2",
        birth_date=dt.date(1990, 1, 1),
        national_id=national_id(dt.date(1990, 1, 1), 21),
    )
    r = await client.post("/api/v1/transfers/incoming", headers=h, json=back)
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == ms[1]["id"]
    # outgoing with receipt, gone for good
    t = await issue(world, client, ms[2]["id"], None, external_name="外省", external_region="浙江")
    await act(world, client, t["id"], "receipt", {"receipt_no": "回-2"})
    # a brand-new incoming member at branch2
    r = await client.post(
        "/api/v1/transfers/incoming", headers=h, json=incoming_body(world, 31, "branch2")
    )
    assert r.status_code == 201, r.text
    # status changes: one died (with an open letter), one lost contact, one suspended
    await issue(world, client, ms[3]["id"], "branch1")
    assert (await change(world, client, ms[3]["id"], "died", days_ago(0))).status_code == 201
    assert (
        await change(world, client, ms[4]["id"], "lost_contact", days_ago(0))
    ).status_code == 201
    assert (await change(world, client, ms[5]["id"], "suspended", days_ago(0))).status_code == 201
    # an org move: branch2 goes under the general branch
    r = await client.post(
        f"/api/v1/orgs/{world.ids['branch2']}/move",
        headers=h,
        json={"parent_id": world.ids["general"]},
    )
    assert r.status_code == 200, r.text
    await _check_counts(world, client, container)


async def _check_counts(world, client, container) -> None:
    h = world.auth()
    async with container.db.read_sessions() as s:
        on_roll = {
            int(i)
            for i in (
                await s.execute(
                    sa.select(MemberRow.id).where(
                        MemberRow.standing.in_(["active", "lost_contact", "suspended"])
                    )
                )
            ).scalars()
        }
    park = world.ids["park"]
    listed = (await client.get("/api/v1/members", headers=h, params={"org_id": park})).json()
    assert {x["id"] for x in listed["items"]} == on_roll
    stats = (await client.get(f"/api/v1/orgs/{park}/member-stats", headers=h)).json()
    assert stats["total"] == len(on_roll)
    totals = (await client.get(f"/api/v1/orgs/{park}/member-totals", headers=h)).json()
    assert totals["total"] == len(on_roll)
    q = (
        "query($o: Int!) { members(orgId: $o, first: 100) { edges { node { id standing } } } "
        "memberStats(orgId: $o) { total } memberTotals(orgId: $o) { total } }"
    )
    r = await client.post("/graphql", headers=h, json={"query": q, "variables": {"o": park}})
    data = r.json()["data"]
    assert {e["node"]["id"] for e in data["members"]["edges"]} == on_roll
    assert data["memberStats"]["total"] == data["memberTotals"]["total"] == len(on_roll)
    assert await count_mismatches(container) == []
    async with container.uow() as uow:
        root = await uow.orgs.get(world.ids["district"])
        assert root is not None
        assert await domain_mismatches(uow, root.path) == {}
    await invariants(container)


async def test_standing_changes_by_transfer_read_like_status_changes(world, client):
    """History: leaving the system and coming back carry from/to standings in their events,
    as every status change does."""
    h = world.auth()
    m = await make_member(world, client, 40)
    t = await issue(world, client, m["id"], None, external_name="外省", external_region="浙江")
    await act(world, client, t["id"], "receipt", {"receipt_no": "回-40"})
    back = incoming_body(
        world,
        40,
        "branch2",
        birth_date=dt.date(1990, 1, 1),
        national_id=national_id(dt.date(1990, 1, 1), 40),
    )
    r = await client.post("/api/v1/transfers/incoming", headers=h, json=back)
    assert r.status_code == 201, r.text
    hist = (await client.get(f"/api/v1/members/{m['id']}/history", headers=h)).json()
    moves = [(e["kind"], e["details"].get("from"), e["details"].get("to")) for e in hist["events"]]
    assert moves == [
        ("joined", None, None),
        ("transferred_out", "active", "transferred_out"),
        ("transferred_in", "transferred_out", "active"),
    ]
    assert [(a["org_id"], a["to_date"] is None) for a in hist["affiliations"]] == [
        (world.ids["branch1"], False),
        (world.ids["branch2"], True),
    ]


@pytest.mark.parametrize(("standing", "route"), [("died", "convert"), ("suspended", "extend")])
async def test_probation_routes_keep_the_status_transitions(
    world, client, container, standing, route
):
    """`/probation/convert|extend` apply the same transitions as the status-change route."""
    m = await make_member(world, client, 50, status="probationary", join_date=days_ago(400))
    assert (await change(world, client, m["id"], standing, days_ago(0))).status_code == 201
    before = await transfer_tables(container)
    body = {"on_date": days_ago(0)} | ({"months": 3} if route == "extend" else {})
    r = await client.post(
        f"/api/v1/members/{m['id']}/probation/{route}", headers=world.auth(), json=body
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "member.transition_not_allowed"
    assert r.json()["errors"][0]["parameter"] == "member_id"
    assert standing in r.json()["detail"]
    assert await transfer_tables(container) == before
