"""GraphQL analytics over a park or subtree: shared volume and value, on-time rate, firms
helped and helping, workers lent, cases — checked against a small season replayed via REST."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from tests.sharing_fixtures import allocate, contact, coordinator, days, firms, post_request

QUERY = """query($org: Int, $a: Date!, $b: Date!) {
  sharingAnalytics(orgId: $org, fromDate: $a, toDate: $b) {
    orgId shared { process unit month quantity value batches failedQuantity }
    totalValue batches onTimeBatches onTimeRate firmsHelped firmsHelping
    loans workersLent workerDays lendingFirms borrowingFirms
    cases { category opened closed medianDaysToClose }
  }
}"""


async def _deliver(client: Any, h: dict[str, str], alloc: int, qty: int, on: str, q: str) -> None:
    r = await client.post(
        f"/api/v1/allocations/{alloc}/deliveries",
        headers=h,
        json={"quantity": qty, "delivered_on": on, "quality": q},
    )
    assert r.status_code == 201, r.text


async def test_sharing_analytics(world, client, container):
    poster, a, b = await firms(world, client, 3, start=8800)
    tx, ca, cb, coord = (
        contact(world, poster["id"]),
        contact(world, a["id"]),
        contact(world, b["id"]),
        coordinator(world),
    )
    street = coordinator(world, "street")
    req1 = await post_request(world, client, tx, quantity=300, unit_price="2.50")
    al_a = await allocate(client, coord, req1["id"], enterprise_id=a["id"], quantity=200)
    al_b = await allocate(
        client, coord, req1["id"], enterprise_id=b["id"], quantity=100, unit_price="3.00"
    )
    req2 = await post_request(
        world, client, tx, process="上釉", quantity=10, unit_price="1.20", deadline=days(1)
    )
    al_late = await allocate(client, coord, req2["id"], enterprise_id=a["id"], quantity=10)
    for alloc, h in ((al_a, ca), (al_b, cb), (al_late, ca)):
        r = await client.post(f"/api/v1/allocations/{alloc['id']}/accept", headers=h)
        assert r.status_code == 200
    await _deliver(client, tx, al_a["id"], 200, days(0), "passed")
    await _deliver(client, tx, al_b["id"], 50, days(0), "failed")
    await _deliver(client, tx, al_b["id"], 100, days(0), "passed")
    # Two workers of B lent to the poster for ten days.
    loan = await client.post(
        "/api/v1/worker-loans",
        headers=tx,
        json={"skill": "修坯", "workers_needed": 2, "start_on": days(2), "end_on": days(11)},
    )
    offer = await client.post(
        f"/api/v1/worker-loans/{loan.json()['id']}/offers",
        headers=cb,
        json={"workers": [{"ref": "B-1", "name": "甲"}, {"ref": "B-2", "name": "乙"}]},
    )
    r = await client.post(
        f"/api/v1/worker-loans/{loan.json()['id']}/offers/{offer.json()['offers'][0]['id']}/confirm",
        headers=coord,
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/cases",
        headers=tx,
        json={"category": "recruitment", "title": "旺季招工难"},
    )
    assert r.status_code == 201
    # Three days on, the glaze batch arrives late (tokens above stay valid).
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    await _deliver(client, tx, al_late["id"], 10, days(3), "passed")

    variables = {"org": world.ids["street"], "a": days(-30), "b": days(10)}
    body = (
        await client.post("/graphql", json={"query": QUERY, "variables": variables}, headers=street)
    ).json()
    assert not body.get("errors"), body
    got = body["data"]["sharingAnalytics"]
    by_process = {s["process"]: s for s in got["shared"]}
    assert by_process["彩绘"] == {
        "process": "彩绘",
        "unit": "件",
        "month": days(0)[:7],
        "quantity": 300,
        "value": "800.00",  # 200 × 2.50 + 100 × 3.00
        "batches": 2,
        "failedQuantity": 50,
    }
    assert (by_process["上釉"]["quantity"], by_process["上釉"]["value"]) == (10, "12.00")
    assert by_process["上釉"]["month"] == days(3)[:7]
    assert got["totalValue"] == "812.00"
    assert (got["batches"], got["onTimeBatches"], got["onTimeRate"]) == (4, 3, "75.0")
    assert (got["firmsHelped"], got["firmsHelping"]) == (1, 2)
    assert (got["loans"], got["workersLent"], got["workerDays"]) == (2, 2, 20)
    assert (got["lendingFirms"], got["borrowingFirms"]) == (1, 1)
    assert got["cases"] == [
        {"category": "RECRUITMENT", "opened": 1, "closed": 0, "medianDaysToClose": None}
    ]
    # Another district's subtree holds none of it; contacts get no analytics.
    body = (
        await client.post(
            "/graphql",
            json={"query": QUERY, "variables": {**variables, "org": world.ids["other_district"]}},
            headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        )
    ).json()
    empty = body["data"]["sharingAnalytics"]
    assert (empty["batches"], empty["onTimeRate"], empty["shared"], empty["loans"]) == (
        0,
        None,
        [],
        0,
    )
    body = (
        await client.post(
            "/graphql", json={"query": QUERY, "variables": {**variables, "org": None}}, headers=tx
        )
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "case.stats_staff_only"
