"""Root query fields for enterprises, instructors and coverage."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.enterprises import coverage as coverage_cases
from app.domain.enterprises import instructors as instructor_cases
from app.domain.enterprises import service as enterprise_cases
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection
from app.graphql.types.enterprises import (
    Coverage,
    EnterpriseFilterInput,
    EnterpriseType,
    InstructorType,
    enterprise_page,
)


@strawberry.type
class EnterpriseQueries:
    @strawberry.field(description="One enterprise (enterprise contacts: their own only).")
    async def enterprise(self, info: Info[Context, None], id: int) -> EnterpriseType:
        async with info.context.uow() as uow:
            ent = await enterprise_cases.get_enterprise(uow, info.context.actor, enterprise_id=id)
        return EnterpriseType.of(ent)

    @strawberry.field(description="Enterprises sitting in the subtree of orgId (default: yours).")
    async def enterprises(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        filter: EnterpriseFilterInput | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[EnterpriseType]:
        return await enterprise_page(info, org_id=org_id, filters=filter, first=first, after=after)

    @strawberry.field(description="Organisation and work coverage over a subtree, with rates.")
    async def coverage(self, info: Info[Context, None], org_id: int) -> Coverage:
        async with info.context.uow() as uow:
            report = await coverage_cases.coverage_report(uow, info.context.actor, org_id=org_id)
        return Coverage.of(report)

    @strawberry.field(description="One Party-building instructor.")
    async def instructor(self, info: Info[Context, None], id: int) -> InstructorType:
        async with info.context.uow() as uow:
            ins = await instructor_cases.get_instructor(uow, info.context.actor, instructor_id=id)
        return InstructorType.of(ins)

    @strawberry.field(description="Instructors appointed in the subtree of orgId.")
    async def instructors(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[InstructorType]:
        page = PageRequest(
            first, decode_cursor(after, kind="instructors", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await instructor_cases.list_instructors(
                uow, info.context.actor, org_id=org_id, page=page
            )
        conn: Connection[InstructorType] = connection(
            [InstructorType.of(x) for x in result.items],
            kind="instructors",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn
