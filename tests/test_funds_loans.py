"""The enterprises' mutual-aid pool: applications with schedules and guarantees, approval,
disbursement to loans receivable, repayments, exposure and availability limits, overdue
loans, and the 德化 numbers (3,000,000.00 raised, seven loans of 8,500,000.00 in all)."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from tests.enterprise_fixtures import make_enterprise
from tests.fund_fixtures import (
    apply_loan,
    assert_ledger_consistent,
    balance,
    contribute,
    key,
    lend,
    make_pool,
    repay,
    row_counts,
)


def at(day: str) -> dt.datetime:
    """10:00 in Shanghai on ``day``."""
    return dt.datetime.fromisoformat(day).replace(hour=2, tzinfo=dt.UTC)


async def test_dehua_mutual_aid_pool_revolves(world, client, container):
    clock = FixedClock(at("2020-02-03"))
    container.clock = clock
    park = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client, purpose="mutual_aid", name="企业互助资金池")
    firms = [await make_enterprise(world, client, 4200 + n, name=f"陶瓷企业{n}") for n in range(10)]
    for firm in firms:  # ten enterprises raise 3,000,000.00
        await contribute(
            world, client, pool["id"], "300000.00", "enterprise", enterprise_id=firm["id"]
        )
    assert await balance(world, client, pool["id"]) == "3000000.00"
    a, b, c, d, e, f, g = (x["id"] for x in firms[:7])

    l1 = await lend(
        world,
        client,
        pool["id"],
        a,
        "2000000.00",
        [("2020-04-30", "1000000.00"), ("2020-06-30", "1000000.00")],
        guarantees=[(b, "1000000.00"), (c, "1000000.00")],
    )
    assert (l1["status"], l1["outstanding"], l1["next_due_on"]) == (
        "disbursed",
        "2000000.00",
        "2020-04-30",
    )
    assert [x["enterprise_name"] for x in l1["guarantees"]] == ["陶瓷企业1", "陶瓷企业2"]
    l2 = await lend(world, client, pool["id"], b, "1000000.00", [("2020-05-31", "1000000.00")])
    r = (await client.get(f"/api/v1/pools/{pool['id']}", headers=park)).json()
    assert (r["balance"], r["loans_outstanding"]) == ("0.00", "3000000.00")

    # The pool is lent out: the next application does not fit until loans come back.
    before = await row_counts(container)
    r = await client.post(
        "/api/v1/loans",
        headers=world.auth(),
        json={
            "pool_id": pool["id"],
            "enterprise_id": c,
            "amount": "1500000.00",
            "purpose": "应急",
            "schedule": [{"due_on": "2020-08-31", "amount": "1500000.00"}],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.insufficient_balance"
    assert await row_counts(container) == before

    clock.at = at("2020-04-28")
    await repay(world, client, l1["id"], "1000000.00")
    clock.at = at("2020-05-20")
    done = await repay(world, client, l1["id"], "1000000.00")
    assert (done["status"], done["outstanding"], done["next_due_on"]) == ("repaid", "0.00", None)
    l3 = await lend(world, client, pool["id"], c, "1500000.00", [("2020-08-31", "1500000.00")])
    await repay(world, client, l2["id"], "1000000.00")
    l4 = await lend(world, client, pool["id"], d, "1500000.00", [("2020-09-30", "1500000.00")])
    clock.at = at("2020-07-01")
    await repay(world, client, l3["id"], "1500000.00")
    l5 = await lend(world, client, pool["id"], e, "1000000.00", [("2020-09-30", "1000000.00")])
    await repay(world, client, l4["id"], "1500000.00")
    l6 = await lend(world, client, pool["id"], f, "1000000.00", [("2020-10-31", "1000000.00")])
    l7 = await lend(
        world,
        client,
        pool["id"],
        g,
        "500000.00",
        [("2020-09-30", "250000.00"), ("2020-10-31", "250000.00")],
    )

    loans = (
        await client.get("/api/v1/loans", headers=park, params={"pool_id": pool["id"]})
    ).json()["items"]
    assert len(loans) == 7
    total = sum(int(x["amount"].replace(".", "")) for x in loans)
    assert total == 850_000_000  # 8,500,000.00 lent in seven loans from 3,000,000.00
    assert [x["id"] for x in loans] == [
        l1["id"],
        l2["id"],
        l3["id"],
        l4["id"],
        l5["id"],
        l6["id"],
        l7["id"],
    ]
    r = (await client.get(f"/api/v1/pools/{pool['id']}", headers=park)).json()
    assert (r["balance"], r["loans_outstanding"]) == ("500000.00", "2500000.00")

    # October: l5 missed its 30 September instalment, l7 paid half of its first.
    await repay(world, client, l7["id"], "100000.00")
    clock.at = at("2020-10-10")
    overdue = (await client.get("/api/v1/loans", headers=park, params={"overdue": "true"})).json()[
        "items"
    ]
    assert [(x["id"], x["days_overdue"], x["overdue_amount"]) for x in overdue] == [
        (l5["id"], 10, "1000000.00"),
        (l7["id"], 10, "150000.00"),
    ]
    # Repaying more than is outstanding is refused; the exact remainder closes the loan.
    before = await row_counts(container)
    r = await client.post(
        f"/api/v1/loans/{l7['id']}/repayments",
        headers={**park, **key()},
        json={"amount": "400000.01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.repayment_exceeds_outstanding"
    assert r.json()["outstanding"] == "400000.00"
    assert await row_counts(container) == before
    closed = await repay(world, client, l7["id"], "400000.00")
    assert closed["status"] == "repaid" and closed["days_overdue"] == 0
    r = (await client.get(f"/api/v1/pools/{pool['id']}", headers=park)).json()
    assert (r["balance"], r["loans_outstanding"]) == ("1000000.00", "2000000.00")
    # Loan movements are not reversed by a bare reversal.
    r = await client.get(f"/api/v1/pools/{pool['id']}/entries", headers=park, params={"limit": 200})
    disbursement = next(x for x in r.json()["items"] if x["kind"] == "disbursement")
    r = await client.post(
        f"/api/v1/fund-transactions/{disbursement['transaction_id']}/reverse",
        headers={**park, **key()},
        json={"reason": "x"},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.reversal_not_reversible"
    await assert_ledger_consistent(container)


async def test_loan_rules(world, client, container):
    container.clock = FixedClock(at("2020-02-03"))
    park = world.auth(Role.PARK_ADMIN, "park")
    pool = await make_pool(world, client, purpose="mutual_aid")
    special = await make_pool(world, client, purpose="special_fund")
    await contribute(world, client, pool["id"], "3000000.00", "park_operator")
    a = (await make_enterprise(world, client, 4301))["id"]
    b = (await make_enterprise(world, client, 4302))["id"]
    elsewhere = (await make_enterprise(world, client, 4303, org="community"))["id"]
    good = {
        "pool_id": pool["id"],
        "enterprise_id": a,
        "amount": "1000.00",
        "purpose": "应急",
        "schedule": [{"due_on": "2020-03-01", "amount": "1000.00"}],
        "guarantees": [{"enterprise_id": b, "amount": "500.00"}],
    }
    before = await row_counts(container)
    for change, status, code, pointer in (
        ({"pool_id": special["id"]}, 422, "fund.pool_not_mutual_aid", "/pool_id"),
        ({"amount": "1000.001"}, 422, "money.too_many_decimals", "/amount"),
        ({"amount": 1000}, 422, "validation.string_type", "/amount"),
        (
            {
                "amount": "2000000.01",
                "schedule": [{"due_on": "2020-03-01", "amount": "2000000.01"}],
            },
            422,
            "fund.exposure_limit_exceeded",
            "/amount",
        ),
        ({"schedule": []}, 422, "fund.schedule_required", "/schedule"),
        (
            {"schedule": [{"due_on": "2020-02-03", "amount": "1000.00"}]},
            422,
            "fund.schedule_dates",
            "/schedule/0/due_on",
        ),
        (
            {
                "schedule": [
                    {"due_on": "2020-03-01", "amount": "600.00"},
                    {"due_on": "2020-03-01", "amount": "400.00"},
                ]
            },
            422,
            "fund.schedule_dates",
            "/schedule/1/due_on",
        ),
        (
            {"schedule": [{"due_on": "2020-03-01", "amount": "999.99"}]},
            422,
            "fund.schedule_sum_mismatch",
            "/schedule",
        ),
        (
            {"guarantees": [{"enterprise_id": a, "amount": "1.00"}]},
            422,
            "fund.guarantor_is_borrower",
            "/guarantees/0/enterprise_id",
        ),
        (
            {
                "guarantees": [
                    {"enterprise_id": b, "amount": "1.00"},
                    {"enterprise_id": b, "amount": "1.00"},
                ]
            },
            422,
            "fund.guarantor_duplicate",
            "/guarantees/1/enterprise_id",
        ),
        (
            {"guarantees": [{"enterprise_id": b, "amount": "1000.01"}]},
            422,
            "fund.guarantee_exceeds_loan",
            "/guarantees/0/amount",
        ),
        ({"enterprise_id": elsewhere}, 404, "enterprise.not_found", "/enterprise_id"),
    ):
        r = await client.post("/api/v1/loans", headers=world.auth(), json={**good, **change})
        assert r.status_code == status, (change, r.text)
        assert r.json()["errors"][0]["code"] == code, (change, r.text)
        assert r.json()["errors"][0]["pointer"] == pointer, change
    assert await row_counts(container) == before

    loan = await apply_loan(
        world, client, pool["id"], a, "1500000.00", [("2020-06-30", "1500000.00")]
    )
    # The applicant does not approve; disbursement needs approval first.
    r = await client.post(f"/api/v1/loans/{loan['id']}/approve", headers=world.auth())
    assert r.status_code == 422 and r.json()["code"] == "fund.self_approval"
    r = await client.post(f"/api/v1/loans/{loan['id']}/disburse", headers={**park, **key()})
    assert r.status_code == 409 and r.json()["status"] == "applied"
    r = await client.post(f"/api/v1/loans/{loan['id']}/approve", headers=park)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    # An approved loan counts against the borrower's exposure: 1,500,000 + 600,000 > 2,000,000.
    r = await client.post(
        "/api/v1/loans",
        headers=world.auth(),
        json={
            **good,
            "amount": "600000.00",
            "schedule": [{"due_on": "2020-03-01", "amount": "600000.00"}],
            "guarantees": [],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.exposure_limit_exceeded"
    assert (r.json()["owed"], r.json()["limit"]) == ("1500000.00", "2000000.00")
    r = await client.post(f"/api/v1/loans/{loan['id']}/disburse", headers=park)
    assert r.status_code == 428
    r = await client.post(
        f"/api/v1/loans/{loan['id']}/disburse", headers={**park, "Idempotency-Key": "d1"}
    )
    assert r.status_code == 200 and r.json()["outstanding"] == "1500000.00"
    again = await client.post(
        f"/api/v1/loans/{loan['id']}/disburse", headers={**park, "Idempotency-Key": "d1"}
    )
    assert again.json() == r.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await balance(world, client, pool["id"]) == "1500000.00"
    # A secretary of a branch cannot see the park's loans.
    r = await client.get(
        f"/api/v1/loans/{loan['id']}", headers=world.auth(Role.BRANCH_SECRETARY, "branch1")
    )
    assert r.status_code == 404 and r.json()["code"] == "fund.loan_not_found"
    await assert_ledger_consistent(container)


async def test_graphql_loans(world, client, container):
    container.clock = FixedClock(at("2020-02-03"))
    pool = await make_pool(world, client, purpose="mutual_aid")
    await contribute(world, client, pool["id"], "100000.00", "park_operator")
    a = (await make_enterprise(world, client, 4401))["id"]
    park = world.auth(Role.PARK_ADMIN, "park")

    async def gql(q, v, h):
        r = await client.post("/graphql", json={"query": q, "variables": v}, headers=h)
        return r.json()["data"]

    d = await gql(
        """mutation($p: Int!, $e: Int!) { applyForLoan(input: {poolId: $p, enterpriseId: $e,
           amount: "50000.00", purpose: "周转", schedule: [{dueOn: "2020-03-31",
           amount: "50000.00"}]}) {
           loan { id status schedule { dueOn amount } } errors { code } } }""",
        {"p": pool["id"], "e": a},
        world.auth(),
    )
    loan = d["applyForLoan"]["loan"]
    assert loan["schedule"] == [{"dueOn": "2020-03-31", "amount": "50000.00"}]
    d = await gql(
        "mutation($id: Int!) { approveLoan(id: $id) { loan { status } errors { code } } }",
        {"id": loan["id"]},
        park,
    )
    assert d["approveLoan"]["loan"]["status"] == "APPROVED"
    disb = """mutation($id: Int!) { disburseLoan(id: $id, idempotencyKey: "gd") {
              loan { status outstanding } errors { code } } }"""
    d1 = await gql(disb, {"id": loan["id"]}, park)
    d2 = await gql(disb, {"id": loan["id"]}, park)
    assert d1 == d2 and d1["disburseLoan"]["loan"] == {
        "status": "DISBURSED",
        "outstanding": "50000.00",
    }
    rep = """mutation($id: Int!, $a: String!, $k: String!) { repayLoan(id: $id, amount: $a,
             idempotencyKey: $k) { loan { outstanding status } errors { code field } } }"""
    d = await gql(rep, {"id": loan["id"], "a": "50000.01", "k": "r1"}, park)
    assert d["repayLoan"]["errors"] == [
        {"code": "fund.repayment_exceeds_outstanding", "field": "/amount"}
    ]
    d = await gql(rep, {"id": loan["id"], "a": "20000.00", "k": "r2"}, park)
    assert d["repayLoan"]["loan"] == {"outstanding": "30000.00", "status": "DISBURSED"}
    container.clock = FixedClock(at("2020-04-02"))
    d = await gql(
        "{ loans(overdue: true) { edges { node { id daysOverdue overdueAmount } } } }", {}, park
    )
    assert d["loans"]["edges"] == [
        {"node": {"id": loan["id"], "daysOverdue": 2, "overdueAmount": "30000.00"}}
    ]
    assert await balance(world, client, pool["id"]) == "70000.00"
    await assert_ledger_consistent(container)
