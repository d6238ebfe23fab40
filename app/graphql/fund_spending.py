"""GraphQL for spending requests: the same use cases as REST. Approval moves money, so it
takes a required idempotencyKey."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.funds import spending
from app.domain.funds.model import Category, RequestStatus, SpendingRequest, format_money
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.fund_idempotency import attempt_once
from app.graphql.mutations import attempt
from app.graphql.types.common import Connection, connection

strawberry.enum(RequestStatus, name="SpendingRequestStatus")


@strawberry.type(name="SpendingRequest", description="A request for money from a pool.")
class SpendingRequestType:
    id: int
    pool_id: int
    org_id: int
    category: Category
    purpose: str
    amount: str
    status: RequestStatus
    requested_by: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    transaction_id: int | None
    version: int
    created_at: dt.datetime

    @classmethod
    def of(cls, r: SpendingRequest) -> SpendingRequestType:
        return cls(
            id=r.id,
            pool_id=r.pool_id,
            org_id=r.org_id,
            category=r.category,
            purpose=r.purpose,
            amount=format_money(r.amount_fen),
            status=r.status,
            requested_by=r.requested_by,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            decision_note=r.decision_note,
            transaction_id=r.transaction_id,
            version=r.version,
            created_at=r.created_at,
        )


@strawberry.type
class SpendingRequestPayload:
    request: SpendingRequestType | None
    errors: list[UserError]


def _payload(req: SpendingRequest | None, errors: list[UserError]) -> SpendingRequestPayload:
    return SpendingRequestPayload(
        request=SpendingRequestType.of(req) if req else None, errors=errors
    )


@strawberry.input
class SpendingRequestInput:
    pool_id: int
    org_id: int
    category: Category
    purpose: str
    amount: str = strawberry.field(description='Decimal string, e.g. "12000.00".')


async def _reload(uow: SqlUnitOfWork, actor: Principal, request_id: int) -> SpendingRequest:
    return await spending.get_request(uow, actor, request_id=request_id)


@strawberry.type
class SpendingQueries:
    @strawberry.field(description="One spending request of an org in your subtree.")
    async def spending_request(self, info: Info[Context, None], id: int) -> SpendingRequestType:
        async with info.context.uow() as uow:
            req = await spending.get_request(uow, info.context.actor, request_id=id)
        return SpendingRequestType.of(req)

    @strawberry.field(description="Spending requests of orgs in the subtree of orgId.")
    async def spending_requests(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        pool_id: int | None = None,
        status: RequestStatus | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[SpendingRequestType]:
        page = PageRequest(
            first,
            decode_cursor(after, kind="spending_requests", sort="id", arity=2, parameter="after"),
        )
        async with info.context.uow() as uow:
            result = await spending.list_requests(
                uow, info.context.actor, org_id=org_id, pool_id=pool_id, status=status, page=page
            )
        conn: Connection[SpendingRequestType] = connection(
            [SpendingRequestType.of(r) for r in result.items],
            kind="spending_requests",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn


@strawberry.type
class SpendingMutations:
    @strawberry.mutation(description="Ask a pool owned by your org or one above it for money.")
    async def request_spending(
        self, info: Info[Context, None], input: SpendingRequestInput
    ) -> SpendingRequestPayload:
        new = spending.NewRequest(**vars(input))
        req, errors = await attempt(
            info, lambda ua: spending.request_spending(ua[0], ua[1], new=new)
        )
        return _payload(req, errors)

    @strawberry.mutation(description="Approve a spending request and pay it out (once per key).")
    async def approve_spending(
        self,
        info: Info[Context, None],
        id: int,
        idempotency_key: str,
        note: str | None = None,
    ) -> SpendingRequestPayload:
        req, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="approveSpending",
            arguments={"id": id, "note": note},
            run=lambda uow, actor: spending.approve_request(uow, actor, request_id=id, note=note),
            reload=_reload,
        )
        return _payload(req, errors)

    @strawberry.mutation(description="Reject a pending spending request.")
    async def reject_spending(
        self, info: Info[Context, None], id: int, note: str | None = None
    ) -> SpendingRequestPayload:
        req, errors = await attempt(
            info, lambda ua: spending.reject_request(ua[0], ua[1], request_id=id, note=note)
        )
        return _payload(req, errors)

    @strawberry.mutation(description="Withdraw a spending request before it is decided.")
    async def withdraw_spending(self, info: Info[Context, None], id: int) -> SpendingRequestPayload:
        req, errors = await attempt(
            info, lambda ua: spending.withdraw_request(ua[0], ua[1], request_id=id)
        )
        return _payload(req, errors)
