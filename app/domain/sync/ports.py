"""What the sync use cases need from storage and from the token issuer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from app.domain.auth.scopes import Role
from app.domain.members.model import Member
from app.domain.sync.model import Change, SyncClient


class ClientTokenIssuer(Protocol):
    """Issues our access tokens (app.security.tokens.TokenService)."""

    def issue(
        self,
        *,
        subject: str,
        role: Role,
        scopes: frozenset[str] | set[str],
        org_id: int,
        enterprise_id: int | None = None,
        now: dt.datetime | None = None,
        ttl: dt.timedelta | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class SyncedMember:
    """A member with the keyed hashes the sync compares against (nothing is decrypted)."""

    member: Member
    national_id_hash: str
    phone_hash: str | None


class SyncRepository(Protocol):
    async def add_client(
        self,
        *,
        client_key: str,
        org_id: int,
        name: str,
        scopes: list[str],
        secret_hash: str,
        now: dt.datetime,
    ) -> SyncClient: ...

    async def get_client(self, client_id: int, *, lock: bool = False) -> SyncClient | None: ...

    async def client_by_key(self, client_key: str) -> SyncClient | None: ...

    async def clients_in_subtree(self, path: str) -> list[SyncClient]: ...

    async def rotate_secret(
        self,
        client_id: int,
        *,
        secret_hash: str,
        previous_hash: str,
        previous_expires_at: dt.datetime,
        now: dt.datetime,
    ) -> SyncClient: ...

    async def set_active(self, client_id: int, *, active: bool, now: dt.datetime) -> SyncClient: ...

    async def mapped(self, client_id: int, entity: str, external_ids: list[str]) -> dict[str, int]:
        """External id → our id, for the ids this client has mapped."""
        ...

    async def mapped_back(
        self, client_id: int, entity: str, internal_ids: list[int]
    ) -> dict[int, str]:
        """Our id → this client's external id."""
        ...

    async def link(
        self,
        client_id: int,
        entity: str,
        pairs: list[tuple[str, int]],
        *,
        now: dt.datetime,
        states: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        """Map external ids to ours, with the fingerprint and version of the row applied."""
        ...

    async def mapping_states(
        self, client_id: int, entity: str, external_ids: list[str]
    ) -> dict[str, tuple[int, str | None, int | None]]:
        """External id → (our id, fingerprint of the last row applied, version then)."""
        ...

    async def remember(
        self, client_id: int, entity: str, states: dict[str, tuple[str, int]]
    ) -> None:
        """Record the fingerprint and version of rows just applied to mapped records."""
        ...

    async def member_versions(self, ids: list[int]) -> dict[int, tuple[int, str]]:
        """Member id → (version, org path)."""
        ...

    async def members_for_sync(
        self, *, ids: list[int], hashes: list[str]
    ) -> list[SyncedMember]: ...

    async def insert_members(
        self, rows: list[dict[str, Any]], *, reason: str, event: str, now: dt.datetime
    ) -> list[int]:
        """Members with their first affiliation and joined event; ids in the rows' order.
        Raises Conflict when a concurrent import took a number meanwhile."""
        ...

    async def horizon(self) -> int | None:
        """The lowest transaction id that may still commit (PostgreSQL), None when writers
        commit in id order (SQLite)."""
        ...

    async def changes(
        self,
        path: str,
        *,
        after: tuple[int, int],
        horizon: int | None,
        limit: int,
    ) -> list[Change]: ...
