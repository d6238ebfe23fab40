"""Root query fields of transfers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain.members import transfers as cases
from app.domain.members.transfer_model import TransferQueue, TransferView
from app.domain.pagination import Page, PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.transfer_types import TransferType
from app.graphql.types.common import Connection, connection


def transfer_connection(result: Page[TransferView], sort: str) -> Connection[TransferType]:
    by_id = sort in {"member", TransferQueue.HISTORY.value}
    conn: Connection[TransferType] = connection(
        [TransferType.of(v) for v in result.items],
        kind="transfers",
        sort=sort,
        key=lambda x: (x.id, x.id) if by_id else (x.valid_until.isoformat(), x.id),
        has_next=result.has_more,
    )
    return conn


@strawberry.type
class TransferQueries:
    @strawberry.field(description="One transfer from or to your subtree (or your own).")
    async def transfer(self, info: Info[Context, None], id: int) -> TransferType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await cases.get_transfer(uow, ctx.actor, transfer_id=id)
        return TransferType.of(view)

    @strawberry.field(description="A member's transfers, newest first.")
    async def member_transfers(
        self,
        info: Info[Context, None],
        member_id: int,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[TransferType]:
        ctx = info.context
        page = PageRequest(
            first, decode_cursor(after, kind="transfers", sort="member", arity=2, parameter="after")
        )
        async with ctx.uow() as uow:
            result = await cases.member_transfers(uow, ctx.actor, member_id=member_id, page=page)
        return transfer_connection(result, "member")

    @strawberry.field(description="A transfer work queue over the subtree of orgId.")
    async def org_transfer_queue(
        self,
        info: Info[Context, None],
        org_id: int,
        queue: TransferQueue,
        within_days: int | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[TransferType]:
        ctx = info.context
        page = PageRequest(
            first,
            decode_cursor(after, kind="transfers", sort=queue.value, arity=2, parameter="after"),
        )
        async with ctx.uow() as uow:
            result = await cases.org_transfer_queue(
                uow, ctx.actor, org_id=org_id, queue=queue, within_days=within_days, page=page
            )
        return transfer_connection(result, queue.value)
