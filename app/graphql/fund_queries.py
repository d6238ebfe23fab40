"""Root query fields of the funding ledger."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.funds import ledger
from app.domain.funds.model import PoolPurpose
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.fund_types import EntryType, PoolType, StatementType, TransactionType
from app.graphql.types.common import Connection, connection


@strawberry.type
class FundQueries:
    @strawberry.field(description="One funding pool in your subtree, with its balance.")
    async def pool(self, info: Info[Context, None], id: int) -> PoolType:
        async with info.context.uow() as uow:
            pool = await ledger.get_pool(uow, info.context.actor, pool_id=id)
        return PoolType.of(pool)

    @strawberry.field(description="Pools owned by organisations in the subtree of orgId.")
    async def pools(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        purpose: PoolPurpose | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PoolType]:
        page = PageRequest(
            first, decode_cursor(after, kind="pools", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await ledger.list_pools(
                uow, info.context.actor, org_id=org_id, purpose=purpose, page=page
            )
        conn: Connection[PoolType] = connection(
            [PoolType.of(p) for p in result.items],
            kind="pools",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Movements of a pool's money, oldest first.")
    async def pool_entries(
        self, info: Info[Context, None], pool_id: int, first: int = 50, after: str | None = None
    ) -> Connection[EntryType]:
        page = PageRequest(
            first, decode_cursor(after, kind="fund_entries", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await ledger.list_entries(uow, info.context.actor, pool_id=pool_id, page=page)
        conn: Connection[EntryType] = connection(
            [EntryType.of(e) for e in result.items],
            kind="fund_entries",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Opening, movements by category and closing for a period.")
    async def pool_statement(
        self,
        info: Info[Context, None],
        pool_id: int,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
    ) -> StatementType:
        async with info.context.uow() as uow:
            s = await ledger.statement(
                uow, info.context.actor, pool_id=pool_id, start=from_date, end=to_date
            )
        return StatementType.of(s)

    @strawberry.field(description="One ledger transaction with its entries.")
    async def fund_transaction(self, info: Info[Context, None], id: int) -> TransactionType:
        async with info.context.uow() as uow:
            tx = await ledger.get_transaction(uow, info.context.actor, transaction_id=id)
        return TransactionType.of(tx)
