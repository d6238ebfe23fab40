"""SQL for enterprises, instructors and their assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import EnterpriseRow, InstructorAssignmentRow, InstructorRow, OrgRow
from app.db.repositories.keyset import keyset_page
from app.domain.enterprises.model import (
    Assignment,
    CoverageCount,
    CoverageMode,
    CoverageStatus,
    CreditCodeTaken,
    Enterprise,
    EnterpriseKind,
    Instructor,
    InstructorLevel,
)
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_ENT_COLUMNS = [c for c in EnterpriseRow.__table__.c]


def to_enterprise(row: Any) -> Enterprise:
    return Enterprise(
        id=row.id,
        name=row.name,
        credit_code=row.credit_code,
        kind=EnterpriseKind(row.kind),
        industry=row.industry,
        above_scale=row.above_scale,
        employee_count=row.employee_count,
        address=row.address,
        owner_name=row.owner_name,
        org_id=row.org_id,
        org_path=row.org_path,
        coverage_status=CoverageStatus(row.coverage_status),
        covering_org_id=row.covering_org_id,
        coverage_mode=CoverageMode(row.coverage_mode) if row.coverage_mode else None,
        covered_since=row.covered_since,
        status=row.status,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_instructor(row: Any) -> Instructor:
    return Instructor(
        id=row.id,
        name=row.name,
        level=InstructorLevel(row.level),
        full_time=row.full_time,
        org_id=row.org_id,
        active=row.active,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_assignment(row: Any) -> Assignment:
    return Assignment(
        id=row.id,
        instructor_id=row.instructor_id,
        enterprise_id=row.enterprise_id,
        start_on=row.start_on,
        end_on=row.end_on,
        created_at=row.created_at,
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


class SqlEnterpriseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, enterprise_id: int, *, lock: bool = False) -> Enterprise | None:
        stmt = sa.select(*_ENT_COLUMNS).where(EnterpriseRow.id == enterprise_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).first()
        return to_enterprise(row) if row else None

    async def get_many(self, ids: list[int]) -> dict[int, Enterprise]:
        if not ids:
            return {}
        rows = await self.s.execute(sa.select(*_ENT_COLUMNS).where(EnterpriseRow.id.in_(ids)))
        return {r.id: to_enterprise(r) for r in rows}

    async def credit_code_owner(self, code: str) -> int | None:
        stmt = sa.select(EnterpriseRow.id).where(EnterpriseRow.credit_code == code)
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def _guard_credit_code(self, stmt: Any, code: str | None) -> Any:
        """Run ``stmt`` in a savepoint so losing a race for a credit code (the use case checked
        it was free, a concurrent transaction committed it since) is a conflict, not a 500."""
        try:
            async with self.s.begin_nested():
                return await self.s.execute(stmt)
        except IntegrityError:
            owner = await self.credit_code_owner(code) if code else None
            if owner is None:
                raise
            raise CreditCodeTaken(code or "", owner) from None

    async def add(self, *, fields: dict[str, Any], org_path: str, now: dt.datetime) -> Enterprise:
        stmt = (
            sa.insert(EnterpriseRow)
            .values(**_plain(fields), org_path=org_path, version=1, created_at=now, updated_at=now)
            .returning(EnterpriseRow.id)
        )
        result = await self._guard_credit_code(stmt, fields.get("credit_code"))
        ent = await self.get(result.scalar_one())
        assert ent is not None
        return ent

    async def update(
        self,
        enterprise_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Enterprise | None:
        stmt = (
            sa.update(EnterpriseRow)
            .where(EnterpriseRow.id == enterprise_id)
            .values(**_plain(changes), version=EnterpriseRow.version + 1, updated_at=now)
        )
        if expected_version is not None:
            stmt = stmt.where(EnterpriseRow.version == expected_version)
        if changes.get("credit_code"):
            result = await self._guard_credit_code(stmt, changes["credit_code"])
        else:
            result = await self.s.execute(stmt)
        if result.rowcount == 0:
            return None
        return await self.get(enterprise_id)

    async def count_in_org(self, org_id: int) -> int:
        stmt = sa.select(sa.func.count()).where(
            EnterpriseRow.status == "active",
            sa.or_(EnterpriseRow.org_id == org_id, EnterpriseRow.covering_org_id == org_id),
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def count_covered_by(self, org_id: int) -> int:
        stmt = sa.select(sa.func.count()).where(
            EnterpriseRow.status == "active", EnterpriseRow.covering_org_id == org_id
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def ids_covered_by(self, org_id: int, *, limit: int) -> list[int]:
        stmt = (
            sa.select(EnterpriseRow.id)
            .where(EnterpriseRow.status == "active", EnterpriseRow.covering_org_id == org_id)
            .order_by(EnterpriseRow.id)
            .limit(limit)
        )
        return [int(i) for i in (await self.s.execute(stmt)).scalars()]

    async def subtree(
        self, path: str, *, filters: dict[str, Any], page: PageRequest
    ) -> Page[Enterprise]:
        lo, hi = subtree_bounds(path)
        stmt = sa.select(*_ENT_COLUMNS).where(
            EnterpriseRow.org_path >= lo, EnterpriseRow.org_path < hi
        )
        for name, value in _plain(filters).items():
            if value is None:
                continue
            if name == "name_contains":
                stmt = stmt.where(EnterpriseRow.name.contains(value, autoescape=True))
            else:
                stmt = stmt.where(getattr(EnterpriseRow, name) == value)
        rows, nxt = await keyset_page(
            self.s,
            stmt,
            key_col=EnterpriseRow.id,
            desc=False,
            id_col=EnterpriseRow.id,
            page=page,
        )
        return Page([to_enterprise(r) for r in rows], nxt)

    async def coverage_counts(self, path: str) -> list[CoverageCount]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(
                EnterpriseRow.industry,
                EnterpriseRow.above_scale,
                EnterpriseRow.coverage_status,
                sa.func.count(),
            )
            .where(
                EnterpriseRow.org_path >= lo,
                EnterpriseRow.org_path < hi,
                EnterpriseRow.status == "active",
            )
            .group_by(
                EnterpriseRow.industry, EnterpriseRow.above_scale, EnterpriseRow.coverage_status
            )
        )
        return [
            CoverageCount(industry=i, above_scale=bool(a), status=CoverageStatus(s), count=int(n))
            for i, a, s, n in (await self.s.execute(stmt)).all()
        ]


class SqlInstructorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, instructor_id: int) -> Instructor | None:
        row = (
            await self.s.execute(sa.select(InstructorRow).where(InstructorRow.id == instructor_id))
        ).scalar_one_or_none()
        return to_instructor(row) if row else None

    async def get_many(self, ids: list[int]) -> dict[int, Instructor]:
        if not ids:
            return {}
        rows = await self.s.execute(sa.select(InstructorRow).where(InstructorRow.id.in_(ids)))
        return {r.id: to_instructor(r) for r in rows.scalars()}

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Instructor:
        result = await self.s.execute(
            sa.insert(InstructorRow)
            .values(**_plain(fields), version=1, created_at=now, updated_at=now)
            .returning(InstructorRow.id)
        )
        got = await self.get(result.scalar_one())
        assert got is not None
        return got

    async def subtree(self, path: str, *, page: PageRequest) -> Page[Instructor]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(InstructorRow)
            .join(OrgRow, OrgRow.id == InstructorRow.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi)
        )
        rows, nxt = await keyset_page(
            self.s,
            stmt,
            key_col=InstructorRow.id,
            desc=False,
            id_col=InstructorRow.id,
            page=page,
        )
        return Page([to_instructor(r[0]) for r in rows], nxt)


class SqlAssignmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, assignment_id: int) -> Assignment | None:
        stmt = (
            sa.select(InstructorAssignmentRow)
            .where(InstructorAssignmentRow.id == assignment_id)
            .execution_options(populate_existing=True)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return to_assignment(row) if row else None

    async def add(
        self, *, instructor_id: int, enterprise_id: int, start_on: dt.date, now: dt.datetime
    ) -> Assignment:
        result = await self.s.execute(
            sa.insert(InstructorAssignmentRow)
            .values(
                instructor_id=instructor_id,
                enterprise_id=enterprise_id,
                start_on=start_on,
                created_at=now,
            )
            .returning(InstructorAssignmentRow.id)
        )
        got = await self.get(result.scalar_one())
        assert got is not None
        return got

    async def end(self, assignment_id: int, end_on: dt.date) -> Assignment:
        await self.s.execute(
            sa.update(InstructorAssignmentRow)
            .where(InstructorAssignmentRow.id == assignment_id)
            .values(end_on=end_on)
        )
        got = await self.get(assignment_id)
        assert got is not None
        return got

    async def active_for_enterprise(self, enterprise_id: int) -> list[Assignment]:
        stmt = (
            sa.select(InstructorAssignmentRow)
            .where(
                InstructorAssignmentRow.enterprise_id == enterprise_id,
                InstructorAssignmentRow.end_on.is_(None),
            )
            .order_by(InstructorAssignmentRow.id)
        )
        return [to_assignment(r) for r in (await self.s.execute(stmt)).scalars()]

    async def of_enterprise(self, enterprise_id: int, *, active_only: bool) -> list[Assignment]:
        stmt = sa.select(InstructorAssignmentRow).where(
            InstructorAssignmentRow.enterprise_id == enterprise_id
        )
        if active_only:
            stmt = stmt.where(InstructorAssignmentRow.end_on.is_(None))
        stmt = stmt.order_by(InstructorAssignmentRow.start_on, InstructorAssignmentRow.id)
        return [to_assignment(r) for r in (await self.s.execute(stmt)).scalars()]

    async def of_instructor(self, instructor_id: int, *, active_only: bool) -> list[Assignment]:
        stmt = sa.select(InstructorAssignmentRow).where(
            InstructorAssignmentRow.instructor_id == instructor_id
        )
        if active_only:
            stmt = stmt.where(InstructorAssignmentRow.end_on.is_(None))
        stmt = stmt.order_by(InstructorAssignmentRow.id)
        return [to_assignment(r) for r in (await self.s.execute(stmt)).scalars()]
