"""The ledger core over REST: pools, contributions, entries, statements, reversals, exact money
parsing and Idempotency-Key; every test ends with the ledger's invariants checked."""

from __future__ import annotations

import csv
import io

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise, today
from tests.fund_fixtures import (
    assert_ledger_consistent,
    audit_rows,
    balance,
    contribute,
    key,
    make_pool,
    row_counts,
)


async def test_pool_contributions_entries_and_statement(world, client, container):
    h = world.auth()
    pool = await make_pool(world, client, purpose="mutual_aid", name="企业互助资金池")
    assert pool["balance"] == "0.00" and pool["loans_outstanding"] == "0.00"
    assert pool["categories"] == ["loans"]
    ent = await make_enterprise(world, client, 4101, name="同鑫陶瓷")

    tx = await contribute(
        world,
        client,
        pool["id"],
        "1000000.00",
        "enterprise",
        enterprise_id=ent["id"],
        voucher="PZ-1",
    )
    assert tx["kind"] == "contribution" and tx["amount"] == "1000000.00"
    assert tx["source_kind"] == "enterprise" and tx["voucher"] == "PZ-1"
    legs = {(e["account_kind"], e["amount"]) for e in tx["entries"]}
    assert legs == {("enterprise", "-1000000.00"), ("pool", "1000000.00")}
    assert [e["account_label"] for e in tx["entries"] if e["account_kind"] == "enterprise"] == [
        "同鑫陶瓷"
    ]
    await contribute(world, client, pool["id"], "1999999.99", "park_operator")
    await contribute(world, client, pool["id"], "0.01", "owner_donation", source_name="王总")
    assert await balance(world, client, pool["id"]) == "3000000.00"

    r = await client.get(f"/api/v1/pools/{pool['id']}/entries", headers=h, params={"limit": 2})
    page = r.json()
    assert [e["balance_after"] for e in page["items"]] == ["1000000.00", "2999999.99"]
    r = await client.get(
        f"/api/v1/pools/{pool['id']}/entries",
        headers=h,
        params={"limit": 2, "cursor": page["next_cursor"]},
    )
    assert [e["amount"] for e in r.json()["items"]] == ["0.01"]
    assert r.json()["next_cursor"] is None

    day = today().isoformat()
    r = await client.get(
        f"/api/v1/pools/{pool['id']}/statement", headers=h, params={"from": day, "to": day}
    )
    st = r.json()
    assert (st["opening"], st["inflow"], st["outflow"], st["closing"]) == (
        "0.00",
        "3000000.00",
        "0.00",
        "3000000.00",
    )
    assert st["movements"] == [
        {
            "kind": "contribution",
            "category": None,
            "inflow": "3000000.00",
            "outflow": "0.00",
            "count": 3,
        }
    ]
    # A later period opens with everything before it.
    r = await client.get(
        f"/api/v1/pools/{pool['id']}/statement",
        headers=h,
        params={"from": "2999-01-01", "to": "2999-01-31"},
    )
    assert (r.json()["opening"], r.json()["closing"]) == ("3000000.00", "3000000.00")

    r = await client.get(
        f"/api/v1/pools/{pool['id']}/statement",
        headers={**h, "Accept": "text/csv"},
        params={"from": day, "to": day},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][0] == "line" and rows[1][0] == "opening" and rows[-1][0] == "closing"
    assert [row[5] for row in rows[2:-1]] == ["1000000.00", "1999999.99", "0.01"]
    assert rows[-1][7] == "3000000.00"
    r2 = await client.get(
        f"/api/v1/pools/{pool['id']}/statement",
        headers=h,
        params={"from": day, "to": day, "format": "csv"},
    )
    assert r2.text == r.text

    r = await client.get("/api/v1/pools", headers=h, params={"purpose": "mutual_aid"})
    assert [p["id"] for p in r.json()["items"]] == [pool["id"]]
    r = await client.get(f"/api/v1/fund-transactions/{tx['id']}", headers=h)
    assert r.status_code == 200 and r.json()["entries"] == tx["entries"]
    audits = await audit_rows(container, "fund_transaction", tx["id"])
    assert [a.action for a in audits] == ["fund.contribute"]
    assert audits[0].changes["amount"] == "1000000.00"
    await assert_ledger_consistent(container)


