"""Order sharing through GraphQL: the same use cases as REST, the same answers."""

from __future__ import annotations

from typing import Any

from tests.member_fixtures import make_member
from tests.sharing_fixtures import contact, coordinator, days, firms

REQUEST_FIELDS = (
    "id enterpriseId orgId process unit quantity keptQuantity unitPrice qualityStandard "
    "deadline visibility status allocatedQuantity remainingQuantity acceptedQuantity fulfilled "
    "fulfilledOn version"
)
ALLOCATION_FIELDS = (
    "id requestId requestStatus enterpriseId quantity unitPrice dueOn status passedQuantity "
    "failedQuantity outstandingQuantity amount settledAmount deliveries { quantity quality onTime }"
)


async def gql(client: Any, headers: dict[str, str], query: str, **variables: Any) -> Any:
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = r.json()
    assert not body.get("errors"), body
    return body["data"]


async def test_share_flow_over_graphql_agrees_with_rest(world, client):
    poster, taker = await firms(world, client, 2, start=7700)
    tx, tk, coord = contact(world, poster["id"]), contact(world, taker["id"]), coordinator(world)
    data = await gql(
        client,
        tx,
        'mutation($d: Date!) { createShareRequest(input: {process: "上釉", unit: "件", '
        'quantity: 500, keptQuantity: 100, unitPrice: "2.35", qualityStandard: "釉面均匀", '
        f"deadline: $d}}) {{ shareRequest {{ {REQUEST_FIELDS} }} errors {{ code }} }} }}",
        d=days(10),
    )
    created = data["createShareRequest"]
    assert created["errors"] == []
    req_id = created["shareRequest"]["id"]
    assert created["shareRequest"]["unitPrice"] == "2.35"
    assert created["shareRequest"]["status"] == "OPEN"

    # The requester's own offer is a payload error, and nothing is written.
    data = await gql(
        client,
        tx,
        "mutation($id: Int!, $d: Date!) { offerCapacity(requestId: $id, input: "
        "{quantity: 5, availableOn: $d}) { offer { id } errors { code field } } }",
        id=req_id,
        d=days(1),
    )
    assert data["offerCapacity"] == {
        "offer": None,
        "errors": [{"code": "share.offer_by_requester", "field": "/enterprise_id"}],
    }
    data = await gql(
        client,
        tk,
        "mutation($id: Int!, $d: Date!) { offerCapacity(requestId: $id, input: "
        '{quantity: 500, availableOn: $d, unitPrice: "2.40"}) { offer { id unitPrice } '
        "errors { code } } }",
        id=req_id,
        d=days(5),
    )
    offer = data["offerCapacity"]["offer"]
    assert offer["unitPrice"] == "2.40"

    data = await gql(
        client,
        coord,
        "mutation($id: Int!, $o: Int!) { allocateShare(requestId: $id, input: "
        "{offerId: $o, quantity: 600}) { allocation { id } errors { code } } }",
        id=req_id,
        o=offer["id"],
    )
    assert data["allocateShare"]["errors"] == [{"code": "share.allocation_exceeds_remaining"}]
    data = await gql(
        client,
        coord,
        "mutation($id: Int!, $o: Int!) { allocateShare(requestId: $id, input: "
        f"{{offerId: $o, quantity: 500}}) {{ allocation {{ {ALLOCATION_FIELDS} }} "
        "errors { code } } }",
        id=req_id,
        o=offer["id"],
    )
    alloc_id = data["allocateShare"]["allocation"]["id"]
    data = await gql(
        client,
        tx,
        "mutation($id: Int!) { acceptAllocation(id: $id) { allocation { id } errors { code } } }",
        id=alloc_id,
    )
    assert data["acceptAllocation"]["errors"] == [{"code": "share.not_receiver"}]
    await gql(
        client,
        tk,
        "mutation($id: Int!) { acceptAllocation(id: $id) { errors { code } } }",
        id=alloc_id,
    )
    for qty, quality in ((200, "FAILED"), (500, "PASSED")):
        data = await gql(
            client,
            tx,
            "mutation($id: Int!, $q: Int!, $d: Date!, $k: DeliveryQuality!) { recordDelivery("
            "allocationId: $id, input: {quantity: $q, deliveredOn: $d, quality: $k}) "
            f"{{ allocation {{ {ALLOCATION_FIELDS} }} errors {{ code }} }} }}",
            id=alloc_id,
            q=qty,
            d=days(0),
            k=quality,
        )
        assert data["recordDelivery"]["errors"] == []
    data = await gql(
        client,
        coord,
        "mutation($id: Int!) { settleAllocation(id: $id) { allocation { "
        f"{ALLOCATION_FIELDS} }} errors {{ code }} }} }}",
        id=alloc_id,
    )
    settled = data["settleAllocation"]["allocation"]
    assert settled["settledAmount"] == "1200.00"  # 500 × 2.40
    assert settled["requestStatus"] == "CLOSED"

    # GraphQL and REST tell the same story.
    rest_req = (await client.get(f"/api/v1/share-requests/{req_id}", headers=coord)).json()
    data = await gql(
        client,
        coord,
        f"query($id: Int!) {{ shareRequest(id: $id) {{ {REQUEST_FIELDS} }} "
        f"shareAllocations(requestId: $id) {{ {ALLOCATION_FIELDS} }} }}",
        id=req_id,
    )
    g = data["shareRequest"]
    for rest_key, gql_key in (
        ("quantity", "quantity"),
        ("kept_quantity", "keptQuantity"),
        ("unit_price", "unitPrice"),
        ("allocated_quantity", "allocatedQuantity"),
        ("accepted_quantity", "acceptedQuantity"),
        ("fulfilled", "fulfilled"),
        ("fulfilled_on", "fulfilledOn"),
        ("version", "version"),
    ):
        assert rest_req[rest_key] == g[gql_key], rest_key
    assert rest_req["status"] == g["status"].lower() == "closed"
    rest_alloc = (await client.get(f"/api/v1/allocations/{alloc_id}", headers=tk)).json()
    g_alloc = data["shareAllocations"][0]
    assert rest_alloc["settled_amount"] == g_alloc["settledAmount"]
    assert rest_alloc["failed_quantity"] == g_alloc["failedQuantity"] == 200
    assert [d["quality"] for d in rest_alloc["deliveries"]] == [
        d["quality"].lower() for d in g_alloc["deliveries"]
    ]
    listed = await gql(
        client,
        tk,
        "{ shareRequests { edges { node { id status } } } }",
    )
    assert [e["node"]["id"] for e in listed["shareRequests"]["edges"]] == [req_id]


