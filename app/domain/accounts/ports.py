"""What the account use cases need from storage, crypto, token signing and WeChat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from app.domain.accounts.model import (
    BindTicket,
    Credentials,
    NewUser,
    RefreshToken,
    User,
    WechatIdentity,
)
from app.domain.auth.scopes import Role
from app.domain.pagination import Page, PageRequest


@dataclass(frozen=True)
class UserFilter:
    role: Role | None = None
    active: bool | None = None
    username_contains: str | None = None


class AccountRepository(Protocol):
    """Users, refresh tokens, login failures and WeChat identities.

    Refresh-token, login-failure, bind-ticket and WeChat-session writes are bookkeeping and
    opt out of the audit guard; the use cases audit the events that matter (login, logout,
    token reuse, binding, account changes), and account and binding writes stay guarded."""

    async def get(self, user_id: int, *, lock: bool = False) -> User | None: ...

    async def credentials(self, username: str) -> Credentials | None:
        """The account with this (normalised) username and its password hash."""
        ...

    async def add(self, new: NewUser, *, password_hash: str, now: dt.datetime) -> User | None:
        """Insert an account; None when the username is taken (also under a race)."""
        ...

    async def username_taken(self, username: str) -> bool: ...

    async def set_active(self, user_id: int, active: bool, *, now: dt.datetime) -> None: ...

    async def set_password_hash(
        self, user_id: int, password_hash: str, *, now: dt.datetime
    ) -> None: ...

    async def in_subtree(
        self, path: str, *, filters: UserFilter, page: PageRequest
    ) -> Page[User]: ...

    # refresh tokens
    async def add_refresh_token(
        self,
        *,
        token_hash: str,
        family_id: str,
        user_id: int,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> None: ...

    async def find_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    async def claim_refresh_token(self, token_id: int, *, now: dt.datetime) -> bool:
        """Mark an unused, unrevoked token used; False when another request got there first."""
        ...

    async def revoke_family(self, family_id: str, *, now: dt.datetime) -> int: ...

    async def revoke_user_tokens(self, user_id: int, *, now: dt.datetime) -> int: ...

    # login throttling
    async def recent_failures(
        self, key: str, *, since: dt.datetime, limit: int
    ) -> list[dt.datetime]:
        """Times of failures under ``key`` after ``since``, newest first, at most ``limit``."""
        ...

    async def record_failure(
        self, keys: tuple[str, ...], *, at: dt.datetime, prune_before: dt.datetime
    ) -> None: ...

    async def clear_failures(self, key: str) -> None: ...

    # WeChat
    async def upsert_wechat_identity(
        self, *, openid: str, unionid: str | None, session_key_enc: str, now: dt.datetime
    ) -> WechatIdentity: ...

    async def bind_wechat(self, openid: str, user_id: int, *, now: dt.datetime) -> bool:
        """Bind an unbound openid (or confirm it is bound to ``user_id``); False otherwise."""
        ...

    async def add_bind_ticket(
        self, *, ticket_hash: str, openid: str, expires_at: dt.datetime
    ) -> None: ...

    async def find_bind_ticket(self, ticket_hash: str) -> BindTicket | None: ...

    async def claim_bind_ticket(self, ticket_id: int, *, now: dt.datetime) -> bool: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``. With no stored hash, still spends the
        time of one verification (against a dummy) and answers False."""
        ...

    def needs_rehash(self, stored: str) -> bool: ...


class IssuedAccessToken(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def expires_in(self) -> int: ...


class TokenIssuer(Protocol):
    def issue(
        self,
        *,
        subject: str,
        role: Role,
        scopes: frozenset[str],
        org_id: int,
        enterprise_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> IssuedAccessToken: ...


class SecretCipher(Protocol):
    def encrypt(self, plaintext: str, *, context: str) -> str: ...


@dataclass(frozen=True)
class WechatSession:
    """jscode2session's answer. ``session_key`` must be encrypted at once and never shown."""

    openid: str
    session_key: str
    unionid: str | None

    def __repr__(self) -> str:  # keep the session key out of tracebacks and logs
        return f"WechatSession(openid={self.openid!r}, unionid={self.unionid!r})"


class WechatRejected(Exception):
    """WeChat answered with an errcode."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"wechat errcode {errcode}")
        self.errcode = errcode


class WechatUnreachable(Exception):
    """No usable answer from WeChat: timeout, connection error, 5xx or garbage."""


class WechatGateway(Protocol):
    async def code_to_session(self, code: str) -> WechatSession:
        """Exchange a mini-program login code; raises WechatRejected or WechatUnreachable."""
        ...


@dataclass(frozen=True)
class AuthPolicy:
    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    window_minutes: int = 15
    refresh_token_days: int = 30
    bind_ticket_minutes: int = 10


@dataclass(frozen=True)
class AuthKit:
    """The collaborators of the login use cases, built by the edge from the settings."""

    hasher: PasswordHasher
    tokens: TokenIssuer
    cipher: SecretCipher
    wechat: WechatGateway
    policy: AuthPolicy
