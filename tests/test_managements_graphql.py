"""GraphQL for status changes and dual management: the same use cases as REST, payload
errors, managed-here members in listings, stats by standing."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from tests.management_fixtures import days_ago, management_tables
from tests.member_fixtures import make_member, national_id

BIRTH = dt.date(1990, 1, 1)


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


CHANGE = """mutation($id: Int!, $input: StatusChangeInput!, $v: Int) {
  changeMemberStatus(memberId: $id, input: $input, expectedVersion: $v) {
    member { id standing standingSince version }
    event { kind onDate reason details }
    errors { code field } } }"""


async def test_change_member_status(world, client, container):
    m = await make_member(world, client, 1)
    h = world.auth()
    r = await gql(
        client,
        CHANGE,
        {"id": m["id"], "input": {"kind": "DIED", "onDate": days_ago(3), "reason": "病故"}, "v": 1},
        h,
    )
    p = r["data"]["changeMemberStatus"]
    assert p["errors"] == []
    assert p["member"] == {
        "id": m["id"],
        "standing": "DIED",
        "standingSince": days_ago(3),
        "version": 2,
    }
    assert p["event"]["kind"] == "died" and p["event"]["reason"] == "病故"
    assert p["event"]["details"]["org_id"] == world.ids["branch1"]
    r = await client.get(f"/api/v1/orgs/{world.ids['branch1']}", headers=h)
    assert r.json()["member_count"] == 0
    q = """query($id: Int!) { memberHistory(memberId: $id) {
             memberId events { kind onDate } affiliations { orgId fromDate toDate } } }"""
    r = await gql(client, q, {"id": m["id"]}, h)
    assert r["data"]["memberHistory"] == {
        "memberId": m["id"],
        "events": [
            {"kind": "joined", "onDate": "2015-07-01"},
            {"kind": "died", "onDate": days_ago(3)},
        ],
        "affiliations": [
            {"orgId": world.ids["branch1"], "fromDate": "2015-07-01", "toDate": days_ago(3)}
        ],
    }
    other = await make_member(world, client, 2)
    before = await management_tables(container)
    r = await gql(
        client, CHANGE, {"id": m["id"], "input": {"kind": "LEFT", "onDate": days_ago(1)}}, h
    )
    assert r["data"]["changeMemberStatus"] == {
        "member": None,
        "event": None,
        "errors": [{"code": "member.transition_not_allowed", "field": "/kind"}],
    }
    r = await gql(
        client,
        CHANGE,
        {"id": other["id"], "input": {"kind": "LOST_CONTACT", "onDate": days_ago(1)}, "v": 7},
        h,
    )
    assert r["data"]["changeMemberStatus"]["errors"][0]["code"] == "request.stale"
    r = await gql(
        client,
        CHANGE,
        {"id": other["id"], "input": {"kind": "LOST_CONTACT", "onDate": days_ago(1)}},
        world.auth(Role.BRANCH_SECRETARY, "branch2"),
    )
    assert r["data"]["changeMemberStatus"]["errors"][0]["code"] == "member.not_found"
    assert await management_tables(container) == before


REGISTER = """mutation($input: ManagementInput!) { registerManagement(input: $input) {
  management { id memberId memberName orgId orgName certificateNo fromDate current monthsAway }
  errors { code field } } }"""


async def test_dual_management(world, client, container):
    home = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.post(
        "/api/v1/members",
        headers=home,
        json={
            "name": "流动党员",
            "gender": "female",
            "birth_date": BIRTH.isoformat(),
            "national_id": national_id(BIRTH, 7),
            "join_date": "2012-07-01",
            "status": "probationary",
            "org_id": world.ids["other_branch"],
        },
    )
    migrant = r.json()
    local = await make_member(world, client, 8)
    park = world.auth(Role.PARK_ADMIN, "park")
    inp = {
        "nationalId": national_id(BIRTH, 7),
        "orgId": world.ids["branch2"],
        "fromDate": days_ago(200),
        "certificateNo": "G-7",
    }
    r = await gql(client, REGISTER, {"input": inp}, park)
    p = r["data"]["registerManagement"]
    assert p["errors"] == [], p
    reg = p["management"]
    assert (reg["memberId"], reg["orgId"], reg["orgName"], reg["certificateNo"]) == (
        migrant["id"],
        world.ids["branch2"],
        "陶瓷企业联合党支部",
        "G-7",
    )
    assert reg["current"] is True and reg["monthsAway"] == 6
    # Payload errors: overlap, own organisation (by member id from the home side).
    before = await management_tables(container)
    r = await gql(client, REGISTER, {"input": inp}, park)
    assert r["data"]["registerManagement"]["errors"] == [
        {"code": "management.overlap", "field": "/from_date"}
    ]
    own = {"memberId": migrant["id"], "orgId": world.ids["other_branch"], "fromDate": days_ago(1)}
    r = await gql(client, REGISTER, {"input": own}, home)
    assert r["data"]["registerManagement"]["errors"] == [
        {"code": "management.own_org", "field": "/org_id"}
    ]
    r = await gql(
        client, REGISTER, {"input": {"orgId": world.ids["branch2"], "fromDate": days_ago(1)}}, park
    )
    assert r["data"]["registerManagement"]["errors"][0]["code"] == "management.member_required"
    assert await management_tables(container) == before

    q = """query($id: Int, $f: MemberFilterInput) { members(orgId: $id, filter: $f) {
             edges { node { id managedHere standing } } } }"""
    r = await gql(client, q, {"id": world.ids["park"]}, park)
    nodes = [e["node"] for e in r["data"]["members"]["edges"]]
    assert nodes == [
        {"id": migrant["id"], "managedHere": True, "standing": "ACTIVE"},
        {"id": local["id"], "managedHere": False, "standing": "ACTIVE"},
    ]
    r = await gql(client, q, {"id": world.ids["park"], "f": {"managedHere": True}}, park)
    assert [e["node"]["id"] for e in r["data"]["members"]["edges"]] == [migrant["id"]]
    r = await gql(
        client,
        "query($id: Int!) { member(id: $id) { id managedHere } }",
        {"id": migrant["id"]},
        park,
    )
    assert r["data"]["member"] == {"id": migrant["id"], "managedHere": True}

    q = """query($id: Int!) { orgManagements(orgId: $id, awayOverMonths: 6) {
             edges { node { id memberName monthsAway } } } }"""
    r = await gql(client, q, {"id": world.ids["park"]}, park)
    assert [e["node"]["id"] for e in r["data"]["orgManagements"]["edges"]] == [reg["id"]]
    q = "query($id: Int!) { memberManagements(memberId: $id) { id current } }"
    r = await gql(client, q, {"id": migrant["id"]}, home)
    assert r["data"]["memberManagements"] == [{"id": reg["id"], "current": True}]

    # The managing side may not read the history nor change the member's status.
    r = await gql(
        client,
        "query($id: Int!) { memberHistory(memberId: $id) { memberId } }",
        {"id": migrant["id"]},
        park,
    )
    assert r["errors"][0]["extensions"]["code"] == "member.not_found"
    r = await gql(
        client,
        CHANGE,
        {"id": migrant["id"], "input": {"kind": "BECAME_FULL", "onDate": days_ago(1)}},
        park,
    )
    assert r["data"]["changeMemberStatus"]["errors"][0]["code"] == "member.not_found"

    rec = """mutation($id: Int!, $d: Date!) { recordParticipation(managementId: $id, onDate: $d,
               activity: "三会一课") { participation { id activity onDate } errors { code } } }"""
    r = await gql(client, rec, {"id": reg["id"], "d": days_ago(2)}, park)
    part = r["data"]["recordParticipation"]
    assert part["errors"] == [] and part["participation"]["activity"] == "三会一课"
    r = await gql(client, rec, {"id": reg["id"], "d": days_ago(2)}, home)
    assert r["data"]["recordParticipation"]["errors"] == [{"code": "management.not_found"}]
    q = "query($id: Int!) { participations(managementId: $id) { id } }"
    r = await gql(client, q, {"id": reg["id"]}, home)
    assert r["data"]["participations"] == [{"id": part["participation"]["id"]}]

    end = """mutation($id: Int!) { endManagement(id: $id, reason: "转入") {
               management { id current endedOn } errors { code } } }"""
    r = await gql(client, end, {"id": reg["id"]}, home)
    assert r["data"]["endManagement"]["errors"] == []
    assert r["data"]["endManagement"]["management"]["endedOn"] == days_ago(0)
    r = await gql(client, end, {"id": reg["id"]}, park)
    assert r["data"]["endManagement"]["errors"] == [{"code": "management.already_ended"}]


async def test_member_stats_by_standing(world, client):
    a = await make_member(world, client, 30)
    await make_member(world, client, 31)
    r = await client.post(
        f"/api/v1/members/{a['id']}/status-changes",
        headers=world.auth(),
        json={"kind": "suspended", "on_date": days_ago(1)},
    )
    assert r.status_code == 201
    q = "query($id: Int!) { memberStats(orgId: $id) { total byStanding { key count } } }"
    r = await gql(client, q, {"id": world.ids["park"]}, world.auth(Role.ANALYST))
    assert r["data"]["memberStats"] == {
        "total": 2,
        "byStanding": [
            {"key": "active", "count": 1},
            {"key": "lost_contact", "count": 0},
            {"key": "suspended", "count": 1},
        ],
    }


async def test_my_history_and_managements(world, client):
    m = await make_member(world, client, 40)
    account = {
        "username": "member.40",
        "display_name": "党员40",
        "role": "member",
        "org_id": world.ids["branch1"],
        "member_id": m["id"],
        "password": "a long enough password",
    }
    assert (
        await client.post("/api/v1/users", headers=world.auth(), json=account)
    ).status_code == 201
    r = await client.post(
        "/api/v1/auth/token", json={"username": "member.40", "password": "a long enough password"}
    )
    mine = {"Authorization": f"Bearer {r.json()['access_token']}"}
    q = "{ myHistory { memberId events { kind } } myManagements { id } }"
    r = await gql(client, q, None, mine)
    assert r["data"] == {
        "myHistory": {"memberId": m["id"], "events": [{"kind": "joined"}]},
        "myManagements": [],
    }
    r = await gql(client, "{ myHistory { memberId } }", None, world.auth())
    assert r["errors"][0]["extensions"]["code"] == "auth.scope_missing"
