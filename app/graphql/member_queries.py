"""Root query fields of the member roster."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.members import service as member_cases
from app.graphql.context import Context
from app.graphql.types.common import Connection
from app.graphql.types.members import (
    MemberFilterInput,
    MemberStatsType,
    MemberTotalsType,
    MemberType,
    member_page,
)


@strawberry.type
class MemberQueries:
    @strawberry.field(description="One member affiliated in your subtree.")
    async def member(self, info: Info[Context, None], id: int) -> MemberType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await member_cases.get_member(
                uow, ctx.actor, member_id=id, cipher=ctx.container.cipher
            )
        return MemberType.of(view)

    @strawberry.field(description="Members affiliated in the subtree of orgId (default: yours).")
    async def members(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        filter: MemberFilterInput | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MemberType]:
        return await member_page(info, org_id=org_id, filters=filter, first=first, after=after)

    @strawberry.field(description="Members on the roll in a subtree (maintained counts).")
    async def member_totals(self, info: Info[Context, None], org_id: int) -> MemberTotalsType:
        async with info.context.uow() as uow:
            totals = await member_cases.member_totals(uow, info.context.actor, org_id=org_id)
        return MemberTotalsType.of(totals)

    @strawberry.field(description="Counts by status, age band and education over a subtree.")
    async def member_stats(self, info: Info[Context, None], org_id: int) -> MemberStatsType:
        async with info.context.uow() as uow:
            stats = await member_cases.member_stats(uow, info.context.actor, org_id=org_id)
        return MemberStatsType.of(stats)
