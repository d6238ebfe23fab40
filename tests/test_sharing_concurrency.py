"""Allocations arriving at once never sum beyond the request (bites on PostgreSQL)."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import ShareAllocationRow, ShareRequestRow
from tests.sharing_fixtures import contact, coordinator, firms, post_request


async def test_concurrent_allocations_never_exceed_the_request(world, client, container):
    poster, *takers = await firms(world, client, 5, start=7600)
    req = await post_request(world, client, contact(world, poster["id"]), quantity=100)
    coord, tx = coordinator(world), contact(world, poster["id"])
    # Ten allocations of 30 at once, from the coordinator and the poster: only three fit.
    results = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/share-requests/{req['id']}/allocations",
                headers=coord if i % 2 else tx,
                json={"enterprise_id": takers[i % 4]["id"], "quantity": 30},
            )
            for i in range(10)
        )
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [422] * 7, [r.text for r in results]
    refused = [r.json() for r in results if r.status_code == 422]
    assert {p["code"] for p in refused} == {"share.allocation_exceeds_remaining"}
    async with container.db.read_sessions() as s:
        total = (
            await s.execute(
                sa.select(sa.func.sum(ShareAllocationRow.quantity)).where(
                    ShareAllocationRow.request_id == req["id"]
                )
            )
        ).scalar_one()
        stored = (
            await s.execute(
                sa.select(ShareRequestRow.allocated_quantity).where(ShareRequestRow.id == req["id"])
            )
        ).scalar_one()
    assert total == stored == 90
    # The last 10 still fit exactly once; then not one more unit.
    last = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/share-requests/{req['id']}/allocations",
                headers=coord,
                json={"enterprise_id": takers[0]["id"], "quantity": q},
            )
            for q in (10, 10)
        )
    )
    assert sorted(r.status_code for r in last) == [201, 422]
    one = await client.post(
        f"/api/v1/share-requests/{req['id']}/allocations",
        headers=coord,
        json={"enterprise_id": takers[0]["id"], "quantity": 1},
    )
    assert one.status_code == 422 and one.json()["remaining_quantity"] == 0
    got = await client.get(f"/api/v1/share-requests/{req['id']}", headers=coord)
    assert (got.json()["allocated_quantity"], got.json()["remaining_quantity"]) == (100, 0)
