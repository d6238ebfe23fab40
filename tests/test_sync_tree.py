"""Batches of organisations and enterprises keyed by a client's external ids."""

from __future__ import annotations

from tests.enterprise_fixtures import credit_code
from tests.sync_fixtures import client_auth, follow_feed, sync_tables


def org_row(ext: str, name: str, kind: str, **kw):
    return {"external_id": ext, "name": name, "kind": kw.pop("kind_", kind), **kw}


async def test_org_batch_builds_a_tree_in_one_go_and_reimport_is_unchanged(
    world, client, container
):
    h = await client_auth(world, client)
    rows = [
        org_row("P1", "新园区", "park", parent_id=world.ids["street"], code="DH-P1"),
        org_row("G1", "新总支", "general_branch", parent_external_id="P1"),
        org_row("B1", "新支部", "branch", formation="joint", parent_external_id="G1"),
        org_row("B2", "挂错的支部", "branch", formation="joint", parent_external_id="B1"),
        org_row("B3", "无形式", "branch", parent_external_id="P1"),
        org_row("B4", "未知上级", "branch", formation="joint", parent_external_id="NOPE"),
        org_row("B5", "外区", "branch", formation="joint", parent_id=world.ids["other_park"]),
    ]
    dry = await client.post(
        "/api/v1/sync/orgs:batch", headers=h, params={"dry_run": "true"}, json={"rows": rows}
    )
    assert [x["status"] for x in dry.json()["results"]][:3] == ["created"] * 3
    r = await client.post("/api/v1/sync/orgs:batch", headers=h, json={"rows": rows})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["created"] * 3 + ["rejected"] * 4
    codes = [(p["code"], p["pointer"]) for x in res[3:] for p in x["problems"]]
    assert codes == [
        ("org.kind_not_allowed_under_parent", "/rows/3/kind"),
        ("org.formation_required", "/rows/4/formation"),
        ("sync.parent_external_id_unknown", "/rows/5/parent_external_id"),
        ("org.parent_not_found", "/rows/6/parent_id"),
    ]
    branch = (await client.get(f"/api/v1/orgs/{res[2]['id']}", headers=world.auth())).json()
    assert branch["parent_id"] == res[1]["id"] and branch["kind"] == "branch"
    before = await sync_tables(container)
    again = await client.post("/api/v1/sync/orgs:batch", headers=h, json={"rows": rows[:3]})
    assert [x["status"] for x in again.json()["results"]] == ["unchanged"] * 3
    assert await sync_tables(container) == before
    renamed = await client.post(
        "/api/v1/sync/orgs:batch",
        headers=h,
        json={
            "rows": [
                {**rows[2], "name": "更名支部"},
                {**rows[1], "kind": "branch", "formation": "joint"},
            ]
        },
    )
    out = renamed.json()["results"]
    assert out[0]["status"] == "updated"
    assert {p["code"] for p in out[1]["problems"]} == {"sync.field_not_synced"}
    wanted = ("org.update", str(res[2]["id"]))
    await follow_feed(
        client, h, until=lambda items: wanted in {(c["action"], c["entity_id"]) for c in items}
    )


async def test_enterprise_batch_matches_by_credit_code_and_checks_the_host(
    world, client, container
):
    existing = await client.post(
        "/api/v1/enterprises",
        headers=world.auth(),
        json={
            "name": "老企业",
            "credit_code": credit_code(7001),
            "kind": "enterprise",
            "industry": "ceramics",
            "above_scale": False,
            "employee_count": 10,
            "org_id": world.ids["park"],
        },
    )
    assert existing.status_code == 201, existing.text
    h = await client_auth(world, client)
    base = {
        "kind": "enterprise",
        "industry": "ceramics",
        "above_scale": "否",
        "employee_count": "12",
        "org_id": world.ids["park"],
    }
    rows = [
        {**base, "external_id": "E1", "name": "老企业", "credit_code": credit_code(7001)},
        {**base, "external_id": "E2", "name": "新企业", "credit_code": credit_code(7002)},
        {**base, "external_id": "E3", "name": "坏代码", "credit_code": "91350526MA2XYZ000X"},
        {
            **base,
            "external_id": "E4",
            "name": "支部下",
            "credit_code": credit_code(7004),
            "org_id": world.ids["branch1"],
        },
        {**base, "external_id": "E5", "name": "重复", "credit_code": credit_code(7002)},
        {
            **base,
            "external_id": "E6",
            "name": "负数",
            "credit_code": credit_code(7006),
            "employee_count": -1,
        },
    ]
    r = await client.post("/api/v1/sync/enterprises:batch", headers=h, json={"rows": rows})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["updated", "created"] + ["rejected"] * 4
    assert res[0]["id"] == existing.json()["id"]
    problems = [(p["code"], p["pointer"]) for x in res[2:] for p in x["problems"]]
    assert problems == [
        ("enterprise.credit_code_invalid", "/rows/2/credit_code"),
        ("enterprise.org_not_territorial", "/rows/3/org_id"),
        ("sync.duplicate_in_batch", "/rows/4/credit_code"),
        ("sync.value_invalid", "/rows/5/employee_count"),
    ]
    ent = (await client.get(f"/api/v1/enterprises/{res[0]['id']}", headers=world.auth())).json()
    assert ent["employee_count"] == 12
    before = await sync_tables(container)
    again = await client.post("/api/v1/sync/enterprises:batch", headers=h, json={"rows": rows[:2]})
    assert [x["status"] for x in again.json()["results"]] == ["unchanged"] * 2
    assert await sync_tables(container) == before
