"""The demo district: the source articles' figures, reachable through the API; idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.models import AuditRow, EnterpriseRow, MemberRow, OrgRow
from app.demo import seed_demo


async def test_demo_figures_and_idempotence(settings, client):
    first = await seed_demo(settings, password="demo-pass-123")
    assert "251 of 297" in first[0]
    login = await client.post(
        "/api/v1/auth/token", json={"username": "park_admin", "password": "demo-pass-123"}
    )
    assert login.status_code == 200, login.text
    h = {"Authorization": f"Bearer {login.json()['access_token']}"}
    park_id = login.json()["org_id"]
    report = (await client.get(f"/api/v1/orgs/{park_id}/coverage", headers=h)).json()
    assert (report["total"], report["organisation"]) == (297, 251)
    assert report["organisation_rate"] == "84.5"
    branches = (
        await client.get(
            f"/api/v1/orgs/{park_id}/subtree", headers=h, params={"kind": "branch", "limit": 200}
        )
    ).json()["items"]
    assert len(branches) == 59
    gb = (
        await client.get(
            f"/api/v1/orgs/{park_id}/children", headers=h, params={"kind": "general_branch"}
        )
    ).json()["items"][0]
    assert gb["name"] == "工业党总支" and gb["child_count"] == 12
    assert "253 members" in first[1] and "12 migrant members" in first[2]

    district = await client.post(
        "/api/v1/auth/token", json={"username": "district_admin", "password": "demo-pass-123"}
    )
    hd = {"Authorization": f"Bearer {district.json()['access_token']}"}
    hefeng = (
        await client.get(
            f"/api/v1/orgs/{district.json()['org_id']}/subtree",
            headers=hd,
            params={"kind": "park", "q": "和丰"},
        )
    ).json()["items"][0]
    stats = (await client.get(f"/api/v1/orgs/{hefeng['id']}/member-stats", headers=hd)).json()
    assert stats["total"] == 253
    assert sum(stats["by_status"].values()) == 253
    # The demo member account opens its own record, with its own numbers unmasked.
    login = await client.post(
        "/api/v1/auth/token", json={"username": "member", "password": "demo-pass-123"}
    )
    me = await client.get(
        "/api/v1/members/me",
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
    )
    assert me.status_code == 200, me.text
    assert me.json()["masked"] is False and me.json()["national_id"].startswith("350526")

    # Migrant members: affiliated in another county, listed in the park as managed here; the
    # work queues hold letters in each state; compliance sees the long dual managements.
    login_park = await client.post(
        "/api/v1/auth/token", json={"username": "park_admin", "password": "demo-pass-123"}
    )
    hp = {"Authorization": f"Bearer {login_park.json()['access_token']}"}
    park = login_park.json()["org_id"]
    managed = await client.get(
        "/api/v1/members", headers=hp, params={"org_id": park, "managed_here": "true", "limit": 50}
    )
    assert managed.status_code == 200, managed.text
    assert len(managed.json()["items"]) == 12
    assert all(m["managed_here"] for m in managed.json()["items"])
    queues = {}
    for q in ("awaiting_decision", "incoming_open", "history"):
        r = await client.get(f"/api/v1/orgs/{park}/transfers", headers=hp, params={"queue": q})
        assert r.status_code == 200, r.text
        queues[q] = [t["state"] for t in r.json()["items"]]
    assert queues == {
        "awaiting_decision": ["issued"],
        "incoming_open": ["issued", "accepted"],
        "history": ["completed"],
    }
    findings = await client.get(
        f"/api/v1/orgs/{park}/compliance", headers=hp, params={"rule": "managed_too_long"}
    )
    assert findings.json()["totals"]["managed_too_long"] >= 1

    from app.container import build_container

    c = build_container(settings)
    try:
        async with c.db.read_sessions() as s:
            counts = [
                (await s.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
                for t in (OrgRow, EnterpriseRow, MemberRow, AuditRow)
            ]
        again = await seed_demo(settings, password="demo-pass-123")
        assert "nothing changed" in again[0]
        async with c.db.read_sessions() as s:
            after = [
                (await s.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
                for t in (OrgRow, EnterpriseRow, MemberRow, AuditRow)
            ]
        assert after == counts
    finally:
        await c.close()
