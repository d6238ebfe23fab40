"""Races that must end with exactly one effect (run on both databases; they bite on PostgreSQL)."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import OrgRow


async def _paths_consistent(container) -> None:
    async with container.db.read_sessions() as s:
        rows = (
            await s.execute(
                sa.select(
                    OrgRow.id, OrgRow.path, OrgRow.parent_id, OrgRow.child_count, OrgRow.status
                )
            )
        ).all()
    by_id = {r.id: r for r in rows}
    for r in rows:
        expected = (by_id[r.parent_id].path if r.parent_id else "/") + f"{r.id}/"
        assert r.path == expected, (r, expected)
        live_children = sum(1 for c in rows if c.parent_id == r.id and c.status == "active")
        assert r.child_count == live_children, r


async def test_overlapping_moves_keep_every_path_consistent(world, client, container):
    """Moves of nested subtrees at once: each rewrite must see the other's result."""
    h = world.auth()
    ids = world.ids
    a = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["park"], "kind": "general_branch", "name": "A"},
        )
    ).json()
    b = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["park"], "kind": "general_branch", "name": "B"},
        )
    ).json()
    c1 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["street"], "kind": "community", "name": "C1"},
        )
    ).json()
    p1 = (
        await client.post(
            "/api/v1/orgs", headers=h, json={"parent_id": c1["id"], "kind": "park", "name": "P1"}
        )
    ).json()
    c2 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["street"], "kind": "community", "name": "C2"},
        )
    ).json()
    p2 = (
        await client.post(
            "/api/v1/orgs", headers=h, json={"parent_id": c2["id"], "kind": "park", "name": "P2"}
        )
    ).json()
    # A moves under P1 while P1 (A's new parent) moves under C2; likewise B, P2 and C1.
    results = await asyncio.gather(
        client.post(f"/api/v1/orgs/{a['id']}/move", headers=h, json={"parent_id": p1["id"]}),
        client.post(f"/api/v1/orgs/{p1['id']}/move", headers=h, json={"parent_id": c2["id"]}),
        client.post(f"/api/v1/orgs/{b['id']}/move", headers=h, json={"parent_id": p2["id"]}),
        client.post(f"/api/v1/orgs/{p2['id']}/move", headers=h, json={"parent_id": c1["id"]}),
    )
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    await _paths_consistent(container)
    got = (await client.get(f"/api/v1/orgs/{a['id']}", headers=h)).json()
    assert got["path"] == f"/{ids['district']}/{ids['street']}/{c2['id']}/{p1['id']}/{a['id']}/"


async def test_one_org_moved_two_ways_at_once(world, client, container):
    """The kind rules make crossing moves (A under B, B under A) impossible, since every kind
    holds only lower kinds; what can race is the same org sent two ways at once."""
    h = world.auth()
    ids = world.ids
    c1 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["street"], "kind": "community", "name": "甲社区"},
        )
    ).json()
    p1 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["street"], "kind": "park", "name": "甲园区"},
        )
    ).json()
    c2 = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["street"], "kind": "community", "name": "乙社区"},
        )
    ).json()
    r1, r2 = await asyncio.gather(
        client.post(f"/api/v1/orgs/{p1['id']}/move", headers=h, json={"parent_id": c1["id"]}),
        client.post(f"/api/v1/orgs/{p1['id']}/move", headers=h, json={"parent_id": c2["id"]}),
    )
    assert {r1.status_code, r2.status_code} == {200}
    final = (await client.get(f"/api/v1/orgs/{p1['id']}", headers=h)).json()
    assert final["parent_id"] in {c1["id"], c2["id"]}
    await _paths_consistent(container)


async def test_same_idempotency_key_at_once_creates_one(world, client, container):
    h = {**world.auth(), "Idempotency-Key": "race-1"}
    body = {
        "parent_id": world.ids["park"],
        "kind": "branch",
        "formation": "joint",
        "name": "并发支部",
    }
    responses = await asyncio.gather(
        *[client.post("/api/v1/orgs", headers=h, json=body) for _ in range(4)]
    )
    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(
                sa.select(sa.func.count()).select_from(OrgRow).where(OrgRow.name == "并发支部")
            )
        ).scalar_one()
    assert n == 1
    await _paths_consistent(container)


async def test_concurrent_creates_under_one_parent_keep_counts(world, client, container):
    h = world.auth()
    responses = await asyncio.gather(
        *[
            client.post(
                "/api/v1/orgs",
                headers=h,
                json={
                    "parent_id": world.ids["park"],
                    "kind": "branch",
                    "formation": "joint",
                    "name": f"支部{i}",
                },
            )
            for i in range(8)
        ]
    )
    assert all(r.status_code == 201 for r in responses)
    await _paths_consistent(container)
