"""Reversing a spending request's payout marks the request reversed in the same database
transaction, audited; it is no longer shown as approved (REST and GraphQL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.db.models.funds import FundSpendingRequestRow
from app.domain.auth.scopes import Role
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


async def status_of(container: Any, request_id: int) -> tuple[str, int]:
    async with container.db.read_sessions() as s:
        row = (
            await s.execute(
                sa.select(FundSpendingRequestRow.status, FundSpendingRequestRow.version).where(
                    FundSpendingRequestRow.id == request_id
                )
            )
        ).one()
    return row.status, row.version


async def approved(world: Any, client: Any, pool_id: int, amount: str) -> Any:
    req = await ask(world, client, pool_id, amount)
    r = await client.post(
        f"{URL}/{req['id']}/approve", headers={**world.auth(Role.PARK_ADMIN, "park"), **key()}
    )
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    return r.json()


async def test_reversing_a_payout_marks_the_request_reversed(world, client, container):
    park = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "1000.00")
    req = await approved(world, client, pool["id"], "300.00")
    assert await balance(world, client, pool["id"]) == "700.00"

    # A refused reversal (no reason; outside the subtree) leaves the request approved.
    before = await row_counts(container)
    tx_url = f"/api/v1/fund-transactions/{req['transaction_id']}/reverse"
    r = await client.post(tx_url, headers={**park, **key()}, json={"reason": " "})
    assert r.status_code == 422
    r = await client.post(
        tx_url,
        headers={**world.auth(Role.DISTRICT_ADMIN, "other_district"), **key()},
        json={"reason": "x"},
    )
    assert r.status_code == 404
    assert await row_counts(container) == before
    assert await status_of(container, req["id"]) == ("approved", req["version"])

    r = await client.post(tx_url, headers={**park, **key()}, json={"reason": "活动取消，退回"})
    assert r.status_code == 201, r.text
    reversal = r.json()
    assert reversal["reverses_id"] == req["transaction_id"]
    assert await balance(world, client, pool["id"]) == "1000.00"
    assert await status_of(container, req["id"]) == ("reversed", req["version"] + 1)
    r = await client.get(f"{URL}/{req['id']}", headers=park)
    shown = r.json()
    assert (shown["status"], shown["transaction_id"], shown["decided_by"]) == (
        "reversed",
        req["transaction_id"],
        req["decided_by"],
    )
    assert shown["version"] == req["version"] + 1
    r = await client.get(URL, headers=park, params={"status": "reversed"})
    assert [x["id"] for x in r.json()["items"]] == [req["id"]]
    r = await client.get(URL, headers=park, params={"status": "approved"})
    assert r.json()["items"] == []
    audits = await audit_rows(container, "fund_spending_request", req["id"])
    assert [a.action for a in audits][-1] == "fund.spending_reversed"
    assert audits[-1].changes == {
        "status": "reversed",
        "transaction_id": req["transaction_id"],
        "reversal_id": reversal["id"],
        "reason": "活动取消，退回",
    }
    [tx_audit] = await audit_rows(container, "fund_transaction", reversal["id"])
    assert tx_audit.action == "fund.reverse"

    # Reversed is final: neither decided nor withdrawn again; the payout is not reversed twice.
    before = await row_counts(container)
    for action in ("approve", "reject", "withdraw"):
        headers = (
            {**park, **key()}
            if action != "withdraw"
            else world.auth(Role.BRANCH_SECRETARY, "branch1")
        )
        r = await client.post(f"{URL}/{req['id']}/{action}", headers=headers)
        assert r.status_code == 409 and r.json()["status"] == "reversed", r.text
    r = await client.post(tx_url, headers={**park, **key()}, json={"reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "fund.already_reversed"
    assert await row_counts(container) == before
    await assert_ledger_consistent(container)


async def test_reversing_other_movements_leaves_requests_alone(world, client, container):
    park = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client)
    tx = await contribute(world, client, pool["id"], "1000.00")
    extra = await contribute(world, client, pool["id"], "50.00")
    req = await approved(world, client, pool["id"], "300.00")
    r = await client.post(
        f"/api/v1/fund-transactions/{extra['id']}/reverse",
        headers={**park, **key()},
        json={"reason": "录错"},
    )
    assert r.status_code == 201, r.text
    assert await status_of(container, req["id"]) == ("approved", req["version"])
    assert tx["id"] != req["transaction_id"]


async def test_graphql_shows_the_reversed_request(world, client, container):
    park = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "1000.00")
    req = await approved(world, client, pool["id"], "120.00")
    reverse = """mutation($id: Int!) { reverseFundTransaction(id: $id, reason: "退回",
        idempotencyKey: "rev-1") { transaction { id reversesId } errors { code } } }"""
    r = await client.post(
        "/graphql",
        json={"query": reverse, "variables": {"id": req["transaction_id"]}},
        headers=park,
    )
    payload = r.json()["data"]["reverseFundTransaction"]
    assert payload["errors"] == [] and payload["transaction"]["reversesId"] == req["transaction_id"]
    query = "query($id: Int!) { spendingRequest(id: $id) { status transactionId } }"
    r = await client.post(
        "/graphql", json={"query": query, "variables": {"id": req["id"]}}, headers=park
    )
    assert r.json()["data"]["spendingRequest"] == {
        "status": "REVERSED",
        "transactionId": req["transaction_id"],
    }
    assert await status_of(container, req["id"]) == ("reversed", req["version"] + 1)
