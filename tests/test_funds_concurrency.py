"""Races on the ledger (both databases; they bite on PostgreSQL): the same key at the same
moment moves money once, and concurrent postings to one pool lose nothing."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import FundTransactionRow
from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise
from tests.fund_fixtures import (
    ask,
    assert_ledger_consistent,
    balance,
    contribute,
    lend,
    make_pool,
)


async def test_concurrent_contributions_and_duplicate_keys(world, client, container):
    pool = await make_pool(world, client)
    url = f"/api/v1/pools/{pool['id']}/contributions"
    h = world.auth()

    def post(n: int, key: str):
        return client.post(
            url,
            headers={**h, "Idempotency-Key": key},
            json={"amount": f"{n}.01", "source_kind": "park_operator", "voucher": f"V{n}"},
        )

    # 12 distinct contributions, each sent three times at once with the same key.
    results = await asyncio.gather(*[post(n, f"dup-{n}") for n in range(1, 13) for _ in range(3)])
    assert all(r.status_code in (201, 409) for r in results), [r.text for r in results]
    by_key: dict[str, set[int]] = {}
    for n, r in zip([n for n in range(1, 13) for _ in range(3)], results, strict=True):
        if r.status_code == 201:
            by_key.setdefault(f"dup-{n}", set()).add(r.json()["id"])
    assert all(len(ids) == 1 for ids in by_key.values()), by_key
    # Retry anything that answered "in progress": it replays, never moves money again.
    for n in range(1, 13):
        r = await post(n, f"dup-{n}")
        assert r.status_code == 201
    async with container.db.read_sessions() as s:
        count = (
            await s.execute(sa.select(sa.func.count()).select_from(FundTransactionRow))
        ).scalar_one()
    assert count == 12
    expected = sum(n * 100 + 1 for n in range(1, 13))
    assert await balance(world, client, pool["id"]) == f"{expected // 100}.{expected % 100:02d}"
    await assert_ledger_consistent(container)


async def test_concurrent_approvals_never_overdraw(world, client, container):
    """Ten approvals of 300.00 against 1,000.00 at once, one of them sent twice with the same
    key: three pay out, the rest are refused with a problem, the duplicate moves money once."""
    park_admin = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client)
    await contribute(world, client, pool["id"], "1000.00")
    requests = [await ask(world, client, pool["id"], "300.00") for _ in range(10)]

    def approve(req_id: int, key: str):
        return client.post(
            f"/api/v1/spending-requests/{req_id}/approve",
            headers={**park_admin, "Idempotency-Key": key},
        )

    calls = [approve(r["id"], f"ap-{r['id']}") for r in requests]
    calls.append(approve(requests[0]["id"], f"ap-{requests[0]['id']}"))
    results = await asyncio.gather(*calls)
    codes = [r.status_code for r in results]
    assert set(codes) <= {200, 409, 422}, [r.text for r in results]
    refused = [r.json()["code"] for r in results if r.status_code == 422]
    assert set(refused) <= {"fund.insufficient_balance"}, refused
    async with container.db.read_sessions() as s:
        paid = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(FundTransactionRow)
                .where(FundTransactionRow.kind == "spending")
            )
        ).scalar_one()
    assert paid == 3
    assert await balance(world, client, pool["id"]) == "100.00"
    # The duplicate answered like the first (or "in progress"), never a second payout; a
    # refused first attempt leaves the key unused, so the duplicate is refused on its own.
    first, dup = results[0], results[-1]
    if first.status_code == 200 and dup.status_code == 200:
        assert dup.json() == first.json()
    elif dup.status_code != 409:
        assert (dup.status_code, dup.json()["code"]) == (first.status_code, first.json()["code"])
    statuses = [
        (await client.get(f"/api/v1/spending-requests/{r['id']}", headers=park_admin)).json()[
            "status"
        ]
        for r in requests
    ]
    assert statuses.count("approved") == 3 and statuses.count("pending") == 7
    await assert_ledger_consistent(container)


async def test_concurrent_repayments_never_exceed_the_loan(world, client, container):
    """Five repayments of 300.00 against 1,000.00 outstanding at once: three land, the others
    are refused, and loans receivable never goes below zero."""
    pool = await make_pool(world, client, purpose="mutual_aid")
    await contribute(world, client, pool["id"], "5000.00", "park_operator")
    ent = await make_enterprise(world, client, 4501)
    loan = await lend(world, client, pool["id"], ent["id"], "1000.00", [("2999-01-01", "1000.00")])
    park = world.auth(Role.PARK_ADMIN, "park")
    results = await asyncio.gather(
        *[
            client.post(
                f"/api/v1/loans/{loan['id']}/repayments",
                headers={**park, "Idempotency-Key": f"rp-{n}"},
                json={"amount": "300.00"},
            )
            for n in range(5)
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 200, 200, 422, 422], [r.text for r in results]
    assert {r.json()["code"] for r in results if r.status_code == 422} == {
        "fund.repayment_exceeds_outstanding"
    }
    got = (await client.get(f"/api/v1/loans/{loan['id']}", headers=park)).json()
    assert (got["repaid"], got["outstanding"]) == ("900.00", "100.00")
    pool_now = (await client.get(f"/api/v1/pools/{pool['id']}", headers=park)).json()
    assert (pool_now["balance"], pool_now["loans_outstanding"]) == ("4900.00", "100.00")
    await assert_ledger_consistent(container)
