"""A member's own token (role `member`, scope `self`): profile unmasked, history, transfers,
managements and pipeline stage, over REST and GraphQL; nobody else's data."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from app.domain.members.pipeline import probation_end
from tests.management_fixtures import days_ago, register
from tests.member_fixtures import make_member, national_id
from tests.pipeline_fixtures import APPLICANT_BIRTH, advance, apply
from tests.self_service_fixtures import member_token
from tests.transfer_fixtures import act, issue

ME = """{
  myMember { id nationalId phone masked standing orgId }
  myHistory { memberId events { kind onDate } affiliations { orgId fromDate toDate reason } }
  myTransfers(first: 10) { edges { node { id state toOrgId } } }
  myManagements { id orgId current }
  myStage { memberId stage since probationEnds extensionMonths
            entry { id nationalId masked stages { stage onDate } } }
}"""


async def _gql(client, headers, query, variables=None):
    r = await client.post(
        "/graphql", headers=headers, json={"query": query, "variables": variables or {}}
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_member_sees_all_of_their_own_over_rest_and_graphql(world, client):
    m = await make_member(world, client, 1, phone="13812345678")
    other = await make_member(world, client, 2)
    reg = await register(world, client, m["id"], "branch2", days_ago(40))
    assert reg.status_code == 201, reg.text
    t = await issue(world, client, m["id"], "branch3")
    theirs = await issue(world, client, other["id"], "branch3")
    mine = await member_token(world, client, m["id"], "self.1")
    # The member confirms their own report once the destination accepted.
    await act(world, client, t["id"], "accept")
    await act(world, client, t["id"], "report", headers=mine)

    # REST
    me = (await client.get("/api/v1/members/me", headers=mine)).json()
    assert me["national_id"] == national_id(dt.date(1990, 1, 1), 1) and me["masked"] is False
    assert me["phone"] == "13812345678" and me["org_id"] == world.ids["branch3"]
    hist = (await client.get("/api/v1/members/me/history", headers=mine)).json()
    assert [a["org_id"] for a in hist["affiliations"]] == [
        world.ids["branch1"],
        world.ids["branch3"],
    ]
    assert [e["kind"] for e in hist["events"]] == ["joined", "transferred_out", "transferred_in"]
    got = (await client.get("/api/v1/members/me/transfers", headers=mine)).json()
    assert [(x["id"], x["state"]) for x in got["items"]] == [(t["id"], "completed")]
    regs = (await client.get("/api/v1/members/me/managements", headers=mine)).json()
    assert [x["id"] for x in regs] == [reg.json()["id"]]
    r = await client.get("/api/v1/members/me/stage", headers=mine)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json() == {
        "member_id": m["id"],
        "stage": "full",
        "since": "2016-07-01",
        "probation_ends": None,
        "extension_months": 0,
        "entry": None,
    }

    # GraphQL: the same, from the same use cases.
    data = (await _gql(client, mine, ME))["data"]
    assert data["myMember"] == {
        "id": m["id"],
        "nationalId": me["national_id"],
        "phone": "13812345678",
        "masked": False,
        "standing": "ACTIVE",
        "orgId": world.ids["branch3"],
    }
    assert data["myHistory"]["memberId"] == m["id"]
    assert [e["kind"] for e in data["myHistory"]["events"]] == [e["kind"] for e in hist["events"]]
    assert [a["toDate"] for a in data["myHistory"]["affiliations"]] == [
        hist["affiliations"][0]["to_date"],
        None,
    ]
    assert [e["node"]["id"] for e in data["myTransfers"]["edges"]] == [t["id"]]
    assert [x["id"] for x in data["myManagements"]] == [reg.json()["id"]]
    assert data["myStage"]["stage"] == "FULL" and data["myStage"]["entry"] is None

    # Nobody else's: another member's transfer is 404 over both; staff reads are 403.
    r = await client.get(f"/api/v1/transfers/{theirs['id']}", headers=mine)
    assert r.status_code == 404 and r.json()["code"] == "transfer.not_found"
    body = await _gql(client, mine, f"{{ transfer(id: {theirs['id']}) {{ id }} }}")
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "transfer.not_found"
    for url in (f"/api/v1/members/{other['id']}", f"/api/v1/members/{other['id']}/history"):
        assert (await client.get(url, headers=mine)).status_code == 403, url
    body = await _gql(client, mine, f"{{ memberHistory(memberId: {other['id']}) {{ memberId }} }}")
    assert body["errors"][0]["extensions"]["code"] == "auth.scope_missing"


async def test_my_stage_while_probationary_shows_the_pipeline(world, client):
    entry = await apply(world, client, 5)
    await advance(world, client, entry["id"], "activist", "2019-06-01")
    await advance(world, client, entry["id"], "candidate", "2020-07-01")
    admitted = await advance(world, client, entry["id"], "probationary", days_ago(100))
    member_id = admitted["member_id"]
    r = await client.post(
        f"/api/v1/members/{member_id}/probation/extend",
        headers=world.auth(),
        json={"months": 6, "on_date": days_ago(1)},
    )
    assert r.status_code == 200, r.text
    mine = await member_token(world, client, member_id, "self.5")
    r = await client.get("/api/v1/members/me/stage", headers=mine)
    assert r.status_code == 200, r.text
    body = r.json()
    joined = dt.date.fromisoformat(days_ago(100))
    assert body["stage"] == "probationary" and body["since"] == joined.isoformat()
    assert body["probation_ends"] == probation_end(joined, 6).isoformat()
    assert body["extension_months"] == 6
    # Their own number, unmasked to themselves, and every stage they went through.
    assert body["entry"]["national_id"] == national_id(APPLICANT_BIRTH, 5)
    assert body["entry"]["masked"] is False
    assert [s["stage"] for s in body["entry"]["stages"]] == [
        "applicant",
        "activist",
        "candidate",
        "probationary",
    ]
    data = (await _gql(client, mine, ME))["data"]["myStage"]
    assert data["stage"] == "PROBATIONARY"
    assert data["probationEnds"] == body["probation_ends"] and data["extensionMonths"] == 6
    assert [s["stage"] for s in data["entry"]["stages"]] == [
        "APPLICANT",
        "ACTIVIST",
        "CANDIDATE",
        "PROBATIONARY",
    ]


async def test_no_me_without_a_linked_member(world, client):
    staff = world.auth()
    unlinked = world.auth(Role.MEMBER, "branch1")
    assert (await client.get("/api/v1/members/me/stage", headers=staff)).status_code == 403
    r = await client.get("/api/v1/members/me/stage", headers=unlinked)
    assert r.status_code == 404 and r.json()["code"] == "member.not_linked"
    for field in ("myMember { id }", "myHistory { memberId }", "myStage { stage }"):
        body = await _gql(client, unlinked, f"{{ {field} }}")
        assert body["errors"][0]["extensions"]["code"] == "member.not_linked", field
        body = await _gql(client, staff, f"{{ {field} }}")
        assert body["errors"][0]["extensions"]["code"] == "auth.scope_missing", field
    body = await _gql(client, unlinked, "{ myTransfers { edges { cursor } } }")
    assert body["errors"][0]["extensions"]["code"] == "member.not_linked"


async def test_member_history_over_graphql_for_staff(world, client):
    m = await make_member(world, client, 9)
    t = await issue(world, client, m["id"], "branch3")
    await act(world, client, t["id"], "accept")
    await act(world, client, t["id"], "report")
    q = (
        "query($id: Int!) { memberHistory(memberId: $id) { memberId events { kind details } "
        "affiliations { orgId toDate reason } } }"
    )
    data = (await _gql(client, world.auth(), q, {"id": m["id"]}))["data"]["memberHistory"]
    rest = (await client.get(f"/api/v1/members/{m['id']}/history", headers=world.auth())).json()
    assert [e["kind"] for e in data["events"]] == [e["kind"] for e in rest["events"]]
    assert [e["details"] for e in data["events"]] == [e["details"] for e in rest["events"]]
    assert [(a["orgId"], a["toDate"], a["reason"]) for a in data["affiliations"]] == [
        (a["org_id"], a["to_date"], a["reason"]) for a in rest["affiliations"]
    ]
    # Outside the subtree: 404.
    body = await _gql(client, world.auth(Role.DISTRICT_ADMIN, "other_district"), q, {"id": m["id"]})
    assert body["errors"][0]["extensions"]["code"] == "member.not_found"
