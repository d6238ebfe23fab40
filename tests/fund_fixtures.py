"""Helpers for the funding-ledger tests: API shortcuts and the ledger's invariants."""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    FundAccountRow,
    FundEntryRow,
    FundPoolRow,
    FundSpendingRequestRow,
    FundTransactionRow,
    IdempotencyRow,
)
from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise
from tests.member_fixtures import make_member

_keys = itertools.count(1)


def key() -> dict[str, str]:
    """A fresh Idempotency-Key header."""
    return {"Idempotency-Key": f"k-{next(_keys)}"}


async def make_pool(
    world: Any, client: Any, org: str = "park", purpose: str = "special_fund", **kw: Any
) -> Any:
    body = {
        "org_id": world.ids[org],
        "name": kw.pop("name", f"{org} {purpose}"),
        "purpose": purpose,
    }
    headers = kw.pop("headers", None) or world.auth()
    body.update(kw)
    r = await client.post("/api/v1/pools", headers=headers, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def contribute(
    world: Any,
    client: Any,
    pool_id: int,
    amount: str,
    source_kind: str = "street_finance",
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> Any:
    body = {"amount": amount, "source_kind": source_kind, "voucher": kw.pop("voucher", "V-1")}
    body.update(kw)
    r = await client.post(
        f"/api/v1/pools/{pool_id}/contributions",
        headers={**(headers or world.auth()), **key()},
        json=body,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def balance(world: Any, client: Any, pool_id: int) -> str:
    r = await client.get(f"/api/v1/pools/{pool_id}", headers=world.auth())
    assert r.status_code == 200, r.text
    return str(r.json()["balance"])


async def row_counts(container: Any) -> dict[str, int]:
    """Rows per table the ledger writes, to prove a refusal writes nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (
            FundPoolRow,
            FundAccountRow,
            FundTransactionRow,
            FundEntryRow,
            FundSpendingRequestRow,
            AuditRow,
            IdempotencyRow,
        ):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
        total = (await s.execute(sa.select(sa.func.sum(FundAccountRow.balance_fen)))).scalar()
        out["balance_sum"] = int(total or 0)
    return out


async def assert_ledger_consistent(container: Any) -> None:
    """Every balance equals the sum of its entries, every transaction balances, no asset
    account is negative, and all the money in the books sums to zero (double entry)."""
    async with container.db.read_sessions() as s:
        sums = dict(
            (
                await s.execute(
                    sa.select(
                        FundEntryRow.account_id, sa.func.sum(FundEntryRow.amount_fen)
                    ).group_by(FundEntryRow.account_id)
                )
            ).all()
        )
        for acc in (await s.execute(sa.select(FundAccountRow))).scalars():
            assert acc.balance_fen == int(sums.get(acc.id, 0)), (acc.id, acc.balance_fen)
            if acc.kind in ("pool", "loans_receivable"):
                assert acc.balance_fen >= 0, acc.id
        unbalanced = (
            await s.execute(
                sa.select(FundEntryRow.transaction_id)
                .group_by(FundEntryRow.transaction_id)
                .having(sa.func.sum(FundEntryRow.amount_fen) != 0)
            )
        ).all()
        assert not unbalanced, unbalanced
        orphans = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(FundTransactionRow)
                .outerjoin(FundEntryRow, FundEntryRow.transaction_id == FundTransactionRow.id)
                .where(FundEntryRow.id.is_(None))
            )
        ).scalar_one()
        assert orphans == 0
        total = (await s.execute(sa.select(sa.func.sum(FundAccountRow.balance_fen)))).scalar()
        assert int(total or 0) == 0


# For tests/test_route_guard.py: objects to aim the fund routes at from another district.
async def fund_samples(world: Any, client: Any) -> dict[str, Any]:
    pool = await make_pool(world, client, name="guarded pool")
    tx = await contribute(world, client, pool["id"], "100.00")
    samples = {"pool_id": pool["id"], "transaction_id": tx["id"]}
    samples.update(await spending_samples(world, client, pool["id"]))
    samples.update(await loan_samples(world, client))
    samples.update(await dues_samples(world, client))
    samples.update(await relief_samples(world, client))
    return samples


FUND_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/pools"): lambda s: {
        "org_id": s["org_id"],
        "name": "x",
        "purpose": "special_fund",
    },
    ("POST", "/api/v1/pools/{pool_id}/contributions"): lambda s: {
        "amount": "1.00",
        "source_kind": "street_finance",
        "voucher": "V-x",
    },
    ("POST", "/api/v1/fund-transactions/{transaction_id}/reverse"): lambda s: {"reason": "x"},
}
FUND_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/pools"): lambda s: {"org_id": s["org_id"]},
}
FUND_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/pools/{pool_id}/contributions"): {"Idempotency-Key": "guard-1"},
    ("POST", "/api/v1/fund-transactions/{transaction_id}/reverse"): {"Idempotency-Key": "guard-2"},
}
FUND_GRAPHQL: dict[str, tuple[str, Any]] = {
    "pool": ("query($id: Int!) { pool(id: $id) { id } }", lambda s: {"id": s["pool_id"]}),
    "pools": (
        "query($id: Int) { pools(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "poolEntries": (
        "query($id: Int!) { poolEntries(poolId: $id) { edges { cursor } } }",
        lambda s: {"id": s["pool_id"]},
    ),
    "poolStatement": (
        "query($id: Int!) { poolStatement(poolId: $id) { opening } }",
        lambda s: {"id": s["pool_id"]},
    ),
    "fundTransaction": (
        "query($id: Int!) { fundTransaction(id: $id) { id } }",
        lambda s: {"id": s["transaction_id"]},
    ),
    "createPool": (
        'mutation($id: Int!) { createPool(input: {orgId: $id, name: "x", '
        "purpose: SPECIAL_FUND}) { errors { code } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "contribute": (
        'mutation($id: Int!) { contribute(poolId: $id, idempotencyKey: "g1", input: '
        '{amount: "1.00", sourceKind: STREET_FINANCE, voucher: "V"}) { errors { code } } }',
        lambda s: {"id": s["pool_id"]},
    ),
    "reverseFundTransaction": (
        'mutation($id: Int!) { reverseFundTransaction(id: $id, reason: "x", '
        'idempotencyKey: "g2") { errors { code } } }',
        lambda s: {"id": s["transaction_id"]},
    ),
}


async def audit_rows(container: Any, target_type: str, target_id: int) -> list[AuditRow]:
    async with container.db.read_sessions() as s:
        stmt = (
            sa.select(AuditRow)
            .where(AuditRow.target_type == target_type, AuditRow.target_id == str(target_id))
            .order_by(AuditRow.id)
        )
        return list((await s.execute(stmt)).scalars())


async def ask(
    world: Any,
    client: Any,
    pool_id: int,
    amount: str,
    org: str = "branch1",
    category: str = "training",
    headers: dict[str, str] | None = None,
) -> Any:
    """A spending request, by the branch secretary of ``org`` unless other headers are given."""
    r = await client.post(
        "/api/v1/spending-requests",
        headers=headers or world.auth(Role.BRANCH_SECRETARY, org),
        json={
            "pool_id": pool_id,
            "org_id": world.ids[org],
            "category": category,
            "purpose": "党员培训班",
            "amount": amount,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def spending_samples(world: Any, client: Any, pool_id: int) -> dict[str, Any]:
    req = await ask(world, client, pool_id, "1.00")
    return {"request_id": req["id"]}


SPENDING_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/spending-requests"): lambda s: {
        "pool_id": s["pool_id"],
        "org_id": s["org_id"],
        "category": "training",
        "purpose": "x",
        "amount": "1.00",
    },
    ("POST", "/api/v1/spending-requests/{request_id}/approve"): lambda s: {},
    ("POST", "/api/v1/spending-requests/{request_id}/reject"): lambda s: {},
    ("POST", "/api/v1/spending-requests/{request_id}/withdraw"): lambda s: {},
}
SPENDING_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/spending-requests"): lambda s: {"org_id": s["org_id"]},
}
SPENDING_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/spending-requests/{request_id}/approve"): {"Idempotency-Key": "guard-3"},
}
SPENDING_GRAPHQL: dict[str, tuple[str, Any]] = {
    "spendingRequest": (
        "query($id: Int!) { spendingRequest(id: $id) { id } }",
        lambda s: {"id": s["request_id"]},
    ),
    "spendingRequests": (
        "query($id: Int) { spendingRequests(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "requestSpending": (
        "mutation($p: Int!, $o: Int!) { requestSpending(input: {poolId: $p, orgId: $o, "
        'category: TRAINING, purpose: "x", amount: "1.00"}) { errors { code } } }',
        lambda s: {"p": s["pool_id"], "o": s["org_id"]},
    ),
    "approveSpending": (
        'mutation($id: Int!) { approveSpending(id: $id, idempotencyKey: "g3") '
        "{ errors { code } } }",
        lambda s: {"id": s["request_id"]},
    ),
    "rejectSpending": (
        "mutation($id: Int!) { rejectSpending(id: $id) { errors { code } } }",
        lambda s: {"id": s["request_id"]},
    ),
    "withdrawSpending": (
        "mutation($id: Int!) { withdrawSpending(id: $id) { errors { code } } }",
        lambda s: {"id": s["request_id"]},
    ),
}
FUND_BODIES |= SPENDING_BODIES
FUND_QUERIES |= SPENDING_QUERIES
FUND_HEADERS |= SPENDING_HEADERS
FUND_GRAPHQL |= SPENDING_GRAPHQL


async def apply_loan(
    world: Any,
    client: Any,
    pool_id: int,
    enterprise_id: int,
    amount: str,
    schedule: list[tuple[str, str]],
    guarantees: list[tuple[int, str]] | None = None,
) -> Any:
    r = await client.post(
        "/api/v1/loans",
        headers=world.auth(),
        json={
            "pool_id": pool_id,
            "enterprise_id": enterprise_id,
            "amount": amount,
            "purpose": "疫情期间应急周转",
            "schedule": [{"due_on": d, "amount": a} for d, a in schedule],
            "guarantees": [{"enterprise_id": e, "amount": a} for e, a in guarantees or []],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def lend(world: Any, client: Any, *args: Any, **kw: Any) -> Any:
    """Apply (district), approve and disburse (park committee): the loan, disbursed."""
    loan = await apply_loan(world, client, *args, **kw)
    park = world.auth(Role.PARK_ADMIN, "park")
    r = await client.post(f"/api/v1/loans/{loan['id']}/approve", headers=park)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/loans/{loan['id']}/disburse", headers={**park, **key()})
    assert r.status_code == 200, r.text
    return r.json()


async def repay(world: Any, client: Any, loan_id: int, amount: str) -> Any:
    r = await client.post(
        f"/api/v1/loans/{loan_id}/repayments",
        headers={**world.auth(Role.PARK_ADMIN, "park"), **key()},
        json={"amount": amount, "voucher": "HK"},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def loan_samples(world: Any, client: Any) -> dict[str, Any]:
    pool = await make_pool(world, client, purpose="mutual_aid", name="guarded mutual aid")
    await contribute(world, client, pool["id"], "1000.00", "park_operator")
    ent = await make_enterprise(world, client, 90101)
    loan = await apply_loan(
        world, client, pool["id"], ent["id"], "10.00", [("2999-01-01", "10.00")]
    )
    return {"loan_id": loan["id"], "loan_pool_id": pool["id"], "borrower_id": ent["id"]}


LOAN_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/loans"): lambda s: {
        "pool_id": s["loan_pool_id"],
        "enterprise_id": s["borrower_id"],
        "amount": "1.00",
        "purpose": "x",
        "schedule": [{"due_on": "2999-01-01", "amount": "1.00"}],
    },
    ("POST", "/api/v1/loans/{loan_id}/approve"): lambda s: {},
    ("POST", "/api/v1/loans/{loan_id}/reject"): lambda s: {"reason": "x"},
    ("POST", "/api/v1/loans/{loan_id}/disburse"): lambda s: {},
    ("POST", "/api/v1/loans/{loan_id}/repayments"): lambda s: {"amount": "1.00"},
}
LOAN_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/loans"): lambda s: {"org_id": s["org_id"]},
}
LOAN_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/loans/{loan_id}/disburse"): {"Idempotency-Key": "guard-4"},
    ("POST", "/api/v1/loans/{loan_id}/repayments"): {"Idempotency-Key": "guard-5"},
}
LOAN_GRAPHQL: dict[str, tuple[str, Any]] = {
    "loan": ("query($id: Int!) { loan(id: $id) { id } }", lambda s: {"id": s["loan_id"]}),
    "loans": (
        "query($id: Int) { loans(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "applyForLoan": (
        "mutation($p: Int!, $e: Int!) { applyForLoan(input: {poolId: $p, enterpriseId: $e, "
        'amount: "1.00", purpose: "x", schedule: [{dueOn: "2999-01-01", amount: "1.00"}]}) '
        "{ errors { code } } }",
        lambda s: {"p": s["loan_pool_id"], "e": s["borrower_id"]},
    ),
    "approveLoan": (
        "mutation($id: Int!) { approveLoan(id: $id) { errors { code } } }",
        lambda s: {"id": s["loan_id"]},
    ),
    "rejectLoan": (
        'mutation($id: Int!) { rejectLoan(id: $id, reason: "x") { errors { code } } }',
        lambda s: {"id": s["loan_id"]},
    ),
    "disburseLoan": (
        'mutation($id: Int!) { disburseLoan(id: $id, idempotencyKey: "g4") { errors { code } } }',
        lambda s: {"id": s["loan_id"]},
    ),
    "repayLoan": (
        'mutation($id: Int!) { repayLoan(id: $id, amount: "1.00", idempotencyKey: "g5") '
        "{ errors { code } } }",
        lambda s: {"id": s["loan_id"]},
    ),
}
FUND_BODIES |= LOAN_BODIES
FUND_QUERIES |= LOAN_QUERIES
FUND_HEADERS |= LOAN_HEADERS
FUND_GRAPHQL |= LOAN_GRAPHQL


async def dues_samples(world: Any, client: Any) -> dict[str, Any]:
    h = world.auth()
    member = await make_member(world, client, 902, org="general")
    r = await client.put(
        f"/api/v1/dues/profiles/{member['id']}", headers=h, json={"category": "student"}
    )
    assert r.status_code == 200, r.text
    general_pool = await make_pool(world, client, org="general", purpose="dues")
    park_pool = await make_pool(world, client, org="park", purpose="dues")
    r = await client.post(
        "/api/v1/dues/bills",
        headers=h,
        json={"org_id": world.ids["general"], "month": "2020-01-01"},
    )
    assert r.status_code == 201, r.text
    return {
        "dues_member_id": member["id"],
        "bill_id": r.json()["id"],
        "dues_pool_id": general_pool["id"],
        "park_dues_pool_id": park_pool["id"],
    }


DUES_BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/api/v1/dues/profiles/{member_id}"): lambda s: {"category": "student"},
    ("POST", "/api/v1/dues/bills"): lambda s: {"org_id": s["org_id"], "month": "2020-02-01"},
    ("POST", "/api/v1/dues/payments"): lambda s: {
        "bill_id": s["bill_id"],
        "member_id": s["dues_member_id"],
        "amount": "0.20",
    },
    ("POST", "/api/v1/dues/remittances"): lambda s: {
        "from_pool_id": s["dues_pool_id"],
        "to_pool_id": s["park_dues_pool_id"],
        "amount": "0.20",
    },
    ("POST", "/api/v1/dues/returns"): lambda s: {
        "from_pool_id": s["park_dues_pool_id"],
        "to_pool_id": s["dues_pool_id"],
    },
}
DUES_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/dues/bills"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/dues/arrears"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/dues/returns"): lambda s: {"pool_id": s["park_dues_pool_id"]},
}
DUES_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/dues/payments"): {"Idempotency-Key": "guard-6"},
    ("POST", "/api/v1/dues/remittances"): {"Idempotency-Key": "guard-7"},
    ("POST", "/api/v1/dues/returns"): {"Idempotency-Key": "guard-8"},
}
DUES_GRAPHQL: dict[str, tuple[str, Any]] = {
    "duesProfile": (
        "query($id: Int!) { duesProfile(memberId: $id) { memberId } }",
        lambda s: {"id": s["dues_member_id"]},
    ),
    "duesBill": ("query($id: Int!) { duesBill(id: $id) { id } }", lambda s: {"id": s["bill_id"]}),
    "duesBills": (
        "query($id: Int) { duesBills(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "duesArrears": (
        "query($id: Int) { duesArrears(orgId: $id) { memberId } }",
        lambda s: {"id": s["org_id"]},
    ),
    "duesReturns": (
        "query($id: Int!) { duesReturns(poolId: $id) { poolId } }",
        lambda s: {"id": s["park_dues_pool_id"]},
    ),
    "setDuesProfile": (
        "mutation($id: Int!) { setDuesProfile(memberId: $id, category: STUDENT) "
        "{ errors { code } } }",
        lambda s: {"id": s["dues_member_id"]},
    ),
    "createDuesBill": (
        'mutation($id: Int!) { createDuesBill(orgId: $id, month: "2020-02-01") '
        "{ errors { code } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "payDues": (
        'mutation($b: Int!, $m: Int!) { payDues(billId: $b, memberId: $m, amount: "0.20", '
        'idempotencyKey: "g6") { errors { code } } }',
        lambda s: {"b": s["bill_id"], "m": s["dues_member_id"]},
    ),
    "remitDues": (
        "mutation($f: Int!, $t: Int!) { remitDues(fromPoolId: $f, toPoolId: $t, "
        'amount: "0.20", idempotencyKey: "g7") { errors { code } } }',
        lambda s: {"f": s["dues_pool_id"], "t": s["park_dues_pool_id"]},
    ),
    "returnDues": (
        "mutation($f: Int!, $t: Int!) { returnDues(fromPoolId: $f, toPoolId: $t, "
        'idempotencyKey: "g8") { errors { code } } }',
        lambda s: {"f": s["park_dues_pool_id"], "t": s["dues_pool_id"]},
    ),
}
FUND_BODIES |= DUES_BODIES
FUND_QUERIES |= DUES_QUERIES
FUND_HEADERS |= DUES_HEADERS
FUND_GRAPHQL |= DUES_GRAPHQL


async def relief_samples(world: Any, client: Any) -> dict[str, Any]:
    pool = await make_pool(world, client, purpose="relief", name="guarded relief")
    await contribute(world, client, pool["id"], "100.00", "park_operator")
    r = await client.post(
        "/api/v1/relief/surveys",
        headers=world.auth(),
        json={
            "org_id": world.ids["park"],
            "year": 2020,
            "quarter": 1,
            "title": "x",
            "entries": [{"kind": "worker", "name": "x", "hardship": "x"}],
        },
    )
    assert r.status_code == 201, r.text
    survey = r.json()
    return {
        "survey_id": survey["id"],
        "relief_entry_id": survey["entries"][0]["id"],
        "relief_pool_id": pool["id"],
    }


RELIEF_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/relief/surveys"): lambda s: {
        "org_id": s["org_id"],
        "year": 2020,
        "quarter": 2,
        "title": "x",
        "entries": [{"kind": "worker", "name": "x", "hardship": "x"}],
    },
    ("POST", "/api/v1/relief/payments"): lambda s: {
        "pool_id": s["relief_pool_id"],
        "survey_id": s["survey_id"],
        "entry_id": s["relief_entry_id"],
        "amount": "1.00",
    },
}
RELIEF_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/relief/surveys"): lambda s: {"org_id": s["org_id"]},
}
RELIEF_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/relief/payments"): {"Idempotency-Key": "guard-9"},
}
RELIEF_GRAPHQL: dict[str, tuple[str, Any]] = {
    "reliefSurvey": (
        "query($id: Int!) { reliefSurvey(id: $id) { id } }",
        lambda s: {"id": s["survey_id"]},
    ),
    "reliefSurveys": (
        "query($id: Int) { reliefSurveys(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "moneyFlows": (
        "query($id: Int) { moneyFlows(orgId: $id) { inflow } }",
        lambda s: {"id": s["org_id"]},
    ),
    "createReliefSurvey": (
        "mutation($id: Int!) { createReliefSurvey(orgId: $id, year: 2020, quarter: 2, "
        'title: "x", entries: [{kind: WORKER, name: "x", hardship: "x"}]) { errors { code } } }',
        lambda s: {"id": s["org_id"]},
    ),
    "payRelief": (
        "mutation($p: Int!, $s: Int!, $e: Int!) { payRelief(poolId: $p, surveyId: $s, "
        'entryId: $e, amount: "1.00", idempotencyKey: "g9") { errors { code } } }',
        lambda s: {"p": s["relief_pool_id"], "s": s["survey_id"], "e": s["relief_entry_id"]},
    ),
}
FUND_BODIES |= RELIEF_BODIES
FUND_QUERIES |= RELIEF_QUERIES
FUND_HEADERS |= RELIEF_HEADERS
FUND_GRAPHQL |= RELIEF_GRAPHQL
