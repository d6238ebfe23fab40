"""Status changes over REST: events with dates and reasons, the allowed transitions, members
leaving the roll (affiliation closed, count down, record kept), the pipeline's conversion and
extension rules reused, refusals that write nothing, and counts equal to a recount."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from app.db.models import AuditRow, MemberAffiliationRow, MemberRow
from app.domain.auth.scopes import Role
from app.domain.members.standing import count_mismatches as domain_mismatches
from app.domain.orgs.model import add_months
from tests.enterprise_fixtures import today
from tests.management_fixtures import change, days_ago, management_tables, register
from tests.member_fixtures import count_mismatches, make_member


async def _org(client, world, key):
    return (await client.get(f"/api/v1/orgs/{world.ids[key]}", headers=world.auth())).json()


async def _history(client, world, member_id):
    r = await client.get(f"/api/v1/members/{member_id}/history", headers=world.auth())
    assert r.status_code == 200
    return r.json()


async def test_lost_contact_and_restored(world, client, container):
    m = await make_member(world, client, 1)
    r = await change(world, client, m["id"], "lost_contact", days_ago(40), reason="外出务工失联")
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["etag"] == '"2"' and r.headers["cache-control"] == "no-store"
    assert body["member"]["standing"] == "lost_contact"
    assert body["member"]["standing_since"] == days_ago(40)
    assert body["member"]["version"] == 2
    assert body["event"]["kind"] == "lost_contact" and body["event"]["reason"] == "外出务工失联"
    assert body["event"]["details"] == {"from": "active", "to": "lost_contact"}
    # Still on the roll: counted, listed, affiliation open.
    assert (await _org(client, world, "branch1"))["member_count"] == 1
    listed = (await client.get("/api/v1/members", headers=world.auth())).json()["items"]
    assert [x["id"] for x in listed] == [m["id"]]

    r = await change(world, client, m["id"], "contact_restored", days_ago(10))
    assert r.status_code == 201, r.text
    assert r.json()["member"]["standing"] == "active"
    hist = await _history(client, world, m["id"])
    assert [(e["kind"], e["on_date"]) for e in hist["events"]] == [
        ("joined", "2015-07-01"),
        ("lost_contact", days_ago(40)),
        ("contact_restored", days_ago(10)),
    ]
    async with container.db.read_sessions() as s:
        audit = (
            (await s.execute(sa.select(AuditRow).where(AuditRow.action == "member.status_change")))
            .scalars()
            .all()
        )
    assert [(a.target_id, a.changes["kind"]) for a in audit] == [
        (str(m["id"]), "lost_contact"),
        (str(m["id"]), "contact_restored"),
    ]
    assert audit[0].changes["standing"] == {"from": "active", "to": "lost_contact"}


@pytest.mark.parametrize("kind", ["died", "struck_off", "left"])
async def test_leaving_the_roll_closes_the_affiliation(world, client, container, kind):
    m = await make_member(world, client, 2)
    stay = await make_member(world, client, 3)
    managed = await register(world, client, m["id"], "branch2", days_ago(100))
    assert managed.status_code == 201, managed.text
    assert (await _org(client, world, "branch1"))["member_count"] == 2

    r = await change(world, client, m["id"], kind, days_ago(5), reason="r")
    assert r.status_code == 201, r.text
    got = r.json()["member"]
    assert got["standing"] == kind and got["standing_since"] == days_ago(5)
    assert got["org_id"] == world.ids["branch1"]  # the last affiliation stays named
    assert r.json()["event"]["details"]["managements_ended"] == 1
    assert (await _org(client, world, "branch1"))["member_count"] == 1
    hist = await _history(client, world, m["id"])
    assert [(a["org_id"], a["to_date"]) for a in hist["affiliations"]] == [
        (world.ids["branch1"], days_ago(5))
    ]
    # Never deleted: readable, listed only when asked for by standing.
    assert (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).status_code == 200
    ids = [
        x["id"] for x in (await client.get("/api/v1/members", headers=world.auth())).json()["items"]
    ]
    assert ids == [stay["id"]]
    r = await client.get("/api/v1/members", headers=world.auth(), params={"standing": kind})
    assert [x["id"] for x in r.json()["items"]] == [m["id"]]
    # Open registrations ended on the same day.
    regs = (await client.get(f"/api/v1/members/{m['id']}/managements", headers=world.auth())).json()
    assert [(x["to_date"], x["ended_on"], x["current"]) for x in regs] == [
        (days_ago(5), days_ago(5), False)
    ]
    assert await count_mismatches(container) == []
    async with container.db.read_sessions() as s:
        row = (await s.execute(sa.select(MemberRow).where(MemberRow.id == m["id"]))).scalar_one()
        assert row.standing == kind
    # Gone is final: nothing may follow, and nothing is written by trying.
    before = await management_tables(container)
    for again in ("contact_restored", "lost_contact", "died", "left", "became_full"):
        r = await change(world, client, m["id"], again, days_ago(1))
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "member.transition_not_allowed"
        assert r.json()["type"] == "urn:lianjian:problem:member.transition_not_allowed"
        assert r.json()["errors"][0]["pointer"] == "/kind"
    assert await management_tables(container) == before


async def test_invalid_transitions_and_dates_write_nothing(world, client, container):
    m = await make_member(world, client, 4, join_date="2015-07-01")
    before = await management_tables(container)
    cases = [
        ("contact_restored", days_ago(1), {}, 422, "member.transition_not_allowed"),
        (
            "lost_contact",
            (today().replace(year=today().year + 1)).isoformat(),
            {},
            422,
            "member.status_date_in_future",
        ),
        ("lost_contact", "2015-06-30", {}, 422, "member.status_date_out_of_order"),
        ("suspended", "2001-01-01", {}, 422, "member.status_date_out_of_order"),
        ("became_full", days_ago(1), {}, 422, "pipeline.not_probationary"),
        ("nonsense", days_ago(1), {}, 422, "request.validation"),
    ]
    for kind, on_date, extra, status, code in cases:
        r = await change(world, client, m["id"], kind, on_date, **extra)
        assert r.status_code == status, (kind, r.text)
        assert r.json()["code"] == code, (kind, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert await management_tables(container) == before
    # Suspension after lost contact; the date may not go back before the last change.
    assert (await change(world, client, m["id"], "lost_contact", days_ago(300))).status_code == 201
    r = await change(world, client, m["id"], "suspended", days_ago(301))
    assert r.status_code == 422 and r.json()["code"] == "member.status_date_out_of_order"
    r = await change(world, client, m["id"], "suspended", days_ago(100))
    assert r.status_code == 201 and r.json()["member"]["standing"] == "suspended"
    r = await change(world, client, m["id"], "contact_restored", days_ago(1))
    assert r.status_code == 422 and r.json()["code"] == "member.transition_not_allowed"
    # Suspended members stay on the roll (counted) until struck off.
    assert (await _org(client, world, "branch1"))["member_count"] == 1


async def test_conversion_and_extension_use_the_pipeline_rules(world, client, container):
    joined = add_months(today(), -13)
    m = await make_member(world, client, 5, status="probationary", join_date=joined.isoformat())
    # Too early: the pipeline's own rule and code.
    early = add_months(joined, 11).isoformat()
    before = await management_tables(container)
    r = await change(world, client, m["id"], "became_full", early)
    assert r.status_code == 422 and r.json()["code"] == "pipeline.probation_not_over"
    r = await change(world, client, m["id"], "probation_extended", days_ago(1))
    assert r.status_code == 422 and r.json()["code"] == "member.months_required"
    r = await change(world, client, m["id"], "probation_extended", days_ago(1), months=13)
    assert r.status_code == 422 and r.json()["code"] == "pipeline.extension_too_long"
    assert await management_tables(container) == before

    r = await change(world, client, m["id"], "probation_extended", days_ago(1), months=6)
    assert r.status_code == 201, r.text
    assert r.json()["event"]["kind"] == "probation_extended"
    assert r.json()["event"]["details"]["months"] == 6
    assert r.json()["member"]["version"] == 2
    # Once only, by either route.
    before = await management_tables(container)
    r = await change(world, client, m["id"], "probation_extended", days_ago(1), months=3)
    assert r.status_code == 422 and r.json()["code"] == "pipeline.already_extended"
    r = await client.post(
        f"/api/v1/members/{m['id']}/probation/extend",
        headers=world.auth(),
        json={"months": 3, "on_date": days_ago(1)},
    )
    assert r.status_code == 422 and r.json()["code"] == "pipeline.already_extended"
    assert await management_tables(container) == before
    # Extended by six months: a year and a month is not enough any more.
    r = await change(world, client, m["id"], "became_full", days_ago(0))
    assert r.status_code == 422 and r.json()["code"] == "pipeline.probation_not_over"

    other = await make_member(world, client, 6, status="probationary", join_date=joined.isoformat())
    r = await change(
        world, client, other["id"], "became_full", days_ago(0), deciding_body="支部党员大会"
    )
    assert r.status_code == 201, r.text
    assert r.json()["member"]["status"] == "full"
    assert r.json()["member"]["full_member_date"] == days_ago(0)
    assert r.json()["event"]["kind"] == "became_full"
    assert r.json()["event"]["details"]["deciding_body"] == "支部党员大会"
    r = await change(world, client, other["id"], "became_full", days_ago(0))
    assert r.status_code == 422 and r.json()["code"] == "pipeline.not_probationary"


async def test_if_match_idempotency_and_subtree(world, client, container):
    m = await make_member(world, client, 7)
    h = {**world.auth(), "If-Match": '"9"'}
    before = await management_tables(container)
    r = await change(world, client, m["id"], "lost_contact", days_ago(3), headers=h)
    assert r.status_code == 412 and r.json()["code"] == "request.stale"
    # Only the affiliation's subtree: another branch's secretary, another district → 404.
    for who in (
        world.auth(Role.BRANCH_SECRETARY, "branch2"),
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
    ):
        r = await change(world, client, m["id"], "lost_contact", days_ago(3), headers=who)
        assert r.status_code == 404 and r.json()["code"] == "member.not_found"
    r = await change(
        world, client, m["id"], "lost_contact", days_ago(3), headers=world.auth(Role.ANALYST)
    )
    assert r.status_code == 403
    assert await management_tables(container) == before

    h = {**world.auth(Role.BRANCH_SECRETARY, "branch1"), "If-Match": '"1"', "Idempotency-Key": "k1"}
    r = await change(world, client, m["id"], "lost_contact", days_ago(3), headers=h)
    assert r.status_code == 201, r.text
    again = await change(world, client, m["id"], "lost_contact", days_ago(3), headers=h)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == r.json()
    hist = await _history(client, world, m["id"])
    assert [e["kind"] for e in hist["events"]] == ["joined", "lost_contact"]


async def test_stats_count_the_roll_by_standing(world, client):
    a = await make_member(world, client, 8, education="bachelor")
    b = await make_member(world, client, 9, status="probationary")
    c = await make_member(world, client, 10, org="branch3")
    await make_member(world, client, 11)
    assert (await change(world, client, a["id"], "lost_contact", days_ago(3))).status_code == 201
    assert (await change(world, client, b["id"], "died", days_ago(2))).status_code == 201
    assert (await change(world, client, c["id"], "left", days_ago(2))).status_code == 201
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/member-stats", headers=world.auth(Role.ANALYST)
    )
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["total"] == 2
    assert s["by_status"] == {"full": 2}
    assert s["by_standing"] == {"active": 1, "lost_contact": 1, "suspended": 0}
    assert s["by_education"] == {"bachelor": 1, "unknown": 1}
    assert sum(s["by_age_band"].values()) == 2
    assert "national_id" not in r.text and "name" not in s


async def test_counts_equal_a_recount_after_changes_and_moves(world, client, container):
    members = [
        await make_member(world, client, 20 + i, org=o)
        for i, o in enumerate(
            ["branch1", "branch1", "branch2", "branch3", "general", "branch3", "branch2"]
        )
    ]
    steps = [
        (members[0], "died"),
        (members[2], "lost_contact"),
        (members[3], "left"),
        (members[4], "struck_off"),
    ]
    for m, kind in steps:
        assert (await change(world, client, m["id"], kind, days_ago(2))).status_code == 201
    # Move a branch with members under the general branch, then the general branch to the street.
    h = world.auth()
    r = await client.post(
        f"/api/v1/orgs/{world.ids['branch2']}/move",
        headers=h,
        json={"parent_id": world.ids["general"]},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/orgs/{world.ids['general']}/move",
        headers=h,
        json={"parent_id": world.ids["street"]},
    )
    assert r.status_code == 200, r.text
    assert (await change(world, client, members[6]["id"], "died", days_ago(1))).status_code == 201
    await make_member(world, client, 40, org="branch2")

    assert await count_mismatches(container) == []
    async with container.uow() as uow:
        root = await uow.orgs.get(world.ids["district"])
        recount = await uow.standing.recount_members(root.path)
        stored = await uow.standing.stored_counts(root.path)
        assert recount == stored
        assert recount == {
            world.ids["branch1"]: 1,
            world.ids["branch2"]: 2,
            world.ids["branch3"]: 1,
        }
        assert await domain_mismatches(uow, root.path) == {}
    async with container.db.read_sessions() as s:
        open_of_gone = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(MemberAffiliationRow)
                .join(MemberRow, MemberRow.id == MemberAffiliationRow.member_id)
                .where(
                    MemberAffiliationRow.to_date.is_(None),
                    MemberRow.standing.in_(["died", "left", "struck_off", "transferred_out"]),
                )
            )
        ).scalar_one()
    assert open_of_gone == 0


async def test_concurrent_changes_have_one_effect(world, client, container):
    m = await make_member(world, client, 50)
    results = await asyncio.gather(
        *(change(world, client, m["id"], kind, days_ago(1)) for kind in ("died", "left", "died"))
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 422, 422], [r.text for r in results]
    assert (await _org(client, world, "branch1"))["member_count"] == 0
    hist = await _history(client, world, m["id"])
    assert len(hist["events"]) == 2
    assert await count_mismatches(container) == []
