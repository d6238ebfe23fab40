"""GraphQL for enterprises, instructors and coverage: the same use cases as REST, same answers."""

from __future__ import annotations

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import credit_code, make_enterprise, make_instructor, today


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_create_cover_and_report_agree_with_rest(world, client):
    h = world.auth()
    create = """mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) {
                  enterprise { id coverageStatus org { name } } errors { code field } } }"""
    made = []
    for n in range(1, 5):
        r = await gql(
            client,
            create,
            {
                "input": {
                    "name": f"陶瓷{n}",
                    "creditCode": credit_code(n),
                    "kind": "ENTERPRISE",
                    "industry": "陶瓷",
                    "aboveScale": n == 1,
                    "employeeCount": 10 * n,
                    "orgId": world.ids["park"],
                }
            },
            h,
        )
        payload = r["data"]["createEnterprise"]
        assert payload["errors"] == [] and payload["enterprise"]["coverageStatus"] == "NONE"
        assert payload["enterprise"]["org"]["name"] == "城东工业园区党委"
        made.append(payload["enterprise"]["id"])
    cover = """mutation($e: Int!, $b: Int!) { setCoverage(enterpriseId: $e, coveringOrgId: $b) {
                 enterprise { coverageStatus coverageMode coveringOrg { name } }
                 errors { code } } }"""
    r = await gql(client, cover, {"e": made[0], "b": world.ids["branch1"]}, h)
    assert r["data"]["setCoverage"]["enterprise"] == {
        "coverageStatus": "ORGANISATION",
        "coverageMode": "STANDALONE",
        "coveringOrg": {"name": "同鑫陶瓷党支部"},
    }
    r = await gql(client, cover, {"e": made[1], "b": world.ids["branch1"]}, h)
    assert r["data"]["setCoverage"]["enterprise"] is None
    assert r["data"]["setCoverage"]["errors"][0]["code"].startswith("coverage.")
    ins = await make_instructor(world, client)
    assign = """mutation($i: Int!, $e: Int!, $d: Date!) { assignInstructor(instructorId: $i,
                  enterpriseId: $e, startOn: $d) { assignment { id instructor { name } }
                  errors { code } } }"""
    r = await gql(client, assign, {"i": ins["id"], "e": made[2], "d": today().isoformat()}, h)
    assert r["data"]["assignInstructor"]["assignment"]["instructor"]["name"] == "陈指导员"

    q = """query($id: Int!) { coverage(orgId: $id) { overall { total organisation workOnly
             uncovered organisationRate coverageRate } aboveScale { total organisationRate }
             byIndustry { industry tally { total } } } }"""
    g = (await gql(client, q, {"id": world.ids["park"]}, h))["data"]["coverage"]
    rest = (await client.get(f"/api/v1/orgs/{world.ids['park']}/coverage", headers=h)).json()
    assert g["overall"] == {
        "total": 4,
        "organisation": 1,
        "workOnly": 1,
        "uncovered": 2,
        "organisationRate": "25.0",
        "coverageRate": "50.0",
    }
    assert (rest["total"], rest["organisation"], rest["organisation_rate"]) == (4, 1, "25.0")
    assert g["aboveScale"] == {"total": 1, "organisationRate": "100.0"}
    assert g["byIndustry"] == [{"industry": "陶瓷", "tally": {"total": 4}}]
    # The same report through the org type.
    nested = await gql(
        client,
        "query($id: Int!) { org(id: $id) { coverage { overall { total } }"
        " enterprises(first: 2) { edges { node { id } } pageInfo { hasNextPage } }"
        " } }",
        {"id": world.ids["park"]},
        h,
    )
    org = nested["data"]["org"]
    assert org["coverage"]["overall"]["total"] == 4
    assert len(org["enterprises"]["edges"]) == 2 and org["enterprises"]["pageInfo"]["hasNextPage"]


async def test_enterprise_listing_matches_rest_and_hides_foreign(world, client):
    h = world.auth()
    for n in range(10, 13):
        await make_enterprise(world, client, n, industry="电子商务")
    foreign = (
        await client.post(
            "/api/v1/enterprises",
            json={
                "name": "别区企业",
                "credit_code": credit_code(20),
                "industry": "陶瓷",
                "org_id": world.ids["other_park"],
            },
            headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        )
    ).json()
    q = """query($f: EnterpriseFilterInput) { enterprises(filter: $f) {
             edges { node { id industry } } } }"""
    g = await gql(client, q, {"f": {"industry": "电子商务"}}, h)
    ids = [e["node"]["id"] for e in g["data"]["enterprises"]["edges"]]
    rest = (
        await client.get("/api/v1/enterprises", headers=h, params={"industry": "电子商务"})
    ).json()
    assert ids == [e["id"] for e in rest["items"]] and len(ids) == 3
    intruder = world.auth(Role.PARK_ADMIN, "park")
    r = await gql(
        client, "query($id: Int!) { enterprise(id: $id) { id } }", {"id": foreign["id"]}, intruder
    )
    assert r["data"] is None and r["errors"][0]["extensions"]["code"] == "enterprise.not_found"


async def test_update_enterprise_mutation_checks_version(world, client):
    ent = await make_enterprise(world, client, 30)
    m = """mutation($id: Int!, $v: Int!) { updateEnterprise(id: $id, expectedVersion: $v,
             input: {employeeCount: 77}) { enterprise { employeeCount version }
             errors { code } } }"""
    r = (await gql(client, m, {"id": ent["id"], "v": ent["version"]}, world.auth()))["data"][
        "updateEnterprise"
    ]
    assert r == {"enterprise": {"employeeCount": 77, "version": ent["version"] + 1}, "errors": []}
    r = (await gql(client, m, {"id": ent["id"], "v": ent["version"]}, world.auth()))["data"][
        "updateEnterprise"
    ]
    assert r["errors"] == [{"code": "request.stale"}]
