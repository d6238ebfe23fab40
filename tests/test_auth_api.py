"""Password logins, refresh-token rotation, throttling and access-token checks."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json

import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.db.models import LoginFailureRow, RefreshTokenRow, UserRow
from app.domain.auth.scopes import Role, scopes_for
from app.domain.clock import FixedClock
from tests.account_helpers import (
    PASSWORD,
    audit_rows,
    client_at,
    login,
    make_user,
    token_row,
)


async def test_login_issues_verifiable_tokens(world, client, container):
    user_id = await make_user(world, "chengdong.admin", role=Role.PARK_ADMIN, org="park")
    r = await login(client, "ChengDong.Admin", headers={"X-Request-ID": "req-login-0001"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "org_id",
        "role",
    }
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    assert body["org_id"] == world.ids["park"] and body["role"] == "park_admin"
    expected_scopes = {s.value for s in scopes_for(Role.PARK_ADMIN)}
    assert set(body["scope"].split()) == expected_scopes

    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"] == container.tokens.key.kid
    who = container.tokens.verify(body["access_token"])
    assert who.subject == f"user:{user_id}" and who.user_id == user_id
    assert who.org_id == world.ids["park"] and who.role is Role.PARK_ADMIN
    assert who.scopes == expected_scopes
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == f"user:{user_id}" and claims["org"] == world.ids["park"]
    assert claims["role"] == "park_admin" and "ent" not in claims

    # The token works on a protected endpoint, inside its subtree only.
    h = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get(f"/api/v1/orgs/{world.ids['branch1']}", headers=h)).status_code == 200
    assert (await client.get(f"/api/v1/orgs/{world.ids['street']}", headers=h)).status_code == 404

    # Stored: the refresh token only as its SHA-256; the password only as an Argon2id hash.
    row = await token_row(container, body["refresh_token"])
    assert row.user_id == user_id and row.used_at is None and row.revoked_at is None
    async with container.db.read_sessions() as s:
        stored = (await s.execute(sa.select(RefreshTokenRow.token_hash))).scalars().all()
        pw_hash = (
            await s.execute(sa.select(UserRow.password_hash).where(UserRow.id == user_id))
        ).scalar_one()
    assert body["refresh_token"] not in stored
    assert pw_hash.startswith("$argon2id$") and PASSWORD not in pw_hash
    [entry] = await audit_rows(container, "auth.login")
    assert entry.actor == f"user:{user_id}" and entry.target_id == str(user_id)
    assert entry.request_id == "req-login-0001" and entry.org_id == world.ids["park"]
    assert entry.changes["method"] == "password"


async def test_wrong_password_and_unknown_user_answer_alike(world, client, container):
    await make_user(world, "known.user")
    wrong = await login(client, "known.user", "not the password")
    unknown = await login(client, "nobody.here", PASSWORD)
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "auth.invalid_credentials"
    assert wrong.json()["title"] == unknown.json()["title"]
    assert wrong.json()["detail"] == unknown.json()["detail"]
    async with container.db.read_sessions() as s:
        keys = (await s.execute(sa.select(LoginFailureRow.key))).scalars().all()
    assert sorted(keys) == sorted(
        ["acct:known.user", "acct:nobody.here", "addr:127.0.0.1", "addr:127.0.0.1"]
    )
    assert await audit_rows(container, "auth.login") == []
    # Malformed bodies are validation errors, not login failures.
    r = await client.post("/api/v1/auth/token", json={"username": "known.user"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/password"


async def test_throttled_per_account(world, client, app, container):
    await make_user(world, "target.user")
    await make_user(world, "bystander")
    limit = container.settings.login_max_failures_per_account
    for i in range(limit):
        # From different addresses: the account counter alone must trip.
        async with client_at(app, f"10.0.0.{i + 1}") as c:
            r = await login(c, "target.user", "wrong password!")
        assert r.status_code == 401
    r = await login(client, "target.user", PASSWORD)  # even the right password waits now
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "auth.too_many_attempts"
    retry = int(r.headers["retry-after"])
    assert 0 < retry <= container.settings.login_window_minutes * 60
    assert str(retry) in r.json()["detail"]
    # The same address may still log in to another account.
    assert (await login(client, "bystander")).status_code == 200
    # After the window has passed, the account works again.
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16))
    assert (await login(client, "target.user")).status_code == 200
    async with container.db.read_sessions() as s:
        left = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(LoginFailureRow)
                .where(LoginFailureRow.key == "acct:target.user")
            )
        ).scalar_one()
    assert left == 0  # a successful login clears the account's failures


async def test_throttled_per_address(world, app, client, container):
    container.settings.login_max_failures_per_address = 3
    await make_user(world, "valid.user")
    async with client_at(app, "203.0.113.9") as c:
        for name in ("a.user", "b.user", "c.user"):
            assert (await login(c, name, "guessing")).status_code == 401
        r = await login(c, "valid.user")
        assert r.status_code == 429 and r.json()["code"] == "auth.too_many_attempts"
        assert int(r.headers["retry-after"]) > 0
    async with client_at(app, "203.0.113.10") as other:
        assert (await login(other, "valid.user")).status_code == 200


async def test_refresh_rotates_within_the_family(world, client, container):
    user_id = await make_user(world, "rotating")
    first = (await login(client, "rotating")).json()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert container.tokens.verify(second["access_token"]).subject == f"user:{user_id}"
    old = await token_row(container, first["refresh_token"])
    new = await token_row(container, second["refresh_token"])
    assert old.used_at is not None and old.revoked_at is None
    assert new.family_id == old.family_id and new.used_at is None
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "not-a-token"})
    assert r.status_code == 401 and r.json()["code"] == "auth.refresh_invalid"


async def test_reuse_of_a_rotated_token_revokes_the_family(world, client, container):
    user_id = await make_user(world, "victim")
    first = (await login(client, "victim")).json()
    other_session = (await login(client, "victim")).json()  # another login: its own family
    second = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401 and replay.json()["code"] == "auth.refresh_invalid"
    # The newer token of the family is dead too.
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 401
    family = (await token_row(container, first["refresh_token"])).family_id
    async with container.db.read_sessions() as s:
        revoked = (
            await s.execute(
                sa.select(RefreshTokenRow.revoked_at).where(RefreshTokenRow.family_id == family)
            )
        ).scalars()
        assert all(at is not None for at in revoked)
    [entry] = await audit_rows(container, "auth.refresh_reuse")
    assert entry.target_id == str(user_id) and entry.actor == "anonymous"
    assert entry.changes == {"family_id": family, "revoked": 2}
    # The other login is untouched.
    r = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_session["refresh_token"]}
    )
    assert r.status_code == 200


async def test_concurrent_refreshes_yield_one_success(world, client, container):
    await make_user(world, "racer")
    token = (await login(client, "racer")).json()["refresh_token"]
    results = await asyncio.gather(
        client.post("/api/v1/auth/refresh", json={"refresh_token": token}),
        client.post("/api/v1/auth/refresh", json={"refresh_token": token}),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 401], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 401)
    assert loser.json()["code"] == "auth.refresh_invalid"
    family = (await token_row(container, token)).family_id
    async with container.db.read_sessions() as s:
        rows = (
            await s.execute(sa.select(RefreshTokenRow).where(RefreshTokenRow.family_id == family))
        ).scalars()
        rows = list(rows)
    # One rotation happened; the second use counts as reuse and ends the family.
    assert len(rows) == 2 and all(r.revoked_at is not None for r in rows)


async def test_logout_revokes_the_family(world, client, container):
    user_id = await make_user(world, "leaving")
    first = (await login(client, "leaving")).json()
    second = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 204 and r.content == b""
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 401
    [entry] = await audit_rows(container, "auth.logout")
    assert entry.actor == f"user:{user_id}" and entry.changes["revoked"] == 2  # used one too
    again = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": second["refresh_token"]}
    )
    assert again.status_code == 204
    assert len(await audit_rows(container, "auth.logout")) == 1  # nothing left to revoke
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": "unknown"})
    assert r.status_code == 401 and r.json()["code"] == "auth.refresh_invalid"


async def test_expired_refresh_token_is_refused(world, client, container):
    await make_user(world, "sleeper")
    token = (await login(client, "sleeper")).json()["refresh_token"]
    days = container.settings.refresh_token_days
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=days, minutes=1))
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    assert r.status_code == 401 and r.json()["code"] == "auth.refresh_invalid"
    assert (await token_row(container, token)).revoked_at is None  # expiry is not reuse


async def test_deactivated_account_can_neither_log_in_nor_refresh(world, client, container):
    user_id = await make_user(world, "soon.gone")
    tokens = (await login(client, "soon.gone")).json()
    r = await client.post(f"/api/v1/users/{user_id}/deactivate", headers=world.auth())
    assert r.status_code == 200 and r.json()["active"] is False
    r = await login(client, "soon.gone")
    assert r.status_code == 401 and r.json()["code"] == "auth.account_disabled"
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401 and r.json()["code"] == "auth.refresh_invalid"
    assert (await token_row(container, tokens["refresh_token"])).revoked_at is not None
    # A wrong password on a deactivated account still reads as a plain failure.
    r = await login(client, "soon.gone", "wrong password")
    assert r.json()["code"] == "auth.invalid_credentials"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(container, world, **over):
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {
        "iss": container.settings.jwt_issuer,
        "aud": container.settings.jwt_audience,
        "sub": "user:1",
        "iat": now,
        "exp": now + 600,
        "jti": "j1",
        "scope": "orgs:read",
        "org": world.ids["district"],
        "role": "district_admin",
    }
    claims.update(over)
    return claims


async def test_bad_access_tokens_are_refused(world, client, container):
    url = f"/api/v1/orgs/{world.ids['park']}"
    key = container.tokens.key
    kid = key.kid
    good = jwt.encode(
        _claims(container, world), key.private, algorithm="EdDSA", headers={"kid": kid}
    )
    assert (await client.get(url, headers={"Authorization": f"Bearer {good}"})).status_code == 200

    expired = container.tokens.issue(
        subject="user:1",
        role=Role.DISTRICT_ADMIN,
        scopes={"orgs:read"},
        org_id=world.ids["district"],
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    ).token
    head, payload, sig = good.split(".")
    forged_payload = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged_payload["org"] = world.ids["other_district"]
    tampered = ".".join([head, _b64(json.dumps(forged_payload).encode()), sig])
    wrong_aud = jwt.encode(
        _claims(container, world, aud="someone-else"),
        key.private,
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    none_head = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
    alg_none = f"{none_head}.{payload}."
    # HS256 keyed with our public key: the classic algorithm-confusion forgery.
    public_pem = key.public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    signing_input = f"{hs_head}.{payload}".encode()
    hs256 = f"{hs_head}.{payload}." + _b64(
        hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    )
    stranger = Ed25519PrivateKey.generate()
    foreign_key = jwt.encode(
        _claims(container, world), stranger, algorithm="EdDSA", headers={"kid": kid}
    )
    no_org = jwt.encode(
        {k: v for k, v in _claims(container, world).items() if k != "org"},
        key.private,
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    cases = {
        "expired": (expired, "auth.token_expired"),
        "tampered": (tampered, "auth.token_invalid"),
        "wrong audience": (wrong_aud, "auth.token_invalid"),
        "alg none": (alg_none, "auth.token_invalid"),
        "hs256 with public key": (hs256, "auth.token_invalid"),
        "other key": (foreign_key, "auth.token_invalid"),
        "missing claim": (no_org, "auth.token_invalid"),
        "garbage": ("abc.def", "auth.token_invalid"),
    }
    for name, (token, code) in cases.items():
        r = await client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, name
        assert r.json()["code"] == code, name
        assert r.headers["www-authenticate"].startswith("Bearer"), name
    r = await client.get(url)
    assert r.status_code == 401 and r.json()["code"] == "auth.token_missing"


async def test_public_endpoints_need_no_token_in_openapi(client):
    spec = (await client.get("/openapi.json")).json()
    for path in ("/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/wechat"):
        assert spec["paths"][path]["post"]["security"] == []
    assert "security" not in spec["paths"]["/api/v1/users"]["post"]