async def test_amounts_are_exact_decimal_strings(world, client, container):
    pool = await make_pool(world, client)
    url = f"/api/v1/pools/{pool['id']}/contributions"
    before = await row_counts(container)
    cases = {
        "1.234": "money.too_many_decimals",
        "0.00": "money.not_positive",
        "0": "money.not_positive",
        "-5.00": "money.malformed",
        "+5": "money.malformed",
        "1e3": "money.malformed",
        "1,000.00": "money.malformed",
        "5.": "money.malformed",
        ".5": "money.malformed",
        "007": "money.malformed",
        "NaN": "money.malformed",
        "1000000000000000": "money.too_large",
    }
    for amount, code in cases.items():
        r = await client.post(
            url,
            headers={**world.auth(), **key()},
            json={"amount": amount, "source_kind": "street_finance", "voucher": "V"},
        )
        assert r.status_code == 422, (amount, r.text)
        assert r.json()["code"] == code, amount
        assert r.json()["errors"][0]["pointer"] == "/amount"
    for number in (100.5, 100, 1e3):
        r = await client.post(
            url,
            headers={**world.auth(), **key()},
            json={"amount": number, "source_kind": "street_finance", "voucher": "V"},
        )
        assert r.status_code == 422
        assert r.json()["errors"] == [
            {"code": "validation.string_type", "detail": "应为字符串", "pointer": "/amount"}
        ]
    r = await client.post(
        url,
        headers={**world.auth(), **key()},
        json={"amount": "5.00", "source_kind": "enterprise", "voucher": "V"},
    )
    assert r.json()["code"] == "fund.enterprise_required"
    r = await client.post(
        url,
        headers={**world.auth(), **key()},
        json={"amount": "5.00", "source_kind": "street_finance", "voucher": "  "},
    )
    assert r.json()["errors"][0]["pointer"] == "/voucher"
    assert await row_counts(container) == before
    # Two decimals, one decimal and none are all fine.
    for amount, fen in (("12.30", "12.30"), ("12.3", "12.30"), ("12", "12.00"), ("0.01", "0.01")):
        tx = await contribute(world, client, pool["id"], amount)
        assert tx["amount"] == fen
    assert await balance(world, client, pool["id"]) == "36.61"
    await assert_ledger_consistent(container)


