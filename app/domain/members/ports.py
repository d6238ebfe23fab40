"""What the member use cases need from storage and from the personal-data cipher."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from app.domain.members.model import (
    Affiliation,
    AgeBand,
    Education,
    Gender,
    Member,
    MemberEvent,
    MemberStatus,
    Standing,
    StatsRow,
)
from app.domain.pagination import Page, PageRequest


class PersonalDataCipher(Protocol):
    """AES-GCM for values, a keyed hash for exact-match lookups (app.security.crypto)."""

    def encrypt(self, plaintext: str, *, context: str) -> str: ...

    def decrypt(self, token: str, *, context: str) -> str: ...

    def lookup_hash(self, value: str, *, context: str) -> str: ...


@dataclass(frozen=True)
class NewMember:
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str
    join_date: dt.date
    status: MemberStatus
    org_id: int
    full_member_date: dt.date | None = None
    ethnicity: str | None = None
    education: Education | None = None
    specialty: str | None = None
    employer_enterprise_id: int | None = None
    phone: str | None = None

    def __repr__(self) -> str:  # never log the numbers
        return f"NewMember(org_id={self.org_id})"


@dataclass(frozen=True)
class MemberFilter:
    status: MemberStatus | None = None
    age_band: AgeBand | None = None
    education: Education | None = None
    employer_enterprise_id: int | None = None
    direct_only: bool = False  # members of the org itself, not of its subtree
    standing: Standing | None = None  # None: on the roll (active, lost contact, suspended)
    managed_here: bool | None = None  # True: only dual-managed here; False: only affiliated


class MemberRepository(Protocol):
    async def get(self, member_id: int, *, lock: bool = False) -> Member | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Member]: ...

    async def by_national_id_hash(self, digest: str) -> Member | None: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Member:
        """Insert; raises NationalIdTaken(None) when a concurrent insert took the number."""
        ...

    async def update(
        self,
        member_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Member | None:
        """Apply ``changes`` and bump the version; None when ``expected_version`` is stale."""
        ...

    async def subtree(
        self,
        path: str,
        *,
        org_id: int,
        filters: MemberFilter,
        birth_range: tuple[dt.date | None, dt.date | None],
        page: PageRequest,
        today: dt.date | None = None,
    ) -> Page[Member]:
        """Affiliated in the subtree, plus (filters.managed_here) members currently managed by
        an org of it on ``today``."""
        ...

    async def stats(self, path: str, *, today: dt.date) -> list[StatsRow]: ...

    async def add_affiliation(
        self, *, member_id: int, org_id: int, from_date: dt.date, reason: str | None
    ) -> Affiliation: ...

    async def affiliations_of(self, member_id: int) -> list[Affiliation]: ...

    async def add_event(
        self,
        *,
        member_id: int,
        kind: str,
        on_date: dt.date,
        reason: str | None,
        details: dict[str, Any],
        now: dt.datetime,
    ) -> MemberEvent: ...

    async def events_of(self, member_id: int) -> list[MemberEvent]: ...

    async def linked_to_user(self, user_id: int) -> int | None:
        """The member a member-role account belongs to (users.member_id)."""
        ...
