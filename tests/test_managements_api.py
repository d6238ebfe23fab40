"""Dual management (一方隶属、双重管理) over REST: a migrant member affiliated in another
district is registered by id number at a park branch, seen there read-only and marked managed
here, takes part in activities, shows up after six months, and the affiliation's use cases stay
out of the managing side's reach. Refusals write nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa

from app.db.models import AuditRow, MemberManagementRow
from app.domain.auth.scopes import Role
from app.domain.members.management_model import months_between
from tests.account_helpers import login
from tests.enterprise_fixtures import today
from tests.management_fixtures import change, days_ago, management_tables, register
from tests.member_fixtures import make_member, national_id

BIRTH = dt.date(1990, 1, 1)


async def _migrant(world, client, seq=1):
    """A member affiliated in the other district's branch (their home village, say)."""
    home = world.auth(Role.DISTRICT_ADMIN, "other_district")
    body = {
        "name": f"流动党员{seq}",
        "gender": "male",
        "birth_date": BIRTH.isoformat(),
        "national_id": national_id(BIRTH, seq),
        "join_date": "2012-07-01",
        "status": "full",
        "full_member_date": "2013-07-01",
        "org_id": world.ids["other_branch"],
        "phone": "13812345678",
    }
    r = await client.post("/api/v1/members", headers=home, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def _by_number(world, client, seq, org, from_date, headers=None, **kw):
    return await client.post(
        "/api/v1/managements",
        headers=headers or world.auth(Role.PARK_ADMIN, "park"),
        json={
            "national_id": national_id(BIRTH, seq),
            "org_id": world.ids[org],
            "from_date": from_date,
            **kw,
        },
    )


async def test_migrant_member_managed_at_the_park(world, client, container):
    migrant = await _migrant(world, client)
    local = await make_member(world, client, 500)
    park = world.auth(Role.PARK_ADMIN, "park")
    home = world.auth(Role.DISTRICT_ADMIN, "other_district")
    # Before registration the park cannot see the member at all.
    r = await client.get(f"/api/v1/members/{migrant['id']}", headers=park)
    assert r.status_code == 404

    r = await _by_number(
        world, client, 1, "branch1", days_ago(30), certificate_no="闽流 0001", notes="同鑫陶瓷"
    )
    assert r.status_code == 201, r.text
    reg = r.json()
    assert r.headers["cache-control"] == "no-store"
    assert {k: reg[k] for k in reg if k not in {"id", "created_at"}} == {
        "member_id": migrant["id"],
        "member_name": "流动党员1",
        "org_id": world.ids["branch1"],
        "org_name": "同鑫陶瓷党支部",
        "certificate_no": "闽流 0001",
        "from_date": days_ago(30),
        "to_date": None,
        "ended_on": None,
        "end_reason": None,
        "notes": "同鑫陶瓷",
        "current": True,
        "months_away": months_between(today() - dt.timedelta(days=30), today()),
    }
    async with container.db.read_sessions() as s:
        row = (await s.execute(sa.select(MemberManagementRow))).scalar_one()
        audit = (
            await s.execute(sa.select(AuditRow).where(AuditRow.action == "management.register"))
        ).scalar_one()
    assert (row.member_id, row.org_id, row.certificate_no) == (
        migrant["id"],
        world.ids["branch1"],
        "闽流 0001",
    )
    assert audit.org_id == world.ids["branch1"]
    assert audit.changes["affiliation_org_id"] == world.ids["other_branch"]
    assert national_id(BIRTH, 1) not in repr(audit.changes)
    # The affiliation and the counts do not move.
    r = await client.get(f"/api/v1/orgs/{world.ids['other_branch']}", headers=home)
    assert r.json()["member_count"] == 1

    # The park sees the member read-only, marked managed here, in its lists.
    r = await client.get(f"/api/v1/members/{migrant['id']}", headers=park)
    assert r.status_code == 200 and r.json()["managed_here"] is True
    assert r.json()["national_id"] == national_id(BIRTH, 1)  # park admins hold pii:read
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.get(f"/api/v1/members/{migrant['id']}", headers=analyst)
    number = national_id(BIRTH, 1)
    assert r.json()["masked"] is True
    assert r.json()["national_id"] == number[:4] + "*" * 10 + number[-4:]
    assert r.json()["phone"] == "138****5678" and r.json()["managed_here"] is True
    r = await client.get("/api/v1/members", headers=park)
    assert [(x["id"], x["managed_here"]) for x in r.json()["items"]] == [
        (migrant["id"], True),
        (local["id"], False),
    ]
    r = await client.get("/api/v1/members", headers=park, params={"managed_here": "true"})
    assert [x["id"] for x in r.json()["items"]] == [migrant["id"]]
    r = await client.get("/api/v1/members", headers=park, params={"managed_here": "false"})
    assert [x["id"] for x in r.json()["items"]] == [local["id"]]
    r = await client.get(
        "/api/v1/members",
        headers=park,
        params={"org_id": world.ids["branch1"], "direct": "true"},
    )
    assert [x["id"] for x in r.json()["items"]] == [migrant["id"], local["id"]]
    r = await client.get("/api/v1/members", headers=park, params={"org_id": world.ids["branch2"]})
    assert r.json()["items"] == []
    # The home district still sees its member, not managed by any org of its own subtree.
    r = await client.get(f"/api/v1/members/{migrant['id']}", headers=home)
    assert r.status_code == 200 and r.json()["managed_here"] is False

    # Affiliation, status and personal edits stay with the affiliation's subtree: 404.
    before = await management_tables(container)
    for who in (park, world.auth(Role.BRANCH_SECRETARY, "branch1")):
        r = await change(world, client, migrant["id"], "lost_contact", days_ago(1), headers=who)
        assert r.status_code == 404 and r.json()["code"] == "member.not_found"
        r = await client.patch(
            f"/api/v1/members/{migrant['id']}",
            headers={**who, "If-Match": '"1"'},
            json={"name": "改名"},
        )
        assert r.status_code == 404
        r = await client.get(f"/api/v1/members/{migrant['id']}/history", headers=who)
        assert r.status_code == 404
        r = await client.post(
            f"/api/v1/members/{migrant['id']}/probation/extend",
            headers=who,
            json={"months": 3, "on_date": days_ago(1)},
        )
        assert r.status_code == 404
        r = await client.post(
            f"/api/v1/members/{migrant['id']}/managements",
            headers=who,
            json={"org_id": world.ids["branch2"], "from_date": days_ago(1)},
        )
        assert r.status_code == 404
    assert await management_tables(container) == before

    # Participation: recorded by the managing side, readable by both.
    url = f"/api/v1/managements/{reg['id']}/participations"
    r = await client.post(
        url,
        headers={**park, "Idempotency-Key": "p1"},
        json={"on_date": days_ago(3), "activity": "主题党日", "notes": "讲党课"},
    )
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["management_id"], p["on_date"], p["activity"], p["notes"]) == (
        reg["id"],
        days_ago(3),
        "主题党日",
        "讲党课",
    )
    r = await client.post(url, headers=home, json={"on_date": days_ago(2), "activity": "x"})
    assert r.status_code == 404 and r.json()["code"] == "management.not_found"
    for who in (park, home):
        r = await client.get(url, headers=who)
        assert r.status_code == 200 and [x["id"] for x in r.json()] == [p["id"]]
    before = await management_tables(container)
    r = await client.post(url, headers=park, json={"on_date": days_ago(31), "activity": "x"})
    assert r.status_code == 422 and r.json()["code"] == "management.outside_period"
    r = await client.post(url, headers=park, json={"on_date": days_ago(1), "activity": "  "})
    assert r.status_code == 422
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    r = await client.post(url, headers=park, json={"on_date": tomorrow, "activity": "x"})
    assert r.status_code == 422 and r.json()["code"] == "management.date_in_future"
    assert await management_tables(container) == before

    # Both sides list the registrations; the member's own history is untouched.
    for who in (park, home):
        r = await client.get(f"/api/v1/members/{migrant['id']}/managements", headers=who)
        assert r.status_code == 200 and [x["id"] for x in r.json()] == [reg["id"]]

    # End it: the park no longer sees the member; a second end is a conflict.
    r = await client.post(
        f"/api/v1/managements/{reg['id']}/end",
        headers=park,
        json={"ended_on": days_ago(1), "reason": "返乡"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["to_date"], r.json()["ended_on"], r.json()["end_reason"]) == (
        days_ago(1),
        days_ago(1),
        "返乡",
    )
    assert r.json()["current"] is False
    r = await client.post(f"/api/v1/managements/{reg['id']}/end", headers=park, json={})
    assert r.status_code == 409 and r.json()["code"] == "management.already_ended"
    assert (await client.get(f"/api/v1/members/{migrant['id']}", headers=park)).status_code == 404
    r = await client.get("/api/v1/members", headers=park)
    assert [x["id"] for x in r.json()["items"]] == [local["id"]]
    # Any number of registrations over time: a new one after the first ended.
    r = await _by_number(world, client, 1, "branch1", days_ago(0))
    assert r.status_code == 201, r.text


async def test_bad_registrations_write_nothing(world, client, container):
    migrant = await _migrant(world, client)
    home = world.auth(Role.DISTRICT_ADMIN, "other_district")
    first = await _by_number(world, client, 1, "branch1", days_ago(60), to_date=days_ago(-300))
    assert first.status_code == 201, first.text
    gone = await make_member(world, client, 600)
    assert (await change(world, client, gone["id"], "died", days_ago(1))).status_code == 201
    before = await management_tables(container)
    park = world.auth(Role.PARK_ADMIN, "park")
    cases = [
        # At the member's own organisation.
        (
            await client.post(
                f"/api/v1/members/{migrant['id']}/managements",
                headers=home,
                json={"org_id": world.ids["other_branch"], "from_date": days_ago(1)},
            ),
            422,
            "management.own_org",
            "/org_id",
        ),
        # Overlapping an existing registration at the same org.
        (
            await _by_number(world, client, 1, "branch1", days_ago(10)),
            409,
            "management.overlap",
            "/from_date",
        ),
        (
            await _by_number(world, client, 1, "branch1", days_ago(90), to_date=days_ago(59)),
            409,
            "management.overlap",
            "/from_date",
        ),
        # Dates.
        (
            await _by_number(world, client, 1, "branch2", days_ago(-1)),
            422,
            "management.date_in_future",
            "/from_date",
        ),
        (
            await _by_number(world, client, 1, "branch2", days_ago(5), to_date=days_ago(6)),
            422,
            "management.dates_out_of_order",
            "/to_date",
        ),
        (
            await _by_number(world, client, 1, "branch2", "2011-01-01"),
            422,
            "management.dates_out_of_order",
            "/from_date",
        ),
        # Not a branch; not in the caller's subtree; no such member; not on the roll.
        (
            await _by_number(world, client, 1, "park", days_ago(1)),
            422,
            "management.org_cannot_manage",
            "/org_id",
        ),
        (
            await _by_number(world, client, 1, "other_park", days_ago(1)),
            404,
            "org.not_found",
            "/org_id",
        ),
        (
            await _by_number(world, client, 2, "branch2", days_ago(1)),
            404,
            "member.not_found",
            "/national_id",
        ),
        (
            await register(world, client, gone["id"], "branch2", days_ago(1)),
            422,
            "management.member_not_on_roll",
            "/member",
        ),
    ]
    for r, status, code, pointer in cases:
        assert r.status_code == status, r.text
        body = r.json()
        assert body["code"] == code, r.text
        assert body["errors"][0]["pointer"] == pointer, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    # Without pii:read the number cannot be used to find anyone.
    r = await _by_number(
        world,
        client,
        1,
        "branch2",
        days_ago(1),
        headers=world.auth(Role.PARK_ADMIN, "park", scopes={"members:read", "members:write"}),
    )
    assert r.status_code == 403
    r = await _by_number(world, client, 1, "branch2", days_ago(1), national_id="123")
    assert r.status_code == 422 and r.json()["code"] == "member.national_id_invalid"
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/managements",
        headers=park,
        params={"away_over_months": 0},
    )
    assert r.status_code == 400 and r.json()["code"] == "management.months_out_of_range"
    assert await management_tables(container) == before


