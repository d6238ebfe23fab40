"""Every route and every GraphQL field refuses anonymous callers and hides foreign objects.

A new route or field fails these tests until it is classified here: public (with a reason),
or given a way to aim it at an object in another district's subtree.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import (
    ENTERPRISE_BODIES,
    ENTERPRISE_HEADERS,
    ENTERPRISE_QUERIES,
    credit_code,
    enterprise_samples,
)
from tests.fund_fixtures import (
    FUND_BODIES,
    FUND_GRAPHQL,
    FUND_HEADERS,
    FUND_QUERIES,
    fund_samples,
)
from tests.management_fixtures import (
    MANAGEMENT_ANCHOR_ONLY,
    MANAGEMENT_BODIES,
    MANAGEMENT_GRAPHQL,
    MANAGEMENT_GRAPHQL_ANCHOR_ONLY,
    MANAGEMENT_HEADERS,
    MANAGEMENT_QUERIES,
    management_samples,
)
from tests.member_fixtures import (
    MEMBER_BODIES,
    MEMBER_GRAPHQL,
    MEMBER_HEADERS,
    MEMBER_QUERIES,
    member_samples,
)
from tests.pipeline_fixtures import (
    PIPELINE_BODIES,
    PIPELINE_GRAPHQL,
    PIPELINE_QUERIES,
    pipeline_samples,
)
from tests.self_service_fixtures import SELF_ANCHOR_ONLY, SELF_GRAPHQL, SELF_GRAPHQL_ANCHOR_ONLY
from tests.sharing_fixtures import (
    SHARING_BODIES,
    SHARING_GRAPHQL,
    SHARING_HEADERS,
    SHARING_QUERIES,
    sharing_samples,
)
from tests.sync_fixtures import (
    SYNC_ANCHOR_ONLY,
    SYNC_BODIES,
    SYNC_GRAPHQL,
    SYNC_HEADERS,
    SYNC_QUERIES,
    sync_samples,
)
from tests.transfer_fixtures import (
    TRANSFER_ANCHOR_ONLY,
    TRANSFER_BODIES,
    TRANSFER_GRAPHQL,
    TRANSFER_HEADERS,
    TRANSFER_QUERIES,
    transfer_samples,
)

PUBLIC = {
    ("GET", "/healthz"): "liveness probe",
    ("GET", "/readyz"): "readiness probe",
    ("GET", "/metrics"): "Prometheus scrape; keep off the public ingress (docs/deploy.md)",
    ("GET", "/.well-known/jwks.json"): "public signing keys",
    ("GET", "/graphql"): "GraphQL transport; fields are guarded (test below)",
    ("POST", "/graphql"): "GraphQL transport; fields are guarded (test below)",
    ("POST", "/api/v1/auth/token"): "login",
    ("POST", "/api/v1/auth/refresh"): "refresh-token exchange",
    ("POST", "/api/v1/auth/logout"): "refresh-token revocation",
    ("POST", "/api/v1/auth/wechat"): "mini-program login",
    ("POST", "/api/v1/auth/wechat/bind"): "mini-program account binding",
    ("POST", "/oauth/token"): "client-credentials grant",
}

# Routes that only ever act inside the caller's own anchor subtree (no target to aim abroad).
ANCHOR_ONLY = {
    ("GET", "/api/v1/orgs"): "lists the caller's own subtree",
    ("GET", "/api/v1/users/me"): "the caller's own account",
    ("GET", "/api/v1/members/me"): "the member record linked to the caller's own account",
    **TRANSFER_ANCHOR_ONLY,
    **MANAGEMENT_ANCHOR_ONLY,
    **SELF_ANCHOR_ONLY,
    **SYNC_ANCHOR_ONLY,
}


def _routes(app) -> list[tuple[str, str]]:
    out = []
    for path, item in app.openapi()["paths"].items():
        for method in item:
            out.append((method.upper(), path))
    return out


async def foreign_world(world, client) -> dict[str, Any]:
    """Objects inside `district`; the intruder is anchored at `other_district`."""
    h = world.auth()
    leader = (
        await client.post(
            f"/api/v1/orgs/{world.ids['branch1']}/leaders",
            headers=h,
            json={"name": "甲", "role": "secretary", "term_start": "2024-01-01"},
        )
    ).json()
    samples: dict[str, Any] = {"org_id": world.ids["park"], "leader_id": leader["id"]}
    samples.update(await enterprise_samples(world, client))
    samples.update(await member_samples(world, client))
    samples.update(await pipeline_samples(world, client))
    samples.update(await transfer_samples(world, client))
    samples.update(await management_samples(world, client))
    samples.update(await fund_samples(world, client))
    samples.update(await sharing_samples(world, client))
    samples.update(await sync_samples(world, client))
    user = await client.post(
        "/api/v1/users",
        headers=h,
        json={
            "username": "guarded.user",
            "display_name": "乙",
            "role": "park_admin",
            "org_id": world.ids["park"],
            "password": "a long enough password",
        },
    )
    samples["user_id"] = user.json()["id"]
    return samples


# Valid bodies, so the request reaches the use case (and its subtree check).
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/orgs"): lambda s: {
        "parent_id": s["org_id"],
        "kind": "branch",
        "formation": "joint",
        "name": "x",
    },
    ("PATCH", "/api/v1/orgs/{org_id}"): lambda s: {"name": "y"},
    ("POST", "/api/v1/orgs/{org_id}/move"): lambda s: {"parent_id": s["org_id"]},
    ("POST", "/api/v1/orgs/{org_id}/leaders"): lambda s: {
        "name": "z",
        "role": "deputy",
        "term_start": "2024-01-01",
    },
    ("POST", "/api/v1/users"): lambda s: {
        "username": "intruder.made",
        "display_name": "x",
        "role": "park_admin",
        "org_id": s["org_id"],
        "password": "a long enough password",
    },
    ("POST", "/api/v1/users/{user_id}/password"): lambda s: {"password": "a long enough password"},
}
BODIES |= ENTERPRISE_BODIES
BODIES |= MEMBER_BODIES
BODIES |= PIPELINE_BODIES
BODIES |= TRANSFER_BODIES
BODIES |= MANAGEMENT_BODIES
BODIES |= FUND_BODIES
BODIES |= SHARING_BODIES
BODIES |= SYNC_BODIES
# Query parameters that aim a collection route at the foreign subtree.
QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/audit"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/users"): lambda s: {"org_id": s["org_id"]},
    **ENTERPRISE_QUERIES,
    **MEMBER_QUERIES,
    **PIPELINE_QUERIES,
    **TRANSFER_QUERIES,
    **MANAGEMENT_QUERIES,
    **FUND_QUERIES,
    **SHARING_QUERIES,
    **SYNC_QUERIES,
}
HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("PATCH", "/api/v1/orgs/{org_id}"): {"If-Match": '"1"'},
    **ENTERPRISE_HEADERS,
    **MEMBER_HEADERS,
    **TRANSFER_HEADERS,
    **MANAGEMENT_HEADERS,
    **FUND_HEADERS,
    **SHARING_HEADERS,
    **SYNC_HEADERS,
}


def test_every_route_is_classified(app):
    for method, path in _routes(app):
        key = (method, path)
        if key in PUBLIC or key in ANCHOR_ONLY or key in QUERIES or "{" in path:
            continue
        if method in {"POST", "PUT", "PATCH"} and key in BODIES:
            continue
        pytest.fail(f"{method} {path} is not classified in tests/test_route_guard.py")


async def test_no_route_answers_without_a_token(app, client, world):
    for method, path in _routes(app):
        if (method, path) in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = await client.request(method, url, json={} if method != "GET" else None)
        assert r.status_code == 401, f"{method} {path} answered {r.status_code} without a token"
        assert r.json()["code"] == "auth.token_missing"


async def test_no_route_reaches_a_foreign_subtree(app, client, world):
    samples = await foreign_world(world, client)
    intruder = world.auth(Role.DISTRICT_ADMIN, "other_district")
    for method, path in _routes(app):
        key = (method, path)
        if key in PUBLIC or key in ANCHOR_ONLY:
            continue
        params = re.findall(r"\{([^}]+)\}", path)
        missing = [p for p in params if p not in samples]
        assert not missing, f"{method} {path}: add a foreign sample for {missing}"
        url = path.format(**{p: samples[p] for p in params})
        body = BODIES[key](samples) if key in BODIES else ({} if method != "GET" else None)
        query = QUERIES[key](samples) if key in QUERIES else None
        r = await client.request(
            method, url, json=body, params=query, headers={**intruder, **HEADERS.get(key, {})}
        )
        assert r.status_code == 404, f"{method} {path} answered {r.status_code}: {r.text}"
        assert r.headers["content-type"].startswith("application/problem+json")


# One sample operation per root field; the first variable map aims at the foreign subtree.
GRAPHQL_FIELDS: dict[str, tuple[str, Any]] = {
    "me": ("{ me { subject } }", None),
    "org": ("query($id: Int!) { org(id: $id) { id } }", lambda s: {"id": s["org_id"]}),
    "orgs": (
        "query($id: Int) { orgs(rootId: $id) { edges { node { id } } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "expiringTerms": (
        "query($id: Int!) { expiringTerms(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "auditLog": (
        "query($id: Int) { auditLog(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "createOrg": (
        "mutation($id: Int!) { createOrg(input: {parentId: $id, kind: BRANCH, "
        'formation: JOINT, name: "x"}) { errors { code } } }',
        lambda s: {"id": s["org_id"]},
    ),
    "updateOrg": (
        "mutation($id: Int!) { updateOrg(id: $id, expectedVersion: 1, "
        'input: {name: "y"}) { errors { code } } }',
        lambda s: {"id": s["org_id"]},
    ),
    "moveOrg": (
        "mutation($id: Int!) { moveOrg(id: $id, parentId: $id) { errors { code } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "dissolveOrg": (
        "mutation($id: Int!) { dissolveOrg(id: $id) { errors { code } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "addLeader": (
        'mutation($id: Int!) { addLeader(orgId: $id, name: "z", role: DEPUTY, '
        'termStart: "2024-01-01") { errors { code } } }',
        lambda s: {"id": s["org_id"]},
    ),
    "endLeader": (
        "mutation($id: Int!) { endLeader(id: $id) { errors { code } } }",
        lambda s: {"id": s["leader_id"]},
    ),
    "enterprise": (
        "query($id: Int!) { enterprise(id: $id) { id } }",
        lambda s: {"id": s["enterprise_id"]},
    ),
    "enterprises": (
        "query($id: Int) { enterprises(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "coverage": (
        "query($id: Int!) { coverage(orgId: $id) { orgId } }",
        lambda s: {"id": s["org_id"]},
    ),
    "instructor": (
        "query($id: Int!) { instructor(id: $id) { id } }",
        lambda s: {"id": s["instructor_id"]},
    ),
    "instructors": (
        "query($id: Int) { instructors(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "createEnterprise": (
        'mutation($id: Int!, $c: String!) { createEnterprise(input: {name: "x", '
        'creditCode: $c, kind: ENTERPRISE, industry: "陶瓷", orgId: $id}) '
        "{ errors { code } } }",
        lambda s: {"id": s["org_id"], "c": credit_code(90003)},
    ),
    "updateEnterprise": (
        "mutation($id: Int!) { updateEnterprise(id: $id, expectedVersion: 1, "
        'input: {name: "y"}) { errors { code } } }',
        lambda s: {"id": s["enterprise_id"]},
    ),
    "relocateEnterprise": (
        "mutation($id: Int!, $o: Int!) { relocateEnterprise(id: $id, orgId: $o) "
        "{ errors { code } } }",
        lambda s: {"id": s["enterprise_id"], "o": s["org_id"]},
    ),
    "setCoverage": (
        "mutation($id: Int!, $o: Int!) { setCoverage(enterpriseId: $id, coveringOrgId: $o) "
        "{ errors { code } } }",
        lambda s: {"id": s["enterprise_id"], "o": s["org_id"]},
    ),
    "removeCoverage": (
        "mutation($id: Int!) { removeCoverage(enterpriseId: $id) { errors { code } } }",
        lambda s: {"id": s["enterprise_id"]},
    ),
    "createInstructor": (
        'mutation($id: Int!) { createInstructor(name: "x", level: PARK, orgId: $id) '
        "{ errors { code } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "assignInstructor": (
        "mutation($i: Int!, $e: Int!) { assignInstructor(instructorId: $i, enterpriseId: $e, "
        'startOn: "2024-01-01") { errors { code } } }',
        lambda s: {"i": s["instructor_id"], "e": s["enterprise_id"]},
    ),
    "endAssignment": (
        "mutation($id: Int!) { endAssignment(id: $id) { errors { code } } }",
        lambda s: {"id": s["assignment_id"]},
    ),
}
GRAPHQL_FIELDS |= MEMBER_GRAPHQL
GRAPHQL_FIELDS |= SYNC_GRAPHQL
GRAPHQL_FIELDS |= PIPELINE_GRAPHQL
GRAPHQL_FIELDS |= TRANSFER_GRAPHQL
GRAPHQL_FIELDS |= FUND_GRAPHQL
GRAPHQL_FIELDS |= SHARING_GRAPHQL
GRAPHQL_ANCHOR_ONLY = {"me"}
GRAPHQL_FIELDS |= MANAGEMENT_GRAPHQL
GRAPHQL_ANCHOR_ONLY = {"me"} | MANAGEMENT_GRAPHQL_ANCHOR_ONLY
GRAPHQL_FIELDS |= SELF_GRAPHQL
GRAPHQL_ANCHOR_ONLY |= SELF_GRAPHQL_ANCHOR_ONLY


def _graphql_fields(app) -> list[str]:
    from app.graphql.schema import build_schema

    schema = build_schema(app.state.container.settings)._schema
    names = list(schema.query_type.fields) + list(schema.mutation_type.fields)
    return names


async def test_every_graphql_field_is_guarded(app, client, world):
    samples = await foreign_world(world, client)
    intruder = world.auth(Role.DISTRICT_ADMIN, "other_district")
    for name in _graphql_fields(app):
        assert name in GRAPHQL_FIELDS, f"GraphQL field {name} is not classified in this test"
        query, variables = GRAPHQL_FIELDS[name]
        vars_ = variables(samples) if variables else {}
        r = await client.post("/graphql", json={"query": query, "variables": vars_})
        body = r.json()
        assert body.get("data") is None, f"{name} answered anonymously: {body}"
        assert body["errors"][0]["extensions"]["code"] == "auth.token_missing", name
        if name in GRAPHQL_ANCHOR_ONLY:
            continue
        r = await client.post(
            "/graphql", json={"query": query, "variables": vars_}, headers=intruder
        )
        body = r.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        data = body.get("data") or {}
        payload = data.get(name) if isinstance(data, dict) else None
        if isinstance(payload, dict) and "errors" in payload:
            codes += [e["code"] for e in payload["errors"]]
        assert any(c and c.endswith("not_found") for c in codes), f"{name}: {body}"
