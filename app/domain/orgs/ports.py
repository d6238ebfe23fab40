"""What the org use cases need from storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain.orgs.model import Formation, Leader, Org, OrgKind, OrgStatus
from app.domain.pagination import Page, PageRequest


class OrgSort(StrEnum):
    PATH = "path"
    NAME = "name"
    NAME_DESC = "-name"
    CREATED = "created_at"
    CREATED_DESC = "-created_at"


@dataclass(frozen=True)
class OrgFilter:
    kind: OrgKind | None = None
    formation: Formation | None = None
    status: OrgStatus | None = None
    name_contains: str | None = None
    min_depth: int = 0  # relative to the subtree root: 0 includes the root itself
    max_depth: int | None = None  # relative; 1 with min_depth 1 = children only


@dataclass(frozen=True)
class NewOrg:
    parent_id: int | None
    kind: OrgKind
    formation: Formation | None
    name: str
    short_name: str | None
    code: str | None
    address: str | None
    established_on: dt.date | None
    contact_leader: str | None


class OrgRepository(Protocol):
    async def get(self, org_id: int, *, lock: bool = False) -> Org | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Org]: ...

    async def code_taken(self, code: str, *, except_id: int | None = None) -> bool: ...

    async def id_by_code(self, code: str) -> int | None: ...

    async def add(self, new: NewOrg, *, parent: Org | None, now: dt.datetime) -> Org: ...

    async def update(
        self,
        org_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Org | None:
        """Apply ``changes`` and bump the version; None when ``expected_version`` is stale."""
        ...

    async def adjust_child_count(self, org_id: int, delta: int) -> None: ...

    async def adjust_member_count(self, org_id: int, delta: int) -> None: ...

    async def lock_subtree(self, path: str) -> None: ...

    async def rewrite_subtree_paths(self, old_path: str, new_path: str, depth_delta: int) -> int:
        """Rewrite the path prefix of every org in the subtree (and copies of it); rows moved."""
        ...

    async def member_totals(self, path: str) -> tuple[int, int, int]:
        """(members, active holding orgs, of which empty) over the subtree at ``path``."""
        ...

    async def subtree(
        self,
        path: str,
        *,
        filters: OrgFilter,
        sort: OrgSort,
        page: PageRequest,
        base_depth: int,
    ) -> Page[Org]: ...


class LeaderRepository(Protocol):
    async def get(self, leader_id: int) -> Leader | None: ...

    async def add(
        self,
        *,
        org_id: int,
        name: str,
        role: str,
        term_start: dt.date,
        term_end: dt.date,
        member_id: int | None,
        now: dt.datetime,
    ) -> Leader: ...

    async def end(self, leader_id: int, ended_on: dt.date) -> Leader: ...

    async def current_of(self, org_id: int) -> list[Leader]: ...

    async def of_org(self, org_id: int, *, include_ended: bool) -> list[Leader]: ...

    async def expiring(
        self, path: str, *, until: dt.date, page: PageRequest
    ) -> Page[tuple[Leader, Org]]: ...