async def test_six_month_query(world, client):
    await _migrant(world, client, 1)
    await _migrant(world, client, 2)
    await _migrant(world, client, 3)
    long_ago = (today() - dt.timedelta(days=200)).isoformat()
    a = (await _by_number(world, client, 1, "branch1", long_ago, certificate_no="A")).json()
    b = (await _by_number(world, client, 2, "branch3", days_ago(20))).json()
    c = (await _by_number(world, client, 3, "branch2", long_ago, to_date=days_ago(10))).json()
    park = world.auth(Role.PARK_ADMIN, "park")
    url = f"/api/v1/orgs/{world.ids['park']}/managements"
    r = await client.get(url, headers=park, params={"away_over_months": 6})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(x["id"], x["member_name"], x["months_away"]) for x in items] == [
        (a["id"], "流动党员1", 6)
    ]
    r = await client.get(url, headers=park)
    assert [x["id"] for x in r.json()["items"]] == [a["id"], b["id"]]
    r = await client.get(url, headers=park, params={"include_ended": "true", "limit": 2})
    assert [x["id"] for x in r.json()["items"]] == [a["id"], b["id"]]
    r = await client.get(
        url, headers=park, params={"include_ended": "true", "cursor": r.json()["next_cursor"]}
    )
    assert [x["id"] for x in r.json()["items"]] == [c["id"]]
    # A general branch's subtree only.
    r = await client.get(f"/api/v1/orgs/{world.ids['general']}/managements", headers=park)
    assert [x["id"] for x in r.json()["items"]] == [b["id"]]


