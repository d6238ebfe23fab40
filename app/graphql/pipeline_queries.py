"""Root query fields of the development pipeline."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.members import pipeline_service as cases
from app.domain.members.pipeline import Stage
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection
from app.graphql.types.pipeline import FunnelType, PipelineEntryType


@strawberry.type
class PipelineQueries:
    @strawberry.field(description="One pipeline entry in your subtree, with its stages.")
    async def pipeline_entry(self, info: Info[Context, None], id: int) -> PipelineEntryType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await cases.get_entry(uow, ctx.actor, entry_id=id, cipher=ctx.container.cipher)
        return PipelineEntryType.of(view)

    @strawberry.field(description="Pipeline entries in the subtree of orgId (default: yours).")
    async def pipeline_entries(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        stage: Stage | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PipelineEntryType]:
        ctx = info.context
        page = PageRequest(
            first, decode_cursor(after, kind="pipeline", sort="id", arity=2, parameter="after")
        )
        async with ctx.uow() as uow:
            result = await cases.list_entries(
                uow, ctx.actor, org_id=org_id, stage=stage, page=page, cipher=ctx.container.cipher
            )
        conn: Connection[PipelineEntryType] = connection(
            [PipelineEntryType.of(v) for v in result.items],
            kind="pipeline",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Per stage: how many wait, median and longest wait in days.")
    async def pipeline_funnel(self, info: Info[Context, None], org_id: int) -> FunnelType:
        async with info.context.uow() as uow:
            funnel = await cases.pipeline_funnel(uow, info.context.actor, org_id=org_id)
        return FunnelType.of(funnel)
