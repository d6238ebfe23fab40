"""Accounts, refresh tokens, WeChat identities and the pure rules about them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from app.domain.auth.scopes import Role, Scope, scopes_for

PASSWORD_MIN_LENGTH = 10
# Machine roles get client credentials, never a staff account with a password.
MACHINE_ROLES = frozenset({Role.SYNC_CLIENT})


@dataclass(frozen=True)
class User:
    """A staff account. The password hash is deliberately not part of it."""

    id: int
    username: str
    display_name: str
    role: Role
    org_id: int
    org_path: str  # the anchor's current materialised path (joined at read time)
    enterprise_id: int | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    member_id: int | None = None  # a member-role account's own member record

    @property
    def subject(self) -> str:
        return f"user:{self.id}"


@dataclass(frozen=True)
class Credentials:
    user: User
    password_hash: str | None


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: Role
    org_id: int
    enterprise_id: int | None
    member_id: int | None = None  # only for the member role: the account's own record


@dataclass(frozen=True)
class RefreshToken:
    id: int
    family_id: str
    user_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class WechatIdentity:
    id: int
    openid: str
    user_id: int | None


@dataclass(frozen=True)
class BindTicket:
    id: int
    openid: str
    expires_at: dt.datetime
    used_at: dt.datetime | None


@dataclass(frozen=True)
class BindRequired:
    """A WeChat login whose openid is bound to no account yet: bind it with this ticket."""

    bind_ticket: str
    expires_in: int


@dataclass(frozen=True)
class Grant:
    """What a successful login or refresh hands to the client. Secrets live only here."""

    access_token: str
    expires_in: int
    refresh_token: str
    scope: str
    org_id: int
    role: Role
    user_id: int


def normalize_username(username: str) -> str:
    return username.strip().lower()


def opaque_secret() -> tuple[str, str]:
    """A fresh opaque secret (refresh token, bind ticket) and the SHA-256 we store of it."""
    plain = secrets.token_urlsafe(32)
    return plain, digest(plain)


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def scope_string(role: Role) -> str:
    return " ".join(sorted(s.value for s in scopes_for(role)))


def may_grant(actor_scopes: frozenset[str], role: Role) -> bool:
    """A caller may grant (or manage holders of) a role only if it holds every scope of it."""
    # ``self`` reaches only the holder's own data, so it is no privilege to hand on.
    return {s.value for s in scopes_for(role) if s is not Scope.SELF} <= actor_scopes


def throttle_keys(username: str, address: str) -> tuple[str, str]:
    """Failure counters: one per account name (known or not), one per client address."""
    return f"acct:{normalize_username(username)[:64]}", f"addr:{address[:64]}"
