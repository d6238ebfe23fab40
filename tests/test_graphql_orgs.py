"""GraphQL over the same org use cases: queries, connections, mutations, errors, limits."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.models import OrgRow
from app.domain.auth.scopes import Role


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_org_query_with_parent_and_children(world, client):
    q = """query($id: Int!) { org(id: $id) { id name kind parent { id name }
            children(first: 10) { edges { node { id name formation } } pageInfo { hasNextPage } }
          } }"""
    body = await gql(client, q, {"id": world.ids["park"]}, world.auth())
    org = body["data"]["org"]
    assert org["name"] == "城东工业园区党委" and org["kind"] == "PARK"
    assert org["parent"] == {"id": world.ids["street"], "name": "浔中镇党委"}
    names = {e["node"]["name"] for e in org["children"]["edges"]}
    assert names == {"工业党总支", "同鑫陶瓷党支部", "陶瓷企业联合党支部"}
    assert org["children"]["pageInfo"]["hasNextPage"] is False


async def test_parent_above_subtree_is_null(world, client):
    q = "query($id: Int!) { org(id: $id) { id parent { id } } }"
    body = await gql(client, q, {"id": world.ids["park"]}, world.auth(Role.PARK_ADMIN, "park"))
    assert body["data"]["org"] == {"id": world.ids["park"], "parent": None}


async def test_orgs_connection_pages_match_rest(world, client):
    h = world.auth()
    q = """query($after: String) { orgs(first: 3, after: $after) {
             edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        conn = (await gql(client, q, {"after": after}, h))["data"]["orgs"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    rest = (await client.get("/api/v1/orgs", headers=h, params={"limit": 100})).json()
    assert seen == [o["id"] for o in rest["items"]]
    # resuming from an edge's cursor continues right after that edge
    conn = (await gql(client, q, {"after": None}, h))["data"]["orgs"]
    second = conn["edges"][1]["cursor"]
    resumed = (await gql(client, q, {"after": second}, h))["data"]["orgs"]
    assert resumed["edges"][0]["node"]["id"] == seen[2]


async def test_unauthenticated_and_foreign(world, client):
    body = await gql(client, "query($id: Int!) { org(id: $id) { id } }", {"id": world.ids["park"]})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "auth.token_missing"
    body = await gql(
        client,
        "query($id: Int!) { org(id: $id) { id } }",
        {"id": world.ids["park"]},
        {"Authorization": "Bearer nonsense"},
    )
    assert body["errors"][0]["extensions"]["code"] == "auth.token_invalid"
    body = await gql(
        client,
        "query($id: Int!) { org(id: $id) { id } }",
        {"id": world.ids["park"]},
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "org.not_found"


async def test_create_org_mutation_and_payload_errors(world, client, container):
    h = world.auth()
    m = """mutation($input: CreateOrgInput!) { createOrg(input: $input) {
             org { id name path } errors { code field message } } }"""
    ok = await gql(
        client,
        m,
        {
            "input": {
                "parentId": world.ids["park"],
                "kind": "BRANCH",
                "formation": "JOINT",
                "name": "珠宝企业联合党支部",
            }
        },
        h,
    )
    org = ok["data"]["createOrg"]["org"]
    assert ok["data"]["createOrg"]["errors"] == []
    assert org["path"].endswith(f"/{world.ids['park']}/{org['id']}/")
    bad = await gql(
        client,
        m,
        {
            "input": {
                "parentId": world.ids["branch1"],
                "kind": "BRANCH",
                "formation": "JOINT",
                "name": "x",
            }
        },
        {**h, "Accept-Language": "en"},
    )
    payload = bad["data"]["createOrg"]
    assert payload["org"] is None
    assert payload["errors"] == [
        {
            "code": "org.kind_not_allowed_under_parent",
            "field": "/kind",
            "message": "A branch cannot sit under a branch.",
        }
    ]
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(
                sa.select(sa.func.count()).select_from(OrgRow).where(OrgRow.name == "x")
            )
        ).scalar_one()
    assert n == 0


async def test_update_and_move_mutations(world, client):
    h = world.auth()
    upd = """mutation($id: Int!, $v: Int!) { updateOrg(id: $id, expectedVersion: $v,
               input: {name: "改名支部"}) { org { name version } errors { code } } }"""
    r = (await gql(client, upd, {"id": world.ids["branch2"], "v": 1}, h))["data"]["updateOrg"]
    assert r == {"org": {"name": "改名支部", "version": 2}, "errors": []}
    r = (await gql(client, upd, {"id": world.ids["branch2"], "v": 1}, h))["data"]["updateOrg"]
    assert r["errors"] == [{"code": "request.stale"}]
    mv = """mutation($id: Int!, $p: Int!) { moveOrg(id: $id, parentId: $p) {
              org { path } errors { code } } }"""
    r = (await gql(client, mv, {"id": world.ids["branch2"], "p": world.ids["general"]}, h))["data"][
        "moveOrg"
    ]
    assert r["org"]["path"].endswith(f"/{world.ids['general']}/{world.ids['branch2']}/")


async def test_mutation_scope_is_checked(world, client):
    m = "mutation($id: Int!) { dissolveOrg(id: $id) { org { id } errors { code } } }"
    r = (await gql(client, m, {"id": world.ids["branch3"]}, world.auth(Role.ANALYST, "district")))[
        "data"
    ]
    assert r["dissolveOrg"]["errors"] == [{"code": "auth.scope_missing"}]


async def test_depth_and_alias_limits(world, client):
    deep = "query { org(id: 1) { " + "parent { " * 12 + "id" + " }" * 12 + " } }"
    body = await gql(client, deep, headers=world.auth())
    assert body["data"] is None and "depth" in body["errors"][0]["message"]
    aliases = "query { " + " ".join(f"a{i}: me {{ subject }}" for i in range(40)) + " }"
    body = await gql(client, aliases, headers=world.auth())
    assert body["data"] is None and "alias" in body["errors"][0]["message"].lower()


async def test_audit_log_query(world, client):
    body = await gql(
        client,
        "{ auditLog(first: 2) { edges { node { action targetType } } } }",
        headers=world.auth(),
    )
    edges = body["data"]["auditLog"]["edges"]
    assert len(edges) == 2 and all(e["node"]["action"] == "org.create" for e in edges)
    body = await gql(
        client,
        "{ auditLog { edges { node { id } } } }",
        headers=world.auth(Role.ANALYST, "district"),
    )
    assert body["errors"][0]["extensions"]["code"] == "auth.scope_missing"


async def test_nul_characters_are_refused_before_any_resolver(world, client, container):
    m = """mutation($input: CreateOrgInput!) { createOrg(input: $input) { org { id } } }"""
    body = {
        "query": m,
        "variables": {
            "input": {
                "parentId": world.ids["park"],
                "kind": "BRANCH",
                "formation": "JOINT",
                "name": "坏\x00名",
            }
        },
    }
    r = await client.post("/graphql", json=body, headers=world.auth())
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "request.body_unstorable"
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(
                sa.select(sa.func.count()).select_from(OrgRow).where(OrgRow.name.like("坏%"))
            )
        ).scalar_one()
    assert n == 0
    r = await client.get(
        "/graphql", params={"query": "{ me { subject } }\x00"}, headers=world.auth()
    )
    assert r.status_code == 422 and r.json()["code"] == "request.body_unstorable"
