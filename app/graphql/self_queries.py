"""Root query fields of a member's own view (member accounts, scope ``self``), over the same
use cases as REST ``/api/v1/members/me*`` (``myHistory`` and ``myManagements`` live with the
management queries)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.members import pipeline_service
from app.domain.members import service as member_cases
from app.domain.members import transfers as transfer_cases
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.transfer_queries import transfer_connection
from app.graphql.transfer_types import TransferType
from app.graphql.types.common import Connection
from app.graphql.types.members import MemberType
from app.graphql.types.pipeline import MemberStageType


@strawberry.type
class SelfQueries:
    @strawberry.field(description="Self-service: your own member record, unmasked to you.")
    async def my_member(self, info: Info[Context, None]) -> MemberType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await member_cases.get_my_member(uow, ctx.actor, cipher=ctx.container.cipher)
        return MemberType.of(view)

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
