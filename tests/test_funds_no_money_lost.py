"""The issue's proof that no money is lost (bites on PostgreSQL; passes on SQLite too): many
concurrent clients post contributions, spending approvals, loan disbursements, repayments and
relief payments against a few hot pools, a tenth of them sent twice with the same key at the
same moment, some of them overdrawing. Afterwards the money inside equals what came in minus
what was paid out, every balance equals the sum of its entries, every transaction balances,
each key moved money at most once, nothing is negative and every refusal is a problem."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import sqlalchemy as sa

from app.db.models import FundTransactionRow
from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise
from tests.fund_fixtures import (
    apply_loan,
    ask,
    assert_ledger_consistent,
    contribute,
    lend,
    make_pool,
)

REFUSALS = {
    "fund.insufficient_balance",
    "fund.exposure_limit_exceeded",
    "fund.repayment_exceeds_outstanding",
    "fund.request_decided",
    "fund.loan_status",
}


def fen(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


async def test_no_money_lost_under_concurrent_mixed_traffic(world, client, container):
    rnd = random.Random(20261122)
    park = world.auth(Role.PARK_ADMIN, "park")
    street = world.auth(Role.STREET_ADMIN, "street")
    special = await make_pool(world, client, purpose="special_fund")
    mutual = await make_pool(world, client, purpose="mutual_aid")
    relief = await make_pool(world, client, purpose="relief")
    firms = [(await make_enterprise(world, client, 4700 + n))["id"] for n in range(8)]
    entered = 0  # money in from outside (contributions)
    paid_out = 0  # money out to payees (spending, relief)
    for pool, amount in ((special, "5000.00"), (mutual, "20000.00"), (relief, "3000.00")):
        await contribute(world, client, pool["id"], amount, "park_operator")
        entered += fen(amount)
    # Set-up that the traffic acts on: pending spending requests, approved loans, loans out.
    requests = [
        await ask(world, client, special["id"], f"{rnd.randint(3, 12)}00.00") for _ in range(12)
    ]
    approved = []
    for n in range(6):
        loan = await apply_loan(
            world, client, mutual["id"], firms[n], "4000.00", [("2999-01-01", "4000.00")]
        )
        r = await client.post(f"/api/v1/loans/{loan['id']}/approve", headers=park)
        assert r.status_code == 200, r.text
        approved.append(loan["id"])
    out = [
        await lend(
            world, client, mutual["id"], firms[6 + n], "1000.00", [("2999-01-01", "1000.00")]
        )
        for n in range(2)
    ]
    survey = (
        await client.post(
            "/api/v1/relief/surveys",
            headers=park,
            json={
                "org_id": world.ids["park"],
                "year": 2020,
                "quarter": 2,
                "title": "摸底",
                "entries": [
                    {"kind": "worker", "name": f"职工{n}", "hardship": "x"} for n in range(4)
                ],
            },
        )
    ).json()
    async with container.db.read_sessions() as s:
        tx_before = (
            await s.execute(sa.select(sa.func.count()).select_from(FundTransactionRow))
        ).scalar_one()

    # The traffic: (kind, method path, body, amount in fen moved out to payees or in).
    ops: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = []
    for n in range(20):
        pool = rnd.choice([special, mutual, relief])
        ops.append(
            (
                "contribution",
                f"/api/v1/pools/{pool['id']}/contributions",
                {
                    "amount": f"{rnd.randint(1, 900)}.{rnd.randint(0, 99):02d}",
                    "source_kind": "street_finance",
                    "voucher": f"S{n}",
                },
                park,
            )
        )
    for req in requests:
        ops.append(("spending", f"/api/v1/spending-requests/{req['id']}/approve", None, street))
    for loan_id in approved:
        ops.append(("disbursement", f"/api/v1/loans/{loan_id}/disburse", None, park))
    for loan in out:
        for _ in range(3):
            ops.append(
                ("repayment", f"/api/v1/loans/{loan['id']}/repayments", {"amount": "400.00"}, park)
            )
    for entry in survey["entries"]:
        for _ in range(2):
            ops.append(
                (
                    "relief",
                    "/api/v1/relief/payments",
                    {
                        "pool_id": relief["id"],
                        "survey_id": survey["id"],
                        "entry_id": entry["id"],
                        "amount": "500.00",
                    },
                    park,
                )
            )
    calls = []
    for n, (kind, path, body, who) in enumerate(ops):
        headers = {**who, "Idempotency-Key": f"mix-{n}"}
        calls.append((n, kind, path, body, headers))
        if rnd.random() < 0.1:  # the same request again, at the same moment, same key
            calls.append((n, kind, path, body, headers))
    rnd.shuffle(calls)
    results = await asyncio.gather(
        *[client.post(path, headers=h, json=body) for _, _, path, body, h in calls]
    )

    moved: dict[int, Any] = {}
    for (n, kind, _path, body, _h), r in zip(calls, results, strict=True):
        if r.status_code in (200, 201):
            data = r.json()
            if n in moved:
                assert moved[n] == data, "a replay answered differently"
                continue
            moved[n] = data
            if kind == "contribution":
                entered += fen(body["amount"])
            elif kind == "spending" or kind == "relief":
                paid_out += fen(data["amount"])
        else:
            assert r.headers["content-type"].startswith("application/problem+json")
            code = r.json()["code"]
            assert r.status_code in (409, 422), r.text
            assert code in REFUSALS or code == "idempotency.in_progress", r.text

    # Money inside equals money entered minus money paid out; loans only move it inside.
    pools = [
        (await client.get(f"/api/v1/pools/{p['id']}", headers=park)).json()
        for p in (special, mutual, relief)
    ]
    inside = sum(fen(p["balance"]) + fen(p["loans_outstanding"]) for p in pools)
    assert inside == entered - paid_out
    # One transaction per key that moved money (a refused attempt leaves no transaction).
    async with container.db.read_sessions() as s:
        tx_after = (
            await s.execute(sa.select(sa.func.count()).select_from(FundTransactionRow))
        ).scalar_one()
    assert tx_after - tx_before == len(moved)
    # Some of each kind went through, and some overdraws were refused.
    kinds = {kind for n, kind, *_ in calls if n in moved}
    assert kinds == {"contribution", "spending", "disbursement", "repayment", "relief"}
    assert any(r.status_code == 422 for r in results)
    await assert_ledger_consistent(container)
