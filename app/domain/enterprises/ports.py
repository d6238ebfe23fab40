"""What the enterprise and coverage use cases need from storage."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from app.domain.enterprises.model import (
    Assignment,
    CoverageCount,
    Enterprise,
    Instructor,
)
from app.domain.pagination import Page, PageRequest


class EnterpriseRepository(Protocol):
    async def get(self, enterprise_id: int, *, lock: bool = False) -> Enterprise | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Enterprise]: ...

    async def credit_code_owner(self, code: str) -> int | None: ...

    async def add(
        self, *, fields: dict[str, Any], org_path: str, now: dt.datetime
    ) -> Enterprise: ...

    async def update(
        self,
        enterprise_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Enterprise | None: ...

    async def count_in_org(self, org_id: int) -> int:
        """Enterprises sitting under ``org_id`` or covered by it (blocks dissolving it)."""
        ...

    async def count_covered_by(self, org_id: int) -> int: ...

    async def subtree(
        self, path: str, *, filters: dict[str, Any], page: PageRequest
    ) -> Page[Enterprise]: ...

    async def coverage_counts(self, path: str) -> list[CoverageCount]: ...


class InstructorRepository(Protocol):
    async def get(self, instructor_id: int) -> Instructor | None: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Instructor: ...

    async def subtree(self, path: str, *, page: PageRequest) -> Page[Instructor]: ...


class AssignmentRepository(Protocol):
    async def get(self, assignment_id: int) -> Assignment | None: ...

    async def add(
        self, *, instructor_id: int, enterprise_id: int, start_on: dt.date, now: dt.datetime
    ) -> Assignment: ...

    async def end(self, assignment_id: int, end_on: dt.date) -> Assignment: ...

    async def active_for_enterprise(self, enterprise_id: int) -> list[Assignment]: ...

    async def of_instructor(self, instructor_id: int, *, active_only: bool) -> list[Assignment]: ...
