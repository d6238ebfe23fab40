"""Accounts for tests: made through the real use case, logged in through the real API."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import sqlalchemy as sa

from app.container import Container
from app.db.models import AuditRow, RefreshTokenRow
from app.domain.accounts import users as accounts
from app.domain.accounts.model import NewUser
from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role
from app.security.passwords import ARGON2
from tests.helpers import World

PASSWORD = "correct horse battery"


async def make_user(
    world: World,
    username: str,
    *,
    role: Role = Role.PARK_ADMIN,
    org: str = "park",
    password: str = PASSWORD,
    enterprise_id: int | None = None,
) -> int:
    async with world.c.uow() as uow:
        user = await accounts.create_user(
            uow,
            SYSTEM,
            new=NewUser(
                username=username,
                display_name=f"测试 {username}",
                role=role,
                org_id=world.ids[org],
                enterprise_id=enterprise_id,
            ),
            password=password,
            hasher=ARGON2,
        )
    return user.id


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, **kw: Any
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, **kw
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def token_row(c: Container, refresh_token: str) -> RefreshTokenRow:
    async with c.db.read_sessions() as s:
        row = (
            await s.execute(
                sa.select(RefreshTokenRow).where(
                    RefreshTokenRow.token_hash == sha256(refresh_token)
                )
            )
        ).scalar_one()
    return row


async def audit_rows(c: Container, action: str) -> list[AuditRow]:
    async with c.db.read_sessions() as s:
        rows = await s.execute(
            sa.select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)
        )
        return list(rows.scalars())


def client_at(app: Any, address: str) -> httpx.AsyncClient:
    """A client whose requests come from ``address`` (throttling counts per address)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")
