"""Hardship relief (新多: 12,000.00 to six families) and the analysts' money flows."""

from __future__ import annotations

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise, today
from tests.fund_fixtures import (
    assert_ledger_consistent,
    balance,
    contribute,
    key,
    make_pool,
    row_counts,
)
from tests.member_fixtures import make_member


async def test_relief_survey_and_payments(world, client, container):
    park = world.auth(Role.PARK_ADMIN, "park")
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    pool = await make_pool(world, client, purpose="relief", name="困难救助金")
    await contribute(world, client, pool["id"], "15000.00", "owner_donation", source_name="林总")
    members = [(await make_member(world, client, 700 + n))["id"] for n in range(3)]
    firm = await make_enterprise(world, client, 4601)
    entries = [
        {"kind": "member", "name": f"党员{n}", "member_id": m, "hardship": "因病致困"}
        for n, m in enumerate(members)
    ] + [
        {
            "kind": "worker",
            "name": f"职工{n}",
            "enterprise_id": firm["id"],
            "hardship": "家庭变故",
            "suggested_amount": "2000.00",
        }
        for n in range(3)
    ]
    r = await client.post(
        "/api/v1/relief/surveys",
        headers=park,
        json={
            "org_id": world.ids["branch1"],
            "year": 2020,
            "quarter": 2,
            "title": "二季度困难党员职工摸底",
            "entries": entries,
        },
    )
    assert r.status_code == 201, r.text
    survey = r.json()
    assert [e["kind"] for e in survey["entries"]] == ["member"] * 3 + ["worker"] * 3
    assert survey["entries"][3]["suggested_amount"] == "2000.00"

    # The branch secretary reads the survey of the branch but pays nothing: the park does.
    pay = {"pool_id": pool["id"], "survey_id": survey["id"], "amount": "2000.00"}
    r = await client.post(
        "/api/v1/relief/payments",
        headers={**secretary, **key()},
        json={**pay, "entry_id": survey["entries"][0]["id"]},
    )
    assert r.status_code == 403  # paying relief needs funds:approve
    for e in survey["entries"]:
        r = await client.post(
            "/api/v1/relief/payments", headers={**park, **key()}, json={**pay, "entry_id": e["id"]}
        )
        assert r.status_code == 201, r.text
        assert (r.json()["kind"], r.json()["category"]) == ("relief_payment", "relief")
    assert await balance(world, client, pool["id"]) == "3000.00"  # 12,000.00 to six families
    got = (await client.get(f"/api/v1/relief/surveys/{survey['id']}", headers=secretary)).json()
    assert [e["paid"] for e in got["entries"]] == ["2000.00"] * 6

    before = await row_counts(container)
    r = await client.post(
        "/api/v1/relief/payments",
        headers={**park, **key()},
        json={**pay, "entry_id": survey["entries"][0]["id"], "amount": "3000.01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.insufficient_balance"
    special = await make_pool(world, client, purpose="special_fund")
    r = await client.post(
        "/api/v1/relief/payments",
        headers={**park, **key()},
        json={**pay, "pool_id": special["id"], "entry_id": survey["entries"][0]["id"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.category_not_allowed"
    r = await client.post(
        "/api/v1/relief/payments",
        headers={**park, **key()},
        json={**pay, "entry_id": 999999},
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/entry_id"
    after = await row_counts(container)
    # Only the special-fund pool opened in between was written (a pool, two accounts, audit).
    for table in ("fund_transactions", "fund_entries", "fund_spending_requests"):
        assert after[table] == before[table], table

    # A member entry names a member of the surveyed organisation's subtree.
    other = await make_member(world, client, 799, org="branch2")
    r = await client.post(
        "/api/v1/relief/surveys",
        headers=park,
        json={
            "org_id": world.ids["branch1"],
            "year": 2020,
            "quarter": 3,
            "title": "x",
            "entries": [{"kind": "member", "name": "x", "member_id": other["id"], "hardship": "x"}],
        },
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/entries/0/member_id"
    r = await client.post(
        "/api/v1/relief/surveys",
        headers=park,
        json={
            "org_id": world.ids["branch1"],
            "year": 2020,
            "quarter": 3,
            "title": "x",
            "entries": [{"kind": "member", "name": "x", "hardship": "x"}],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "relief.member_required"
    r = await client.get("/api/v1/relief/surveys", headers=park, params={"year": 2020})
    assert [s["id"] for s in r.json()["items"]] == [survey["id"]]
    await assert_ledger_consistent(container)


async def test_money_flows_for_analysts(world, client, container):
    special = await make_pool(world, client, purpose="special_fund")
    relief_pool = await make_pool(world, client, org="branch1", purpose="relief")
    intruder = world.auth(Role.DISTRICT_ADMIN, "other_district")
    foreign = await make_pool(world, client, org="other_park", purpose="relief", headers=intruder)
    await contribute(world, client, special["id"], "300000.00", "owner_donation")
    await contribute(world, client, relief_pool["id"], "12000.00", "park_operator")
    await contribute(
        world,
        client,
        foreign["id"],
        "5.00",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    q = """query($o: Int, $f: Date, $t: Date) { moneyFlows(orgId: $o, fromDate: $f, toDate: $t) {
             purpose kind category inflow outflow count } }"""
    analyst = world.auth(Role.ANALYST, "district")
    day = today().isoformat()
    r = await client.post(
        "/graphql", json={"query": q, "variables": {"f": day, "t": day}}, headers=analyst
    )
    assert r.json()["data"]["moneyFlows"] == [
        {
            "purpose": "RELIEF",
            "kind": "CONTRIBUTION",
            "category": None,
            "inflow": "12000.00",
            "outflow": "0.00",
            "count": 1,
        },
        {
            "purpose": "SPECIAL_FUND",
            "kind": "CONTRIBUTION",
            "category": None,
            "inflow": "300000.00",
            "outflow": "0.00",
            "count": 1,
        },
    ]
    r = await client.post(
        "/graphql",
        json={"query": q, "variables": {"o": world.ids["branch1"]}},
        headers=analyst,
    )
    assert [f["purpose"] for f in r.json()["data"]["moneyFlows"]] == ["RELIEF"]
    r = await client.post(
        "/graphql",
        json={"query": q, "variables": {"o": world.ids["other_park"]}},
        headers=analyst,
    )
    assert r.json()["errors"][0]["extensions"]["code"] == "org.not_found"
    r = await client.post("/graphql", json={"query": q}, headers=world.auth(Role.MEMBER, "branch1"))
    assert r.json()["errors"][0]["extensions"]["code"] == "auth.scope_missing"
