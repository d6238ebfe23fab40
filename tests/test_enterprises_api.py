"""Two-new organisations, organisation coverage and instructors through the REST API."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from app.db.models import EnterpriseRow
from app.domain.auth.scopes import Role
from app.domain.enterprises.model import CreditCodeTaken, uscc_check_char
from tests.enterprise_fixtures import (
    assign,
    audit_rows,
    cover,
    credit_code,
    enterprise_row,
    make_enterprise,
    make_instructor,
    row_counts,
    today,
    with_bad_check,
)


def _park_path(world) -> str:
    ids = world.ids
    return f"/{ids['district']}/{ids['street']}/{ids['park']}/"


async def test_create_get_and_etag(world, client, container):
    h = {**world.auth(), "X-Request-ID": "req-ent-0001"}
    body17 = "91350526MA2Y0A8B1"
    code = (body17 + uscc_check_char(body17)).lower()  # accepted, stored upper case
    r = await client.post(
        "/api/v1/enterprises",
        headers=h,
        json={
            "name": "同鑫陶瓷有限公司",
            "credit_code": code,
            "kind": "enterprise",
            "industry": "陶瓷",
            "above_scale": True,
            "employee_count": 320,
            "address": "城东工业园区 8 号",
            "owner_name": "林老板",
            "org_id": world.ids["park"],
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["credit_code"] == code.upper()
    assert body["org_id"] == world.ids["park"] and body["org_path"] == _park_path(world)
    assert body["coverage_status"] == "none" and body["covering_org_id"] is None
    assert body["coverage_mode"] is None and body["covered_since"] is None
    assert body["above_scale"] is True and body["employee_count"] == 320
    assert body["version"] == 1 and body["status"] == "active"
    assert r.headers["location"] == f"/api/v1/enterprises/{body['id']}"
    assert r.headers["etag"] == '"1"'
    got = await client.get(f"/api/v1/enterprises/{body['id']}", headers=world.auth())
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json() == body
    row = await enterprise_row(container, body["id"])
    assert row.org_path == _park_path(world) and row.credit_code == code.upper()
    [audit] = await audit_rows(container, "enterprise", body["id"])
    assert audit.action == "enterprise.create" and audit.request_id == "req-ent-0001"
    assert audit.org_id == world.ids["park"] and audit.changes["name"] == "同鑫陶瓷有限公司"
    # A social organisation directly under a street, defaults filled in.
    r = await client.post(
        "/api/v1/enterprises",
        headers=world.auth(),
        json={
            "name": "浔中镇陶瓷行业协会",
            "credit_code": credit_code(2),
            "kind": "social_org",
            "industry": "行业协会",
            "org_id": world.ids["street"],
        },
    )
    assert r.status_code == 201
    assert r.json()["kind"] == "social_org" and r.json()["above_scale"] is False
    assert r.json()["employee_count"] == 0


async def test_idempotent_create(world, client, container):
    h = {**world.auth(), "Idempotency-Key": "ent-create-1"}
    body = {
        "name": "幂等企业",
        "credit_code": credit_code(7),
        "industry": "电子商务",
        "org_id": world.ids["park"],
    }
    first = await client.post("/api/v1/enterprises", headers=h, json=body)
    again = await client.post("/api/v1/enterprises", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = await client.post("/api/v1/enterprises", headers=h, json={**body, "name": "别的"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
    assert (await row_counts(container))["enterprises"] == 1


async def test_bad_input_writes_nothing(world, client, container):
    h = world.auth()
    existing = await make_enterprise(world, client, 1)
    # A dissolved community cannot hold enterprises.
    gone = (
        await client.post(
            "/api/v1/orgs",
            headers=h,
            json={"parent_id": world.ids["street"], "kind": "community", "name": "已撤社区"},
        )
    ).json()
    assert (await client.post(f"/api/v1/orgs/{gone['id']}/dissolve", headers=h)).status_code == 200
    before = await row_counts(container)
    good = {"name": "x", "credit_code": credit_code(2), "industry": "陶瓷"}
    park = world.ids["park"]
    cases = [
        (
            {**good, "org_id": park, "credit_code": with_bad_check(credit_code(2))},
            422,
            "enterprise.credit_code_invalid",
            "/credit_code",
        ),
        (
            {**good, "org_id": park, "credit_code": "91350526MA2Y0"},
            422,
            "enterprise.credit_code_invalid",
            "/credit_code",
        ),
        (
            {**good, "org_id": park, "credit_code": "91350526MA2Y0A8BIO"},  # I, O not allowed
            422,
            "enterprise.credit_code_invalid",
            "/credit_code",
        ),
        (
            {**good, "org_id": park, "credit_code": credit_code(1)},
            409,
            "enterprise.credit_code_taken",
            "/credit_code",
        ),
        (
            {**good, "org_id": world.ids["branch1"]},
            422,
            "enterprise.org_not_territorial",
            "/org_id",
        ),
        (
            {**good, "org_id": world.ids["general"]},
            422,
            "enterprise.org_not_territorial",
            "/org_id",
        ),
        ({**good, "org_id": gone["id"]}, 422, "enterprise.org_dissolved", "/org_id"),
        ({**good, "org_id": 999999}, 404, "org.not_found", "/org_id"),
        ({**good, "org_id": world.ids["other_park"]}, 404, "org.not_found", "/org_id"),
        (
            {**good, "org_id": park, "employee_count": -1},
            422,
            "request.validation",
            "/employee_count",
        ),
        ({**good, "org_id": park, "industry": "   "}, 422, None, "/industry"),
        ({**good, "org_id": park, "kind": "company"}, 422, "request.validation", "/kind"),
        ({**good, "org_id": park, "colour": "red"}, 422, "request.validation", "/colour"),
        ({"name": "x", "org_id": park, "industry": "陶瓷"}, 422, None, "/credit_code"),
    ]
    for body, status, code, pointer in cases:
        r = await client.post("/api/v1/enterprises", headers=h, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        if code:
            assert r.json()["code"] == code, (body, r.json())
        assert pointer in [e.get("pointer") for e in r.json()["errors"]], (body, r.json())
    taken = await client.post(
        "/api/v1/enterprises",
        headers=h,
        json={**good, "org_id": park, "credit_code": credit_code(1)},
    )
    assert taken.json()["existing_id"] == existing["id"]
    en = await client.post(
        "/api/v1/enterprises",
        headers={**h, "Accept-Language": "en"},
        json={**good, "org_id": world.ids["branch2"]},
    )
    assert (
        en.json()["title"] == "Not a territorial organisation" and "branch" in en.json()["detail"]
    )
    assert await row_counts(container) == before


async def test_ids_beyond_the_key_range_are_invalid_input(world, client, container):
    # Found by tests/test_fuzz_api.py: an id past BIGINT reached the driver and was a 500.
    h = world.auth()
    ent = await make_enterprise(world, client, 1)
    inst = await make_instructor(world, client)
    before = await row_counts(container)
    huge = 2**63
    for method, url in (
        ("GET", f"/api/v1/enterprises/{huge}"),
        ("GET", f"/api/v1/enterprises/{huge}/assignments"),
        ("DELETE", f"/api/v1/enterprises/{huge}/coverage"),
        ("GET", f"/api/v1/instructors/{huge}"),
        ("POST", f"/api/v1/assignments/{huge}/end"),
    ):
        r = await client.request(method, url, headers=h)
        assert r.status_code == 400, (method, url, r.text)
        assert r.json()["code"] == "request.validation"
    for params in ({"org_id": huge}, {"org_id": -1}):
        for url in ("/api/v1/enterprises", "/api/v1/instructors", "/api/v1/users"):
            r = await client.get(url, headers=h, params=params)
            assert r.status_code == 400 and r.json()["errors"][0]["parameter"] == "org_id"
    park = world.ids["park"]
    for method, url, body, pointer in (
        (
            "POST",
            "/api/v1/enterprises",
            {"name": "x", "credit_code": credit_code(2), "industry": "陶瓷", "org_id": huge},
            "/org_id",
        ),
        ("POST", f"/api/v1/enterprises/{ent['id']}/relocate", {"org_id": huge}, "/org_id"),
        (
            "PUT",
            f"/api/v1/enterprises/{ent['id']}/coverage",
            {"covering_org_id": huge},
            "/covering_org_id",
        ),
        ("POST", "/api/v1/instructors", {"name": "x", "level": "park", "org_id": huge}, "/org_id"),
        (
            "POST",
            f"/api/v1/instructors/{inst['id']}/assignments",
            {"enterprise_id": huge, "start_on": "2024-01-01"},
            "/enterprise_id",
        ),
        (
            "POST",
            "/api/v1/users",
            {
                "username": "huge.anchor",
                "display_name": "x",
                "role": "enterprise_contact",
                "org_id": park,
                "enterprise_id": huge,
                "password": "a long enough password",
            },
            "/enterprise_id",
        ),
        (
            "POST",
            "/api/v1/users",
            {
                "username": "huge.member",
                "display_name": "x",
                "role": "member",
                "org_id": world.ids["branch1"],
                "member_id": huge,
                "password": "a long enough password",
            },
            "/member_id",
        ),
    ):
        r = await client.request(method, url, headers=h, json=body)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["errors"][0]["pointer"] == pointer
    assert await row_counts(container) == before


async def test_repository_turns_a_lost_credit_code_race_into_a_conflict(world, client, container):
    """Two transactions both found the code free; the second insert is a conflict, not a 500."""
    first = await make_enterprise(world, client, 1)
    row = await enterprise_row(container, first["id"])
    async with container.uow() as uow:
        with pytest.raises(CreditCodeTaken) as caught:
            await uow.enterprises.add(
                fields={
                    "name": "抢注",
                    "credit_code": row.credit_code,
                    "kind": "enterprise",
                    "industry": "陶瓷",
                    "above_scale": False,
                    "employee_count": 0,
                    "address": None,
                    "owner_name": None,
                    "org_id": world.ids["park"],
                    "coverage_status": "none",
                    "status": "active",
                },
                org_path=row.org_path,
                now=container.clock.now(),
            )
        assert caught.value.extra == {"existing_id": first["id"]}
        # The transaction is still usable after the savepoint rolled back.
        assert (await uow.enterprises.get(first["id"])) is not None
    assert (await row_counts(container))["enterprises"] == 1


async def test_update_requires_fresh_if_match(world, client, container):
    h = world.auth()
    ent = await make_enterprise(world, client, 1)
    other = await make_enterprise(world, client, 2)
    url = f"/api/v1/enterprises/{ent['id']}"
    r = await client.patch(url, headers=h, json={"employee_count": 12})
    assert r.status_code == 428 and r.json()["code"] == "request.if_match_required"
    r = await client.patch(
        url,
        headers={**h, "If-Match": '"1"'},
        json={"employee_count": 12, "above_scale": True, "industry": "电子商务"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.headers["etag"] == '"2"'
    assert r.json()["employee_count"] == 12 and r.json()["industry"] == "电子商务"
    r = await client.patch(url, headers={**h, "If-Match": '"1"'}, json={"name": "再改"})
    assert r.status_code == 412 and r.json()["code"] == "request.stale"
    bad = [
        ({"credit_code": credit_code(2)}, 409, "enterprise.credit_code_taken", "/credit_code"),
        ({"credit_code": "123"}, 422, "enterprise.credit_code_invalid", "/credit_code"),
        ({"name": None}, 422, "enterprise.value_required", "/name"),
        ({"employee_count": -3}, 422, "request.validation", "/employee_count"),
        ({"org_id": world.ids["community"]}, 422, "request.validation", "/org_id"),
        ({"coverage_status": "organisation"}, 422, "request.validation", "/coverage_status"),
    ]
    for body, status, code, pointer in bad:
        r = await client.patch(url, headers={**h, "If-Match": '"2"'}, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["code"] == code and r.json()["errors"][0]["pointer"] == pointer
    taken = await client.patch(
        url, headers={**h, "If-Match": '"2"'}, json={"credit_code": credit_code(2)}
    )
    assert taken.json()["existing_id"] == other["id"]
    # Nothing changed: same version, no audit entry.
    r = await client.patch(url, headers={**h, "If-Match": '"2"'}, json={"employee_count": 12})
    assert r.status_code == 200 and r.json()["version"] == 2
    row = await enterprise_row(container, ent["id"])
    assert (row.version, row.employee_count, row.name) == (2, 12, "企业1")
    actions = [(a.action, a.changes) for a in await audit_rows(container, "enterprise", ent["id"])]
    assert actions[1:] == [
        (
            "enterprise.update",
            {
                "employee_count": {"from": 0, "to": 12},
                "above_scale": {"from": False, "to": True},
                "industry": {"from": "陶瓷", "to": "电子商务"},
            },
        )
    ]


async def test_relocate_rewrites_org_path(world, client, container):
    h = world.auth()
    ids = world.ids
    ent = await make_enterprise(world, client, 1)
    url = f"/api/v1/enterprises/{ent['id']}/relocate"
    r = await client.post(url, headers=h, json={"org_id": ids["community"]})
    assert r.status_code == 200, r.text
    community_path = f"/{ids['district']}/{ids['street']}/{ids['community']}/"
    assert r.json()["org_id"] == ids["community"] and r.json()["org_path"] == community_path
    assert r.json()["version"] == 2
    for target, status, code in [
        (ids["branch2"], 422, "enterprise.org_not_territorial"),
        (ids["other_street"], 404, "org.not_found"),
        (999999, 404, "org.not_found"),
    ]:
        r = await client.post(url, headers=h, json={"org_id": target})
        assert r.status_code == status and r.json()["code"] == code
        assert r.json()["errors"][0]["pointer"] == "/org_id"
    r = await client.post(url, headers={**h, "If-Match": '"1"'}, json={"org_id": ids["park"]})
    assert r.status_code == 412
    # Relocating to where it already is writes nothing.
    r = await client.post(url, headers=h, json={"org_id": ids["community"]})
    assert r.status_code == 200 and r.json()["version"] == 2
    # Back to the park; then moving the park under the community carries the path along.
    r = await client.post(url, headers={**h, "If-Match": '"2"'}, json={"org_id": ids["park"]})
    assert r.status_code == 200 and r.json()["org_path"] == _park_path(world)
    r = await client.post(
        f"/api/v1/orgs/{ids['park']}/move", headers=h, json={"parent_id": ids["community"]}
    )
    assert r.status_code == 200, r.text
    row = await enterprise_row(container, ent["id"])
    assert row.org_path == f"{community_path}{ids['park']}/"
    audits = await audit_rows(container, "enterprise", ent["id"])
    assert [a.action for a in audits] == [
        "enterprise.create",
        "enterprise.relocate",
        "enterprise.relocate",
    ]
    assert audits[1].changes["org_id"] == {"from": ids["park"], "to": ids["community"]}


async def test_list_filters_and_pagination(world, client):
    h = world.auth()
    ids = world.ids
    specs = [
        (1, "park", "陶瓷", True, "enterprise", "德化陶瓷一厂"),
        (2, "park", "陶瓷", False, "enterprise", "德化陶瓷二厂"),
        (3, "park", "电子商务", False, "enterprise", "城东电商"),
        (4, "community", "餐饮", False, "enterprise", "社区饭馆"),
        (5, "street", "行业协会", False, "social_org", "陶瓷协会"),
    ]
    made = {}
    for n, org, industry, above, kind, name in specs:
        ent = await make_enterprise(
            world, client, n, org, industry=industry, above_scale=above, kind=kind, name=name
        )
        made[n] = ent["id"]
    foreign = await client.post(
        "/api/v1/enterprises",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={
            "name": "和丰",
            "credit_code": credit_code(9),
            "industry": "陶瓷",
            "org_id": ids["other_park"],
        },
    )
    assert foreign.status_code == 201
    await cover(world, client, made[2], "branch2")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await client.get("/api/v1/enterprises", headers=h, params=params)
        assert r.status_code == 200, r.text
        seen += [e["id"] for e in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == [made[n] for n in (1, 2, 3, 4, 5)]  # the foreign one is not there

    async def names(**params):
        r = await client.get("/api/v1/enterprises", headers=h, params=params)
        assert r.status_code == 200, r.text
        return [e["name"] for e in r.json()["items"]]

    assert await names(org_id=ids["park"]) == ["德化陶瓷一厂", "德化陶瓷二厂", "城东电商"]
    assert await names(industry="陶瓷") == ["德化陶瓷一厂", "德化陶瓷二厂"]
    assert await names(above_scale="true") == ["德化陶瓷一厂"]
    assert await names(kind="social_org") == ["陶瓷协会"]
    assert await names(coverage_status="organisation") == ["德化陶瓷二厂"]
    assert await names(coverage_status="none", org_id=ids["park"]) == ["德化陶瓷一厂", "城东电商"]
    assert await names(q="陶瓷") == ["德化陶瓷一厂", "德化陶瓷二厂", "陶瓷协会"]
    assert await names(q="%") == []  # LIKE wildcards are literal
    for params, parameter, code in [
        ({"limit": 5000}, "limit", "pagination.limit_out_of_range"),
        ({"limit": 0}, "limit", "pagination.limit_out_of_range"),
        ({"colour": "red"}, "colour", "request.unknown_parameter"),
        ({"cursor": "garbage"}, "cursor", "pagination.invalid_cursor"),
        ({"coverage_status": "partly"}, "coverage_status", "request.validation"),
        ({"org_id": ids["other_park"]}, "org_id", "org.not_found"),
    ]:
        r = await client.get("/api/v1/enterprises", headers=h, params=params)
        assert r.status_code in (400, 404), (params, r.text)
        assert r.json()["code"] == code and r.json()["errors"][0]["parameter"] == parameter
    assert r.status_code == 404  # a foreign subtree root is absent, not forbidden


async def test_organisation_coverage_modes(world, client, container):
    h = world.auth()
    ids = world.ids
    a, b, c, d, e = [await make_enterprise(world, client, n) for n in range(1, 6)]
    r = await client.put(
        f"/api/v1/enterprises/{a['id']}/coverage",
        headers=h,
        json={"covering_org_id": ids["branch1"]},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["coverage_status"], got["coverage_mode"], got["covering_org_id"]) == (
        "organisation",
        "standalone",
        ids["branch1"],
    )
    assert got["covered_since"] == today().isoformat() and got["version"] == 2
    assert r.headers["etag"] == '"2"'
    # A standalone branch covers one enterprise only.
    r = await client.put(
        f"/api/v1/enterprises/{b['id']}/coverage",
        headers=h,
        json={"covering_org_id": ids["branch1"]},
    )
    assert r.status_code == 409 and r.json()["code"] == "coverage.standalone_taken"
    assert r.json()["covered_enterprise_id"] == a["id"]
    assert r.json()["errors"][0]["pointer"] == "/covering_org_id"
    assert (await enterprise_row(container, b["id"])).coverage_status == "none"
    # Setting the same branch again writes nothing.
    r = await client.put(
        f"/api/v1/enterprises/{a['id']}/coverage",
        headers=h,
        json={"covering_org_id": ids["branch1"]},
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    # A joint branch covers several; a general branch without formation, or an attached
    # branch, gives attached coverage.
    assert (await cover(world, client, b["id"], "branch2"))["coverage_mode"] == "joint"
    assert (await cover(world, client, c["id"], "branch2"))["coverage_mode"] == "joint"
    assert (await cover(world, client, d["id"], "general"))["coverage_mode"] == "attached"
    assert (await cover(world, client, e["id"], "branch3"))["coverage_mode"] == "attached"
    # Moving from one branch to another keeps the coverage date and rewrites the mode.
    moved = await cover(world, client, e["id"], "branch2")
    assert moved["coverage_mode"] == "joint" and moved["covered_since"] == today().isoformat()
    before = await row_counts(container)
    for body, status, code in [
        ({"covering_org_id": ids["park"]}, 422, "coverage.org_not_covering"),
        ({"covering_org_id": ids["other_branch"]}, 404, "org.not_found"),
        ({"covering_org_id": 999999}, 404, "org.not_found"),
    ]:
        r = await client.put(f"/api/v1/enterprises/{c['id']}/coverage", headers=h, json=body)
        assert r.status_code == status and r.json()["code"] == code, r.text
        assert r.json()["errors"][0]["pointer"] == "/covering_org_id"
    r = await client.put(
        f"/api/v1/enterprises/{c['id']}/coverage",
        headers={**h, "If-Match": '"1"'},
        json={"covering_org_id": ids["branch3"]},
    )
    assert r.status_code == 412
    assert await row_counts(container) == before
    # The org service refuses to dissolve a branch that still covers enterprises.
    r = await client.post(f"/api/v1/orgs/{ids['branch1']}/dissolve", headers=h)
    assert r.status_code == 422 and r.json()["code"] == "org.has_enterprises"
    # Unlink: back to none; deleting again changes nothing.
    r = await client.delete(f"/api/v1/enterprises/{a['id']}/coverage", headers=h)
    assert r.status_code == 200
    assert (r.json()["coverage_status"], r.json()["covering_org_id"]) == ("none", None)
    assert r.json()["coverage_mode"] is None and r.json()["covered_since"] is None
    version = r.json()["version"]
    r = await client.delete(f"/api/v1/enterprises/{a['id']}/coverage", headers=h)
    assert r.status_code == 200 and r.json()["version"] == version
    r = await client.post(f"/api/v1/orgs/{ids['branch1']}/dissolve", headers=h)
    assert r.status_code == 200  # it covers nothing any more
    # A dissolved branch covers nothing.
    r = await client.put(
        f"/api/v1/enterprises/{a['id']}/coverage",
        headers=h,
        json={"covering_org_id": ids["branch1"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "coverage.org_dissolved"
    audits = await audit_rows(container, "enterprise", a["id"])
    assert [x.action for x in audits] == [
        "enterprise.create",
        "enterprise.cover",
        "enterprise.uncover",
    ]
    assert audits[1].changes["coverage_status"] == {"from": "none", "to": "organisation"}
    assert audits[2].changes["covering_org_id"] == {"from": ids["branch1"], "to": None}


async def test_instructors_and_work_coverage(world, client, container):
    h = world.auth()
    ids = world.ids
    ent = await make_enterprise(world, client, 1)
    chen = await make_instructor(world, client, "陈指导员")
    assert (chen["level"], chen["full_time"], chen["org_id"], chen["active"]) == (
        "park",
        True,
        ids["park"],
        True,
    )
    r = await client.get(f"/api/v1/instructors/{chen['id']}", headers=h)
    assert r.status_code == 200 and r.json() == chen
    lin = await make_instructor(world, client, "林指导员", org="street")
    listed = await client.get("/api/v1/instructors", headers=h)
    assert [i["name"] for i in listed.json()["items"]] == ["陈指导员", "林指导员"]
    listed = await client.get("/api/v1/instructors", headers=h, params={"org_id": ids["park"]})
    assert [i["name"] for i in listed.json()["items"]] == ["陈指导员"]
    start = today() - dt.timedelta(days=30)
    first = await assign(world, client, chen["id"], ent["id"], start)
    assert first["active"] is True and first["end_on"] is None
    row = await enterprise_row(container, ent["id"])
    assert (row.coverage_status, row.covered_since, row.covering_org_id) == ("work", start, None)
    # One active assignment per instructor and enterprise.
    r = await client.post(
        f"/api/v1/instructors/{chen['id']}/assignments",
        headers=h,
        json={"enterprise_id": ent["id"], "start_on": today().isoformat()},
    )
    assert r.status_code == 409 and r.json()["code"] == "assignment.already_active"
    assert r.json()["existing_id"] == first["id"]
    r = await client.post(
        f"/api/v1/instructors/{lin['id']}/assignments",
        headers=h,
        json={
            "enterprise_id": ent["id"],
            "start_on": (today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/start_on"
    earlier = today() - dt.timedelta(days=60)
    second = await assign(world, client, lin["id"], ent["id"], earlier)
    assert (await enterprise_row(container, ent["id"])).covered_since == earlier
    # Organisation coverage wins over work coverage; unlinking falls back to work.
    covered = await cover(world, client, ent["id"], "branch2")
    assert covered["coverage_status"] == "organisation"
    assert covered["covered_since"] == today().isoformat()
    r = await client.delete(f"/api/v1/enterprises/{ent['id']}/coverage", headers=h)
    assert (
        r.json()["coverage_status"] == "work" and r.json()["covered_since"] == earlier.isoformat()
    )
    # Ending: not before the start, not in the future, not twice.
    end_url = f"/api/v1/assignments/{second['id']}/end"
    for end_on in (earlier - dt.timedelta(days=1), today() + dt.timedelta(days=1)):
        r = await client.post(end_url, headers=h, json={"end_on": end_on.isoformat()})
        assert r.status_code == 422 and r.json()["code"] == "assignment.end_on_out_of_range"
        assert r.json()["errors"][0]["pointer"] == "/end_on"
    r = await client.post(end_url, headers=h, json={"end_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["end_on"] == today().isoformat()
    assert r.json()["active"] is False
    r = await client.post(end_url, headers=h, json={})
    assert r.status_code == 409 and r.json()["code"] == "assignment.already_ended"
    row = await enterprise_row(container, ent["id"])
    assert (row.coverage_status, row.covered_since) == ("work", start)
    r = await client.post(f"/api/v1/assignments/{first['id']}/end", headers=h)
    assert r.status_code == 200
    row = await enterprise_row(container, ent["id"])
    assert (row.coverage_status, row.covered_since) == ("none", None)
    listed = await client.get(f"/api/v1/enterprises/{ent['id']}/assignments", headers=h)
    assert [(x["instructor_name"], x["start_on"], x["active"]) for x in listed.json()] == [
        ("林指导员", earlier.isoformat(), False),
        ("陈指导员", start.isoformat(), False),
    ]
    again = await assign(world, client, chen["id"], ent["id"], today())
    active = await client.get(
        f"/api/v1/enterprises/{ent['id']}/assignments", headers=h, params={"active_only": "true"}
    )
    assert [x["id"] for x in active.json()] == [again["id"]]
    assert [a.action for a in await audit_rows(container, "assignment", first["id"])] == [
        "assignment.create",
        "assignment.end",
    ]
    [created] = await audit_rows(container, "instructor", chen["id"])
    assert created.action == "instructor.create" and created.org_id == ids["park"]


async def test_instructor_bad_input_writes_nothing(world, client, container):
    h = world.auth()
    ent = await make_enterprise(world, client, 1)
    chen = await make_instructor(world, client)
    before = await row_counts(container)
    for body, status, code, pointer in [
        (
            {"name": "x", "level": "park", "org_id": world.ids["other_park"]},
            404,
            "org.not_found",
            "/org_id",
        ),
        (
            {"name": "x", "level": "province", "org_id": world.ids["park"]},
            422,
            "request.validation",
            "/level",
        ),
        (
            {"name": "  ", "level": "park", "org_id": world.ids["park"]},
            422,
            "request.validation",
            "/name",
        ),
    ]:
        r = await client.post("/api/v1/instructors", headers=h, json=body)
        assert r.status_code == status and r.json()["code"] == code, r.text
        assert r.json()["errors"][0]["pointer"] == pointer
    url = f"/api/v1/instructors/{chen['id']}/assignments"
    for body, status, code, pointer in [
        (
            {"enterprise_id": 999999, "start_on": "2024-01-01"},
            404,
            "enterprise.not_found",
            "/enterprise_id",
        ),
        (
            {"enterprise_id": ent["id"], "start_on": "2024-02-30"},
            422,
            "request.validation",
            "/start_on",
        ),
        ({"enterprise_id": ent["id"]}, 422, "request.validation", "/start_on"),
    ]:
        r = await client.post(url, headers=h, json=body)
        assert r.status_code == status and r.json()["code"] == code, r.text
        assert r.json()["errors"][0]["pointer"] == pointer
    r = await client.post(
        "/api/v1/instructors/999999/assignments",
        headers=h,
        json={"enterprise_id": ent["id"], "start_on": "2024-01-01"},
    )
    assert r.status_code == 404 and r.json()["code"] == "instructor.not_found"
    r = await client.post("/api/v1/assignments/999999/end", headers=h, json={})
    assert r.status_code == 404 and r.json()["code"] == "assignment.not_found"
    assert await row_counts(container) == before


async def test_foreign_subtree_is_not_found_on_every_id_route(world, client):
    ids = world.ids
    ent = await make_enterprise(world, client, 1)
    inst = await make_instructor(world, client)
    asg = await assign(world, client, inst["id"], ent["id"], today())
    e, i, a = ent["id"], inst["id"], asg["id"]
    routes = [
        ("GET", f"/api/v1/enterprises/{e}", None, "enterprise.not_found"),
        ("PATCH", f"/api/v1/enterprises/{e}", {"name": "y"}, "enterprise.not_found"),
        (
            "POST",
            f"/api/v1/enterprises/{e}/relocate",
            {"org_id": ids["other_park"]},
            "enterprise.not_found",
        ),
        (
            "PUT",
            f"/api/v1/enterprises/{e}/coverage",
            {"covering_org_id": ids["other_branch"]},
            "enterprise.not_found",
        ),
        ("DELETE", f"/api/v1/enterprises/{e}/coverage", None, "enterprise.not_found"),
        ("GET", f"/api/v1/enterprises/{e}/assignments", None, "enterprise.not_found"),
        ("GET", f"/api/v1/instructors/{i}", None, "instructor.not_found"),
        (
            "POST",
            f"/api/v1/instructors/{i}/assignments",
            {"enterprise_id": e, "start_on": "2024-01-01"},
            "instructor.not_found",
        ),
        ("POST", f"/api/v1/assignments/{a}/end", {}, "assignment.not_found"),
        ("GET", f"/api/v1/orgs/{ids['park']}/coverage", None, "org.not_found"),
    ]
    for who in (
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
        world.auth(Role.PARK_ADMIN, "other_park"),
    ):
        for method, url, body, code in routes:
            headers = {**who, "If-Match": '"1"'} if method == "PATCH" else who
            r = await client.request(method, url, headers=headers, json=body)
            assert r.status_code == 404, (method, url, r.text)
            assert r.json()["code"] == code, (method, url, r.json())
    # A park admin of the same district does not see enterprises of a sibling subtree either.
    community = await make_enterprise(world, client, 2, "community")
    r = await client.get(
        f"/api/v1/enterprises/{community['id']}", headers=world.auth(Role.PARK_ADMIN, "park")
    )
    assert r.status_code == 404
    # A foreign admin cannot use a local enterprise with a foreign instructor either.
    foreign_inst = (
        await client.post(
            "/api/v1/instructors",
            headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
            json={"name": "外区", "level": "park", "org_id": ids["other_park"]},
        )
    ).json()
    r = await client.post(
        f"/api/v1/instructors/{foreign_inst['id']}/assignments",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={"enterprise_id": e, "start_on": "2024-01-01"},
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/enterprise_id"


async def test_scopes_are_enforced(world, client, container):
    ent = await make_enterprise(world, client, 1)
    inst = await make_instructor(world, client)
    before = await row_counts(container)
    analyst = world.auth(Role.ANALYST, "district")
    secretary = world.auth(Role.BRANCH_SECRETARY, "park")
    member = world.auth(Role.MEMBER, "park")
    writes = [
        (
            "POST",
            "/api/v1/enterprises",
            {
                "name": "x",
                "credit_code": credit_code(2),
                "industry": "陶瓷",
                "org_id": world.ids["park"],
            },
        ),
        ("PATCH", f"/api/v1/enterprises/{ent['id']}", {"name": "y"}),
        ("POST", f"/api/v1/enterprises/{ent['id']}/relocate", {"org_id": world.ids["street"]}),
        (
            "PUT",
            f"/api/v1/enterprises/{ent['id']}/coverage",
            {"covering_org_id": world.ids["branch2"]},
        ),
        ("DELETE", f"/api/v1/enterprises/{ent['id']}/coverage", None),
        (
            "POST",
            "/api/v1/instructors",
            {"name": "x", "level": "park", "org_id": world.ids["park"]},
        ),
        (
            "POST",
            f"/api/v1/instructors/{inst['id']}/assignments",
            {"enterprise_id": ent["id"], "start_on": "2024-01-01"},
        ),
    ]
    for who in (analyst, secretary):
        for method, url, body in writes:
            headers = {**who, "If-Match": '"1"'} if method == "PATCH" else who
            r = await client.request(method, url, headers=headers, json=body)
            assert r.status_code == 403, (method, url, r.text)
            assert r.json()["code"] == "auth.scope_missing"
            assert "enterprises:write" in r.json()["detail"]
    for url in ("/api/v1/enterprises", f"/api/v1/enterprises/{ent['id']}", "/api/v1/instructors"):
        r = await client.get(url, headers=member)
        assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/coverage", headers=member)
    assert r.status_code == 403
    # Readers with enterprises:read see them.
    assert (
        await client.get(f"/api/v1/enterprises/{ent['id']}", headers=analyst)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/enterprises/{ent['id']}", headers=secretary)
    ).status_code == 200
    assert await row_counts(container) == before


async def test_enterprise_contact_reads_only_own_enterprise(world, client):
    own = await make_enterprise(world, client, 1)
    other = await make_enterprise(world, client, 2)
    inst = await make_instructor(world, client)
    await assign(world, client, inst["id"], own["id"], today())
    await assign(world, client, inst["id"], other["id"], today())
    contact = world.auth(Role.ENTERPRISE_CONTACT, "park", enterprise_id=own["id"])
    r = await client.get(f"/api/v1/enterprises/{own['id']}", headers=contact)
    assert r.status_code == 200 and r.json()["name"] == "企业1"
    assert r.json()["coverage_status"] == "work"
    r = await client.get(f"/api/v1/enterprises/{other['id']}", headers=contact)
    assert r.status_code == 404 and r.json()["code"] == "enterprise.not_found"
    listed = await client.get("/api/v1/enterprises", headers=contact)
    assert [e["id"] for e in listed.json()["items"]] == [own["id"]]
    r = await client.get(f"/api/v1/enterprises/{own['id']}/assignments", headers=contact)
    assert r.status_code == 200 and [x["instructor_name"] for x in r.json()] == ["陈指导员"]
    r = await client.get(f"/api/v1/enterprises/{other['id']}/assignments", headers=contact)
    assert r.status_code == 404
    for url in ("/api/v1/instructors", f"/api/v1/instructors/{inst['id']}"):
        r = await client.get(url, headers=contact)
        assert r.status_code == 403 and r.json()["code"] == "enterprise.contact_restricted"
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/coverage", headers=contact)
    assert r.status_code == 403  # no coverage:read
    # A contact token naming no enterprise sees none.
    nobody = world.auth(Role.ENTERPRISE_CONTACT, "park")
    assert (await client.get("/api/v1/enterprises", headers=nobody)).json()["items"] == []
    assert (await client.get(f"/api/v1/enterprises/{own['id']}", headers=nobody)).status_code == 404


async def test_audit_log_lists_enterprise_writes(world, client):
    ent = await make_enterprise(world, client, 1)
    inst = await make_instructor(world, client)
    asg = await assign(world, client, inst["id"], ent["id"], today())
    await cover(world, client, ent["id"], "branch2")
    await client.post(f"/api/v1/assignments/{asg['id']}/end", headers=world.auth())
    r = await client.get(
        "/api/v1/audit", headers=world.auth(), params={"org_id": world.ids["park"]}
    )
    assert r.status_code == 200
    assert [e["action"] for e in r.json()["items"]][:5] == [
        "assignment.end",
        "enterprise.cover",
        "assignment.create",
        "instructor.create",
        "enterprise.create",
    ]
    # The last assignment ended while a branch covers it: the status stays organisation.
    end = r.json()["items"][0]
    assert end["changes"] == {"end_on": today().isoformat(), "coverage": {}}
    async with world.c.db.read_sessions() as s:
        status = (
            await s.execute(
                sa.select(EnterpriseRow.coverage_status).where(EnterpriseRow.id == ent["id"])
            )
        ).scalar_one()
    assert status == "organisation"


async def test_concurrent_writes_never_double_book(world, client, container):
    """Racing requests: one credit code registers once, a standalone branch covers once."""
    h = world.auth()
    body = {"name": "抢", "credit_code": credit_code(5), "industry": "陶瓷"}
    results = await asyncio.gather(
        client.post("/api/v1/enterprises", headers=h, json={**body, "org_id": world.ids["park"]}),
        client.post(
            "/api/v1/enterprises", headers=h, json={**body, "org_id": world.ids["community"]}
        ),
    )
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409).json()
    winner = next(r for r in results if r.status_code == 201).json()
    assert loser["code"] == "enterprise.credit_code_taken" and loser["existing_id"] == winner["id"]
    a = await make_enterprise(world, client, 1)
    b = await make_enterprise(world, client, 2)
    results = await asyncio.gather(
        *(
            client.put(
                f"/api/v1/enterprises/{e['id']}/coverage",
                headers=h,
                json={"covering_org_id": world.ids["branch1"]},
            )
            for e in (a, b)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    rows = [await enterprise_row(container, e["id"]) for e in (a, b)]
    assert sorted(r.coverage_status for r in rows) == ["none", "organisation"]
