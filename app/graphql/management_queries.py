"""Root query fields of dual management, status history and compliance findings."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.domain.compliance import service as compliance_cases
from app.domain.members import managements as cases
from app.domain.members import service as member_cases
from app.domain.members import standing as standing_cases
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection
from app.graphql.types.managements import (
    ComplianceType,
    ManagementType,
    MemberHistoryType,
    ParticipationType,
)


@strawberry.type
class ManagementQueries:
    @strawberry.field(description="A member's dual-management registrations (either side).")
    async def member_managements(
        self, info: Info[Context, None], member_id: int
    ) -> list[ManagementType]:
        async with info.context.uow() as uow:
            views = await cases.member_managements(uow, info.context.actor, member_id=member_id)
        return [ManagementType.of(v) for v in views]

    @strawberry.field(description="Registrations at orgs of a subtree; awayOverMonths: 6.")
    async def org_managements(
        self,
        info: Info[Context, None],
        org_id: int,
        away_over_months: int | None = None,
        include_ended: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ManagementType]:
        page = PageRequest(
            first, decode_cursor(after, kind="managements", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await cases.org_managements(
                uow,
                info.context.actor,
                org_id=org_id,
                away_over_months=away_over_months,
                current_only=not include_ended,
                page=page,
            )
        conn: Connection[ManagementType] = connection(
            [ManagementType.of(v) for v in result.items],
            kind="managements",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Activities recorded under a registration.")
    async def participations(
        self, info: Info[Context, None], management_id: int
    ) -> list[ParticipationType]:
        async with info.context.uow() as uow:
            found = await cases.participations(uow, info.context.actor, management_id=management_id)
        return [ParticipationType.of(p) for p in found]

    @strawberry.field(description="Compliance findings over a subtree (aggregates only).")
    async def compliance(
        self,
        info: Info[Context, None],
        org_id: int,
        rules: Annotated[
            list[str] | None,
            strawberry.argument(description="Rule codes, e.g. branch_too_few_full; default all."),
        ] = None,
        limit: int = compliance_cases.DEFAULT_LIMIT,
    ) -> ComplianceType:
        async with info.context.uow() as uow:
            report = await compliance_cases.compliance_report(
                uow,
                info.context.actor,
                org_id=org_id,
                rules=rules or None,
                limit=limit,
            )
        return ComplianceType.of(report, info.context.language)

    @strawberry.field(description="Self-service: your own registrations (member accounts).")
    async def my_managements(self, info: Info[Context, None]) -> list[ManagementType]:
        async with info.context.uow() as uow:
            views = await cases.my_managements(uow, info.context.actor)
        return [ManagementType.of(v) for v in views]

    @strawberry.field(description="A member's status events and affiliations (affiliation side).")
    async def member_history(self, info: Info[Context, None], member_id: int) -> MemberHistoryType:
        async with info.context.uow() as uow:
            history = await member_cases.member_history(
                uow, info.context.actor, member_id=member_id
            )
        return MemberHistoryType.of(history)

    @strawberry.field(description="Self-service: your own status events and affiliations.")
    async def my_history(self, info: Info[Context, None]) -> MemberHistoryType:
        async with info.context.uow() as uow:
            history = await standing_cases.my_history(uow, info.context.actor)
        return MemberHistoryType.of(history)
