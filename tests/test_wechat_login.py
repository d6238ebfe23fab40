"""WeChat mini-program login against a loopback fake of jscode2session."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.db.models import WechatBindTicketRow, WechatIdentityRow
from app.domain.auth.scopes import Role
from app.domain.clock import FixedClock
from app.settings import Settings
from tests.account_helpers import PASSWORD, audit_rows, make_user, sha256

APPID = "wx-test-appid"
SECRET = "wx-test-secret-0123456789"


@dataclass
class FakeWechat:
    """jscode2session as WeChat speaks it: each code works once (then 40163); unknown codes are
    40029; a code may also be told to answer an errcode, garbage, a 500, or nothing in time."""

    url: str = ""
    codes: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    requests: list[dict[str, str]] = field(default_factory=list)

    def answer(self, query: dict[str, str]) -> tuple[int, bytes]:
        self.requests.append(query)
        if query.get("appid") != APPID or query.get("secret") != SECRET:
            return 200, json.dumps({"errcode": 40125, "errmsg": "invalid appsecret"}).encode()
        if query.get("grant_type") != "authorization_code":
            return 200, json.dumps({"errcode": 40002, "errmsg": "invalid grant_type"}).encode()
        code = query.get("js_code", "")
        spec = self.codes.get(code)
        if spec is None:
            return 200, json.dumps({"errcode": 40029, "errmsg": "invalid code"}).encode()
        if spec == "slow":
            time.sleep(1.5)
            return 200, b"{}"
        if spec == "http500":
            return 500, b"<html>busy</html>"
        if spec == "garbage":
            return 200, b"<html>not json</html>"
        if code in self.used:
            return 200, json.dumps({"errcode": 40163, "errmsg": "code been used"}).encode()
        self.used.add(code)
        # Real WeChat labels its JSON text/plain; the client must not care.
        return 200, json.dumps(spec).encode()


@pytest.fixture
def wechat() -> Iterator[FakeWechat]:
    fake = FakeWechat()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/sns/jscode2session":
                self.send_error(404)
                return
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            status, body = fake.answer(query)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def settings(db_url: str, keys_dir: Path, wechat: FakeWechat) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        data_dir=keys_dir,
        log_level="WARNING",
        wechat_base_url=wechat.url,
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_timeout_seconds=0.5,
    )


def session_of(openid: str, key: str, unionid: str | None = None) -> dict[str, str]:
    out = {"openid": openid, "session_key": key}
    if unionid:
        out["unionid"] = unionid
    return out


async def identities(container) -> list[WechatIdentityRow]:
    async with container.db.read_sessions() as s:
        return list((await s.execute(sa.select(WechatIdentityRow))).scalars())


async def test_unbound_then_bind_then_direct_login(world, client, container, wechat, caplog):
    caplog.set_level(logging.DEBUG)
    user_id = await make_user(world, "mini.user", org="branch1", role=Role.BRANCH_SECRETARY)
    wechat.codes["code-1"] = session_of("o-openid-1", "SESSIONKEY-ONE==", "u-union-1")
    wechat.codes["code-2"] = session_of("o-openid-1", "SESSIONKEY-TWO==")
    responses = []

    r = await client.post("/api/v1/auth/wechat", json={"code": "code-1"})
    responses.append(r)
    assert r.status_code == 200, r.text
    unbound = r.json()
    assert unbound["status"] == "unbound" and unbound["expires_in"] == 600
    assert set(unbound) == {"status", "bind_ticket", "expires_in"}
    assert wechat.requests[-1] == {
        "appid": APPID,
        "secret": SECRET,
        "js_code": "code-1",
        "grant_type": "authorization_code",
    }
    [ident] = await identities(container)
    assert ident.openid == "o-openid-1" and ident.unionid == "u-union-1" and ident.user_id is None
    assert "SESSIONKEY" not in ident.session_key_enc
    sealed = ident.session_key_enc
    assert container.cipher.decrypt(sealed, context="wechat.session_key") == "SESSIONKEY-ONE=="
    async with container.db.read_sessions() as s:
        ticket = (await s.execute(sa.select(WechatBindTicketRow))).scalar_one()
    assert ticket.ticket_hash == sha256(unbound["bind_ticket"]) and ticket.used_at is None

    bind = {"bind_ticket": unbound["bind_ticket"], "username": "mini.user"}
    r = await client.post("/api/v1/auth/wechat/bind", json={**bind, "password": "wrong one!"})
    responses.append(r)
    assert r.status_code == 401 and r.json()["code"] == "auth.invalid_credentials"
    r = await client.post("/api/v1/auth/wechat/bind", json={**bind, "password": PASSWORD})
    responses.append(r)
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert tokens["role"] == "branch_secretary" and tokens["org_id"] == world.ids["branch1"]
    assert container.tokens.verify(tokens["access_token"]).subject == f"user:{user_id}"
    [ident] = await identities(container)
    assert ident.user_id == user_id

    # The ticket is single use.
    r = await client.post("/api/v1/auth/wechat/bind", json={**bind, "password": PASSWORD})
    responses.append(r)
    assert r.status_code == 401 and r.json()["code"] == "auth.bind_ticket_invalid"

    # Now bound: the next login code logs straight in, and the session key is replaced.
    r = await client.post("/api/v1/auth/wechat", json={"code": "code-2"})
    responses.append(r)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    direct = r.json()
    assert set(direct) == set(tokens)
    assert container.tokens.verify(direct["access_token"]).user_id == user_id
    [ident] = await identities(container)
    assert container.cipher.decrypt(ident.session_key_enc, context="wechat.session_key") == (
        "SESSIONKEY-TWO=="
    )
    assert ident.unionid == "u-union-1"  # kept when a later answer omits it
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": direct["refresh_token"]})
    assert r.status_code == 200

    methods = [e.changes["method"] for e in await audit_rows(container, "auth.login")]
    assert methods == ["wechat_bind", "wechat"]
    # The session key and the AppSecret never leave the server: not in bodies, not in logs.
    for resp in responses:
        assert "SESSIONKEY" not in resp.text
    assert "SESSIONKEY" not in caplog.text
    assert SECRET not in caplog.text
    assert "jscode2session" in caplog.text  # httpx did log the request, query redacted


async def test_wechat_errors_become_problems(world, client, container, wechat, caplog):
    caplog.set_level(logging.DEBUG)
    wechat.codes.update(
        {
            "once": session_of("o-once", "SESSIONKEY-ONCE"),
            "blocked": {"errcode": 40226, "errmsg": "high risk user"},
            "busy": {"errcode": -1, "errmsg": "system error"},
            "broken": "http500",
            "garbage": "garbage",
            "slow": "slow",
            "no-openid": {"session_key": "SESSIONKEY-LONELY"},
        }
    )
    cases = [
        ("never-issued", 401, "auth.wechat_code_invalid", 40029),
        ("blocked", 502, "auth.wechat_failed", 40226),
        ("busy", 502, "auth.wechat_unavailable", -1),
        ("broken", 502, "auth.wechat_unavailable", None),
        ("garbage", 502, "auth.wechat_unavailable", None),
        ("slow", 502, "auth.wechat_unavailable", None),
        ("no-openid", 502, "auth.wechat_unavailable", None),
    ]
    for code, status, problem, errcode in cases:
        r = await client.post("/api/v1/auth/wechat", json={"code": code})
        assert r.status_code == status, (code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == problem, code
        assert r.json().get("errcode") == errcode, code
        assert "SESSIONKEY" not in r.text
    assert await identities(container) == []  # nothing stored for failed exchanges
    assert (await client.post("/api/v1/auth/wechat", json={"code": "once"})).status_code == 200
    r = await client.post("/api/v1/auth/wechat", json={"code": "once"})
    assert r.status_code == 401 and r.json()["errcode"] == 40163
    r = await client.post(
        "/api/v1/auth/wechat", json={"code": "x"}, headers={"Accept-Language": "en"}
    )
    assert "wx.login" in r.json()["detail"]
    assert "SESSIONKEY" not in caplog.text and SECRET not in caplog.text


async def test_wechat_down_is_unavailable(world, client, container):
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    container.settings.wechat_base_url = f"http://127.0.0.1:{port}"
    r = await client.post("/api/v1/auth/wechat", json={"code": "anything"})
    assert r.status_code == 502 and r.json()["code"] == "auth.wechat_unavailable"


async def test_bound_but_deactivated_account(world, client, container, wechat):
    user_id = await make_user(world, "gone.soon")
    wechat.codes["a"] = session_of("o-gone", "SESSIONKEY-A")
    wechat.codes["b"] = session_of("o-gone", "SESSIONKEY-B")
    ticket = (await client.post("/api/v1/auth/wechat", json={"code": "a"})).json()["bind_ticket"]
    r = await client.post(
        "/api/v1/auth/wechat/bind",
        json={"bind_ticket": ticket, "username": "gone.soon", "password": PASSWORD},
    )
    assert r.status_code == 200
    assert (
        await client.post(f"/api/v1/users/{user_id}/deactivate", headers=world.auth())
    ).status_code == 200
    r = await client.post("/api/v1/auth/wechat", json={"code": "b"})
    assert r.status_code == 401 and r.json()["code"] == "auth.account_disabled"


async def test_bind_ticket_expires_and_binding_is_exclusive(world, client, container, wechat):
    await make_user(world, "first.owner")
    await make_user(world, "second.owner")
    for code in ("t1", "t2", "t3"):
        wechat.codes[code] = session_of("o-shared", f"SESSIONKEY-{code}")
    t1 = (await client.post("/api/v1/auth/wechat", json={"code": "t1"})).json()["bind_ticket"]
    t2 = (await client.post("/api/v1/auth/wechat", json={"code": "t2"})).json()["bind_ticket"]
    t3 = (await client.post("/api/v1/auth/wechat", json={"code": "t3"})).json()["bind_ticket"]
    r = await client.post(
        "/api/v1/auth/wechat/bind",
        json={"bind_ticket": t1, "username": "first.owner", "password": PASSWORD},
    )
    assert r.status_code == 200
    r = await client.post(
        "/api/v1/auth/wechat/bind",
        json={"bind_ticket": t2, "username": "second.owner", "password": PASSWORD},
    )
    assert r.status_code == 409 and r.json()["code"] == "auth.wechat_already_bound"
    [ident] = await identities(container)
    assert ident.user_id is not None
    container.clock = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11))
    r = await client.post(
        "/api/v1/auth/wechat/bind",
        json={"bind_ticket": t3, "username": "first.owner", "password": PASSWORD},
    )
    assert r.status_code == 401 and r.json()["code"] == "auth.bind_ticket_invalid"


async def test_bind_is_throttled_like_login(world, client, container, wechat):
    await make_user(world, "guarded")
    wechat.codes["c"] = session_of("o-guarded", "SESSIONKEY-C")
    ticket = (await client.post("/api/v1/auth/wechat", json={"code": "c"})).json()["bind_ticket"]
    body = {"bind_ticket": ticket, "username": "guarded", "password": "not it at all"}
    for _ in range(container.settings.login_max_failures_per_account):
        r = await client.post("/api/v1/auth/wechat/bind", json=body)
        assert r.status_code == 401
    r = await client.post("/api/v1/auth/wechat/bind", json={**body, "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
