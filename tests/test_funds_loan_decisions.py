"""Mutual-aid loans, the enterprise's own side and the committee's "no": an enterprise
contact applies for its own enterprise (never another: 404 as if absent) and reads its own
loans, but never decides; the committee rejects an application with a reason, after which it
can be neither approved nor disbursed. REST and GraphQL over the same use cases."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from app.db.models import AuditRow
from app.db.models.funds import FundLoanRow
from app.domain.accounts.model import may_grant
from app.domain.auth.scopes import Role, scopes_for
from tests.enterprise_fixtures import credit_code, make_enterprise
from tests.fund_fixtures import (
    apply_loan,
    audit_rows,
    balance,
    contribute,
    key,
    make_pool,
    row_counts,
)

URL = "/api/v1/loans"


def body(pool_id: int, enterprise_id: int, amount: str = "100000.00", **kw: Any) -> Any:
    return {
        "pool_id": pool_id,
        "enterprise_id": enterprise_id,
        "amount": amount,
        "purpose": "疫情期间应急周转",
        "schedule": [{"due_on": "2999-01-01", "amount": amount}],
        **kw,
    }


async def loans_state(container: Any) -> dict[str, Any]:
    """Every loan row (status, version) and the ledger's row counts, to prove refusals."""
    async with container.db.read_sessions() as s:
        rows = (
            await s.execute(
                sa.select(FundLoanRow.id, FundLoanRow.status, FundLoanRow.version).order_by(
                    FundLoanRow.id
                )
            )
        ).all()
    return {"loans": [tuple(r) for r in rows], **(await row_counts(container))}


async def gql(client: Any, query: str, variables: dict[str, Any], headers: Any) -> Any:
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert r.status_code == 200, r.text
    return r.json()


async def setup(world: Any, client: Any) -> tuple[Any, Any, Any, Any]:
    pool = await make_pool(world, client, purpose="mutual_aid", name="企业互助资金池")
    await contribute(world, client, pool["id"], "3000000.00", "park_operator")
    own = await make_enterprise(world, client, 7301, name="德化陶瓷一厂")
    other = await make_enterprise(world, client, 7302, name="德化陶瓷二厂")
    r = await client.post(
        "/api/v1/enterprises",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={
            "name": "外区企业",
            "credit_code": credit_code(7303),
            "industry": "陶瓷",
            "org_id": world.ids["other_park"],
        },
    )
    assert r.status_code == 201, r.text
    foreign = r.json()
    return pool, own, other, foreign


def test_contact_scope_is_narrow():
    scopes = scopes_for(Role.ENTERPRISE_CONTACT)
    assert "funds:apply" in scopes
    assert not scopes & {"funds:read", "funds:write", "funds:approve"}
    # Only administrators (who must be able to grant the contact role) hold it besides.
    holders = {r for r in Role if "funds:apply" in scopes_for(r)}
    assert holders == {
        Role.ENTERPRISE_CONTACT,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.PARK_ADMIN,
    }
    assert all(may_grant(scopes_for(r), Role.ENTERPRISE_CONTACT) for r in holders)


