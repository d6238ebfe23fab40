"""GraphQL over the funding ledger: the same use cases as REST, money moved once per key."""

from __future__ import annotations

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import today
from tests.fund_fixtures import assert_ledger_consistent, balance, row_counts


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


CREATE = """mutation($org: Int!) { createPool(input: {orgId: $org, name: "专项经费",
              purpose: SPECIAL_FUND}) {
              pool { id balance categories purpose } errors { code } } }"""
CONTRIBUTE = """mutation($id: Int!, $k: String!, $a: String!) {
  contribute(poolId: $id, idempotencyKey: $k,
             input: {amount: $a, sourceKind: STREET_FINANCE, voucher: "PZ-7"}) {
    transaction { id amount kind entries { accountKind amount balanceAfter } }
    errors { code field } } }"""
REVERSE = """mutation($id: Int!, $k: String!) {
  reverseFundTransaction(id: $id, reason: "录错", idempotencyKey: $k) {
    transaction { id reversesId } errors { code } } }"""


async def test_graphql_pools_contributions_and_replays(world, client, container):
    h = world.auth()
    body = await gql(client, CREATE, {"org": world.ids["park"]}, h)
    pool = body["data"]["createPool"]["pool"]
    assert pool["balance"] == "0.00" and pool["purpose"] == "SPECIAL_FUND"
    assert pool["categories"] == ["TRAINING", "COMMENDATION", "PUBLICITY", "ACTIVITIES"]
    pid = pool["id"]

    first = await gql(client, CONTRIBUTE, {"id": pid, "k": "g-1", "a": "300000.00"}, h)
    tx = first["data"]["contribute"]["transaction"]
    assert first["data"]["contribute"]["errors"] == []
    assert tx["amount"] == "300000.00"
    assert {e["accountKind"]: e["amount"] for e in tx["entries"]} == {
        "SOURCE": "-300000.00",
        "POOL": "300000.00",
    }
    again = await gql(client, CONTRIBUTE, {"id": pid, "k": "g-1", "a": "300000.00"}, h)
    assert again["data"]["contribute"] == first["data"]["contribute"]
    before = await row_counts(container)
    other = await gql(client, CONTRIBUTE, {"id": pid, "k": "g-1", "a": "1.00"}, h)
    assert other["data"]["contribute"] == {
        "transaction": None,
        "errors": [{"code": "idempotency.key_reused", "field": "/idempotencyKey"}],
    }
    bad = await gql(client, CONTRIBUTE, {"id": pid, "k": "g-2", "a": "1.005"}, h)
    assert bad["data"]["contribute"]["errors"] == [
        {"code": "money.too_many_decimals", "field": "/amount"}
    ]
    assert await row_counts(container) == before
    assert await balance(world, client, pid) == "300000.00"

    r = await gql(client, REVERSE, {"id": tx["id"], "k": "g-3"}, h)
    assert r["data"]["reverseFundTransaction"]["transaction"]["reversesId"] == tx["id"]
    r2 = await gql(client, REVERSE, {"id": tx["id"], "k": "g-3"}, h)
    assert r2 == r
    assert await balance(world, client, pid) == "0.00"

    day = today().isoformat()
    q = """query($id: Int!, $d: Date!) {
      pool(id: $id) { balance }
      poolEntries(poolId: $id) { edges { node { amount balanceAfter kind } } }
      poolStatement(poolId: $id, fromDate: $d, toDate: $d) {
        opening closing movements { kind inflow outflow count } }
      pools { edges { node { id } } } }"""
    data = (await gql(client, q, {"id": pid, "d": day}, h))["data"]
    assert data["pool"]["balance"] == "0.00"
    assert [n["node"]["balanceAfter"] for n in data["poolEntries"]["edges"]] == [
        "300000.00",
        "0.00",
    ]
    assert data["poolStatement"]["closing"] == "0.00"
    assert {m["kind"]: m["count"] for m in data["poolStatement"]["movements"]} == {
        "CONTRIBUTION": 1,
        "REVERSAL": 1,
    }
    assert [e["node"]["id"] for e in data["pools"]["edges"]] == [pid]
    # Analysts read but cannot move money.
    analyst = world.auth(Role.ANALYST, "district")
    r = await gql(client, CONTRIBUTE, {"id": pid, "k": "g-9", "a": "1.00"}, analyst)
    assert r["data"]["contribute"]["errors"][0]["code"] == "auth.scope_missing"
    await assert_ledger_consistent(container)
