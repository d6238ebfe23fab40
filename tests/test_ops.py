"""Operational endpoints, logging, masking of unexpected errors, settings guards."""

from __future__ import annotations

import json
import logging

import jwt
import pytest

from app.domain.orgs import service as org_cases
from app.settings import Settings


async def test_health_ready_metrics_jwks(client, container, world):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == container.db.dialect
    await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=world.auth())
    metrics = (await client.get("/metrics")).text
    assert (
        'lianjian_http_requests_total{method="GET",route="/api/v1/orgs/{org_id}",status="200"}'
        in metrics
    )
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519" and keys[0]["alg"] == "EdDSA"
    token = world.token()
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]
    # The published key verifies our tokens.
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, public, algorithms=["EdDSA"], audience="lianjian-api")
    assert claims["org"] == world.ids["district"]


async def test_readyz_reports_a_dead_database(keys_dir):
    import httpx

    from app.main import create_app

    settings = Settings(
        env="test",
        data_dir=keys_dir,
        database_url="sqlite+aiosqlite:////nonexistent/dir/lianjian.db",
    )
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/readyz")
        assert r.status_code == 503 and r.json() == {"status": "unavailable"}
        assert (await c.get("/healthz")).status_code == 200
    await app.state.container.close()


async def test_unexpected_errors_are_masked(world, app, monkeypatch):
    import httpx

    secret = "110101199003077777"
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
    )

    async def explode(*_a, **_k):
        raise RuntimeError(f"boom {secret}")

    monkeypatch.setattr(org_cases, "get_org", explode)
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=world.auth())
    assert r.status_code == 500
    assert r.json()["code"] == "internal" and secret not in r.text
    assert r.json()["request_id"] == r.headers["x-request-id"]
    g = await client.post(
        "/graphql",
        headers=world.auth(),
        json={
            "query": "query($id: Int!) { org(id: $id) { id } }",
            "variables": {"id": world.ids["park"]},
        },
    )
    assert g.json()["errors"][0]["message"] == "Unexpected error." and secret not in g.text
    await client.aclose()


def test_json_log_lines_carry_request_id(caplog):
    from app.logging import JsonFormatter, request_id_var

    token = request_id_var.set("req-abc-123")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        record.route = "/api/v1/orgs/{org_id}"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["msg"] == "hello world" and line["request_id"] == "req-abc-123"
    assert line["route"] == "/api/v1/orgs/{org_id}"


def test_settings_refuse_placeholders_outside_development(tmp_path):
    with pytest.raises(ValueError, match="placeholder"):
        Settings(
            env="production",
            data_key="change-me",
            wechat_secret="real-secret-123",
            data_dir=tmp_path,
        )
    with pytest.raises(ValueError, match="wechat_secret"):
        Settings(env="production", data_dir=tmp_path)
    ok = Settings(env="production", wechat_secret="a-real-app-secret", data_dir=tmp_path)
    assert ok.database_url == f"sqlite+aiosqlite:///{tmp_path / 'lianjian.db'}"
    assert Settings(env="development", data_key="change-me", data_dir=tmp_path)


async def test_request_id_is_generated_or_kept(client):
    r = await client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-def-1234"})
    assert r.headers["x-request-id"] == "abc-def-1234"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces"


async def test_unknown_path_and_method_are_problems(client, world):
    r = await client.get("/api/v1/nothing-here", headers=world.auth())
    assert r.status_code == 404 and r.json()["code"] == "request.not_found"
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.delete(f"/api/v1/orgs/{world.ids['park']}", headers=world.auth())
    assert r.status_code == 405 and r.json()["code"] == "request.method_not_allowed"


async def test_cors_allows_only_listed_origins(keys_dir, db_url):
    import httpx

    from app.main import create_app

    settings = Settings(
        env="test", data_dir=keys_dir, database_url=db_url, cors_origins=["https://mp.example.cn"]
    )
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        pre = {
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        }
        ok = await c.options("/api/v1/orgs", headers={"Origin": "https://mp.example.cn", **pre})
        assert ok.headers["access-control-allow-origin"] == "https://mp.example.cn"
        bad = await c.options("/api/v1/orgs", headers={"Origin": "https://evil.example", **pre})
        assert "access-control-allow-origin" not in bad.headers
    await app.state.container.close()