async def test_contact_applies_for_its_own_enterprise_only(world, client, container):
    pool, own, other, foreign = await setup(world, client)
    contact = world.auth(Role.ENTERPRISE_CONTACT, "park", enterprise_id=own["id"])

    far = await make_pool(
        world,
        client,
        org="other_park",
        purpose="mutual_aid",
        name="外区池",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    # Another enterprise (in the same park, or elsewhere, or absent) is 404 as if absent.
    before = await loans_state(container)
    for ent_id in (other["id"], foreign["id"], 999999):
        r = await client.post(URL, headers=contact, json=body(pool["id"], ent_id))
        assert r.status_code == 404, r.text
        assert r.json()["code"] == "enterprise.not_found"
        assert r.json()["errors"][0]["pointer"] == "/enterprise_id"
    # A pool not above its enterprise (or absent) is 404 too.
    for pool_id in (far["id"], 999999):
        r = await client.post(URL, headers=contact, json=body(pool_id, own["id"]))
        assert r.status_code == 404 and r.json()["code"] == "fund.pool_not_found", r.text
    # Guarantors must sit under the pool's owner.
    r = await client.post(
        URL,
        headers=contact,
        json=body(
            pool["id"], own["id"], guarantees=[{"enterprise_id": foreign["id"], "amount": "1.00"}]
        ),
    )
    assert (
        r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/guarantees/0/enterprise_id"
    )
    # A contact without an enterprise claim applies for nobody.
    nobody = world.auth(Role.ENTERPRISE_CONTACT, "park")
    r = await client.post(URL, headers=nobody, json=body(pool["id"], own["id"]))
    assert r.status_code == 404
    assert await loans_state(container) == before

    r = await client.post(
        URL,
        headers={**contact, **key()},
        json=body(
            pool["id"], own["id"], guarantees=[{"enterprise_id": other["id"], "amount": "50000.00"}]
        ),
    )
    assert r.status_code == 201, r.text
    loan = r.json()
    assert (loan["status"], loan["enterprise_id"], loan["amount"]) == (
        "applied",
        own["id"],
        "100000.00",
    )
    assert loan["applied_by"] == "test:enterprise_contact:park"
    assert [g["enterprise_id"] for g in loan["guarantees"]] == [other["id"]]
    [audit] = await audit_rows(container, "fund_loan", loan["id"])
    assert audit.action == "fund.loan_apply" and audit.actor == "test:enterprise_contact:park"

    # It reads its own loans, not others', and neither decides nor moves money.
    mine = await apply_loan(
        world, client, pool["id"], other["id"], "10.00", [("2999-01-01", "10.00")]
    )
    r = await client.get(f"{URL}/{loan['id']}", headers=contact)
    assert r.status_code == 200 and r.json()["id"] == loan["id"]
    r = await client.get(f"{URL}/{mine['id']}", headers=contact)
    assert r.status_code == 404 and r.json()["code"] == "fund.loan_not_found"
    r = await client.get(URL, headers=contact)
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [loan["id"]]
    r = await client.get(URL, headers=contact, params={"status": "approved"})
    assert r.json()["items"] == []
    r = await client.get(URL, headers=contact, params={"org_id": world.ids["street"]})
    assert [x["id"] for x in r.json()["items"]] == [loan["id"]]
    r = await client.get(URL, headers=contact, params={"org_id": world.ids["branch1"]})
    assert r.json()["items"] == []
    r = await client.get(URL, headers=contact, params={"org_id": 999999})
    assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    before = await loans_state(container)
    for action, headers in (("approve", {}), ("disburse", key()), ("reject", {})):
        r = await client.post(
            f"{URL}/{loan['id']}/{action}", headers={**contact, **headers}, json={"reason": "x"}
        )
        assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing", action
    r = await client.post(
        f"{URL}/{loan['id']}/repayments", headers={**contact, **key()}, json={"amount": "1.00"}
    )
    assert r.status_code == 403
    # The pool's books stay closed to it.
    r = await client.get(f"/api/v1/pools/{pool['id']}", headers=contact)
    assert r.status_code == 403
    assert await loans_state(container) == before

    # The committee approves the contact's application like any other.
    park = world.auth(Role.PARK_ADMIN, "park")
    r = await client.post(f"{URL}/{loan['id']}/approve", headers=park)
    assert r.status_code == 200 and r.json()["status"] == "approved"


async def test_contact_over_graphql(world, client, container):
    pool, own, other, _ = await setup(world, client)
    contact = world.auth(Role.ENTERPRISE_CONTACT, "park", enterprise_id=own["id"])
    apply = """mutation($p: Int!, $e: Int!) { applyForLoan(input: {poolId: $p, enterpriseId: $e,
        amount: "2000.00", purpose: "应急", schedule: [{dueOn: "2999-01-01", amount: "2000.00"}]})
        { loan { id status enterpriseId amount } errors { code field } } }"""
    before = await loans_state(container)
    out = await gql(client, apply, {"p": pool["id"], "e": other["id"]}, contact)
    assert out["data"]["applyForLoan"]["loan"] is None
    assert [e["code"] for e in out["data"]["applyForLoan"]["errors"]] == ["enterprise.not_found"]
    assert await loans_state(container) == before
    out = await gql(client, apply, {"p": pool["id"], "e": own["id"]}, contact)
    loan = out["data"]["applyForLoan"]["loan"]
    assert out["data"]["applyForLoan"]["errors"] == []
    assert (loan["status"], loan["enterpriseId"], loan["amount"]) == (
        "APPLIED",
        own["id"],
        "2000.00",
    )
    read = "query { loans { edges { node { id enterpriseId } } } }"
    out = await gql(client, read, {}, contact)
    assert [e["node"]["id"] for e in out["data"]["loans"]["edges"]] == [loan["id"]]
    out = await gql(
        client,
        "mutation($id: Int!) { approveLoan(id: $id) { errors { code } } }",
        {"id": loan["id"]},
        contact,
    )
    codes = [e["code"] for e in out["data"]["approveLoan"]["errors"]]
    assert codes == ["auth.scope_missing"]
    theirs = await apply_loan(
        world, client, pool["id"], other["id"], "10.00", [("2999-01-01", "10.00")]
    )
    out = await gql(
        client, "query($id: Int!) { loan(id: $id) { id } }", {"id": theirs["id"]}, contact
    )
    assert out["data"] is None
    assert out["errors"][0]["extensions"]["code"] == "fund.loan_not_found"


async def test_committee_rejects_with_a_reason(world, client, container):
    pool, own, _, _ = await setup(world, client)
    park = world.auth(Role.PARK_ADMIN, "park")
    loan = await apply_loan(
        world, client, pool["id"], own["id"], "10000.00", [("2999-01-01", "10000.00")]
    )
    url = f"{URL}/{loan['id']}"

    before = await loans_state(container)
    # A reason is required; the applicant does not decide its own application; a branch
    # secretary (no funds:approve) does not decide; outside the subtree it is absent.
    r = await client.post(f"{url}/reject", headers=park, json={"reason": "  "})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/reason", r.text
    r = await client.post(f"{url}/reject", headers=park, json={})
    assert r.status_code == 422
    r = await client.post(f"{url}/reject", headers=world.auth(), json={"reason": "x"})
    assert r.status_code == 422 and r.json()["code"] == "fund.self_approval"
    r = await client.post(
        f"{url}/reject", headers=world.auth(Role.BRANCH_SECRETARY, "branch1"), json={"reason": "x"}
    )
    assert r.status_code == 403
    r = await client.post(
        f"{url}/reject",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={"reason": "x"},
    )
    assert r.status_code == 404 and r.json()["code"] == "fund.loan_not_found"
    assert await loans_state(container) == before

    headers = {**park, "Idempotency-Key": "reject-1"}
    r = await client.post(f"{url}/reject", headers=headers, json={"reason": "担保不足"})
    assert r.status_code == 200, r.text
    rejected = r.json()
    assert (rejected["status"], rejected["outstanding"], rejected["approved_by"]) == (
        "rejected",
        "0.00",
        None,
    )
    assert rejected["version"] == loan["version"] + 1
    # The same key replays the same answer and writes nothing more.
    after = await loans_state(container)
    again = await client.post(f"{url}/reject", headers=headers, json={"reason": "担保不足"})
    assert again.status_code == 200 and again.json() == rejected
    assert await loans_state(container) == after
    actions = [
        (a.action, a.changes.get("reason"))
        for a in await audit_rows(container, "fund_loan", loan["id"])
    ]
    assert actions == [("fund.loan_apply", None), ("fund.loan_reject", "担保不足")]

    # Final: neither approved, disbursed nor rejected again (409 naming the state).
    for action, extra in (("approve", {}), ("disburse", key()), ("reject", {})):
        r = await client.post(f"{url}/{action}", headers={**park, **extra}, json={"reason": "x"})
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["code"] == "fund.loan_status" and problem["status"] == "rejected"
        assert "rejected" in problem["detail"]
    assert await loans_state(container) == after
    assert await balance(world, client, pool["id"]) == "3000000.00"
    # Rejected loans list by status and owe nothing: the borrower may apply again.
    r = await client.get(URL, headers=park, params={"status": "rejected"})
    assert [x["id"] for x in r.json()["items"]] == [loan["id"]]
    await apply_loan(world, client, pool["id"], own["id"], "10000.00", [("2999-01-01", "10000.00")])


async def test_reject_over_graphql(world, client, container):
    pool, own, _, _ = await setup(world, client)
    park = world.auth(Role.PARK_ADMIN, "park")
    loan = await apply_loan(
        world, client, pool["id"], own["id"], "10.00", [("2999-01-01", "10.00")]
    )
    reject = """mutation($id: Int!, $r: String!) { rejectLoan(id: $id, reason: $r) {
        loan { id status } errors { code field } } }"""
    before = await loans_state(container)
    out = await gql(client, reject, {"id": loan["id"], "r": ""}, park)
    assert [e["code"] for e in out["data"]["rejectLoan"]["errors"]] == [
        "fund.loan_reject_reason_required"
    ]
    out = await gql(
        client,
        reject,
        {"id": loan["id"], "r": "x"},
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert [e["code"] for e in out["data"]["rejectLoan"]["errors"]] == ["fund.loan_not_found"]
    assert await loans_state(container) == before
    out = await gql(client, reject, {"id": loan["id"], "r": "用途不符"}, park)
    assert out["data"]["rejectLoan"] == {
        "loan": {"id": loan["id"], "status": "REJECTED"},
        "errors": [],
    }
    approve = "mutation($id: Int!) { approveLoan(id: $id) { loan { id } errors { code } } }"
    out = await gql(client, approve, {"id": loan["id"]}, park)
    assert out["data"]["approveLoan"] == {"loan": None, "errors": [{"code": "fund.loan_status"}]}
    async with container.db.read_sessions() as s:
        status = (
            await s.execute(sa.select(FundLoanRow.status).where(FundLoanRow.id == loan["id"]))
        ).scalar_one()
        n = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(AuditRow)
                .where(AuditRow.action == "fund.loan_reject")
            )
        ).scalar_one()
    assert (status, n) == ("rejected", 1)


