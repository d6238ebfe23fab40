"""GraphQL for the member roster: the same use cases as REST, masking and payload errors."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from app.domain.members.model import AgeBand, age_band
from tests.enterprise_fixtures import today
from tests.member_fixtures import make_member, national_id

BIRTH = dt.date(1990, 1, 1)


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


CREATE = """mutation($input: CreateMemberInput!) { createMember(input: $input) {
              member { id name status nationalId phone masked orgId version education }
              errors { code field } } }"""


def _input(world, seq, **kw):
    return {
        "name": f"党员{seq}",
        "gender": "FEMALE",
        "birthDate": BIRTH.isoformat(),
        "nationalId": national_id(BIRTH, seq),
        "joinDate": "2020-07-01",
        "status": "PROBATIONARY",
        "orgId": world.ids["branch2"],
        **kw,
    }


async def test_create_update_and_read(world, client):
    h = world.auth()
    r = await gql(client, CREATE, {"input": _input(world, 1, phone="13812345678")}, h)
    payload = r["data"]["createMember"]
    assert payload["errors"] == []
    m = payload["member"]
    assert m["name"] == "党员1" and m["status"] == "probationary" and m["masked"] is False
    assert m["nationalId"] == national_id(BIRTH, 1) and m["phone"] == "13812345678"
    assert m["orgId"] == world.ids["branch2"] and m["version"] == 1
    # Duplicate and invalid numbers are payload errors with the field.
    r = await gql(client, CREATE, {"input": _input(world, 1)}, h)
    assert r["data"]["createMember"] == {
        "member": None,
        "errors": [{"code": "member.national_id_taken", "field": "/national_id"}],
    }
    bad = national_id(BIRTH, 2)[:17] + ("0" if national_id(BIRTH, 2)[17] != "0" else "1")
    r = await gql(client, CREATE, {"input": _input(world, 2, nationalId=bad)}, h)
    assert r["data"]["createMember"]["errors"][0]["code"] == "member.national_id_invalid"

    update = """mutation($id: Int!, $v: Int!) { updateMember(id: $id, expectedVersion: $v,
                  input: {education: MASTER, name: "新名"}) {
                  member { name education version } errors { code } } }"""
    r = await gql(client, update, {"id": m["id"], "v": 1}, h)
    assert r["data"]["updateMember"] == {
        "member": {"name": "新名", "education": "MASTER", "version": 2},
        "errors": [],
    }
    r = await gql(client, update, {"id": m["id"], "v": 1}, h)
    assert r["data"]["updateMember"]["errors"] == [{"code": "request.stale"}]

    q = "query($id: Int!) { member(id: $id) { id name nationalId phone masked } }"
    r = await gql(client, q, {"id": m["id"]}, world.auth(Role.ANALYST, "district"))
    number = national_id(BIRTH, 1)
    assert r["data"]["member"] == {
        "id": m["id"],
        "name": "新名",
        "nationalId": f"{number[:4]}**********{number[-4:]}",
        "phone": "138****5678",
        "masked": True,
    }
    r = await gql(client, q, {"id": m["id"]}, world.auth(Role.DISTRICT_ADMIN, "other_district"))
    assert r["data"] is None
    assert r["errors"][0]["extensions"]["code"] == "member.not_found"


async def test_listing_stats_and_org_member_count(world, client):
    a = await make_member(world, client, 3, org="branch1")
    b = await make_member(world, client, 4, org="branch3", status="probationary")
    c = await make_member(world, client, 5, org="branch3", education="bachelor")
    h = world.auth()
    q = """query($id: Int, $f: MemberFilterInput, $after: String) {
             members(orgId: $id, filter: $f, first: 2, after: $after) {
               edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    r = await gql(client, q, {"id": world.ids["park"]}, h)
    conn = r["data"]["members"]
    assert [e["node"]["id"] for e in conn["edges"]] == [a["id"], b["id"]]
    assert conn["pageInfo"]["hasNextPage"] is True
    r = await gql(client, q, {"id": world.ids["park"], "after": conn["pageInfo"]["endCursor"]}, h)
    assert [e["node"]["id"] for e in r["data"]["members"]["edges"]] == [c["id"]]
    r = await gql(client, q, {"id": world.ids["general"], "f": {"status": "PROBATIONARY"}}, h)
    assert [e["node"]["id"] for e in r["data"]["members"]["edges"]] == [b["id"]]
    r = await gql(client, q, {"id": world.ids["park"], "f": {"ageBand": "FROM_61"}}, h)
    assert r["data"]["members"]["edges"] == []

    stats = """query($id: Int!) { memberStats(orgId: $id) { orgId total
                 byStatus { key count } byEducation { key count } byAgeBand { key count } } }"""
    r = await gql(client, stats, {"id": world.ids["general"]}, world.auth(Role.ANALYST, "district"))
    assert r["data"]["memberStats"] == {
        "orgId": world.ids["general"],
        "total": 2,
        "byStatus": [{"key": "full", "count": 1}, {"key": "probationary", "count": 1}],
        "byEducation": [{"key": "bachelor", "count": 1}, {"key": "unknown", "count": 1}],
        "byAgeBand": [
            {"key": band.value, "count": 2 if band is age_band(BIRTH, today()) else 0}
            for band in AgeBand
        ],
    }
    org = "query($id: Int!) { org(id: $id) { memberCount } }"
    r = await gql(client, org, {"id": world.ids["branch3"]}, h)
    assert r["data"]["org"]["memberCount"] == 2
    # A token without members:read gets a scope error, not data.
    r = await gql(
        client, stats, {"id": world.ids["park"]}, world.auth(Role.ENTERPRISE_CONTACT, "park")
    )
    assert r["errors"][0]["extensions"]["code"] == "auth.scope_missing"