async def test_lending_rota_and_member_case_over_graphql(world, client):
    borrower, lender = await firms(world, client, 2, start=7750)
    coord = coordinator(world)
    data = await gql(
        client,
        contact(world, borrower["id"]),
        'mutation($a: Date!, $b: Date!) { requestWorkers(input: {skill: "修坯", '
        "workersNeeded: 1, startOn: $a, endOn: $b}) { workerLoan { id status } errors { code } } }",
        a=days(1),
        b=days(5),
    )
    loan_id = data["requestWorkers"]["workerLoan"]["id"]
    data = await gql(
        client,
        contact(world, lender["id"]),
        "mutation($id: Int!) { offerWorkers(workerLoanId: $id, input: {workers: "
        '[{ref: "L-7", name: "黄师傅"}]}) { workerLoan { offers { id } } errors { code } } }',
        id=loan_id,
    )
    offer_id = data["offerWorkers"]["workerLoan"]["offers"][0]["id"]
    data = await gql(
        client,
        coord,
        "mutation($id: Int!, $o: Int!) { confirmWorkerOffer(workerLoanId: $id, offerId: $o) "
        "{ workerLoan { status loans { workerRef lenderId borrowerId days } } errors { code } } }",
        id=loan_id,
        o=offer_id,
    )
    confirmed = data["confirmWorkerOffer"]["workerLoan"]
    assert confirmed["status"] == "FILLED"
    assert confirmed["loans"] == [
        {"workerRef": "L-7", "lenderId": lender["id"], "borrowerId": borrower["id"], "days": 5}
    ]
    rest = (await client.get(f"/api/v1/worker-loans/{loan_id}", headers=coord)).json()
    assert [x["worker_ref"] for x in rest["loans"]] == ["L-7"] and rest["status"] == "filled"

    # A rota over GraphQL and its schedule agree with REST.
    chairs = []
    for name in ("甲", "乙"):
        data = await gql(
            client,
            coord,
            "mutation($p: Int!, $b: Int!, $n: String!) { addJointMembership(parkId: $p, "
            "kind: SECRETARY, name: $n, branchId: $b) { membership { id } errors { code } } }",
            p=world.ids["park"],
            b=world.ids["branch1"],
            n=name,
        )
        chairs.append(data["addJointMembership"]["membership"]["id"])
    data = await gql(
        client,
        coord,
        'mutation($p: Int!, $c: [Int!]!) { createJointRota(parkId: $p, startMonth: "2026-01", '
        "chairIds: $c) { rota { id } errors { code } } }",
        p=world.ids["park"],
        c=chairs,
    )
    rota_id = data["createJointRota"]["rota"]["id"]
    await gql(
        client,
        coord,
        'mutation($id: Int!) { skipRotaMonth(rotaId: $id, month: "2026-02", reason: "出差") '
        "{ errors { code } } }",
        id=rota_id,
    )
    data = await gql(
        client,
        coord,
        'query($id: Int!) { jointRotaSchedule(rotaId: $id, fromMonth: "2026-01", months: 3) '
        "{ month membershipId } }",
        id=rota_id,
    )
    rest = (
        await client.get(
            f"/api/v1/joint-rotas/{rota_id}/schedule",
            headers=coord,
            params={"from_month": "2026-01", "months": 3},
        )
    ).json()
    assert (
        [s["membershipId"] for s in data["jointRotaSchedule"]]
        == [s["membership_id"] for s in rest["months"]]
        == [chairs[0], chairs[0], chairs[1]]
    )

    # A case raised by a member, recorded by staff.
    member = await make_member(world, client, 31)
    data = await gql(
        client,
        coord,
        "mutation($p: Int!, $m: Int!) { raiseCase(input: {parkId: $p, category: MONEY_LENDING, "
        'title: "应急资金拆借", raisedBy: MEMBER, memberId: $m}) '
        "{ case { raisedBy raisedByMemberId status } errors { code } } }",
        p=world.ids["park"],
        m=member["id"],
    )
    assert data["raiseCase"]["case"] == {
        "raisedBy": "MEMBER",
        "raisedByMemberId": member["id"],
        "status": "OPEN",
    }
