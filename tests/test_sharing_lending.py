"""Worker lending (帮工): ask, offer, confirm; a worker is never lent twice for overlapping days."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from app.db.models import WorkerLoanRow
from tests.sharing_fixtures import contact, coordinator, days, firms, loan_body, sharing_tables


async def _ask(client: Any, headers: dict[str, str], **kw: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/worker-loans", headers=headers, json=loan_body(**kw))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _offer(client: Any, headers: dict[str, str], req_id: int, *refs: str, **kw: Any) -> int:
    workers = [{"ref": r, "name": f"师傅{r}"} for r in refs]
    r = await client.post(
        f"/api/v1/worker-loans/{req_id}/offers", headers=headers, json={"workers": workers, **kw}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["offers"][-1]["id"])


async def test_lending_workers_end_to_end(world, client, container):
    tongxin, lender, other = await firms(world, client, 3, start=8300)
    tx, ln, coord = contact(world, tongxin["id"]), contact(world, lender["id"]), coordinator(world)
    req = await _ask(client, tx, workers_needed=3, start_on=days(2), end_on=days(11))
    assert (req["status"], req["confirmed_count"]) == ("open", 0)
    # The borrower cannot lend to itself; a firm lists a worker once.
    r = await client.post(
        f"/api/v1/worker-loans/{req['id']}/offers",
        headers=tx,
        json={"workers": [{"ref": "T-1", "name": "甲"}]},
    )
    assert r.status_code == 422 and r.json()["code"] == "worker_loan.offer_by_borrower"
    r = await client.post(
        f"/api/v1/worker-loans/{req['id']}/offers",
        headers=ln,
        json={"workers": [{"ref": "G-1", "name": "甲"}, {"ref": "G-1", "name": "乙"}]},
    )
    assert r.status_code == 422 and r.json()["code"] == "worker_loan.worker_repeated"
    offer = await _offer(client, ln, req["id"], "G-1", "G-2")
    # Only the coordinator confirms.
    url = f"/api/v1/worker-loans/{req['id']}/offers/{offer}/confirm"
    assert (await client.post(url, headers=tx)).status_code == 403
    r = await client.post(url, headers=coord)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["confirmed_count"] == 2 and body["status"] == "open"
    loans = {x["worker_ref"]: x for x in body["loans"]}
    assert set(loans) == {"G-1", "G-2"}
    assert loans["G-1"]["lender_id"] == lender["id"]
    assert loans["G-1"]["borrower_id"] == tongxin["id"]
    assert (loans["G-1"]["start_on"], loans["G-1"]["end_on"], loans["G-1"]["days"]) == (
        days(2),
        days(11),
        10,
    )
    r = await client.post(url, headers=coord)
    assert r.status_code == 409 and r.json()["code"] == "worker_loan.offer_confirmed"

    # G-1 is lent until day 11: another request overlapping day 11 cannot have G-1 ...
    other_req = await _ask(
        client, contact(world, other["id"]), workers_needed=1, start_on=days(11), end_on=days(15)
    )
    clash = await _offer(client, ln, other_req["id"], "G-1")
    before = await sharing_tables(container)
    r = await client.post(
        f"/api/v1/worker-loans/{other_req['id']}/offers/{clash}/confirm", headers=coord
    )
    assert r.status_code == 409 and r.json()["code"] == "worker_loan.worker_overlaps"
    assert await sharing_tables(container) == before
    # ... but can from day 12.
    later = await _ask(
        client, contact(world, other["id"]), workers_needed=1, start_on=days(12), end_on=days(15)
    )
    ok = await _offer(client, ln, later["id"], "G-1")
    r = await client.post(f"/api/v1/worker-loans/{later['id']}/offers/{ok}/confirm", headers=coord)
    assert r.status_code == 200 and r.json()["status"] == "filled"

    # The third worker fills the first request; a fourth is one too many.
    third = await _offer(client, ln, req["id"], "G-3", start_on=days(5), end_on=days(6))
    r = await client.post(f"/api/v1/worker-loans/{req['id']}/offers/{third}/confirm", headers=coord)
    assert r.json()["status"] == "filled" and r.json()["confirmed_count"] == 3
    assert [x["days"] for x in r.json()["loans"] if x["worker_ref"] == "G-3"] == [2]
    r = await client.post(
        f"/api/v1/worker-loans/{req['id']}/offers",
        headers=ln,
        json={"workers": [{"ref": "G-4", "name": "丁"}]},
    )
    assert r.status_code == 422 and r.json()["code"] == "worker_loan.not_open"
    # Another firm of the park sees the request but only its own offers and loans.
    seen = await client.get(
        f"/api/v1/worker-loans/{req['id']}", headers=contact(world, other["id"])
    )
    assert seen.status_code == 200 and seen.json()["loans"] == []
    r = await client.post(f"/api/v1/worker-loans/{req['id']}/cancel", headers=tx)
    assert r.status_code == 422


async def test_bad_loan_requests(world, client, container):
    (firm,) = await firms(world, client, 1, start=8400)
    me = contact(world, firm["id"])
    before = await sharing_tables(container)
    for body, code in (
        (loan_body(start_on=days(-1)), "share.date_past"),
        (loan_body(start_on=days(5), end_on=days(4)), "worker_loan.period_reversed"),
        (loan_body(end_on=days(500)), "worker_loan.period_too_long"),
        (loan_body(workers_needed=0), "request.validation"),
    ):
        r = await client.post("/api/v1/worker-loans", headers=me, json=body)
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert await sharing_tables(container) == before
    req = await _ask(client, me)
    r = await client.post(f"/api/v1/worker-loans/{req['id']}/cancel", headers=me)
    assert r.json()["status"] == "cancelled"


async def test_one_worker_confirmed_twice_at_once(world, client, container):
    """Two coordinators confirm the same worker for overlapping days at the same moment: one
    loan is recorded, the other is refused (the lender's row serialises them)."""
    a, b, lender = await firms(world, client, 3, start=8500)
    ln, coord = contact(world, lender["id"]), coordinator(world)
    reqs = [
        await _ask(
            client, contact(world, f["id"]), workers_needed=1, start_on=days(3), end_on=days(9)
        )
        for f in (a, b)
    ]
    offers = [await _offer(client, ln, r["id"], "G-9") for r in reqs]
    results = await asyncio.gather(
        *(
            client.post(f"/api/v1/worker-loans/{r['id']}/offers/{o}/confirm", headers=coord)
            for r, o in zip(reqs, offers, strict=True)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(
                sa.select(sa.func.count()).where(
                    WorkerLoanRow.lender_id == lender["id"], WorkerLoanRow.worker_ref == "G-9"
                )
            )
        ).scalar_one()
    assert n == 1