async def test_self_service_managements_and_history(world, client):
    migrant = await _migrant(world, client)
    home = world.auth(Role.DISTRICT_ADMIN, "other_district")
    reg = (await _by_number(world, client, 1, "branch1", days_ago(30))).json()
    account = {
        "username": "migrant.1",
        "display_name": "流动党员1",
        "role": "member",
        "org_id": world.ids["other_branch"],
        "member_id": migrant["id"],
        "password": "a long enough password",
    }
    r = await client.post("/api/v1/users", headers=home, json=account)
    assert r.status_code == 201, r.text
    token = (await login(client, "migrant.1", "a long enough password")).json()["access_token"]
    mine = {"Authorization": f"Bearer {token}"}
    r = await client.get("/api/v1/members/me/managements", headers=mine)
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [reg["id"]]
    r = await client.get("/api/v1/members/me/history", headers=mine)
    assert r.status_code == 200
    assert [e["kind"] for e in r.json()["events"]] == ["joined"]
    assert r.json()["member_id"] == migrant["id"]
    r = await client.get("/api/v1/members/me", headers=mine)
    assert r.json()["standing"] == "active"
    # Nobody else's: no roster scope.
    for url in (
        f"/api/v1/members/{migrant['id']}/managements",
        f"/api/v1/managements/{reg['id']}/participations",
        f"/api/v1/orgs/{world.ids['other_district']}/managements",
    ):
        assert (await client.get(url, headers=mine)).status_code == 403, url
    # A staff token has no "me"; a member token without a record is not linked.
    assert (await client.get("/api/v1/members/me/history", headers=home)).status_code == 403
    r = await client.get(
        "/api/v1/members/me/managements", headers=world.auth(Role.MEMBER, "branch1")
    )
    assert r.status_code == 404 and r.json()["code"] == "member.not_linked"


async def test_concurrent_registrations_have_one_effect(world, client, container):
    await _migrant(world, client)
    results = await asyncio.gather(
        *(_by_number(world, client, 1, "branch1", days_ago(n)) for n in (10, 20, 30))
    )
    assert sorted(r.status_code for r in results) == [201, 409, 409], [r.text for r in results]
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(sa.select(sa.func.count()).select_from(MemberManagementRow))
        ).scalar_one()
    assert n == 1