async def test_idempotency_key_moves_money_once(world, client, container):
    h = world.auth()
    pool = await make_pool(world, client)
    url = f"/api/v1/pools/{pool['id']}/contributions"
    body = {"amount": "500.00", "source_kind": "street_finance", "voucher": "V-9"}
    r = await client.post(url, headers=h, json=body)
    assert r.status_code == 428
    assert r.json()["code"] == "fund.idempotency_key_required"
    assert r.json()["errors"][0]["header"] == "Idempotency-Key"

    first = await client.post(url, headers={**h, "Idempotency-Key": "once"}, json=body)
    assert first.status_code == 201
    again = await client.post(
        url, headers={**h, "Idempotency-Key": "once"}, json=dict(reversed(body.items()))
    )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    before = await row_counts(container)
    other = await client.post(
        url, headers={**h, "Idempotency-Key": "once"}, json={**body, "amount": "600.00"}
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
    assert await row_counts(container) == before
    assert await balance(world, client, pool["id"]) == "500.00"
    # A refused request leaves its key unused.
    r = await client.post(
        url, headers={**h, "Idempotency-Key": "fresh"}, json={**body, "amount": "1.001"}
    )
    assert r.status_code == 422
    r = await client.post(url, headers={**h, "Idempotency-Key": "fresh"}, json=body)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert await balance(world, client, pool["id"]) == "1000.00"
    await assert_ledger_consistent(container)


async def test_reversal_is_a_new_opposite_transaction(world, client, container):
    h = world.auth()
    pool = await make_pool(world, client)
    tx = await contribute(world, client, pool["id"], "800.00")
    await contribute(world, client, pool["id"], "200.00")
    url = f"/api/v1/fund-transactions/{tx['id']}/reverse"
    r = await client.post(url, headers={**h, **key()}, json={"reason": "凭证录错"})
    assert r.status_code == 201, r.text
    rev = r.json()
    assert rev["kind"] == "reversal" and rev["reverses_id"] == tx["id"]
    assert sorted(e["amount"] for e in rev["entries"]) == ["-800.00", "800.00"]
    assert await balance(world, client, pool["id"]) == "200.00"
    r = await client.get(f"/api/v1/fund-transactions/{tx['id']}", headers=h)
    assert r.json()["reversed_by_id"] == rev["id"]
    assert r.json()["entries"] == tx["entries"]  # the original entries are untouched
    before = await row_counts(container)
    r = await client.post(url, headers={**h, **key()}, json={"reason": "再来一次"})
    assert r.status_code == 409 and r.json()["code"] == "fund.already_reversed"
    assert r.json()["reversed_by_id"] == rev["id"]
    r = await client.post(
        f"/api/v1/fund-transactions/{rev['id']}/reverse",
        headers={**h, **key()},
        json={"reason": "x"},
    )
    assert r.status_code == 422 and r.json()["code"] == "fund.reversal_not_reversible"
    # Reversing needs funds:approve.
    secretary = world.auth(Role.BRANCH_SECRETARY, "district")
    tx2 = await contribute(world, client, pool["id"], "1.00")
    r = await client.post(
        f"/api/v1/fund-transactions/{tx2['id']}/reverse",
        headers={**secretary, **key()},
        json={"reason": "x"},
    )
    assert r.status_code == 403
    after = await row_counts(container)
    assert after["fund_transactions"] == before["fund_transactions"] + 1
    day = today().isoformat()
    st = (
        await client.get(
            f"/api/v1/pools/{pool['id']}/statement", headers=h, params={"from": day, "to": day}
        )
    ).json()
    assert st["closing"] == "201.00"
    assert {m["kind"]: (m["inflow"], m["outflow"]) for m in st["movements"]} == {
        "contribution": ("1001.00", "0.00"),
        "reversal": ("0.00", "800.00"),
    }
    await assert_ledger_consistent(container)


async def test_scopes_and_subtrees(world, client, container):
    pool = await make_pool(world, client, org="park")
    branch_pool = await make_pool(world, client, org="branch1", purpose="dues")
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    analyst = world.auth(Role.ANALYST, "park")
    # The branch secretary keeps the branch's own books, and sees nothing above it.
    await contribute(world, client, branch_pool["id"], "30.00", headers=secretary)
    r = await client.get(f"/api/v1/pools/{pool['id']}", headers=secretary)
    assert r.status_code == 404 and r.json()["code"] == "fund.pool_not_found"
    r = await client.post(
        "/api/v1/pools",
        headers=secretary,
        json={"org_id": world.ids["park"], "name": "x", "purpose": "relief"},
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/org_id"
    r = await client.get("/api/v1/pools", headers=secretary)
    assert [p["id"] for p in r.json()["items"]] == [branch_pool["id"]]
    # Analysts read, never write.
    r = await client.get("/api/v1/pools", headers=analyst)
    assert {p["id"] for p in r.json()["items"]} == {pool["id"], branch_pool["id"]}
    r = await client.post(
        f"/api/v1/pools/{pool['id']}/contributions",
        headers={**analyst, **key()},
        json={"amount": "1.00", "source_kind": "street_finance", "voucher": "V"},
    )
    assert r.status_code == 403
    # A member has no funds scope at all.
    r = await client.get(f"/api/v1/pools/{pool['id']}", headers=world.auth(Role.MEMBER, "branch1"))
    assert r.status_code == 403
    # Enterprises outside the caller's subtree are not a source.
    foreign = await make_enterprise(world, client, 4102, org="community")
    r = await client.post(
        f"/api/v1/pools/{pool['id']}/contributions",
        headers={**world.auth(Role.PARK_ADMIN, "park"), **key()},
        json={
            "amount": "1.00",
            "source_kind": "enterprise",
            "enterprise_id": foreign["id"],
            "voucher": "V",
        },
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/enterprise_id"
    await assert_ledger_consistent(container)


async def test_pool_rules(world, client, container):
    h = world.auth()
    before = await row_counts(container)
    for body, code in (
        ({"org_id": world.ids["park"], "name": " ", "purpose": "relief"}, "request.validation"),
        (
            {"org_id": world.ids["park"], "name": "x", "purpose": "relief", "categories": []},
            "fund.categories_required",
        ),
    ):
        r = await client.post("/api/v1/pools", headers=h, json=body)
        assert r.status_code == 422 and r.json()["code"] == code
    r = await client.post(
        "/api/v1/pools",
        headers=h,
        json={"org_id": world.ids["park"], "name": "x", "purpose": "relief", "categories": ["x"]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/categories/0"
    assert await row_counts(container) == before
    pool = await make_pool(
        world, client, purpose="special_fund", categories=["training", "publicity", "training"]
    )
    assert pool["categories"] == ["training", "publicity"]
    r = await client.get(
        f"/api/v1/pools/{pool['id']}/statement",
        headers=h,
        params={"from": "2025-02-01", "to": "2025-01-01"},
    )
    assert r.status_code == 400 and r.json()["code"] == "fund.period_invalid"
    r = await client.get(
        f"/api/v1/pools/{pool['id']}/statement", headers=h, params={"format": "xml"}
    )
    assert r.status_code == 400
    audits = await audit_rows(container, "fund_pool", pool["id"])
    assert [a.action for a in audits] == ["fund.pool_create"]


async def test_csv_export_is_never_cut(world, client, container, monkeypatch):
    from app.domain.funds import ledger

    monkeypatch.setattr(ledger, "STATEMENT_MAX_ENTRIES", 2)
    pool = await make_pool(world, client)
    for amount in ("1.00", "2.00", "3.00"):
        await contribute(world, client, pool["id"], amount)
    day = today().isoformat()
    url = f"/api/v1/pools/{pool['id']}/statement"
    r = await client.get(
        url, headers=world.auth(), params={"from": day, "to": day, "format": "csv"}
    )
    assert r.status_code == 400 and r.json()["code"] == "fund.statement_too_large"
    # The JSON statement needs no entries and still answers.
    r = await client.get(url, headers=world.auth(), params={"from": day, "to": day})
    assert r.status_code == 200 and r.json()["closing"] == "6.00"
