"""Mutations of the funding ledger. Those that move money take a required idempotencyKey:
the same key and arguments answer the first result and move the money once."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.funds import ledger
from app.domain.funds.ledger import NewContribution
from app.domain.funds.model import Category, PoolPurpose, SourceKind, Transaction
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.fund_idempotency import attempt_once
from app.graphql.fund_types import PoolType, TransactionType
from app.graphql.mutations import attempt


@strawberry.type
class PoolPayload:
    pool: PoolType | None
    errors: list[UserError]


@strawberry.type
class FundTransactionPayload:
    transaction: TransactionType | None
    errors: list[UserError]


@strawberry.input
class CreatePoolInput:
    org_id: int
    name: str
    purpose: PoolPurpose
    categories: list[Category] | None = None


@strawberry.input
class ContributionInput:
    amount: str = strawberry.field(description='Decimal string, e.g. "3000000.00".')
    source_kind: SourceKind
    voucher: str
    enterprise_id: int | None = None
    source_name: str | None = None
    memo: str | None = None


async def reload_transaction(uow: SqlUnitOfWork, actor: Principal, tx_id: int) -> Transaction:
    return await ledger.get_transaction(uow, actor, transaction_id=tx_id)


def tx_payload(tx: Transaction | None, errors: list[UserError]) -> FundTransactionPayload:
    return FundTransactionPayload(transaction=TransactionType.of(tx) if tx else None, errors=errors)


@strawberry.type
class FundMutations:
    @strawberry.mutation(description="Open a funding pool owned by an org in your subtree.")
    async def create_pool(self, info: Info[Context, None], input: CreatePoolInput) -> PoolPayload:
        pool, errors = await attempt(
            info,
            lambda ua: ledger.create_pool(
                ua[0],
                ua[1],
                org_id=input.org_id,
                name=input.name,
                purpose=input.purpose,
                categories=input.categories,
            ),
        )
        return PoolPayload(pool=PoolType.of(pool) if pool else None, errors=errors)

    @strawberry.mutation(description="Record money entering a pool from a named source.")
    async def contribute(
        self,
        info: Info[Context, None],
        pool_id: int,
        idempotency_key: str,
        input: ContributionInput,
    ) -> FundTransactionPayload:
        new = NewContribution(**vars(input))
        tx, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="contribute",
            arguments={"pool_id": pool_id, **vars(input)},
            run=lambda uow, actor: ledger.contribute(uow, actor, pool_id=pool_id, new=new),
            reload=reload_transaction,
        )
        return tx_payload(tx, errors)

    @strawberry.mutation(description="Reverse a ledger transaction by posting its opposite.")
    async def reverse_fund_transaction(
        self, info: Info[Context, None], id: int, reason: str, idempotency_key: str
    ) -> FundTransactionPayload:
        tx, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="reverseFundTransaction",
            arguments={"id": id, "reason": reason},
            run=lambda uow, actor: ledger.reverse_transaction(
                uow, actor, transaction_id=id, reason=reason
            ),
            reload=reload_transaction,
        )
        return tx_payload(tx, errors)
