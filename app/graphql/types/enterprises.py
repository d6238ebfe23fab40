"""GraphQL types of two-new organisations, instructors and coverage."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.enterprises import instructors as instructor_cases
from app.domain.enterprises import service as enterprise_cases
from app.domain.enterprises.model import (
    Assignment,
    CoverageMode,
    CoverageStatus,
    Enterprise,
    EnterpriseKind,
    Instructor,
    InstructorLevel,
)
from app.domain.enterprises.ports import EnterpriseFilter
from app.domain.enterprises.report import CoverageReport, Tally
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection
from app.graphql.types.orgs import OrgType

EnterpriseKindEnum = strawberry.enum(EnterpriseKind, name="EnterpriseKind")
CoverageStatusEnum = strawberry.enum(CoverageStatus, name="CoverageStatus")
CoverageModeEnum = strawberry.enum(CoverageMode, name="CoverageMode")
InstructorLevelEnum = strawberry.enum(InstructorLevel, name="InstructorLevel")


@strawberry.input(description="Filters for enterprise listings.")
class EnterpriseFilterInput:
    industry: str | None = None
    kind: EnterpriseKind | None = None
    above_scale: bool | None = None
    coverage_status: CoverageStatus | None = None
    name_contains: str | None = None

    def to_domain(self) -> EnterpriseFilter:
        return EnterpriseFilter(
            industry=self.industry,
            kind=self.kind,
            above_scale=self.above_scale,
            coverage_status=self.coverage_status,
            name_contains=self.name_contains,
        )


@strawberry.type(name="Instructor", description="A Party-building instructor (党建指导员).")
class InstructorType:
    id: int
    name: str
    level: InstructorLevel
    full_time: bool
    org_id: int
    active: bool
    version: int

    @classmethod
    def of(cls, x: Instructor) -> InstructorType:
        return cls(
            id=x.id,
            name=x.name,
            level=x.level,
            full_time=x.full_time,
            org_id=x.org_id,
            active=x.active,
            version=x.version,
        )


@strawberry.type(name="Assignment")
class AssignmentType:
    id: int
    instructor: InstructorType
    enterprise_id: int
    start_on: dt.date
    end_on: dt.date | None

    @classmethod
    def of(cls, a: Assignment, instructor: Instructor) -> AssignmentType:
        return cls(
            id=a.id,
            instructor=InstructorType.of(instructor),
            enterprise_id=a.enterprise_id,
            start_on=a.start_on,
            end_on=a.end_on,
        )


@strawberry.type(name="Enterprise", description="A two-new organisation (企业或社会组织).")
class EnterpriseType:
    id: int
    name: str
    credit_code: str
    kind: EnterpriseKind
    industry: str
    above_scale: bool
    employee_count: int
    address: str | None
    owner_name: str | None
    org_id: int
    coverage_status: CoverageStatus
    covering_org_id: int | None
    coverage_mode: CoverageMode | None
    covered_since: dt.date | None
    status: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, e: Enterprise) -> EnterpriseType:
        return cls(
            id=e.id,
            name=e.name,
            credit_code=e.credit_code,
            kind=e.kind,
            industry=e.industry,
            above_scale=e.above_scale,
            employee_count=e.employee_count,
            address=e.address,
            owner_name=e.owner_name,
            org_id=e.org_id,
            coverage_status=e.coverage_status,
            covering_org_id=e.covering_org_id,
            coverage_mode=e.coverage_mode,
            covered_since=e.covered_since,
            status=e.status,
            version=e.version,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )

    @strawberry.field(description="The territorial organisation it sits under.")
    async def org(self, info: Info[Context, None]) -> OrgType | None:
        info.context.actor  # noqa: B018  (authenticates)
        org = await info.context.loaders.org.load(self.org_id)
        return OrgType.of(org) if org else None

    @strawberry.field(description="The branch that gives it organisation coverage, if any.")
    async def covering_org(self, info: Info[Context, None]) -> OrgType | None:
        info.context.actor  # noqa: B018  (authenticates)
        if self.covering_org_id is None:
            return None
        org = await info.context.loaders.org.load(self.covering_org_id)
        return OrgType.of(org) if org else None

    @strawberry.field(description="Instructor assignments (work coverage), active ones by default.")
    async def assignments(
        self, info: Info[Context, None], active_only: bool = True
    ) -> list[AssignmentType]:
        async with info.context.uow() as uow:
            rows = await instructor_cases.list_assignments(
                uow, info.context.actor, enterprise_id=self.id, active_only=active_only
            )
        return [AssignmentType.of(a, i) for a, i in rows]


async def enterprise_page(
    info: Info[Context, None],
    *,
    org_id: int | None,
    filters: EnterpriseFilterInput | None,
    first: int,
    after: str | None,
) -> Connection[EnterpriseType]:
    page = PageRequest(
        first, decode_cursor(after, kind="enterprises", sort="id", arity=2, parameter="after")
    )
    async with info.context.uow() as uow:
        result = await enterprise_cases.list_enterprises(
            uow,
            info.context.actor,
            org_id=org_id,
            filters=(filters or EnterpriseFilterInput()).to_domain(),
            page=page,
        )
    conn: Connection[EnterpriseType] = connection(
        [EnterpriseType.of(e) for e in result.items],
        kind="enterprises",
        sort="id",
        key=lambda e: (e.id, e.id),
        has_next=result.has_more,
    )
    return conn


@strawberry.type(description="Enterprises of a group by coverage, with percent rates.")
class CoverageTally:
    total: int
    organisation: int
    work_only: int
    uncovered: int
    organisation_rate: str | None = strawberry.field(
        description='Percent with one decimal, e.g. "84.5"; null when total is 0.'
    )
    work_rate: str | None
    coverage_rate: str | None = strawberry.field(description="Organisation plus work coverage.")

    @classmethod
    def of(cls, t: Tally) -> CoverageTally:
        return cls(
            total=t.total,
            organisation=t.organisation,
            work_only=t.work_only,
            uncovered=t.uncovered,
            organisation_rate=t.organisation_rate,
            work_rate=t.work_rate,
            coverage_rate=t.coverage_rate,
        )


@strawberry.type
class IndustryCoverage:
    industry: str
    tally: CoverageTally


@strawberry.type(description="Coverage of the enterprises in a subtree (覆盖率).")
class Coverage:
    org_id: int
    overall: CoverageTally
    above_scale: CoverageTally
    by_industry: list[IndustryCoverage]

    @classmethod
    def of(cls, r: CoverageReport) -> Coverage:
        return cls(
            org_id=r.org_id,
            overall=CoverageTally.of(r.overall),
            above_scale=CoverageTally.of(r.above_scale),
            by_industry=[
                IndustryCoverage(industry=name, tally=CoverageTally.of(t))
                for name, t in r.by_industry
            ],
        )
