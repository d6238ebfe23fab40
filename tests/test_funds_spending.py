"""Spending requests: asked by an organisation below, decided by the pool owner's staff or
above (never the requester, within the role's limit), paid out in the same transaction."""

from __future__ import annotations

from app.domain.auth.scopes import Role, scopes_for
from tests.fund_fixtures import (
    ask,
    assert_ledger_consistent,
    audit_rows,
    balance,
    contribute,
    key,
    make_pool,
    row_counts,
)

URL = "/api/v1/spending-requests"


async def test_request_approve_pays_out(world, client, container):
    park_admin = world.auth(Role.PARK_ADMIN, "park")
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    pool = await make_pool(world, client, name="党建工作专项经费")
    await contribute(world, client, pool["id"], "10000.00")

    req = await ask(world, client, pool["id"], "3000.00")
    assert (req["status"], req["amount"], req["org_id"]) == (
        "pending",
        "3000.00",
        world.ids["branch1"],
    )
    assert req["requested_by"] == "test:branch_secretary:branch1"
    # The branch secretary keeps the branch's books but does not approve.
    r = await client.post(f"{URL}/{req['id']}/approve", headers={**secretary, **key()})
    assert r.status_code == 403
    r = await client.post(f"{URL}/{req['id']}/approve", headers=park_admin)
    assert r.status_code == 428
    r = await client.post(
        f"{URL}/{req['id']}/approve", headers={**park_admin, **key()}, json={"note": "同意"}
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["decided_by"], done["decision_note"]) == (
        "approved",
        "test:park_admin:park",
        "同意",
    )
    assert await balance(world, client, pool["id"]) == "7000.00"
    tx = (
        await client.get(f"/api/v1/fund-transactions/{done['transaction_id']}", headers=park_admin)
    ).json()
    assert (tx["kind"], tx["category"], tx["memo"]) == ("spending", "training", "党员培训班")
    assert {(e["account_kind"], e["account_label"], e["amount"]) for e in tx["entries"]} == {
        ("pool", "党建工作专项经费", "-3000.00"),
        ("payee", "同鑫陶瓷党支部", "3000.00"),
    }
    before = await row_counts(container)
    r = await client.post(f"{URL}/{req['id']}/approve", headers={**park_admin, **key()})
    assert r.status_code == 409 and r.json()["code"] == "fund.request_decided"
    r = await client.post(f"{URL}/{req['id']}/withdraw", headers=secretary)
    assert r.status_code == 409
    assert await row_counts(container) == before
    # The secretary reads the branch's requests, also after the decision.
    r = await client.get(f"{URL}/{req['id']}", headers=secretary)
    assert r.json()["status"] == "approved"
    audits = await audit_rows(container, "fund_spending_request", req["id"])
    assert [a.action for a in audits] == ["fund.spending_request", "fund.spending_approved"]
    day = (await client.get(f"/api/v1/pools/{pool['id']}/statement", headers=park_admin)).json()
    assert {(m["kind"], m["category"]): m["outflow"] for m in day["movements"]} == {
        ("contribution", None): "0.00",
        ("spending", "training"): "3000.00",
    }
    await assert_ledger_consistent(container)


async def test_bad_requests_write_nothing(world, client, container):
    pool = await make_pool(world, client)
    branch_pool = await make_pool(world, client, org="branch2", purpose="dues")
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    before = await row_counts(container)
    body = {
        "pool_id": pool["id"],
        "org_id": world.ids["branch1"],
        "category": "training",
        "purpose": "培训",
        "amount": "100.00",
    }
    for change, status, code, pointer in (
        ({"category": "loans"}, 422, "fund.category_not_allowed", "/category"),
        ({"amount": "1.001"}, 422, "money.too_many_decimals", "/amount"),
        ({"amount": "0.00"}, 422, "money.not_positive", "/amount"),
        ({"amount": 100}, 422, "validation.string_type", "/amount"),
        # A pool that is not the branch's own or above it is not there for the branch.
        ({"pool_id": branch_pool["id"]}, 404, "fund.pool_not_found", "/pool_id"),
        ({"pool_id": 999999}, 404, "fund.pool_not_found", "/pool_id"),
        # The requesting org must be in the caller's subtree.
        ({"org_id": world.ids["branch2"]}, 404, "org.not_found", "/org_id"),
    ):
        r = await client.post(URL, headers=secretary, json={**body, **change})
        assert r.status_code == status, (change, r.text)
        assert r.json()["errors"][0]["code"] == code, change
        assert r.json()["errors"][0]["pointer"] == pointer, change
    r = await client.post(URL, headers=world.auth(Role.ANALYST, "park"), json=body)
    assert r.status_code == 403
    assert await row_counts(container) == before


async def test_deciders_limits_and_overdraw(world, client, container):
    park_admin = world.auth(Role.PARK_ADMIN, "park")
    street_admin = world.auth(Role.STREET_ADMIN, "street")
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "100000.00")

    # The park's own staff asks its own pool: someone else must decide.
    own = await ask(world, client, pool["id"], "500.00", org="park", headers=park_admin)
    before = await row_counts(container)
    r = await client.post(f"{URL}/{own['id']}/approve", headers={**park_admin, **key()})
    assert r.status_code == 422 and r.json()["code"] == "fund.self_approval"
    # Someone anchored below the pool owner cannot decide, even holding funds:approve.
    branch_approver = world.auth(
        Role.BRANCH_SECRETARY,
        "branch1",
        scopes={s.value for s in scopes_for(Role.BRANCH_SECRETARY)} | {"funds:approve"},
    )
    req = await ask(world, client, pool["id"], "800.00")
    before = await row_counts(container)
    r = await client.post(f"{URL}/{req['id']}/approve", headers={**branch_approver, **key()})
    assert r.status_code == 422 and r.json()["code"] == "fund.approver_not_above"
    r = await client.post(f"{URL}/{req['id']}/reject", headers=branch_approver)
    assert r.status_code == 422 and r.json()["code"] == "fund.approver_not_above"
    assert await row_counts(container) == before
    r = await client.post(f"{URL}/{own['id']}/approve", headers={**street_admin, **key()})
    assert r.status_code == 200 and r.json()["status"] == "approved"

    # Limits per role (settings): a park administrator approves up to 50,000.00.
    big = await ask(world, client, pool["id"], "60000.00")
    before = await row_counts(container)
    r = await client.post(f"{URL}/{big['id']}/approve", headers={**park_admin, **key()})
    assert r.status_code == 422 and r.json()["code"] == "fund.approval_limit_exceeded"
    assert r.json()["limit"] == "50000.00"
    assert await row_counts(container) == before
    r = await client.post(f"{URL}/{big['id']}/approve", headers={**street_admin, **key()})
    assert r.status_code == 200
    assert await balance(world, client, pool["id"]) == "39500.00"

    # Never below zero: an approval the pool cannot pay writes nothing.
    huge = await ask(world, client, pool["id"], "39500.01")
    before = await row_counts(container)
    r = await client.post(f"{URL}/{huge['id']}/approve", headers={**world.auth(), **key()})
    assert r.status_code == 422 and r.json()["code"] == "fund.insufficient_balance"
    assert r.json()["available"] == "39500.00"
    assert await row_counts(container) == before
    r = await client.get(f"{URL}/{huge['id']}", headers=park_admin)
    assert r.json()["status"] == "pending"
    # Exactly the balance is fine.
    exact = await ask(world, client, pool["id"], "39500.00")
    r = await client.post(f"{URL}/{exact['id']}/approve", headers={**park_admin, **key()})
    assert r.status_code == 200
    payout_id = r.json()["transaction_id"]
    assert await balance(world, client, pool["id"]) == "0.00"
    # Reversing the contribution now would overdraw the pool.
    first_tx = (await client.get(f"/api/v1/pools/{pool['id']}/entries", headers=park_admin)).json()
    tx_id = first_tx["items"][0]["transaction_id"]
    r = await client.post(
        f"/api/v1/fund-transactions/{tx_id}/reverse",
        headers={**park_admin, **key()},
        json={"reason": "x"},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.reversal_overdraws"
    # Reversing a payout brings the money back.
    r = await client.post(
        f"/api/v1/fund-transactions/{payout_id}/reverse",
        headers={**park_admin, **key()},
        json={"reason": "退回"},
    )
    assert r.status_code == 201, r.text
    assert await balance(world, client, pool["id"]) == "39500.00"
    await assert_ledger_consistent(container)


async def test_withdraw_reject_and_listing(world, client, container):
    park_admin = world.auth(Role.PARK_ADMIN, "park")
    s1 = world.auth(Role.BRANCH_SECRETARY, "branch1")
    s2 = world.auth(Role.BRANCH_SECRETARY, "branch2")
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "1000.00")
    a = await ask(world, client, pool["id"], "10.00")
    b = await ask(world, client, pool["id"], "20.00", org="branch2", category="publicity")
    c = await ask(world, client, pool["id"], "30.00")
    r = await client.post(f"{URL}/{a['id']}/withdraw", headers=s1)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = await client.post(f"{URL}/{a['id']}/approve", headers={**park_admin, **key()})
    assert r.status_code == 409 and r.json()["status"] == "withdrawn"
    # Another branch neither sees nor withdraws it.
    r = await client.post(f"{URL}/{c['id']}/withdraw", headers=s2)
    assert r.status_code == 404 and r.json()["code"] == "fund.request_not_found"
    r = await client.post(f"{URL}/{c['id']}/reject", headers=park_admin, json={"note": "预算不足"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["decision_note"]) == ("rejected", "预算不足")
    assert await balance(world, client, pool["id"]) == "1000.00"

    r = await client.get(URL, headers=s1)
    assert [x["id"] for x in r.json()["items"]] == [a["id"], c["id"]]
    r = await client.get(URL, headers=park_admin, params={"status": "pending"})
    assert [x["id"] for x in r.json()["items"]] == [b["id"]]
    r = await client.get(URL, headers=park_admin, params={"pool_id": pool["id"], "limit": 2})
    page = r.json()
    assert [x["id"] for x in page["items"]] == [a["id"], b["id"]]
    r = await client.get(
        URL, headers=park_admin, params={"pool_id": pool["id"], "cursor": page["next_cursor"]}
    )
    assert [x["id"] for x in r.json()["items"]] == [c["id"]]
    await assert_ledger_consistent(container)


async def test_graphql_spending(world, client, container):
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "500.00")
    req = """mutation($p: Int!, $o: Int!, $a: String!) { requestSpending(input: {poolId: $p,
      orgId: $o, category: ACTIVITIES, purpose: "主题党日", amount: $a}) {
      request { id status amount } errors { code field } } }"""
    approve = """mutation($id: Int!, $k: String!) { approveSpending(id: $id, idempotencyKey: $k) {
      request { id status transactionId } errors { code } } }"""
    s1 = world.auth(Role.BRANCH_SECRETARY, "branch1")
    park_admin = world.auth(Role.PARK_ADMIN, "park")

    async def gql(q, v, h):
        r = await client.post("/graphql", json={"query": q, "variables": v}, headers=h)
        return r.json()["data"]

    d = await gql(req, {"p": pool["id"], "o": world.ids["branch1"], "a": "200.00"}, s1)
    assert d["requestSpending"]["errors"] == []
    rid = d["requestSpending"]["request"]["id"]
    d = await gql(req, {"p": pool["id"], "o": world.ids["branch1"], "a": "2.001"}, s1)
    assert d["requestSpending"]["errors"] == [
        {"code": "money.too_many_decimals", "field": "/amount"}
    ]
    first = await gql(approve, {"id": rid, "k": "ap-1"}, park_admin)
    assert first["approveSpending"]["request"]["status"] == "APPROVED"
    again = await gql(approve, {"id": rid, "k": "ap-1"}, park_admin)
    assert again == first
    other = await gql(approve, {"id": rid, "k": "ap-2"}, park_admin)
    assert other["approveSpending"]["errors"][0]["code"] == "fund.request_decided"
    assert await balance(world, client, pool["id"]) == "300.00"
    d = await gql(
        "query($p: Int!) { spendingRequests(poolId: $p) { edges { node { id status } } } }",
        {"p": pool["id"]},
        park_admin,
    )
    assert d["spendingRequests"]["edges"] == [{"node": {"id": rid, "status": "APPROVED"}}]
    await assert_ledger_consistent(container)
