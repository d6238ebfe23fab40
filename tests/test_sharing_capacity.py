"""Capacity notices, park sites and suggestions of firms for a share request."""

from __future__ import annotations

from typing import Any

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise
from tests.sharing_fixtures import (
    allocate,
    contact,
    coordinator,
    days,
    firms,
    notice_body,
    post_request,
    sharing_tables,
)


async def _notice(client: Any, headers: dict[str, str], **kw: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/capacity-notices", headers=headers, json=notice_body(**kw))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _site(client: Any, headers: dict[str, str], ent_id: int, **body: Any) -> None:
    r = await client.put(f"/api/v1/enterprises/{ent_id}/park-site", headers=headers, json=body)
    assert r.status_code == 200, r.text


async def test_suggestions_rank_and_explain(world, client, container):
    poster, near, far, glazer, kg, nosite = await firms(world, client, 6, start=8000)
    tx, coord = contact(world, poster["id"]), coordinator(world)
    await _site(client, tx, poster["id"], zone="A区", x_m=0, y_m=0)
    await _site(client, contact(world, near["id"]), near["id"], zone="A区", x_m=60, y_m=80)
    await _site(client, coord, far["id"], zone="B区", x_m=1200, y_m=500)
    # near: 2,000/week over the whole window (21 days → 6,000); far: 10,000/week (30,000).
    n_near = await _notice(client, contact(world, near["id"]), quantity_per_week=2000)
    n_far = await _notice(client, contact(world, far["id"]), quantity_per_week=10000)
    await _notice(client, contact(world, glazer["id"]), process="上釉", quantity_per_week=9000)
    await _notice(client, contact(world, kg["id"]), unit="kg", quantity_per_week=9000)
    # nosite: a week of capacity, starting in ten days (7 days in the window → 700).
    await _notice(
        client,
        contact(world, nosite["id"]),
        quantity_per_week=700,
        available_from=days(10),
        available_to=days(16),
    )
    gone = await _notice(client, contact(world, glazer["id"]), quantity_per_week=50000)
    r = await client.post(
        f"/api/v1/capacity-notices/{gone['id']}/withdraw", headers=contact(world, glazer["id"])
    )
    assert r.json()["status"] == "withdrawn"
    req = await post_request(world, client, tx, quantity=30000, deadline=days(20))
    await client.post(
        f"/api/v1/share-requests/{req['id']}/offers",
        headers=contact(world, near["id"]),
        json={"quantity": 5000, "available_on": days(15)},
    )

    r = await client.get(
        f"/api/v1/share-requests/{req['id']}/suggestions",
        headers={**tx, "Accept-Language": "en"},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert [s["enterprise_id"] for s in got] == [far["id"], near["id"], nosite["id"]]
    first, second, third = got
    assert (first["free_quantity"], first["covers_remaining"]) == (30000, True)
    assert first["distance_m"] == 1300 and first["same_zone"] is False
    assert first["notice_ids"] == [n_far["id"]]
    assert (second["free_quantity"], second["distance_m"], second["same_zone"]) == (6000, 100, True)
    assert second["offered_quantity"] == 5000 and second["notice_ids"] == [n_near["id"]]
    codes = [x["code"] for x in second["reasons"]]
    assert codes == [
        "suggest.notice",
        "suggest.covers_part",
        "suggest.distance",
        "suggest.same_zone",
        "suggest.offered",
    ]
    texts = [x["text"] for x in second["reasons"]]
    assert "6000 件 between" in texts[0] and "About 100 m" in texts[2]
    assert (third["free_quantity"], third["distance_m"]) == (700, None)
    assert third["reasons"][-1]["code"] == "suggest.distance_unknown"

    # Work already allocated and not yet delivered is not free.
    await allocate(client, coord, req["id"], enterprise_id=far["id"], quantity=20000)
    r = await client.get(f"/api/v1/share-requests/{req['id']}/suggestions", headers=coord)
    first = r.json()[0]
    assert first["enterprise_id"] == far["id"]
    assert (first["free_quantity"], first["outstanding_quantity"]) == (10000, 20000)
    assert first["covers_remaining"] is True  # 10,000 remain
    assert "已扣除" in first["reasons"][1]["text"]  # Chinese by default

    # Only the poster and the coordinator ask; other firms get 403; other districts 404.
    r = await client.get(
        f"/api/v1/share-requests/{req['id']}/suggestions", headers=contact(world, near["id"])
    )
    assert r.status_code == 403
    r = await client.get(
        f"/api/v1/share-requests/{req['id']}/suggestions",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert r.status_code == 404


async def test_notices_refuse_bad_periods_and_are_scoped(world, client, container):
    mine, other = await firms(world, client, 2, start=8100)
    elsewhere = await make_enterprise(world, client, 8110, org="community")
    me = contact(world, mine["id"])
    before = await sharing_tables(container)
    for body, code in (
        (notice_body(available_from=days(5), available_to=days(4)), "capacity.period_reversed"),
        (notice_body(available_from=days(-9), available_to=days(-1)), "capacity.period_past"),
        (notice_body(available_to=days(400)), "capacity.period_too_long"),
        (notice_body(quantity_per_week=0), "request.validation"),
        (notice_body(enterprise_id=other["id"]), "enterprise.not_found"),
    ):
        r = await client.post("/api/v1/capacity-notices", headers=me, json=body)
        assert r.status_code in (404, 422) and r.json()["code"] == code, r.text
    assert await sharing_tables(container) == before
    n = await _notice(client, me)
    await _notice(client, contact(world, elsewhere["id"], org="community"))
    # A firm of the same park sees it; a firm under another host org does not.
    r = await client.get(f"/api/v1/capacity-notices/{n['id']}", headers=contact(world, other["id"]))
    assert r.status_code == 200
    r = await client.get(
        f"/api/v1/capacity-notices/{n['id']}", headers=contact(world, elsewhere["id"], "community")
    )
    assert r.status_code == 404
    listed = await client.get(
        "/api/v1/capacity-notices", headers=contact(world, other["id"]), params={"process": "彩绘"}
    )
    assert [x["id"] for x in listed.json()["items"]] == [n["id"]]
    listed = await client.get(
        "/api/v1/capacity-notices",
        headers=coordinator(world, "street"),
        params={"active_on": days(3)},
    )
    assert len(listed.json()["items"]) == 2
    # Only its firm or the coordinator withdraws it.
    r = await client.post(
        f"/api/v1/capacity-notices/{n['id']}/withdraw", headers=contact(world, other["id"])
    )
    assert r.status_code == 403 and r.json()["code"] == "capacity.not_owner_or_coordinator"
    r = await client.post(
        f"/api/v1/capacity-notices/{n['id']}/withdraw", headers=coordinator(world)
    )
    assert r.json()["status"] == "withdrawn"
    again = await client.post(f"/api/v1/capacity-notices/{n['id']}/withdraw", headers=me)
    assert again.json()["version"] == r.json()["version"]
    # Withdrawn: other firms no longer see it; its own firm does.
    r = await client.get(f"/api/v1/capacity-notices/{n['id']}", headers=contact(world, other["id"]))
    assert r.status_code == 404
    r = await client.get(f"/api/v1/capacity-notices/{n['id']}", headers=me)
    assert r.status_code == 200


async def test_park_site(world, client):
    (firm,) = await firms(world, client, 1, start=8200)
    me = contact(world, firm["id"])
    r = await client.get(f"/api/v1/enterprises/{firm['id']}/park-site", headers=me)
    assert r.status_code == 404 and r.json()["code"] == "capacity.site_not_found"
    await _site(client, me, firm["id"], zone="C区", x_m=5, y_m=7)
    r = await client.get(f"/api/v1/enterprises/{firm['id']}/park-site", headers=coordinator(world))
    assert (r.json()["zone"], r.json()["x_m"], r.json()["y_m"]) == ("C区", 5, 7)
    r = await client.put(
        f"/api/v1/enterprises/{firm['id']}/park-site", headers=me, json={"x_m": -1, "y_m": 0}
    )
    assert r.status_code == 422
    data = (
        await client.post(
            "/graphql",
            headers=me,
            json={
                "query": "query($id: Int!) { parkSite(enterpriseId: $id) { zone xM yM } }",
                "variables": {"id": firm["id"]},
            },
        )
    ).json()
    assert data["data"]["parkSite"] == {"zone": "C区", "xM": 5, "yM": 7}
