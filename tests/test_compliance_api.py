"""Compliance findings over a subtree (REST and GraphQL): each rule of the brief, from
maintained counts, current leaders, coverage, standings and registrations; capped per rule;
zh/en suggested actions; subtree and scope."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from app.domain.compliance import rules as compliance_rules
from app.domain.compliance.model import Thresholds
from app.domain.compliance.service import compliance_report
from app.domain.orgs.model import add_years
from tests.enterprise_fixtures import cover, make_enterprise, today
from tests.management_fixtures import change, days_ago, register
from tests.member_fixtures import make_member
from tests.transfer_fixtures import issue


async def _leader(world, client, org, role, term_start):
    r = await client.post(
        f"/api/v1/orgs/{world.ids[org]}/leaders",
        headers=world.auth(),
        json={"name": f"{role}{org}", "role": role, "term_start": term_start.isoformat()},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _scene(world, client):
    """branch1: 2 full + 1 probationary, one lost contact for 200 days, one managed elsewhere
    for 200 days; branch2 (joint): 7 members, only a secretary whose term is overdue, covering
    6 enterprises; general (with branch3): 3 members; a deputy at branch3 with a term ending
    within 3 months."""
    seq = iter(range(100, 200))
    b1 = [await make_member(world, client, next(seq)) for _ in range(2)]
    await make_member(world, client, next(seq), status="probationary", join_date=days_ago(100))
    assert (
        await change(world, client, b1[0]["id"], "lost_contact", days_ago(200))
    ).status_code == 201
    for _ in range(7):
        await make_member(world, client, next(seq), org="branch2")
    r = await register(world, client, b1[1]["id"], "branch2", days_ago(200))
    assert r.status_code == 201, r.text
    for _ in range(2):
        await make_member(world, client, next(seq), org="branch3")
    await make_member(world, client, next(seq), org="general")
    for n in range(6):
        e = await make_enterprise(world, client, 700 + n)
        await cover(world, client, e["id"], "branch2")
    overdue = add_years(today(), -3) - dt.timedelta(days=10)
    await _leader(world, client, "branch2", "secretary", overdue)
    soon = add_years(today(), -3) + dt.timedelta(days=30)
    await _leader(world, client, "branch3", "deputy", soon)


async def test_compliance_findings(world, client):
    await _scene(world, client)
    r = await client.get(
        f"/api/v1/orgs/{world.ids['district']}/compliance", headers=world.auth(Role.ANALYST)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_id"] == world.ids["district"] and body["as_of"] == today().isoformat()
    assert body["truncated"] is False
    assert body["totals"] == {
        "branch_too_few_full": 2,
        "branch_needs_committee": 1,
        "general_branch_too_small": 1,
        "general_branch_too_large": 0,
        "joint_branch_too_wide": 1,
        "term_overdue": 1,
        "term_expiring": 1,
        "lost_contact_too_long": 1,
        "managed_too_long": 1,
        "transfers_overdue": 0,
    }
    got = {(f["rule"], f["org_id"]): f for f in body["findings"]}
    ids = world.ids
    assert got[("branch_too_few_full", ids["branch1"])]["figures"] == {
        "full_members": 2,
        "members": 3,
        "minimum": 3,
    }
    assert got[("branch_too_few_full", ids["branch3"])]["figures"]["full_members"] == 2
    f = got[("branch_needs_committee", ids["branch2"])]
    assert f["figures"] == {"members": 7, "current_leaders": 0}  # the term is over
    assert f["org_name"] == "陶瓷企业联合党支部" and f["org_kind"] == "branch"
    assert f["action_code"] == "compliance.branch_needs_committee.action"
    assert "支委会" in f["action"] and "7" in f["action"]
    assert got[("general_branch_too_small", ids["general"])]["figures"] == {"members": 3}
    assert got[("joint_branch_too_wide", ids["branch2"])]["figures"] == {
        "enterprises": 6,
        "maximum": 5,
    }
    overdue_end = add_years(today(), -3) - dt.timedelta(days=10)
    assert got[("term_overdue", ids["branch2"])]["figures"] == {
        "leaders": 1,
        "earliest_end": add_years(overdue_end, 3).isoformat(),
    }
    assert got[("term_expiring", ids["branch3"])]["figures"]["leaders"] == 1
    assert got[("lost_contact_too_long", ids["branch1"])]["figures"] == {
        "members": 1,
        "oldest_since": days_ago(200),
    }
    assert got[("managed_too_long", ids["branch2"])]["figures"] == {
        "members": 1,
        "oldest_from": days_ago(200),
    }
    # No personal data: names of organisations and numbers only.
    assert "党员1" not in r.text and "national_id" not in r.text

    # English actions; one rule; the cap.
    r = await client.get(
        f"/api/v1/orgs/{ids['park']}/compliance",
        headers={**world.auth(), "Accept-Language": "en"},
        params={"rule": ["branch_too_few_full", "managed_too_long"], "limit": 1},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"] == {"branch_too_few_full": 2, "managed_too_long": 1}
    assert body["truncated"] is True
    # By path: branch3 (under the general branch) sorts before branch1.
    assert [(f["rule"], f["org_id"]) for f in body["findings"]] == [
        ("branch_too_few_full", ids["branch3"]),
        ("managed_too_long", ids["branch2"]),
    ]
    assert body["findings"][0]["action"].startswith("Branch 挂靠党支部 has 2 full members")

    # A committee (secretary, committee member, three people) clears the finding.
    await _leader(world, client, "branch2", "committee_member", today())
    await _leader(world, client, "branch2", "deputy", today())
    r = await client.get(
        f"/api/v1/orgs/{ids['district']}/compliance",
        headers=world.auth(),
        params={"rule": "branch_needs_committee"},
    )
    assert r.json()["totals"] == {"branch_needs_committee": 1}  # the secretary's term is over


async def test_committee_needs_current_secretary(world, client):
    for n in range(7):
        await make_member(world, client, 300 + n, org="branch2")
    await _leader(world, client, "branch2", "secretary", today())
    await _leader(world, client, "branch2", "committee_member", today())
    url = f"/api/v1/orgs/{world.ids['park']}/compliance"
    params = {"rule": "branch_needs_committee"}
    r = await client.get(url, headers=world.auth(), params=params)
    assert r.json()["totals"] == {"branch_needs_committee": 1}  # two people are not enough
    await _leader(world, client, "branch2", "committee_member", today())
    r = await client.get(url, headers=world.auth(), params=params)
    assert r.json()["totals"] == {"branch_needs_committee": 0} and r.json()["findings"] == []


async def test_thresholds_and_rules_are_pluggable(world, client, container):
    await make_member(world, client, 400, org="branch3")
    await make_member(world, client, 401, org="general")
    await make_member(world, client, 402, org="general")
    async with container.uow() as uow:
        report = await compliance_report(
            uow,
            SYSTEM,
            org_id=world.ids["district"],
            rules=["general_branch_too_large"],
            thresholds=Thresholds(general_branch_max=2),
        )
    [result] = report.results
    assert (result.rule, result.total) == ("general_branch_too_large", 1)
    assert result.findings[0].org.id == world.ids["general"]
    assert result.findings[0].figures == {"members": 3}
    # Every rule is an independent function in one list, each code once, every one of them run.
    assert [code for code, _ in compliance_rules.RULES] == list(compliance_rules.RULE_CODES)
    assert len(set(compliance_rules.RULE_CODES)) == len(compliance_rules.RULES) == 10
    assert compliance_rules.RULE_CODES[-1] == "transfers_overdue"


async def test_compliance_guards_and_bad_input(world, client):
    url = f"/api/v1/orgs/{world.ids['park']}/compliance"
    r = await client.get(url, headers=world.auth(Role.DISTRICT_ADMIN, "other_district"))
    assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    r = await client.get(url, headers=world.auth(Role.MEMBER, "branch1"))
    assert r.status_code == 403
    r = await client.get(url, headers=world.auth(), params={"rule": "nonsense"})
    assert r.status_code == 400 and r.json()["code"] == "compliance.unknown_rule"
    assert r.json()["errors"][0]["parameter"] == "rule"
    r = await client.get(url, headers=world.auth(), params={"limit": 0})
    assert r.status_code == 400 and r.json()["code"] == "pagination.limit_out_of_range"
    r = await client.get(url, headers=world.auth(), params={"bogus": 1})
    assert r.status_code == 400 and r.json()["code"] == "request.unknown_parameter"


async def test_compliance_graphql(world, client):
    await _scene(world, client)
    q = (
        'query($id: Int!) { compliance(orgId: $id, rules: ["lost_contact_too_long", '
        '"joint_branch_too_wide"]) { orgId asOf truncated totals { rule total } '
        "findings { rule orgId orgName figures { key value } actionCode action } } }"
    )
    r = await client.post(
        "/graphql",
        json={"query": q, "variables": {"id": world.ids["park"]}},
        headers={**world.auth(Role.ANALYST), "Accept-Language": "en"},
    )
    body = r.json()
    assert "errors" not in body, body
    c = body["data"]["compliance"]
    assert c["orgId"] == world.ids["park"] and c["truncated"] is False
    assert c["totals"] == [
        {"rule": "joint_branch_too_wide", "total": 1},
        {"rule": "lost_contact_too_long", "total": 1},
    ]
    assert [(f["rule"], f["orgId"]) for f in c["findings"]] == [
        ("joint_branch_too_wide", world.ids["branch2"]),
        ("lost_contact_too_long", world.ids["branch1"]),
    ]
    assert c["findings"][1]["figures"] == [
        {"key": "members", "value": "1"},
        {"key": "oldest_since", "value": days_ago(200)},
    ]
    assert c["findings"][1]["action"].startswith("同鑫陶瓷党支部 has 1 members out of contact")
    r = await client.post(
        "/graphql",
        json={"query": q, "variables": {"id": world.ids["park"]}},
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert r.json()["errors"][0]["extensions"]["code"] == "org.not_found"


async def test_transfers_overdue_are_a_finding_of_the_sending_branch(world, client, container):
    a = await make_member(world, client, 301, org="branch3")
    b = await make_member(world, client, 302, org="branch3")
    late = await issue(world, client, a["id"], "branch1")
    await issue(world, client, b["id"], "branch1")
    # Forty days on: a cancelled letter is closed, a three-month one still runs, and only the
    # letter valid for 30 days has run out unreported.
    r = await client.post(f"/api/v1/transfers/{late['id']}/cancel", headers=world.auth(), json={})
    assert r.status_code == 200, r.text
    c = await make_member(world, client, 303, org="branch3")
    short = await issue(
        world,
        client,
        c["id"],
        "branch1",
        valid_until=(today() + dt.timedelta(days=30)).isoformat(),
    )
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=40))
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/compliance",
        headers=world.auth(Role.ANALYST),
        params={"rule": "transfers_overdue"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"] == {"transfers_overdue": 1}
    [finding] = body["findings"]
    assert finding["org_id"] == world.ids["branch3"]
    assert finding["figures"] == {"transfers": 1, "oldest_valid_until": short["valid_until"]}
    assert "介绍信" in finding["action"]
    # The receiving side's subtree alone does not own the finding.
    r = await client.get(
        f"/api/v1/orgs/{world.ids['branch1']}/compliance",
        headers=world.auth(Role.ANALYST),
        params={"rule": "transfers_overdue"},
    )
    assert r.json()["totals"] == {"transfers_overdue": 0}
