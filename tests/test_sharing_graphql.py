"""Order sharing through GraphQL: the same use cases as REST, the same answers."""

from __future__ import annotations

from typing import Any

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
