"""What the enterprise and coverage use cases need from storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from app.domain.enterprises.model import (
    Assignment,
    CoverageCount,
    CoverageStatus,
    Enterprise,
    EnterpriseKind,
    Instructor,
    InstructorLevel,
)
from app.domain.pagination import Page, PageRequest


@dataclass(frozen=True)
class NewEnterprise:
    name: str
    credit_code: str
    kind: EnterpriseKind
    industry: str
    above_scale: bool
    employee_count: int
    address: str | None
    owner_name: str | None
    org_id: int


@dataclass(frozen=True)
class EnterpriseFilter:
    """Listing filters; each key names a column, except ``name_contains``."""

    industry: str | None = None
    kind: EnterpriseKind | None = None
    above_scale: bool | None = None
    coverage_status: CoverageStatus | None = None
    name_contains: str | None = None


@dataclass(frozen=True)
class NewInstructor:
    name: str
    level: InstructorLevel
    full_time: bool
    org_id: int


class EnterpriseRepository(Protocol):
    async def get(self, enterprise_id: int, *, lock: bool = False) -> Enterprise | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Enterprise]: ...

    async def credit_code_owner(self, code: str) -> int | None: ...

    async def add(self, *, fields: dict[str, Any], org_path: str, now: dt.datetime) -> Enterprise:
        """Insert; raises CreditCodeTaken when a concurrent insert took the code first."""
        ...

    async def update(
        self,
        enterprise_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Enterprise | None:
        """Apply ``changes`` and bump the version; None when ``expected_version`` is stale.
        Raises CreditCodeTaken when a concurrent write took a new credit code first."""
        ...

    async def count_in_org(self, org_id: int) -> int:
        """Enterprises sitting under ``org_id`` or covered by it (blocks dissolving it)."""
        ...

    async def count_covered_by(self, org_id: int) -> int: ...

    async def ids_covered_by(self, org_id: int, *, limit: int) -> list[int]:
        """Ids of active enterprises ``org_id`` covers, lowest first."""
        ...

    async def subtree(
        self, path: str, *, filters: dict[str, Any], page: PageRequest
    ) -> Page[Enterprise]: ...

    async def coverage_counts(self, path: str) -> list[CoverageCount]: ...


class InstructorRepository(Protocol):
    async def get(self, instructor_id: int) -> Instructor | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Instructor]: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Instructor: ...

    async def subtree(self, path: str, *, page: PageRequest) -> Page[Instructor]: ...


class AssignmentRepository(Protocol):
    async def get(self, assignment_id: int) -> Assignment | None: ...

    async def add(
        self, *, instructor_id: int, enterprise_id: int, start_on: dt.date, now: dt.datetime
    ) -> Assignment: ...

    async def end(self, assignment_id: int, end_on: dt.date) -> Assignment: ...

    async def active_for_enterprise(self, enterprise_id: int) -> list[Assignment]: ...

    async def of_enterprise(self, enterprise_id: int, *, active_only: bool) -> list[Assignment]: ...

    async def of_instructor(self, instructor_id: int, *, active_only: bool) -> list[Assignment]: ...
