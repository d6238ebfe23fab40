"""Root query fields of a member's own view (member accounts, scope ``self``) and the member
history they share with staff; the same use cases as REST ``/api/v1/members/me*``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.members import pipeline_service, standing
from app.domain.members import service as member_cases
from app.domain.members import transfers as transfer_cases
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.transfer_queries import transfer_connection
from app.graphql.transfer_types import TransferType
from app.graphql.types.common import Connection
from app.graphql.types.managements import MemberHistoryType
from app.graphql.types.members import MemberType
from app.graphql.types.pipeline import MemberStageType


@strawberry.type
class SelfQueries:
    @strawberry.field(description="A member's status events and affiliations (their subtree).")
    async def member_history(self, info: Info[Context, None], member_id: int) -> MemberHistoryType:
        async with info.context.uow() as uow:
            history = await member_cases.member_history(
                uow, info.context.actor, member_id=member_id
            )
        return MemberHistoryType.of(history)

    @strawberry.field(description="Self-service: your own member record, unmasked to you.")
    async def my_member(self, info: Info[Context, None]) -> MemberType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await member_cases.get_my_member(uow, ctx.actor, cipher=ctx.container.cipher)
        return MemberType.of(view)

    @strawberry.field(description="Self-service: your own status events and affiliations.")
    async def my_history(self, info: Info[Context, None]) -> MemberHistoryType:
        async with info.context.uow() as uow:
            history = await standing.my_history(uow, info.context.actor)
        return MemberHistoryType.of(history)

    @strawberry.field(description="Self-service: your own transfers, newest first.")
    async def my_transfers(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[TransferType]:
        page = PageRequest(
            first, decode_cursor(after, kind="transfers", sort="member", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await transfer_cases.my_transfers(uow, info.context.actor, page=page)
        return transfer_connection(result, "member")

    @strawberry.field(description="Self-service: your own stage in the development pipeline.")
    async def my_stage(self, info: Info[Context, None]) -> MemberStageType:
        ctx = info.context
        async with ctx.uow() as uow:
            found = await pipeline_service.my_stage(uow, ctx.actor, cipher=ctx.container.cipher)
        return MemberStageType.of(found)