async def test_concurrent_approve_and_reject_decide_once(world, client, container):
    """Approvals and rejections of the same applications at the same moment: each loan ends
    in exactly one decision, the other side gets 409 naming it, and one audit row each."""
    pool, own, other, _ = await setup(world, client)
    park = world.auth(Role.PARK_ADMIN, "park")
    street = world.auth(Role.STREET_ADMIN, "street")
    loans = [
        await apply_loan(world, client, pool["id"], firm["id"], "10.00", [("2999-01-01", "10.00")])
        for firm in (own, other, own, other)
    ]

    def decide(loan_id: int, action: str) -> Any:
        headers = park if action == "approve" else street
        return client.post(f"{URL}/{loan_id}/{action}", headers=headers, json={"reason": "不符"})

    calls = [(x["id"], a) for x in loans for a in ("approve", "reject", "reject")]
    results = await asyncio.gather(*[decide(i, a) for i, a in calls])
    for loan in loans:
        mine = [r for (i, _), r in zip(calls, results, strict=True) if i == loan["id"]]
        ok = [r for r in mine if r.status_code == 200]
        assert len(ok) == 1, [r.text for r in mine]
        final = ok[0].json()["status"]
        assert final in ("approved", "rejected")
        for r in mine:
            if r.status_code != 200:
                assert r.status_code == 409 and r.json()["status"] == final, r.text
        actions = [a.action for a in await audit_rows(container, "fund_loan", loan["id"])]
        action = "fund.loan_approve" if final == "approved" else "fund.loan_reject"
        assert actions == ["fund.loan_apply", action]
