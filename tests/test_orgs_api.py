"""Organisation tree through the REST API."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.models import AuditRow, OrgRow
from app.domain.auth.scopes import Role
from tests.management_fixtures import days_ago, register
from tests.member_fixtures import make_member
from tests.transfer_fixtures import issue


async def test_create_get_and_etag(world, client):
    h = world.auth()
    r = await client.post(
        "/api/v1/orgs",
        headers=h,
        json={
            "parent_id": world.ids["park"],
            "kind": "branch",
            "formation": "joint",
            "name": "电商企业联合党支部",
            "code": "DH-EC-01",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["path"]
        == f"/{world.ids['district']}/{world.ids['street']}/{world.ids['park']}/{body['id']}/"
    )
    assert body["depth"] == 3 and body["version"] == 1
    assert r.headers["location"] == f"/api/v1/orgs/{body['id']}"
    got = await client.get(f"/api/v1/orgs/{body['id']}", headers=h)
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json()["name"] == "电商企业联合党支部"
    park = (await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=h)).json()
    assert park["child_count"] == 4


async def test_kind_rules_and_problem_shape(world, client):
    h = world.auth()
    r = await client.post(
        "/api/v1/orgs",
        headers=h,
        json={"parent_id": world.ids["branch1"], "kind": "general_branch", "name": "不该存在"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    p = r.json()
    assert p["type"] == "urn:lianjian:problem:org.kind_not_allowed_under_parent"
    assert p["status"] == 422 and "党支部" not in p["title"]  # title is fixed per code
    assert p["errors"][0]["pointer"] == "/kind"
    r_en = await client.post(
        "/api/v1/orgs",
        headers={**h, "Accept-Language": "en"},
        json={"parent_id": world.ids["branch1"], "kind": "general_branch", "name": "x"},
    )
    assert r_en.json()["title"] == "Kind not allowed under parent"
    assert "general_branch" in r_en.json()["detail"]


async def test_bad_input_writes_nothing(world, client, container):
    h = world.auth()
    async with container.db.read_sessions() as s:
        before = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    cases = [
        (
            {"parent_id": 999999, "kind": "branch", "formation": "joint", "name": "x"},
            404,
            "org.parent_not_found",
            "/parent_id",
        ),
        (
            {"parent_id": world.ids["park"], "kind": "branch", "name": "no formation"},
            422,
            "org.formation_required",
            "/formation",
        ),
        (
            {"parent_id": world.ids["park"], "kind": "park", "formation": "joint", "name": "x"},
            422,
            "org.formation_not_applicable",
            "/formation",
        ),
        (
            {
                "parent_id": world.ids["park"],
                "kind": "branch",
                "formation": "joint",
                "name": "x",
                "colour": "red",
            },
            422,
            "request.validation",
            "/colour",
        ),
        (
            {"parent_id": world.ids["park"], "kind": "nonsense", "name": "x"},
            422,
            "request.validation",
            "/kind",
        ),
        (
            {
                "parent_id": world.ids["other_park"],
                "kind": "branch",
                "formation": "joint",
                "name": "foreign",
            },
            404,
            "org.parent_not_found",
            "/parent_id",
        ),
    ]
    for body, status, code, pointer in cases:
        r = await client.post("/api/v1/orgs", headers=h, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["code"] == code
        assert pointer in [e.get("pointer") for e in r.json()["errors"]]
    r = await client.post(
        "/api/v1/orgs", headers={**h, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert r.status_code == 400 and r.json()["code"] == "request.malformed_json"
    async with container.db.read_sessions() as s:
        after = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    assert after == before


async def test_ids_beyond_the_key_range_are_invalid_input(world, client, container):
    # Found by tests/test_fuzz_api.py: an id past BIGINT reached the driver and was a 500.
    h = world.auth()
    for bad in (2**63, 10**30, -(2**63) - 1, 0):
        for method, url in (
            ("GET", f"/api/v1/orgs/{bad}"),
            ("GET", f"/api/v1/orgs/{bad}/leaders"),
            ("POST", f"/api/v1/leaders/{bad}/end"),
            ("GET", f"/api/v1/users/{bad}"),
            ("GET", f"/api/v1/orgs/{bad}/coverage"),
        ):
            r = await client.request(method, url, headers=h)
            assert r.status_code == 400, (method, url, r.text)
            assert r.json()["code"] == "request.validation"
            assert r.json()["errors"][0]["parameter"].endswith("_id")
        r = await client.get("/api/v1/audit", headers=h, params={"org_id": bad})
        assert r.status_code == 400 and r.json()["errors"][0]["parameter"] == "org_id"
    async with container.db.read_sessions() as s:
        before = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    body = {"parent_id": 2**63, "kind": "branch", "formation": "joint", "name": "x"}
    r = await client.post("/api/v1/orgs", headers=h, json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/parent_id"
    r = await client.post(
        f"/api/v1/orgs/{world.ids['branch1']}/move", headers=h, json={"parent_id": 10**30}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/parent_id"
    r = await client.post(
        f"/api/v1/orgs/{world.ids['branch1']}/leaders",
        headers=h,
        json={"name": "甲", "role": "secretary", "term_start": "2024-01-01", "member_id": 2**63},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/member_id"
    async with container.db.read_sessions() as s:
        after = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    assert after == before


async def test_nul_characters_are_invalid_input(world, client, container):
    # Found by tests/test_fuzz_api.py: PostgreSQL refuses NUL in text, which was a 500.
    h = world.auth()
    async with container.db.read_sessions() as s:
        before = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    body = {"parent_id": world.ids["park"], "kind": "branch", "formation": "joint", "name": "a\x00"}
    r = await client.post("/api/v1/orgs", headers=h, json=body)
    assert r.status_code == 422 and r.json()["code"] == "request.validation"
    assert r.json()["errors"][0] == {
        "code": "validation.string_unstorable",
        "detail": "不能含有 NUL 字符",
        "pointer": "/name",
    }
    r = await client.get("/api/v1/orgs", headers=h, params={"q": "a\x00"})
    assert r.status_code == 400 and r.json()["code"] == "request.parameter_unstorable"
    assert r.json()["errors"][0]["parameter"] == "q"
    r = await client.post("/api/v1/auth/token", json={"username": "a\x00", "password": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/username"
    async with container.db.read_sessions() as s:
        after = (await s.execute(sa.select(sa.func.count()).select_from(OrgRow))).scalar_one()
    assert after == before


async def test_duplicate_code_is_conflict(world, client):
    h = world.auth()
    body = {
        "parent_id": world.ids["park"],
        "kind": "branch",
        "formation": "joint",
        "name": "a",
        "code": "SAME",
    }
    assert (await client.post("/api/v1/orgs", headers=h, json=body)).status_code == 201
    r = await client.post("/api/v1/orgs", headers=h, json={**body, "name": "b"})
    assert r.status_code == 409 and r.json()["code"] == "org.code_taken"


async def test_update_requires_fresh_if_match(world, client):
    h = world.auth()
    url = f"/api/v1/orgs/{world.ids['branch2']}"
    r = await client.patch(url, headers=h, json={"name": "新名称"})
    assert r.status_code == 428 and r.json()["code"] == "request.if_match_required"
    r = await client.patch(url, headers={**h, "If-Match": '"1"'}, json={"name": "新名称"})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["etag"] == '"2"'
    r = await client.patch(url, headers={**h, "If-Match": '"1"'}, json={"name": "再改"})
    assert r.status_code == 412 and r.json()["code"] == "request.stale"
    assert (await client.get(url, headers=h)).json()["name"] == "新名称"
    r = await client.patch(url, headers={**h, "If-Match": "garbage"}, json={"name": "x"})
    assert r.status_code == 400 and r.json()["errors"][0]["header"] == "If-Match"
    r = await client.patch(url, headers={**h, "If-Match": '"2"'}, json={"kind": "park"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/kind"


async def test_move_subtree_rewrites_paths(world, client, container):
    """Four branches moved under a new general branch; descendants follow; history kept."""
    h = world.auth()
    ids = world.ids
    created = []
    for i in range(4):
        r = await client.post(
            "/api/v1/orgs",
            headers=h,
            json={
                "parent_id": ids["park"],
                "kind": "branch",
                "formation": "joint",
                "name": f"支部{i}",
            },
        )
        created.append(r.json()["id"])
    gb = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": ids["park"], "kind": "general_branch", "name": "新工业党总支"},
        )
    ).json()
    for org_id in created:
        r = await client.post(
            f"/api/v1/orgs/{org_id}/move", headers=h, json={"parent_id": gb["id"]}
        )
        assert r.status_code == 200, r.text
        assert r.json()["path"] == f"{gb['path']}{org_id}/"
        assert r.json()["depth"] == gb["depth"] + 1
    gb_after = (await client.get(f"/api/v1/orgs/{gb['id']}", headers=h)).json()
    assert gb_after["child_count"] == 4
    # Move the general branch (with its four children) under the community.
    r = await client.post(
        f"/api/v1/orgs/{gb['id']}/move", headers=h, json={"parent_id": ids["community"]}
    )
    assert r.status_code == 200
    sub = (await client.get(f"/api/v1/orgs/{gb['id']}/subtree", headers=h)).json()
    community_path = f"/{ids['district']}/{ids['street']}/{ids['community']}/"
    assert len(sub["items"]) == 5
    assert all(o["path"].startswith(community_path) for o in sub["items"])
    async with container.db.read_sessions() as s:
        rows = (await s.execute(sa.select(OrgRow.id, OrgRow.path, OrgRow.parent_id))).all()
    by_id = {r.id: r for r in rows}
    for r in rows:  # invariant: every path is the parent's path plus the id
        expected = (by_id[r.parent_id].path if r.parent_id else "/") + f"{r.id}/"
        assert r.path == expected
    hist = (await client.get(f"/api/v1/orgs/{gb['id']}/history", headers=h)).json()["items"]
    assert [e["action"] for e in hist] == ["org.move", "org.create"]
    assert hist[0]["changes"]["parent_id"] == {"from": ids["park"], "to": ids["community"]}


async def test_move_refuses_cycles_and_bad_kinds(world, client):
    h = world.auth()
    ids = world.ids
    r = await client.post(
        f"/api/v1/orgs/{ids['park']}/move", headers=h, json={"parent_id": ids["general"]}
    )
    assert r.status_code == 422 and r.json()["code"] == "org.move_into_own_subtree"
    r = await client.post(
        f"/api/v1/orgs/{ids['park']}/move", headers=h, json={"parent_id": ids["park"]}
    )
    assert r.json()["code"] == "org.move_into_own_subtree"
    r = await client.post(
        f"/api/v1/orgs/{ids['general']}/move", headers=h, json={"parent_id": ids["branch1"]}
    )
    assert r.status_code == 422 and r.json()["code"] == "org.kind_not_allowed_under_parent"
    r = await client.post(
        f"/api/v1/orgs/{ids['branch1']}/move", headers=h, json={"parent_id": ids["other_park"]}
    )
    assert r.status_code == 404 and r.json()["code"] == "org.parent_not_found"


async def test_dissolve_only_when_empty(world, client):
    h = world.auth()
    ids = world.ids
    r = await client.post(f"/api/v1/orgs/{ids['general']}/dissolve", headers=h)
    assert r.status_code == 422 and r.json()["code"] == "org.has_children"
    r = await client.post(f"/api/v1/orgs/{ids['branch3']}/dissolve", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "dissolved"
    r = await client.post(f"/api/v1/orgs/{ids['branch3']}/dissolve", headers=h)
    assert r.status_code == 409
    general = (await client.get(f"/api/v1/orgs/{ids['general']}", headers=h)).json()
    assert general["child_count"] == 0
    r = await client.post(
        "/api/v1/orgs",
        headers=h,
        json={"parent_id": ids["branch3"], "kind": "branch", "formation": "joint", "name": "x"},
    )
    assert r.status_code == 422  # a branch holds nothing, dissolved or not


async def test_subtree_listing_filters_and_pagination(world, client):
    h = world.auth()
    ids = world.ids
    seen = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        r = await client.get(f"/api/v1/orgs/{ids['district']}/subtree", headers=h, params=params)
        assert r.status_code == 200
        seen += [o["id"] for o in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 8  # the district's eight orgs, none of the other
    r = await client.get(
        f"/api/v1/orgs/{ids['district']}/subtree", headers=h, params={"kind": "branch"}
    )
    assert {o["name"] for o in r.json()["items"]} == {
        "同鑫陶瓷党支部",
        "陶瓷企业联合党支部",
        "挂靠党支部",
    }
    r = await client.get(
        f"/api/v1/orgs/{ids['park']}/children", headers=h, params={"formation": "joint"}
    )
    assert [o["id"] for o in r.json()["items"]] == [ids["branch2"]]
    r = await client.get(
        f"/api/v1/orgs/{ids['district']}/subtree", headers=h, params={"max_depth": 1}
    )
    assert {o["id"] for o in r.json()["items"]} == {ids["district"], ids["street"]}
    r = await client.get(
        f"/api/v1/orgs/{ids['district']}/subtree", headers=h, params={"sort": "-name", "limit": 2}
    )
    names = [o["name"] for o in r.json()["items"]]
    assert names == sorted(names, reverse=True)


async def test_listing_bad_parameters(world, client):
    h = world.auth()
    url = f"/api/v1/orgs/{world.ids['district']}/subtree"
    r = await client.get(url, headers=h, params={"limit": 5000})
    assert r.status_code == 400 and r.json()["errors"][0]["parameter"] == "limit"
    r = await client.get(url, headers=h, params={"colour": "red"})
    assert r.status_code == 400 and r.json()["code"] == "request.unknown_parameter"
    r = await client.get(url, headers=h, params={"sort": "shoe_size"})
    assert r.status_code == 400 and r.json()["errors"][0]["parameter"] == "sort"
    r = await client.get(url, headers=h, params={"cursor": "not-a-cursor"})
    assert r.status_code == 400 and r.json()["code"] == "pagination.invalid_cursor"
    first = (await client.get(url, headers=h, params={"limit": 1})).json()
    r = await client.get(url, headers=h, params={"cursor": first["next_cursor"], "sort": "name"})
    assert r.status_code == 400  # a cursor belongs to its sort order


async def test_foreign_subtree_is_not_found(world, client):
    h = world.auth(Role.PARK_ADMIN, "other_park")
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=h)
    assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    r404 = await client.get("/api/v1/orgs/999999", headers=h)
    assert r.json()["title"] == r404.json()["title"]  # existence does not leak
    # A park admin cannot see the street above it either.
    r = await client.get(f"/api/v1/orgs/{world.ids['other_street']}", headers=h)
    assert r.status_code == 404


async def test_scopes_are_enforced(world, client):
    h = world.auth(Role.ANALYST, "district")
    r = await client.post(
        "/api/v1/orgs",
        headers=h,
        json={"parent_id": world.ids["park"], "kind": "branch", "formation": "joint", "name": "x"},
    )
    assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    assert (await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=h)).status_code == 200


async def test_every_write_is_audited_with_request_id(world, client, container):
    h = {**world.auth(), "X-Request-ID": "req-test-0001"}
    r = await client.post(
        "/api/v1/orgs",
        headers=h,
        json={
            "parent_id": world.ids["park"],
            "kind": "branch",
            "formation": "floating",
            "name": "茶叶街流动党员党支部",
        },
    )
    assert r.headers["x-request-id"] == "req-test-0001"
    async with container.db.read_sessions() as s:
        row = (
            await s.execute(sa.select(AuditRow).where(AuditRow.target_id == str(r.json()["id"])))
        ).scalar_one()
    assert row.action == "org.create" and row.request_id == "req-test-0001"
    assert row.actor == "test:district_admin:district" and row.actor_role == "district_admin"
    audit = await client.get(
        "/api/v1/audit", headers=world.auth(), params={"action": "org.create", "limit": 1}
    )
    assert audit.status_code == 200 and audit.json()["items"][0]["request_id"] == "req-test-0001"
    r = await client.get("/api/v1/audit", headers=world.auth(Role.PARK_ADMIN, "park"))
    assert r.status_code == 403  # only district administrators read the audit log


async def test_idempotent_create(world, client, container):
    h = {**world.auth(), "Idempotency-Key": "create-branch-42"}
    body = {
        "parent_id": world.ids["park"],
        "kind": "branch",
        "formation": "joint",
        "name": "幂等支部",
    }
    first = await client.post("/api/v1/orgs", headers=h, json=body)
    again = await client.post("/api/v1/orgs", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = await client.post("/api/v1/orgs", headers=h, json={**body, "name": "别的"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
    async with container.db.read_sessions() as s:
        n = (
            await s.execute(
                sa.select(sa.func.count()).select_from(OrgRow).where(OrgRow.name == "幂等支部")
            )
        ).scalar_one()
    assert n == 1


async def test_leaders_and_expiring_terms(world, client):
    h = world.auth()
    ids = world.ids
    r = await client.post(
        f"/api/v1/orgs/{ids['branch1']}/leaders",
        headers=h,
        json={"name": "王书记", "role": "secretary", "term_start": "2023-01-10"},
    )
    assert r.status_code == 201 and r.json()["term_end"] == "2026-01-10"  # branch: 3 years
    r = await client.post(
        f"/api/v1/orgs/{ids['park']}/leaders",
        headers=h,
        json={"name": "李书记", "role": "secretary", "term_start": "2022-06-01"},
    )
    assert r.json()["term_end"] == "2027-06-01"  # committee: 5 years
    r = await client.post(
        f"/api/v1/orgs/{ids['branch1']}/leaders",
        headers=h,
        json={"name": "二号书记", "role": "secretary", "term_start": "2024-01-01"},
    )
    assert r.status_code == 409 and r.json()["code"] == "leader.secretary_exists"
    exp = (
        await client.get(
            f"/api/v1/orgs/{ids['district']}/terms/expiring", headers=h, params={"within_months": 3}
        )
    ).json()["items"]
    assert [(e["leader"]["name"], e["overdue"]) for e in exp] == [("王书记", True)]
    exp = (
        await client.get(
            f"/api/v1/orgs/{ids['district']}/terms/expiring",
            headers=h,
            params={"within_months": 12},
        )
    ).json()["items"]
    assert [e["leader"]["name"] for e in exp] == ["王书记", "李书记"]
    leader_id = exp[0]["leader"]["id"]
    r = await client.post(f"/api/v1/leaders/{leader_id}/end", headers=h, json={})
    assert r.status_code == 200 and r.json()["ended_on"] is not None
    r = await client.get(f"/api/v1/leaders/{leader_id}/end", headers=h)
    assert r.status_code == 405
    foreign = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.post(f"/api/v1/leaders/{leader_id}/end", headers=foreign, json={})
    assert r.status_code == 404


async def test_pagination_by_creation_time_visits_each_org_once(world, client):
    h = world.auth()
    url = f"/api/v1/orgs/{world.ids['district']}/subtree"
    for sort in ("created_at", "-created_at"):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            body = (await client.get(url, headers=h, params=params)).json()
            seen += [(o["created_at"], o["id"]) for o in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 8
        assert seen == sorted(seen, reverse=sort.startswith("-"))


async def test_dissolve_waits_for_managed_members_and_open_letters(world, client):
    """A branch that still manages a member affiliated elsewhere, or has a letter under way to
    or from it, cannot be dissolved; once those are finished it can."""
    h = world.auth()
    m = await make_member(world, client, 71)
    reg = await register(world, client, m["id"], "branch3", days_ago(10))
    assert reg.status_code == 201, reg.text
    url = f"/api/v1/orgs/{world.ids['branch3']}/dissolve"
    r = await client.post(url, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "org.has_managed_members"
    ended = await client.post(f"/api/v1/managements/{reg.json()['id']}/end", headers=h, json={})
    assert ended.status_code == 200, ended.text
    t = await issue(world, client, m["id"], "branch3")
    r = await client.post(url, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "org.has_open_transfers"
    assert (await client.get(f"/api/v1/orgs/{world.ids['branch3']}", headers=h)).json()[
        "status"
    ] == "active"
    r = await client.post(f"/api/v1/transfers/{t['id']}/cancel", headers=h, json={})
    assert r.status_code == 200, r.text
    r = await client.post(url, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "dissolved"
