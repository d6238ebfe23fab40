"""Party dues: brackets, profiles with overrides, monthly bills, payments (also on behalf),
arrears with the six-month finding, and dues passed up and returned in full as ledger
movements."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from app.domain.funds.model import DuesCategory, longest_run, monthly_dues_fen
from tests.fund_fixtures import assert_ledger_consistent, balance, key, make_pool, row_counts
from tests.member_fixtures import make_member

E, R = DuesCategory.EMPLOYED, DuesCategory.RETIRED


@pytest.mark.parametrize(
    ("category", "income", "dues"),
    [
        (E, 100_00, 50),  # 100 yuan at 0.5% = 0.50
        (E, 3000_00, 15_00),  # up to 3,000: 0.5%
        (E, 3000_01, 30_00),  # just above: 1% of the whole income
        (E, 5000_00, 50_00),
        (E, 8000_00, 120_00),  # 1.5%
        (E, 10000_00, 150_00),
        (E, 12000_00, 240_00),  # 2%
        (E, 3333_33, 33_33),
        (E, 1_01, 1),  # 1.01 * 0.5% = 0.00505 -> 0.01 (half up)
        (R, 5000_00, 25_00),  # retired up to 5,000: 0.5%
        (R, 6000_00, 60_00),  # above: 1%
        (DuesCategory.STUDENT, None, 20),
        (DuesCategory.UNEMPLOYED, None, 20),
        (DuesCategory.ALLOWANCE, 900_00, 20),
    ],
)
def test_brackets(category, income, dues):
    assert monthly_dues_fen(category, income) == dues


def test_longest_run():
    d = dt.date
    assert longest_run([]) == 0
    assert longest_run([d(2020, 1, 1), d(2020, 2, 1), d(2020, 4, 1)]) == 2
    assert longest_run([d(2019, 11, 1), d(2019, 12, 1), d(2020, 1, 1), d(2020, 2, 1)]) == 4


async def _profile(client, h, member_id, **body):
    r = await client.put(f"/api/v1/dues/profiles/{member_id}", headers=h, json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def _pay(client, h, bill_id, member_id, amount, **kw):
    return await client.post(
        "/api/v1/dues/payments",
        headers={**h, **key()},
        json={"bill_id": bill_id, "member_id": member_id, "amount": amount, **kw},
    )


async def test_bills_payments_arrears_and_returns(world, client, container):
    container.clock = FixedClock(dt.datetime(2020, 7, 15, 2, tzinfo=dt.UTC))
    h = world.auth(Role.BRANCH_SECRETARY, "branch1")
    park = world.auth(Role.PARK_ADMIN, "park")
    m1 = (await make_member(world, client, 501))["id"]
    m2 = (await make_member(world, client, 502))["id"]
    m3 = (await make_member(world, client, 503))["id"]
    m4 = (await make_member(world, client, 504))["id"]

    p1 = await _profile(client, h, m1, category="employed", monthly_income="8000.00")
    assert (p1["computed"], p1["monthly_dues"]) == ("120.00", "120.00")
    await _profile(client, h, m2, category="retired", monthly_income="6000")
    await _profile(client, h, m3, category="student")
    p4 = await _profile(
        client,
        h,
        m4,
        category="employed",
        monthly_income="3000.00",
        override="10.00",
        override_reason="家庭困难，支部大会同意",
    )
    assert (p4["computed"], p4["monthly_dues"], p4["override"]) == ("15.00", "10.00", "10.00")
    before = await row_counts(container)
    for body, code, pointer in (
        ({"category": "employed"}, "dues.income_required", "/monthly_income"),
        (
            {"category": "student", "override": "1.00"},
            "dues.override_reason_required",
            "/override_reason",
        ),
        (
            {"category": "employed", "monthly_income": "8000.001"},
            "money.too_many_decimals",
            "/monthly_income",
        ),
    ):
        r = await client.put(f"/api/v1/dues/profiles/{m1}", headers=h, json=body)
        assert r.status_code == 422 and r.json()["errors"][0]["code"] == code, r.text
        assert r.json()["errors"][0]["pointer"] == pointer
    assert await row_counts(container) == before
    r = await client.get(f"/api/v1/dues/profiles/{m1}", headers=h)
    assert r.json()["monthly_dues"] == "120.00"

    # A member without a profile holds up the bill.
    m5 = (await make_member(world, client, 505))["id"]
    r = await client.post(
        "/api/v1/dues/bills",
        headers=h,
        json={"org_id": world.ids["branch1"], "month": "2020-01-01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "dues.profiles_missing"
    assert r.json()["member_ids"] == [m5]
    await _profile(client, h, m5, category="unemployed")

    bills = {}
    for month in range(1, 8):
        r = await client.post(
            "/api/v1/dues/bills",
            headers=h,
            json={"org_id": world.ids["branch1"], "month": f"2020-{month:02d}-10"},
        )
        assert r.status_code == 201, r.text
        bills[month] = r.json()
    assert bills[1]["month"] == "2020-01-01"
    assert bills[1]["total"] == "190.40"  # 120 + 60 + 0.20 + 10 + 0.20
    r = await client.post(
        "/api/v1/dues/bills",
        headers=h,
        json={"org_id": world.ids["branch1"], "month": "2020-03-31"},
    )
    assert r.status_code == 409 and r.json()["existing_id"] == bills[3]["id"]
    r = await client.post(
        "/api/v1/dues/bills",
        headers=h,
        json={"org_id": world.ids["branch1"], "month": "2020-08-01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "dues.month_in_future"

    # Payments go into the branch's dues pool: it must have one.
    r = await _pay(client, h, bills[1]["id"], m1, "120.00")
    assert r.status_code == 422 and r.json()["code"] == "dues.pool_missing"
    branch_pool = await make_pool(world, client, org="branch1", purpose="dues", name="支部党费")
    park_pool = await make_pool(world, client, org="park", purpose="dues", name="园区党委党费")
    r = await client.post(
        "/api/v1/dues/payments",
        headers=h,
        json={"bill_id": bills[1]["id"], "member_id": m1, "amount": "120.00"},
    )
    assert r.status_code == 428
    before = await row_counts(container)
    r = await _pay(client, h, bills[1]["id"], m1, "100.00")
    assert r.status_code == 422 and r.json()["due"] == "120.00"
    assert await row_counts(container) == before
    for month in range(1, 7):
        r = await _pay(client, h, bills[month]["id"], m1, "120.00")
        assert r.status_code == 201, r.text
    r = await _pay(client, h, bills[1]["id"], m1, "120.00")
    assert r.status_code == 409 and r.json()["code"] == "dues.already_paid"
    # m1 pays m2's January dues on m2's behalf; m2 pays the rest; m4 only January.
    r = await _pay(client, h, bills[1]["id"], m2, "60.00", paid_by_member_id=m1)
    assert r.status_code == 201 and r.json()["paid_by_member_id"] == m1
    for month in range(2, 7):
        assert (await _pay(client, h, bills[month]["id"], m2, "60.00")).status_code == 201
    assert (await _pay(client, h, bills[1]["id"], m4, "10.00")).status_code == 201
    for month in range(1, 7):
        assert (await _pay(client, h, bills[month]["id"], m5, "0.20")).status_code == 201
    total = 6 * 120_00 + 6 * 60_00 + 10_00 + 6 * 20
    assert await balance(world, client, branch_pool["id"]) == f"{total // 100}.{total % 100:02d}"
    bill = (await client.get(f"/api/v1/dues/bills/{bills[1]['id']}", headers=h)).json()
    assert bill["paid"] == "190.20"
    assert [x["paid"] for x in bill["lines"]] == [True, True, False, True, True]

    # Arrears before July: m3 six months in a row (a finding), m4 five.
    r = await client.get("/api/v1/dues/arrears", headers=park)
    arrears = {a["member_id"]: a for a in r.json()}
    assert set(arrears) == {m3, m4}
    assert (arrears[m3]["longest_run"], arrears[m3]["finding"], arrears[m3]["owed"]) == (
        6,
        True,
        "1.20",
    )
    assert arrears[m3]["unpaid_months"][0] == "2020-01"
    assert (arrears[m4]["longest_run"], arrears[m4]["finding"]) == (5, False)

    # Pass everything up to the park committee, then get it back in full.
    collected = await balance(world, client, branch_pool["id"])
    r = await client.post(
        "/api/v1/dues/remittances",
        headers={**h, **key()},
        json={
            "from_pool_id": branch_pool["id"],
            "to_pool_id": park_pool["id"],
            "amount": collected,
        },
    )
    # The branch secretary passes up to the park's pool without seeing it otherwise.
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "dues_remittance"
    assert await balance(world, client, branch_pool["id"]) == "0.00"
    assert await balance(world, client, park_pool["id"]) == collected
    r = await client.post(
        "/api/v1/dues/returns",
        headers={**park, **key()},
        json={
            "from_pool_id": park_pool["id"],
            "to_pool_id": branch_pool["id"],
            "amount": "99999.00",
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "dues.return_exceeds_remitted"
    r = await client.post(
        "/api/v1/dues/returns",
        headers={**park, **key()},
        json={"from_pool_id": park_pool["id"], "to_pool_id": branch_pool["id"]},
    )
    assert r.status_code == 201 and r.json()["amount"] == collected
    assert await balance(world, client, branch_pool["id"]) == collected
    assert await balance(world, client, park_pool["id"]) == "0.00"
    r = await client.get("/api/v1/dues/returns", headers=park, params={"pool_id": park_pool["id"]})
    assert r.json() == [
        {
            "pool_id": branch_pool["id"],
            "org_id": world.ids["branch1"],
            "remitted": collected,
            "returned": collected,
            "outstanding": "0.00",
        }
    ]
    r = await client.post(
        "/api/v1/dues/returns",
        headers={**park, **key()},
        json={"from_pool_id": park_pool["id"], "to_pool_id": branch_pool["id"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "dues.nothing_to_return"
    # Passing "up" to a pool that is not above is not possible.
    other = await make_pool(world, client, org="branch2", purpose="dues")
    r = await client.post(
        "/api/v1/dues/remittances",
        headers={**world.auth(), **key()},
        json={"from_pool_id": branch_pool["id"], "to_pool_id": other["id"], "amount": "1.00"},
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/to_pool_id"
    await assert_ledger_consistent(container)


async def test_graphql_dues(world, client, container):
    container.clock = FixedClock(dt.datetime(2020, 3, 15, 2, tzinfo=dt.UTC))
    h = world.auth(Role.BRANCH_SECRETARY, "branch1")
    m1 = (await make_member(world, client, 601))["id"]
    await make_pool(world, client, org="branch1", purpose="dues")

    async def gql(q, v):
        r = await client.post("/graphql", json={"query": q, "variables": v}, headers=h)
        return r.json()["data"]

    d = await gql(
        """mutation($m: Int!) { setDuesProfile(memberId: $m, category: EMPLOYED,
           monthlyIncome: "12000.00") { profile { computed monthlyDues } errors { code } } }""",
        {"m": m1},
    )
    assert d["setDuesProfile"]["profile"] == {"computed": "240.00", "monthlyDues": "240.00"}
    d = await gql(
        """mutation($o: Int!) { createDuesBill(orgId: $o, month: "2020-02-01") {
           bill { id total lines { memberId amount paid } } errors { code } } }""",
        {"o": world.ids["branch1"]},
    )
    bill = d["createDuesBill"]["bill"]
    assert bill["total"] == "240.00"
    pay = """mutation($b: Int!, $m: Int!, $k: String!) { payDues(billId: $b, memberId: $m,
             amount: "240.00", idempotencyKey: $k) {
             line { paid transactionId } errors { code } } }"""
    first = await gql(pay, {"b": bill["id"], "m": m1, "k": "p1"})
    again = await gql(pay, {"b": bill["id"], "m": m1, "k": "p1"})
    assert first == again and first["payDues"]["line"]["paid"] is True
    other = await gql(pay, {"b": bill["id"], "m": m1, "k": "p2"})
    assert other["payDues"]["errors"][0]["code"] == "dues.already_paid"
    d = await gql("{ duesArrears { memberId } }", {})
    assert d["duesArrears"] == []
    await assert_ledger_consistent(container)
