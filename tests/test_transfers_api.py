"""Transfers (组织关系接转) through REST: the workflow, the affiliation move, queues, receipts,
letters from outside the system, self-service and the refusals that write nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db.models import AuditRow, MemberAffiliationRow, MemberEventRow, MemberTransferRow
from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from app.domain.orgs.model import add_months
from tests.account_helpers import login
from tests.member_fixtures import make_member, member_body
from tests.transfer_fixtures import (
    act,
    incoming_body,
    invariants,
    issue,
    transfer_body,
    transfer_tables,
)


def _today(container) -> dt.date:
    return container.clock.today()


def _shift(container, days: int) -> None:
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=days))


async def _org(client, world, key: str) -> dict:
    r = await client.get(f"/api/v1/orgs/{world.ids[key]}", headers=world.auth())
    return r.json()


async def _affiliations(container, member_id: int) -> list[tuple[int, dt.date, dt.date | None]]:
    async with container.db.read_sessions() as s:
        rows = await s.execute(
            sa.select(
                MemberAffiliationRow.org_id,
                MemberAffiliationRow.from_date,
                MemberAffiliationRow.to_date,
            )
            .where(MemberAffiliationRow.member_id == member_id)
            .order_by(MemberAffiliationRow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def _audit_actions(container, target_type: str, target_id: int) -> list[str]:
    async with container.db.read_sessions() as s:
        rows = await s.execute(
            sa.select(AuditRow.action)
            .where(AuditRow.target_type == target_type, AuditRow.target_id == str(target_id))
            .order_by(AuditRow.id)
        )
        return list(rows.scalars())


async def test_internal_transfer_issue_accept_report_receipt(world, client, container):
    m = await make_member(world, client, 1)
    today = _today(container)
    park = world.auth(Role.PARK_ADMIN, "park")
    r = await client.post(
        "/api/v1/transfers", headers=park, json=transfer_body(world, m["id"], "branch3")
    )
    assert r.status_code == 201, r.text
    t = r.json()
    assert r.headers["location"] == f"/api/v1/transfers/{t['id']}"
    assert r.headers["etag"] == '"1"'
    assert t["state"] == "issued" and t["kind"] == "internal"
    assert t["member_id"] == m["id"] and t["member_name"] == "党员1"
    assert t["from_org_id"] == world.ids["branch1"] and t["to_org_id"] == world.ids["branch3"]
    assert t["issued_on"] == today.isoformat()
    assert t["valid_until"] == add_months(today, 3).isoformat()
    assert t["days_left"] == (add_months(today, 3) - today).days
    assert t["dues_paid_until"] == "2026-10" and t["external_name"] is None
    # Under way, the member still belongs to the sender.
    got = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert got["org_id"] == world.ids["branch1"]

    dest = world.auth(Role.BRANCH_SECRETARY, "branch3")
    assert (await client.get(f"/api/v1/transfers/{t['id']}", headers=dest)).json()["id"] == t["id"]
    accepted = await act(world, client, t["id"], "accept", headers=dest)
    assert accepted["state"] == "accepted" and accepted["decided_on"] == today.isoformat()
    assert accepted["version"] == 2
    done = await act(world, client, t["id"], "report", headers=dest)
    assert done["state"] == "completed" and done["reported_on"] == today.isoformat()
    assert done["days_left"] is None

    got = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert got["org_id"] == world.ids["branch3"]
    assert got["org_path"] == (await _org(client, world, "branch3"))["path"]
    assert await _affiliations(container, m["id"]) == [
        (world.ids["branch1"], dt.date(2015, 7, 1), today),
        (world.ids["branch3"], today, None),
    ]
    assert (await _org(client, world, "branch1"))["member_count"] == 0
    assert (await _org(client, world, "branch3"))["member_count"] == 1
    hist = (await client.get(f"/api/v1/members/{m['id']}/history", headers=world.auth())).json()
    kinds = [e["kind"] for e in hist["events"]]
    assert kinds[-2:] == ["transferred_out", "transferred_in"]
    assert hist["events"][-1]["details"]["transfer_id"] == t["id"]
    assert await _audit_actions(container, "member_transfer", t["id"]) == [
        "transfer.issue",
        "transfer.accept",
        "transfer.report",
    ]
    assert await _audit_actions(container, "member", m["id"]) == [
        "member.create",
        "member.transfer",
    ]

    # The sender records the receipt the destination sent back; once.
    sender = world.auth(Role.BRANCH_SECRETARY, "branch1")
    r = await client.post(
        f"/api/v1/transfers/{t['id']}/receipt", headers=sender, json={"receipt_no": "回执-7"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["receipt_no"] == "回执-7" and r.json()["receipt_on"] == today.isoformat()
    r = await client.post(
        f"/api/v1/transfers/{t['id']}/receipt", headers=sender, json={"receipt_no": "回执-8"}
    )
    assert r.status_code == 409 and r.json()["code"] == "transfer.receipt_recorded"
    await invariants(container)

    # Both sides list it: the member's transfers and the history queues.
    r = await client.get(f"/api/v1/members/{m['id']}/transfers", headers=dest)
    assert [x["id"] for x in r.json()["items"]] == [t["id"]]
    for org in ("branch1", "branch3", "district"):
        r = await client.get(
            f"/api/v1/orgs/{world.ids[org]}/transfers",
            headers=world.auth(),
            params={"queue": "history"},
        )
        assert [x["id"] for x in r.json()["items"]] == [t["id"]], org
    # The old branch no longer reaches the member, only the transfer.
    r = await client.get(f"/api/v1/members/{m['id']}/transfers", headers=sender)
    assert r.status_code == 404


async def test_reject_cancel_and_a_new_letter(world, client, container):
    m = await make_member(world, client, 2)
    t = await issue(world, client, m["id"], "branch3")
    dest = world.auth(Role.BRANCH_SECRETARY, "branch3")
    r = await client.post(f"/api/v1/transfers/{t['id']}/reject", headers=dest, json={})
    assert r.status_code == 422
    r = await client.post(
        f"/api/v1/transfers/{t['id']}/reject", headers=dest, json={"reason": "  "}
    )
    assert r.status_code == 422 and r.json()["code"] == "request.validation"
    rejected = await act(world, client, t["id"], "reject", {"reason": "本支部已满员"}, headers=dest)
    assert rejected["state"] == "rejected" and rejected["reason"] == "本支部已满员"
    # A rejected transfer is no longer open: a new letter may go to another branch.
    t2 = await issue(world, client, m["id"], "branch2")
    sender = world.auth(Role.BRANCH_SECRETARY, "branch1")
    cancelled = await act(
        world, client, t2["id"], "cancel", {"reason": "党员改变主意"}, headers=sender
    )
    assert cancelled["state"] == "cancelled" and cancelled["cancelled_on"] is not None
    # The member never moved.
    assert await _affiliations(container, m["id"]) == [
        (world.ids["branch1"], dt.date(2015, 7, 1), None)
    ]
    await invariants(container)


async def test_refusals_write_nothing(world, client, container):
    m = await make_member(world, client, 3)
    t = await issue(world, client, m["id"], "branch3")
    other = await make_member(world, client, 4)
    h = world.auth()
    before = await transfer_tables(container)

    async def refused(method: str, url: str, status: int, code: str, headers=None, **kw):
        r = await client.request(method, url, headers=headers or h, **kw)
        assert r.status_code == status, (url, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == code, r.text
        assert await transfer_tables(container) == before, url
        return r.json()

    # A second open transfer: 409 pointing at the first.
    p = await refused(
        "POST",
        "/api/v1/transfers",
        409,
        "transfer.already_open",
        json=transfer_body(world, m["id"], "branch2"),
    )
    assert p["existing_id"] == t["id"] and p["errors"][0]["pointer"] == "/member_id"
    # To the member's own organisation.
    p = await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.same_org",
        json=transfer_body(world, other["id"], "branch1"),
    )
    assert p["errors"][0]["pointer"] == "/to_org_id"
    # To something that cannot hold members, to nowhere, to both.
    await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.destination_cannot_hold",
        json=transfer_body(world, other["id"], "park"),
    )
    await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.destination_required",
        json=transfer_body(world, other["id"], None),
    )
    await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.destination_required",
        json=transfer_body(world, other["id"], "branch2", external_name="x", external_region="y"),
    )
    await refused(
        "POST",
        "/api/v1/transfers",
        404,
        "transfer.destination_not_found",
        json={**transfer_body(world, other["id"], None), "to_org_id": 999999},
    )
    # Validity beyond three months, before issue, an issue date in the future.
    today = _today(container)
    p = await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.validity_too_long",
        json=transfer_body(
            world,
            other["id"],
            valid_until=(add_months(today, 3) + dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert p["errors"][0]["pointer"] == "/valid_until"
    await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.validity_passed",
        json=transfer_body(
            world,
            other["id"],
            issued_on=(today - dt.timedelta(days=30)).isoformat(),
            valid_until=(today - dt.timedelta(days=1)).isoformat(),
        ),
    )
    await refused(
        "POST",
        "/api/v1/transfers",
        422,
        "transfer.issued_in_future",
        json=transfer_body(
            world, other["id"], issued_on=(today + dt.timedelta(days=1)).isoformat()
        ),
    )
    # Malformed months.
    for bad in ("2026-13", "2026-1", "26-10", "2026/10", "abcd-ef"):
        p = await refused(
            "POST",
            "/api/v1/transfers",
            422,
            "transfer.month_invalid",
            json=transfer_body(world, other["id"], dues_paid_until=bad),
        )
        assert p["errors"][0]["pointer"] == "/dues_paid_until"
    # A member outside the subtree; an unknown member.
    await refused(
        "POST",
        "/api/v1/transfers",
        404,
        "member.not_found",
        headers=world.auth(Role.BRANCH_SECRETARY, "branch2"),
        json=transfer_body(world, other["id"], "branch3"),
    )
    # Acceptance by an org that sees the transfer only as its sender; by an outsider.
    url = f"/api/v1/transfers/{t['id']}"
    sender = world.auth(Role.BRANCH_SECRETARY, "branch1")
    await refused("POST", f"{url}/accept", 422, "transfer.not_destination", headers=sender)
    await refused(
        "POST",
        f"{url}/reject",
        422,
        "transfer.not_destination",
        headers=sender,
        json={"reason": "x"},
    )
    await refused("POST", f"{url}/report", 422, "transfer.not_destination", headers=sender)
    stranger = world.auth(Role.BRANCH_SECRETARY, "branch2")
    await refused("POST", f"{url}/accept", 404, "transfer.not_found", headers=stranger)
    await refused("GET", url, 404, "transfer.not_found", headers=stranger)
    # The destination cannot cancel; reporting before acceptance is out of order.
    dest = world.auth(Role.BRANCH_SECRETARY, "branch3")
    await refused("POST", f"{url}/cancel", 422, "transfer.not_sender", headers=dest)
    p = await refused("POST", f"{url}/report", 409, "transfer.wrong_state", headers=dest)
    assert p["state"] == "issued"
    # A stale If-Match.
    await refused(
        "POST", f"{url}/accept", 412, "request.stale", headers={**dest, "If-Match": '"7"'}
    )
    # Analysts read but never decide.
    await refused(
        "POST",
        f"{url}/accept",
        403,
        "auth.scope_missing",
        headers=world.auth(Role.ANALYST, "district"),
    )

    # Decisions on a cancelled transfer.
    await act(world, client, t["id"], "cancel", headers=sender)
    before = await transfer_tables(container)
    for action, body in (
        ("accept", {}),
        ("reject", {"reason": "x"}),
        ("cancel", {}),
        ("report", {}),
    ):
        hdr = sender if action == "cancel" else dest
        p = await refused(
            "POST", f"{url}/{action}", 409, "transfer.wrong_state", headers=hdr, json=body
        )
        assert p["state"] == "cancelled"


async def test_expiry_refuses_actions_and_a_new_letter_replaces_it(world, client, container):
    m = await make_member(world, client, 5)
    today = _today(container)
    t = await issue(
        world, client, m["id"], "branch3", valid_until=(today + dt.timedelta(days=10)).isoformat()
    )
    dest = world.auth(Role.BRANCH_SECRETARY, "branch3")
    await act(world, client, t["id"], "accept", headers=dest)
    # Due to expire within 10 days: in the expiring queue of both sides, not in overdue.
    for org in ("branch1", "branch3"):
        q = await client.get(
            f"/api/v1/orgs/{world.ids[org]}/transfers",
            headers=world.auth(),
            params={"queue": "expiring", "within_days": 10},
        )
        assert [x["id"] for x in q.json()["items"]] == [t["id"]], q.text
    q = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/transfers",
        headers=world.auth(),
        params={"queue": "expiring", "within_days": 9},
    )
    assert q.json()["items"] == []

    _shift(container, 11)
    before = await transfer_tables(container)
    r = await client.get(f"/api/v1/transfers/{t['id']}", headers=dest)
    assert r.json()["state"] == "expired" and r.json()["days_left"] == -1
    r = await client.post(f"/api/v1/transfers/{t['id']}/report", headers=dest, json={})
    assert r.status_code == 422 and r.json()["code"] == "transfer.expired", r.text
    assert await transfer_tables(container) == before
    # Overdue on both sides; no longer waiting for anyone at the destination.
    for org, queue, expected in (
        ("branch1", "overdue", [t["id"]]),
        ("branch3", "overdue", [t["id"]]),
        ("park", "overdue", [t["id"]]),
        ("branch3", "incoming_open", []),
        ("branch1", "outgoing_open", [t["id"]]),
        ("other_district", "overdue", None),
    ):
        headers = world.auth(
            Role.DISTRICT_ADMIN, "other_district" if expected is None else "district"
        )
        q = await client.get(
            f"/api/v1/orgs/{world.ids[org]}/transfers", headers=headers, params={"queue": queue}
        )
        if expected is None:
            assert q.json()["items"] == []
        else:
            assert [x["id"] for x in q.json()["items"]] == expected, (org, queue)
    async with container.uow() as uow:
        park = await uow.orgs.get(world.ids["park"])
        assert await uow.transfers.count_overdue(park.path, today=uow.clock.today()) == 1
    # A new letter replaces the overdue one, which is expired for good (audited).
    t2 = await issue(world, client, m["id"], "branch2")
    old = (await client.get(f"/api/v1/transfers/{t['id']}", headers=world.auth())).json()
    assert old["state"] == "expired" and old["days_left"] is None
    assert (await _audit_actions(container, "member_transfer", t["id"]))[-1:] == ["transfer.expire"]
    assert t2["state"] == "issued"
    q = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/transfers",
        headers=world.auth(),
        params={"queue": "overdue"},
    )
    assert q.json()["items"] == []


async def test_transfer_out_of_the_system_and_back(world, client, container):
    m = await make_member(world, client, 6)
    sender = world.auth(Role.BRANCH_SECRETARY, "branch1")
    t = await issue(
        world,
        client,
        m["id"],
        None,
        external_name="杭州市某街道党工委",
        external_region="浙江省杭州市",
        headers=sender,
    )
    assert t["kind"] == "outgoing" and t["to_org_id"] is None
    assert t["external_region"] == "浙江省杭州市"
    r = await client.post(f"/api/v1/transfers/{t['id']}/accept", headers=world.auth(), json={})
    assert r.status_code == 422 and r.json()["code"] == "transfer.not_internal"
    q = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/transfers",
        headers=sender,
        params={"queue": "outgoing_open"},
    )
    assert [x["id"] for x in q.json()["items"]] == [t["id"]]
    today = _today(container)
    done = await act(world, client, t["id"], "receipt", {"receipt_no": "浙回-12"}, headers=sender)
    assert done["state"] == "completed" and done["receipt_no"] == "浙回-12"
    got = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert got["standing"] == "transferred_out" and got["standing_since"] == today.isoformat()
    assert await _affiliations(container, m["id"]) == [
        (world.ids["branch1"], dt.date(2015, 7, 1), today)
    ]
    assert (await _org(client, world, "branch1"))["member_count"] == 0
    await invariants(container)
    # No further transfer for someone who has left the roll.
    r = await client.post(
        "/api/v1/transfers", headers=world.auth(), json=transfer_body(world, m["id"], "branch2")
    )
    assert r.status_code == 422 and r.json()["code"] == "transfer.member_not_on_roll"

    # Years later they come back with a letter from outside: the same record is re-admitted.
    body = member_body(world, 6, org="branch2")
    body |= {
        "letter_no": "浙组转-99",
        "origin_name": "杭州市某街道党工委",
        "origin_region": "浙江省杭州市",
        "dues_paid_until": "2026-11",
    }
    r = await client.post("/api/v1/transfers/incoming", headers=world.auth(), json=body)
    assert r.status_code == 201, r.text
    back = r.json()
    assert back["kind"] == "incoming" and back["state"] == "completed"
    assert back["member_id"] == m["id"] and back["to_org_id"] == world.ids["branch2"]
    assert back["from_org_id"] is None and back["reported_on"] == today.isoformat()
    got = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert got["standing"] == "active" and got["org_id"] == world.ids["branch2"]
    assert (await _org(client, world, "branch2"))["member_count"] == 1
    assert await _affiliations(container, m["id"]) == [
        (world.ids["branch1"], dt.date(2015, 7, 1), today),
        (world.ids["branch2"], today, None),
    ]
    assert await _audit_actions(container, "member", m["id"]) == [
        "member.create",
        "member.transfer_out",
        "member.readmit",
    ]
    await invariants(container)


async def test_incoming_letter_registers_a_new_member(world, client, container):
    today = _today(container)
    body = incoming_body(world, 7, reported_on=today.isoformat())
    r = await client.post("/api/v1/transfers/incoming", headers=world.auth(), json=body)
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["kind"] == "incoming" and t["state"] == "completed"
    assert t["external_name"] == "杭州市西湖区某党支部" and t["letter_no"] == "浙组转7"
    m = (await client.get(f"/api/v1/members/{t['member_id']}", headers=world.auth())).json()
    assert m["name"] == "转入党员7" and m["org_id"] == world.ids["branch1"]
    assert m["join_date"] == "2012-07-01"
    assert await _affiliations(container, m["id"]) == [(world.ids["branch1"], today, None)]
    async with container.db.read_sessions() as s:
        kinds = list(
            (
                await s.execute(
                    sa.select(MemberEventRow.kind).where(MemberEventRow.member_id == m["id"])
                )
            ).scalars()
        )
    assert kinds == ["joined", "transferred_in"]
    await invariants(container)
    before = await transfer_tables(container)
    # The same person again while on the roll: 409 pointing at the record.
    r = await client.post("/api/v1/transfers/incoming", headers=world.auth(), json=body)
    assert r.status_code == 409 and r.json()["code"] == "member.national_id_taken"
    assert r.json()["existing_id"] == m["id"]
    # A letter reported after its validity; a malformed month; an expired letter's dates.
    late = incoming_body(
        world,
        8,
        issued_on=(today - dt.timedelta(days=60)).isoformat(),
        valid_until=(today - dt.timedelta(days=5)).isoformat(),
    )
    r = await client.post("/api/v1/transfers/incoming", headers=world.auth(), json=late)
    assert r.status_code == 422 and r.json()["code"] == "transfer.reported_after_expiry"
    bad = incoming_body(world, 9, dues_paid_until="2026-00")
    r = await client.post("/api/v1/transfers/incoming", headers=world.auth(), json=bad)
    assert r.status_code == 422 and r.json()["code"] == "transfer.month_invalid"
    r = await client.post(
        "/api/v1/transfers/incoming",
        headers=world.auth(Role.BRANCH_SECRETARY, "branch2"),
        json=incoming_body(world, 10),
    )
    assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    assert await transfer_tables(container) == before


async def test_queues_page_by_expiry(world, client, container):
    today = _today(container)
    ids = []
    for seq, days in ((11, 30), (12, 10), (13, 20)):
        m = await make_member(world, client, seq)
        t = await issue(
            world,
            client,
            m["id"],
            "branch3",
            valid_until=(today + dt.timedelta(days=days)).isoformat(),
        )
        ids.append(t["id"])
    expected = [ids[1], ids[2], ids[0]]
    seen, cursor = [], None
    while True:
        params = {"queue": "awaiting_decision", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = await client.get(
            f"/api/v1/orgs/{world.ids['general']}/transfers", headers=world.auth(), params=params
        )
        assert r.status_code == 200, r.text
        seen += [x["id"] for x in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == expected
    # The sender's side has nothing awaiting its decision; within_days only for expiring.
    r = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/transfers",
        headers=world.auth(),
        params={"queue": "awaiting_decision"},
    )
    assert r.json()["items"] == []
    r = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/transfers",
        headers=world.auth(),
        params={"queue": "overdue", "within_days": 3},
    )
    assert r.status_code == 400 and r.json()["code"] == "transfer.within_days_not_applicable"
    r = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/transfers",
        headers=world.auth(),
        params={"queue": "nonsense"},
    )
    assert r.status_code == 400


async def test_member_confirms_own_report(world, client, container):
    m = await make_member(world, client, 14)
    other = await make_member(world, client, 15)
    account = {
        "username": "member.14",
        "display_name": "党员14",
        "role": "member",
        "org_id": world.ids["branch1"],
        "member_id": m["id"],
        "password": "a long enough password",
    }
    r = await client.post("/api/v1/users", headers=world.auth(), json=account)
    assert r.status_code == 201, r.text
    token = (await login(client, "member.14", "a long enough password")).json()["access_token"]
    mine = {"Authorization": f"Bearer {token}"}
    t = await issue(world, client, m["id"], "branch2")
    t_other = await issue(world, client, other["id"], "branch2")
    for x in (t, t_other):
        await act(world, client, x["id"], "accept")
    r = await client.get("/api/v1/members/me/transfers", headers=mine)
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [t["id"]]
    assert (await client.get(f"/api/v1/transfers/{t['id']}", headers=mine)).status_code == 200
    before = await transfer_tables(container)
    for url in (f"/api/v1/transfers/{t_other['id']}/report", f"/api/v1/transfers/{t_other['id']}"):
        method = "POST" if url.endswith("report") else "GET"
        r = await client.request(method, url, headers=mine, json={} if method == "POST" else None)
        assert r.status_code == 404 and r.json()["code"] == "transfer.not_found", r.text
    # Members decide nothing else.
    r = await client.post(f"/api/v1/transfers/{t['id']}/cancel", headers=mine, json={})
    assert r.status_code == 403
    assert await transfer_tables(container) == before
    done = await act(world, client, t["id"], "report", headers=mine)
    assert done["state"] == "completed"
    got = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert got["org_id"] == world.ids["branch2"]
    async with container.db.read_sessions() as s:
        actor = (
            await s.execute(
                sa.select(AuditRow.actor, AuditRow.changes).where(
                    AuditRow.action == "transfer.report"
                )
            )
        ).one()
    assert actor.changes["by_member"] is True
    r = await client.get("/api/v1/members/me/transfers", headers=world.auth(Role.MEMBER, "branch1"))
    assert r.status_code == 404 and r.json()["code"] == "member.not_linked"
    await invariants(container)


async def test_idempotent_issue_and_decisions(world, client, container):
    m = await make_member(world, client, 16)
    h = {**world.auth(), "Idempotency-Key": "issue-16"}
    body = transfer_body(world, m["id"], "branch2")
    first = await client.post("/api/v1/transfers", headers=h, json=body)
    again = await client.post("/api/v1/transfers", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    tid = first.json()["id"]
    h2 = {**world.auth(), "Idempotency-Key": "accept-16"}
    a1 = await client.post(f"/api/v1/transfers/{tid}/accept", headers=h2, json={})
    a2 = await client.post(f"/api/v1/transfers/{tid}/accept", headers=h2, json={})
    assert a1.status_code == a2.status_code == 200 and a1.json() == a2.json()
    h3 = {**world.auth(), "Idempotency-Key": "report-16"}
    r1 = await client.post(f"/api/v1/transfers/{tid}/report", headers=h3, json={})
    r2 = await client.post(f"/api/v1/transfers/{tid}/report", headers=h3, json={})
    assert r1.status_code == r2.status_code == 200 and r1.json() == r2.json()
    async with container.db.read_sessions() as s:
        n = (await s.execute(sa.select(sa.func.count()).select_from(MemberTransferRow))).scalar()
        affs = await s.execute(
            sa.select(sa.func.count()).where(MemberAffiliationRow.member_id == m["id"])
        )
    assert n == 1 and affs.scalar() == 2
    await invariants(container)


async def test_database_refuses_a_second_open_transfer(world, client, container):
    m = await make_member(world, client, 17)
    t = await issue(world, client, m["id"], "branch2")
    row = {
        "member_id": m["id"],
        "kind": "internal",
        "state": "accepted",
        "from_org_id": world.ids["branch1"],
        "to_org_id": world.ids["branch3"],
        "letter_no": "x",
        "dues_paid_until": "2026-10",
        "issued_on": dt.date(2026, 1, 1),
        "valid_until": dt.date(2026, 2, 1),
        "created_at": dt.datetime.now(dt.UTC),
        "updated_at": dt.datetime.now(dt.UTC),
    }
    async with container.db.write_sessions() as s:
        with pytest.raises(IntegrityError):
            await s.execute(sa.insert(MemberTransferRow).values(**row))
            await s.commit()
    # Finished ones do not count.
    async with container.db.write_sessions() as s:
        await s.execute(sa.insert(MemberTransferRow).values(**{**row, "state": "rejected"}))
        await s.commit()
    assert t["state"] == "issued"


async def test_a_dissolved_destination_cannot_accept_or_receive(world, client, container):
    m = await make_member(world, client, 18)
    t1 = await issue(world, client, m["id"], "branch3")
    h = world.auth()
    # A letter under way keeps its destination from being dissolved...
    r = await client.post(f"/api/v1/orgs/{world.ids['branch3']}/dissolve", headers=h)
    assert r.status_code == 422 and r.json()["code"] == "org.has_open_transfers"
    await act(world, client, t1["id"], "cancel")
    r = await client.post(f"/api/v1/orgs/{world.ids['branch3']}/dissolve", headers=h)
    assert r.status_code == 200, r.text
    # ...and once dissolved, no new letter may name it.
    before = await transfer_tables(container)
    r = await client.post(
        "/api/v1/transfers", headers=h, json=transfer_body(world, m["id"], "branch3")
    )
    assert r.status_code == 422 and r.json()["code"] == "transfer.destination_dissolved"
    assert r.json()["errors"][0]["pointer"] == "/to_org_id"
    after = await transfer_tables(container)
    assert after["member_transfers"] == before["member_transfers"]
    await invariants(container)


async def test_expire_transfers_sweep(world, client, container, db_url, keys_dir, monkeypatch):
    lapsed_member = await make_member(world, client, 19)
    live_member = await make_member(world, client, 20)
    lapsed = await issue(world, client, lapsed_member["id"], "branch3")
    live = await issue(world, client, live_member["id"], "branch3")
    yesterday = _today(container) - dt.timedelta(days=1)
    async with container.db.write_sessions() as s:
        await s.execute(
            sa.update(MemberTransferRow)
            .where(MemberTransferRow.id == lapsed["id"])
            .values(issued_on=yesterday - dt.timedelta(days=30), valid_until=yesterday)
        )
        await s.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("LIANJIAN_DATA_DIR", str(keys_dir))
    monkeypatch.setenv("LIANJIAN_ENV", "test")
    from app import cli

    assert await asyncio.to_thread(cli.main, ["expire-transfers", "--batch", "1"]) == 0
    async with container.db.read_sessions() as s:
        states = dict(
            (await s.execute(sa.select(MemberTransferRow.id, MemberTransferRow.state))).all()
        )
    assert states == {lapsed["id"]: "expired", live["id"]: "issued"}
    assert (await _audit_actions(container, "member_transfer", lapsed["id"]))[
        -1
    ] == "transfer.expire"
    # Stored expired, it is still overdue (nobody replaced it) and no longer blocks a letter.
    q = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/transfers",
        headers=world.auth(),
        params={"queue": "overdue"},
    )
    assert [x["id"] for x in q.json()["items"]] == [lapsed["id"]]
    assert [x["state"] for x in q.json()["items"]] == ["expired"]
    q = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/transfers",
        headers=world.auth(),
        params={"queue": "outgoing_open"},
    )
    assert [x["id"] for x in q.json()["items"]] == [live["id"]]
    again = await issue(world, client, lapsed_member["id"], "branch2")
    q = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/transfers",
        headers=world.auth(),
        params={"queue": "overdue"},
    )
    assert q.json()["items"] == [] and again["state"] == "issued"
    # Nothing left to do: a second sweep changes nothing.
    assert await asyncio.to_thread(cli.main, ["expire-transfers"]) == 0
    await invariants(container)


async def test_org_move_carries_transfers_along(world, client, container):
    h = world.auth()
    m = await make_member(world, client, 21)
    t = await issue(world, client, m["id"], "branch3")
    g2 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": world.ids["park"], "kind": "general_branch", "name": "新党总支"},
        )
    ).json()
    r = await client.post(
        f"/api/v1/orgs/{world.ids['branch3']}/move", headers=h, json={"parent_id": g2["id"]}
    )
    assert r.status_code == 200, r.text
    new_path = r.json()["path"]

    async def queue(org_id: int) -> list[int]:
        q = await client.get(
            f"/api/v1/orgs/{org_id}/transfers", headers=h, params={"queue": "awaiting_decision"}
        )
        return [x["id"] for x in q.json()["items"]]

    assert await queue(g2["id"]) == [t["id"]]
    assert await queue(world.ids["general"]) == []
    async with container.db.read_sessions() as s:
        paths = (
            await s.execute(
                sa.select(MemberTransferRow.from_path, MemberTransferRow.to_path).where(
                    MemberTransferRow.id == t["id"]
                )
            )
        ).one()
    assert paths.to_path == new_path
    assert paths.from_path == (await _org(client, world, "branch1"))["path"]
    # The secretary of the new general branch decides; the old one no longer sees it.
    r = await client.get(
        f"/api/v1/transfers/{t['id']}", headers=world.auth(Role.BRANCH_SECRETARY, "general")
    )
    assert r.status_code == 404
    await act(world, client, t["id"], "accept", headers=world.auth(Role.PARK_ADMIN, "park"))
