"""Order sharing through the REST API: the 同鑫 story end to end, and the refusals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.db.models import AuditRow, ShareRequestRow
from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from tests.enterprise_fixtures import make_enterprise
from tests.sharing_fixtures import (
    allocate,
    contact,
    coordinator,
    days,
    firms,
    post_request,
    request_body,
    sharing_tables,
)


async def _audit_actions(container) -> list[str]:
    async with container.db.read_sessions() as s:
        rows = await s.execute(sa.select(AuditRow.action).order_by(AuditRow.id))
        return [a for a in rows.scalars() if a.startswith("share")]


async def test_tongxin_story_end_to_end(world, client, container):
    """2020: 同鑫 cannot finish an order; the joint mechanism splits it over three firms; one
    batch fails the quality check and is redone; everything ships on time and is settled."""
    tongxin = await make_enterprise(world, client, 7001, name="同鑫陶瓷有限公司")
    a, b, c = await firms(world, client, 3)
    tx, coord = contact(world, tongxin["id"]), coordinator(world)

    # The request: 30,000 pieces of 彩绘 shared out at 3.50, 10,000 kept in-house.
    r = await client.post(
        "/api/v1/share-requests",
        headers={**tx, "Idempotency-Key": "tongxin-1"},
        json=request_body(),
    )
    assert r.status_code == 201, r.text
    req = r.json()
    assert r.headers["Location"] == f"/api/v1/share-requests/{req['id']}"
    assert req["status"] == "open"
    assert req["enterprise_id"] == tongxin["id"] and req["org_id"] == world.ids["park"]
    assert (req["quantity"], req["kept_quantity"], req["unit_price"]) == (30000, 10000, "3.50")
    assert req["remaining_quantity"] == 30000 and req["fulfilled"] is False
    replay = await client.post(
        "/api/v1/share-requests",
        headers={**tx, "Idempotency-Key": "tongxin-1"},
        json=request_body(),
    )
    assert replay.status_code == 201 and replay.json()["id"] == req["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"

    # Offers from the three firms (B at its own price); 同鑫 cannot offer on its own request.
    offers = {}
    for firm, qty, price in ((a, 12000, None), (b, 10000, "3.60"), (c, 8000, None)):
        body = {"quantity": qty, "available_on": days(10)}
        if price:
            body["unit_price"] = price
        r = await client.post(
            f"/api/v1/share-requests/{req['id']}/offers",
            headers=contact(world, firm["id"]),
            json=body,
        )
        assert r.status_code == 201, r.text
        offers[firm["id"]] = r.json()
    assert offers[b["id"]]["unit_price"] == "3.60"
    before = await sharing_tables(container)
    r = await client.post(
        f"/api/v1/share-requests/{req['id']}/offers",
        headers=tx,
        json={"quantity": 5, "available_on": days(1)},
    )
    assert r.status_code == 422 and r.json()["code"] == "share.offer_by_requester"
    assert await sharing_tables(container) == before
    # A firm sees only its own offer; the poster sees all three.
    seen = await client.get(
        f"/api/v1/share-requests/{req['id']}/offers", headers=contact(world, a["id"])
    )
    assert [o["enterprise_id"] for o in seen.json()] == [a["id"]]
    seen = await client.get(f"/api/v1/share-requests/{req['id']}/offers", headers=tx)
    assert len(seen.json()) == 3

    # The coordinator splits the order across the three firms, taking up their offers.
    al = {}
    for firm in (a, b, c):
        al[firm["id"]] = await allocate(
            client,
            coord,
            req["id"],
            offer_id=offers[firm["id"]]["id"],
            quantity=offers[firm["id"]]["quantity"],
        )
    assert al[b["id"]]["unit_price"] == "3.60" and al[a["id"]]["unit_price"] == "3.50"
    assert al[c["id"]]["request_status"] == "allocated"
    got = (await client.get(f"/api/v1/share-requests/{req['id']}", headers=tx)).json()
    assert (got["allocated_quantity"], got["remaining_quantity"]) == (30000, 0)
    before = await sharing_tables(container)
    r = await client.post(
        f"/api/v1/share-requests/{req['id']}/allocations",
        headers=coord,
        json={"enterprise_id": a["id"], "quantity": 1},
    )
    assert r.status_code == 422 and r.json()["code"] == "share.allocation_exceeds_remaining"
    assert r.json()["remaining_quantity"] == 0
    assert await sharing_tables(container) == before

    # Each firm accepts its own allocation; nobody accepts for another firm.
    r = await client.post(f"/api/v1/allocations/{al[a['id']]['id']}/accept", headers=tx)
    assert r.status_code == 403 and r.json()["code"] == "share.not_receiver"
    r = await client.post(
        f"/api/v1/allocations/{al[a['id']]['id']}/accept", headers=contact(world, b["id"])
    )
    assert r.status_code == 404
    for firm in (a, b, c):
        r = await client.post(
            f"/api/v1/allocations/{al[firm['id']]['id']}/accept",
            headers=contact(world, firm["id"]),
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "accepted"
    assert r.json()["request_status"] == "in_production"
    assert await sharing_tables(container) != before

    # Deliveries checked by 同鑫: A in two batches, B's first batch fails and is redone.
    async def deliver(firm, qty, quality="passed", key=None):
        h = {**tx, "Idempotency-Key": key} if key else tx
        return await client.post(
            f"/api/v1/allocations/{al[firm['id']]['id']}/deliveries",
            headers=h,
            json={"quantity": qty, "delivered_on": days(0), "quality": quality},
        )

    r = await deliver(a, 7000, key="a-batch-1")
    assert r.status_code == 201, r.text
    assert (await deliver(a, 7000, key="a-batch-1")).json()["passed_quantity"] == 7000
    r = await deliver(a, 5001)
    assert r.status_code == 422 and r.json()["code"] == "share.delivery_exceeds_allocation"
    assert r.json()["outstanding_quantity"] == 5000
    r = await deliver(a, 5000)
    assert r.json()["status"] == "delivered" and r.json()["passed_quantity"] == 12000
    r = await deliver(b, 4000, "failed")
    assert (r.json()["passed_quantity"], r.json()["failed_quantity"]) == (0, 4000)
    assert r.json()["status"] == "accepted"
    r = await deliver(b, 10000)
    assert r.json()["status"] == "delivered"
    assert [d["quality"] for d in r.json()["deliveries"]] == ["failed", "passed"]
    assert all(d["on_time"] for d in r.json()["deliveries"])
    r = await deliver(c, 8000)
    assert r.json()["request_status"] == "delivered"
    got = (await client.get(f"/api/v1/share-requests/{req['id']}", headers=coord)).json()
    assert got["fulfilled"] is True and got["accepted_quantity"] == 30000
    assert got["fulfilled_on"] == days(0)

    # Settlement: passed quantity × price, exact; the request closes with the last one.
    amounts = {}
    for firm in (a, b, c):
        r = await client.post(f"/api/v1/allocations/{al[firm['id']]['id']}/settle", headers=tx)
        assert r.status_code == 200, r.text
        amounts[firm["id"]] = r.json()["settled_amount"]
    assert amounts == {a["id"]: "42000.00", b["id"]: "36000.00", c["id"]: "28000.00"}
    assert r.json()["request_status"] == "closed"
    r = await client.post(f"/api/v1/allocations/{al[a['id']]['id']}/settle", headers=tx)
    assert r.status_code == 422 and r.json()["code"] == "share.allocation_not_delivered"

    # The trail: every write audited.
    actions = await _audit_actions(container)
    assert actions.count("share_request.create") == 1
    assert actions.count("share_offer.create") == 3
    assert actions.count("share_allocation.create") == 3
    assert actions.count("share_allocation.accept") == 3
    assert actions.count("share_delivery.create") == 5
    assert actions.count("share_allocation.settle") == 3

    # Each firm's contact reads the allocation made to it, with its deliveries.
    mine = await client.get(
        f"/api/v1/share-requests/{req['id']}/allocations", headers=contact(world, b["id"])
    )
    assert [x["enterprise_id"] for x in mine.json()] == [b["id"]]
    assert mine.json()[0]["amount"] == "36000.00"


async def test_bad_requests_write_nothing(world, client, container):
    tongxin = await make_enterprise(world, client, 7002)
    tx = contact(world, tongxin["id"])
    other = await make_enterprise(world, client, 7003)
    before = await sharing_tables(container)
    cases = [
        (request_body(deadline=days(-1)), "share.deadline_past", "/deadline"),
        (request_body(quantity=0), None, "/quantity"),
        (request_body(quantity=-5), None, "/quantity"),
        (request_body(unit_price="0"), "share.price_not_positive", "/unit_price"),
        (request_body(unit_price="-1.00"), "share.price_invalid", "/unit_price"),
        (request_body(unit_price="3.505"), "share.price_invalid", "/unit_price"),
        (request_body(unit_price="1e3"), "share.price_invalid", "/unit_price"),
        (request_body(visibility="chosen"), "share.invitees_required", "/invited_enterprise_ids"),
        (request_body(process="  "), None, "/process"),
    ]
    for body, code, pointer in cases:
        r = await client.post("/api/v1/share-requests", headers=tx, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        if code:
            assert problem["code"] == code, problem
        assert any(e.get("pointer") == pointer for e in problem.get("errors", [])), problem
    # A contact cannot post for another firm (it is not theirs to see).
    r = await client.post(
        "/api/v1/share-requests", headers=tx, json=request_body(enterprise_id=other["id"])
    )
    assert r.status_code == 404
    # Staff must name the firm.
    r = await client.post("/api/v1/share-requests", headers=coordinator(world), json=request_body())
    assert r.status_code == 422 and r.json()["code"] == "share.enterprise_required"
    assert await sharing_tables(container) == before


async def test_price_is_exact_in_fen(world, client, container):
    poster, taker = await firms(world, client, 2, start=7200)
    req = await post_request(
        world, client, contact(world, poster["id"]), unit_price="0.07", quantity=3
    )
    async with container.db.read_sessions() as s:
        fen = (
            await s.execute(
                sa.select(ShareRequestRow.unit_price_fen).where(ShareRequestRow.id == req["id"])
            )
        ).scalar_one()
    assert fen == 7 and req["unit_price"] == "0.07"
    al = await allocate(
        client, coordinator(world), req["id"], enterprise_id=taker["id"], quantity=3
    )
    await client.post(f"/api/v1/allocations/{al['id']}/accept", headers=contact(world, taker["id"]))
    r = await client.post(
        f"/api/v1/allocations/{al['id']}/deliveries",
        headers=contact(world, poster["id"]),
        json={"quantity": 3, "delivered_on": days(0), "quality": "passed"},
    )
    r = await client.post(f"/api/v1/allocations/{al['id']}/settle", headers=coordinator(world))
    assert r.json()["settled_amount"] == "0.21"  # 3 × 0.07, never 0.21000000000000002


async def test_late_delivery_is_marked_late(world, client, container):
    poster, taker = await firms(world, client, 2, start=7300)
    tx, tk, coord = contact(world, poster["id"]), contact(world, taker["id"]), coordinator(world)
    req = await post_request(world, client, tx, deadline=days(1), quantity=10)
    al = await allocate(client, coord, req["id"], enterprise_id=taker["id"], quantity=10)
    assert al["due_on"] == days(1)
    await client.post(f"/api/v1/allocations/{al['id']}/accept", headers=tk)
    # Three days on (the tokens above stay valid): the batch arrives after the due date.
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    r = await client.post(
        f"/api/v1/allocations/{al['id']}/deliveries",
        headers=tx,
        json={"quantity": 10, "delivered_on": days(3), "quality": "passed"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["deliveries"][0]["on_time"] is False
    r = await client.post(
        f"/api/v1/allocations/{al['id']}/deliveries",
        headers=tx,
        json={"quantity": 1, "delivered_on": days(9), "quality": "passed"},
    )
    assert r.status_code == 422


async def test_lifecycle_draft_publish_cancel(world, client, container):
    poster, taker = await firms(world, client, 2, start=7400)
    tx = contact(world, poster["id"])
    draft = await post_request(world, client, tx, publish=False)
    assert draft["status"] == "draft"
    # Another firm of the park does not see a draft.
    r = await client.get(
        f"/api/v1/share-requests/{draft['id']}", headers=contact(world, taker["id"])
    )
    assert r.status_code == 404
    listed = await client.get("/api/v1/share-requests", headers=contact(world, taker["id"]))
    assert listed.json()["items"] == []
    r = await client.post(f"/api/v1/share-requests/{draft['id']}/publish", headers=tx)
    assert r.json()["status"] == "open"
    listed = await client.get("/api/v1/share-requests", headers=contact(world, taker["id"]))
    assert [x["id"] for x in listed.json()["items"]] == [draft["id"]]
    r = await client.post(f"/api/v1/share-requests/{draft['id']}/publish", headers=tx)
    assert r.status_code == 422 and r.json()["code"] == "share.request_not_draft"
    # A firm that is not the poster cannot cancel.
    r = await client.post(
        f"/api/v1/share-requests/{draft['id']}/cancel", headers=contact(world, taker["id"])
    )
    assert r.status_code == 403
    await allocate(client, coordinator(world), draft["id"], enterprise_id=taker["id"], quantity=5)
    r = await client.post(f"/api/v1/share-requests/{draft['id']}/cancel", headers=tx)
    assert r.status_code == 422 and r.json()["code"] == "share.request_not_cancellable"
    other = await post_request(world, client, tx)
    r = await client.post(f"/api/v1/share-requests/{other['id']}/cancel", headers=tx)
    assert r.json()["status"] == "cancelled"
    r = await client.post(
        f"/api/v1/share-requests/{other['id']}/offers",
        headers=contact(world, taker["id"]),
        json={"quantity": 5, "available_on": days(1)},
    )
    assert r.status_code == 422 and r.json()["code"] == "share.request_not_taking"


async def test_chosen_visibility(world, client, container):
    poster, invited, outsider = await firms(world, client, 3, start=7500)
    far = await make_enterprise(world, client, 7510, org="community")
    tx = contact(world, poster["id"])
    r = await client.post(
        "/api/v1/share-requests",
        headers=tx,
        json=request_body(visibility="chosen", invited_enterprise_ids=[far["id"]]),
    )
    assert r.status_code == 422 and r.json()["code"] == "share.invitee_not_in_park"
    req = await post_request(
        world, client, tx, visibility="chosen", invited_enterprise_ids=[invited["id"]]
    )
    assert req["invited_enterprise_ids"] == [invited["id"]]
    r = await client.get(
        f"/api/v1/share-requests/{req['id']}", headers=contact(world, invited["id"])
    )
    assert r.status_code == 200 and r.json()["invited_enterprise_ids"] == []
    r = await client.get(
        f"/api/v1/share-requests/{req['id']}", headers=contact(world, outsider["id"])
    )
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/share-requests/{req['id']}/allocations",
        headers=coordinator(world),
        json={"enterprise_id": outsider["id"], "quantity": 5},
    )
    assert r.status_code == 422 and r.json()["code"] == "share.enterprise_not_eligible"
    # Staff of another district see nothing of it.
    r = await client.get(
        f"/api/v1/share-requests/{req['id']}",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
    )
    assert r.status_code == 404


async def test_contact_anchored_at_the_covering_branch_acts_for_its_firm(world, client):
    """A contact may be anchored at the branch covering their firm (below the park): they act
    by their enterprise, not by their anchor."""
    poster, taker = await firms(world, client, 2, start=7800)
    r = await client.put(
        f"/api/v1/enterprises/{poster['id']}/coverage",
        headers=world.auth(),
        json={"covering_org_id": world.ids["branch2"]},
    )
    assert r.status_code == 200, r.text
    tx = contact(world, poster["id"], org="branch2")
    req = await post_request(world, client, tx)
    assert req["enterprise_id"] == poster["id"]
    listed = await client.get("/api/v1/share-requests", headers=tx)
    assert [x["id"] for x in listed.json()["items"]] == [req["id"]]
    # Still only for its own firm.
    r = await client.post(
        "/api/v1/share-requests", headers=tx, json=request_body(enterprise_id=taker["id"])
    )
    assert r.status_code == 404
