"""Races on the ledger (both databases; they bite on PostgreSQL): the same key at the same
moment moves money once, and concurrent postings to one pool lose nothing."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import FundTransactionRow
from tests.fund_fixtures import assert_ledger_consistent, balance, make_pool


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
