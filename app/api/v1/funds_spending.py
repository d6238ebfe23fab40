"""Spending-request endpoints: ask a pool for money, decide (approve pays out), withdraw.
Thin handlers over app.domain.funds.spending."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.funds import MoneyKey
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.funds import DecisionIn, SpendingRequestCreate, SpendingRequestOut
from app.domain.funds import spending
from app.domain.funds.model import RequestStatus, SpendingRequest
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["funds"], route_class=StrictQueryRoute)


def _response(req: SpendingRequest, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = SpendingRequestOut.of(req)
    headers = {"ETag": f'"{out.version}"'}
    if location:
        headers["Location"] = f"/api/v1/spending-requests/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/spending-requests",
    status_code=201,
    response_model=SpendingRequestOut,
    responses=problems(),
    summary="Ask a pool for money",
)
async def request_spending(
    body: SpendingRequestCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """An organisation in your subtree asks a pool owned by itself or by an organisation above
    it for an amount in one of the pool's categories (422 `fund.category_not_allowed`), with a
    purpose. It stays `pending` until decided. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        req = await spending.request_spending(
            uow, who, new=spending.NewRequest(**body.model_dump())
        )
        return _response(req, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/spending-requests",
    response_model=PageOut[SpendingRequestOut],
    responses=problems(),
    summary="List spending requests in a subtree",
)
async def list_spending_requests(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    pool_id: Annotated[Id | None, Query(description="Only requests to this pool.")] = None,
    status: Annotated[RequestStatus | None, Query(description="Only this status.")] = None,
) -> PageOut[SpendingRequestOut]:
    """Requests made by organisations in the subtree of `org_id`, oldest first."""
    after = decode_cursor(paging[1], kind="spending_requests", sort="id", arity=2)
    page = await spending.list_requests(
        uow, who, org_id=org_id, pool_id=pool_id, status=status, page=make_page(paging, after)
    )
    return PageOut[SpendingRequestOut](
        items=[SpendingRequestOut.of(r) for r in page.items],
        next_cursor=encode_cursor("spending_requests", "id", page.next_after),
    )


@router.get(
    "/spending-requests/{request_id}",
    response_model=SpendingRequestOut,
    responses=problems(),
    summary="Get a spending request",
)
async def get_spending_request(request_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One request of an organisation in your subtree."""
    return _response(await spending.get_request(uow, who, request_id=request_id))


@router.post(
    "/spending-requests/{request_id}/approve",
    response_model=SpendingRequestOut,
    responses=problems(409, 428),
    summary="Approve a spending request and pay it out",
)
async def approve_spending_request(
    request_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: MoneyKey,
    body: DecisionIn | None = None,
) -> Response:
    """The pool owner's staff or an organisation above approves (422
    `fund.approver_not_above`), never the requester (422 `fund.self_approval`), within the
    role's approval limit (422 `fund.approval_limit_exceeded`); the payout moves the money from
    the pool to the requesting organisation in the same transaction (422
    `fund.insufficient_balance` when the pool lacks it). Needs `funds:approve` and
    `Idempotency-Key`; a decided request is 409 `fund.request_decided`."""

    async def act() -> JSONResponse:
        req = await spending.approve_request(
            uow, who, request_id=request_id, note=body.note if body else None
        )
        return _response(req)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/spending-requests/{request_id}/reject",
    response_model=SpendingRequestOut,
    responses=problems(409),
    summary="Reject a spending request",
)
async def reject_spending_request(
    request_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    body: DecisionIn | None = None,
) -> Response:
    """Reject a pending request (same deciders as approval); no money moves. Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        req = await spending.reject_request(
            uow, who, request_id=request_id, note=body.note if body else None
        )
        return _response(req)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/spending-requests/{request_id}/withdraw",
    response_model=SpendingRequestOut,
    responses=problems(409),
    summary="Withdraw a spending request before it is decided",
)
async def withdraw_spending_request(
    request_id: Id, request: Request, who: CurrentPrincipal, uow: WriteUow, key: IdempotencyKey
) -> Response:
    """Take back a pending request (409 `fund.request_decided` once decided). Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        return _response(await spending.withdraw_request(uow, who, request_id=request_id))

    return await run_idempotent(request, uow, who, key, act)
