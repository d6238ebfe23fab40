"""GraphQL for transfers: the same use cases as REST, payload errors, nothing half-written."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from app.domain.orgs.model import add_months
from tests.member_fixtures import make_member, national_id
from tests.transfer_fixtures import invariants, transfer_tables

FIELDS = """transfer { id memberId memberName kind state fromOrgId toOrgId externalName
             externalRegion letterNo duesPaidUntil issuedOn validUntil daysLeft decidedOn
             reason reportedOn receiptNo receiptOn cancelledOn version }
           errors { code field }"""
ISSUE = "mutation($input: IssueTransferInput!) { issueTransfer(input: $input) { %s } }".replace(
    "%s", FIELDS
)
ACCEPT = "mutation($id: Int!, $v: Int) { acceptTransfer(id: $id, expectedVersion: $v) { %s } }"
REJECT = "mutation($id: Int!, $r: String!) { rejectTransfer(id: $id, reason: $r) { %s } }"
REPORT = "mutation($id: Int!) { reportTransfer(id: $id) { %s } }"
CANCEL = "mutation($id: Int!) { cancelTransfer(id: $id) { %s } }"
RECEIPT = (
    "mutation($id: Int!, $n: String!) { recordTransferReceipt(id: $id, receiptNo: $n) { %s } }"
)
INCOMING = (
    "mutation($input: RegisterIncomingTransferInput!) { registerIncomingTransfer(input: $input)"
    " { %s } }".replace("%s", FIELDS)
)


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


def _issue_input(world, member_id, to="branch3", **kw):
    out = {"memberId": member_id, "letterNo": "转字1号", "duesPaidUntil": "2026-10", **kw}
    if to:
        out["toOrgId"] = world.ids[to]
    return out


async def test_graphql_workflow_and_reads(world, client, container):
    h = world.auth()
    m = await make_member(world, client, 81)
    today = container.clock.today()
    body = await gql(client, ISSUE, {"input": _issue_input(world, m["id"])}, h)
    out = body["data"]["issueTransfer"]
    assert out["errors"] == []
    t = out["transfer"]
    assert (t["kind"], t["state"], t["memberName"]) == ("INTERNAL", "ISSUED", "党员81")
    assert t["validUntil"] == add_months(today, 3).isoformat()
    tid = t["id"]

    dest = world.auth(Role.BRANCH_SECRETARY, "branch3")
    body = await gql(client, ACCEPT.replace("%s", FIELDS), {"id": tid, "v": 1}, dest)
    assert body["data"]["acceptTransfer"]["transfer"]["state"] == "ACCEPTED"
    body = await gql(client, REPORT.replace("%s", FIELDS), {"id": tid}, dest)
    done = body["data"]["reportTransfer"]["transfer"]
    assert done["state"] == "COMPLETED" and done["reportedOn"] == today.isoformat()
    body = await gql(client, RECEIPT.replace("%s", FIELDS), {"id": tid, "n": "回执1"}, h)
    assert body["data"]["recordTransferReceipt"]["transfer"]["receiptNo"] == "回执1"
    await invariants(container)

    q = """query($id: Int!, $m: Int!, $o: Int!) {
             transfer(id: $id) { id state }
             memberTransfers(memberId: $m) { edges { node { id state } } }
             orgTransferQueue(orgId: $o, queue: HISTORY) { edges { cursor node { id } }
                                                           pageInfo { hasNextPage } } }"""
    body = await gql(client, q, {"id": tid, "m": m["id"], "o": world.ids["park"]}, h)
    data = body["data"]
    assert data["transfer"] == {"id": tid, "state": "COMPLETED"}
    assert [e["node"]["id"] for e in data["memberTransfers"]["edges"]] == [tid]
    assert [e["node"]["id"] for e in data["orgTransferQueue"]["edges"]] == [tid]
    assert data["orgTransferQueue"]["pageInfo"]["hasNextPage"] is False

    # An outsider: not found, as if absent.
    body = await gql(
        client,
        "query($id: Int!) { transfer(id: $id) { id } }",
        {"id": tid},
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert body["errors"][0]["extensions"]["code"] == "transfer.not_found"


async def test_graphql_refusals_write_nothing(world, client, container):
    h = world.auth()
    m = await make_member(world, client, 82)
    body = await gql(client, ISSUE, {"input": _issue_input(world, m["id"])}, h)
    tid = body["data"]["issueTransfer"]["transfer"]["id"]
    before = await transfer_tables(container)
    cases = [
        (ISSUE, {"input": _issue_input(world, m["id"], "branch2")}, h, "transfer.already_open"),
        (
            ISSUE,
            {"input": _issue_input(world, m["id"], "branch1")},
            h,
            "transfer.already_open",
        ),
        (
            ISSUE,
            {"input": _issue_input(world, m["id"], duesPaidUntil="10/2026")},
            h,
            "transfer.month_invalid",
        ),
        (
            ISSUE,
            {
                "input": _issue_input(
                    world,
                    m["id"],
                    validUntil=(add_months(container.clock.today(), 4)).isoformat(),
                )
            },
            h,
            "transfer.validity_too_long",
        ),
        (
            ACCEPT.replace("%s", FIELDS),
            {"id": tid},
            world.auth(Role.BRANCH_SECRETARY, "branch1"),
            "transfer.not_destination",
        ),
        (ACCEPT.replace("%s", FIELDS), {"id": tid, "v": 9}, h, "request.stale"),
        (REJECT.replace("%s", FIELDS), {"id": tid, "r": " "}, h, "transfer.value_required"),
        (REPORT.replace("%s", FIELDS), {"id": tid}, h, "transfer.wrong_state"),
    ]
    for query, variables, headers, code in cases:
        body = await gql(client, query, variables, headers)
        payload = next(iter(body["data"].values()))
        assert payload["transfer"] is None, body
        assert [e["code"] for e in payload["errors"]] == [code], body
        assert await transfer_tables(container) == before, code
    # Cancelled: every decision is refused.
    body = await gql(client, CANCEL.replace("%s", FIELDS), {"id": tid}, h)
    assert body["data"]["cancelTransfer"]["transfer"]["state"] == "CANCELLED"
    before = await transfer_tables(container)
    for query, variables in (
        (ACCEPT.replace("%s", FIELDS), {"id": tid}),
        (REJECT.replace("%s", FIELDS), {"id": tid, "r": "x"}),
        (CANCEL.replace("%s", FIELDS), {"id": tid}),
    ):
        body = await gql(client, query, variables, h)
        payload = next(iter(body["data"].values()))
        assert [e["code"] for e in payload["errors"]] == ["transfer.wrong_state"]
    assert await transfer_tables(container) == before


async def test_graphql_incoming_letter(world, client, container):
    birth = dt.date(1985, 2, 3)
    variables = {
        "input": {
            "name": "外省党员",
            "gender": "MALE",
            "birthDate": birth.isoformat(),
            "nationalId": national_id(birth, 83, region="330106"),
            "joinDate": "2010-07-01",
            "status": "FULL",
            "fullMemberDate": "2011-07-01",
            "orgId": world.ids["branch2"],
            "letterNo": "浙组转-1",
            "originName": "杭州某支部",
            "originRegion": "浙江省杭州市",
            "duesPaidUntil": "2026-10",
        }
    }
    body = await gql(client, INCOMING, variables, world.auth())
    out = body["data"]["registerIncomingTransfer"]
    assert out["errors"] == [], body
    assert (out["transfer"]["kind"], out["transfer"]["state"]) == ("INCOMING", "COMPLETED")
    assert out["transfer"]["toOrgId"] == world.ids["branch2"]
    await invariants(container)
    body = await gql(client, INCOMING, variables, world.auth())
    assert [e["code"] for e in body["data"]["registerIncomingTransfer"]["errors"]] == [
        "member.national_id_taken"
    ]
