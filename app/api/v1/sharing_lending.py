"""Worker lending endpoints (调剂员工"帮工"): thin handlers over app.domain.sharing.lending."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, etag, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.sharing import LoanOfferCreate, LoanRequestCreate, LoanRequestOut
from app.domain.pagination import decode_cursor, encode_cursor
from app.domain.sharing import lending as cases
from app.domain.sharing.lending import NewLoanOffer, NewLoanRequest
from app.domain.sharing.lending_model import LoanRequestStatus, LoanRequestView, Worker

router = APIRouter(prefix="/api/v1", tags=["worker lending"], route_class=StrictQueryRoute)


def _out(view: LoanRequestView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = LoanRequestOut.of(view)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/worker-loans/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/worker-loans",
    status_code=201,
    response_model=LoanRequestOut,
    responses=problems(),
    summary="Ask the park for workers",
)
async def create_worker_loan(
    body: LoanRequestCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """A firm asks for N workers with a skill for a period (not starting in the past, at most
    a year). An enterprise contact asks for their own firm. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.create_loan_request(uow, who, new=NewLoanRequest(**body.model_dump()))
        return _out(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/worker-loans",
    response_model=PageOut[LoanRequestOut],
    responses=problems(),
    summary="List requests for workers",
)
async def list_worker_loans(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    status: Annotated[LoanRequestStatus | None, Query(description="open, filled, ...")] = None,
) -> PageOut[LoanRequestOut]:
    """Newest first (without offers and loans; read one request for those). An enterprise
    contact sees those of its park."""
    after = decode_cursor(paging[1], kind="worker-loans", sort="-id", arity=2)
    page = await cases.list_loan_requests(
        uow, who, org_id=org_id, status=status, page=make_page(paging, after)
    )
    return PageOut[LoanRequestOut](
        items=[LoanRequestOut.of(LoanRequestView(r, [], [])) for r in page.items],
        next_cursor=encode_cursor("worker-loans", "-id", page.next_after),
    )


@router.get(
    "/worker-loans/{loan_request_id}",
    response_model=LoanRequestOut,
    responses=problems(),
    summary="Get a request for workers",
)
async def get_worker_loan(loan_request_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """With its offers and confirmed loans (who, from, to, days); another firm of the park sees
    only its own offers and loans."""
    return _out(await cases.get_loan_request(uow, who, request_id=loan_request_id))


@router.post(
    "/worker-loans/{loan_request_id}/offers",
    status_code=201,
    response_model=LoanRequestOut,
    responses=problems(),
    summary="Offer workers",
)
async def offer_workers(
    loan_request_id: Id,
    body: LoanOfferCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """A firm of the same park (never the borrower) offers named workers — its own staff
    reference and name — for the requested period or part of it. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        data = body.model_dump()
        data["workers"] = tuple(Worker(**w) for w in data["workers"])
        view = await cases.offer_workers(
            uow, who, request_id=loan_request_id, new=NewLoanOffer(**data)
        )
        return _out(view, 201)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/worker-loans/{loan_request_id}/offers/{offer_id}/confirm",
    response_model=LoanRequestOut,
    responses=problems(409),
    summary="Confirm an offer of workers (the coordinator)",
)
async def confirm_worker_offer(
    loan_request_id: Id, offer_id: Id, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """The park's coordinator confirms: each worker becomes a loan. A worker already lent for
    overlapping days is 409 `worker_loan.worker_overlaps` (also when two confirmations race);
    more workers than asked for is 422."""
    view = await cases.confirm_offer(uow, who, request_id=loan_request_id, offer_id=offer_id)
    return _out(view)


@router.post(
    "/worker-loans/{loan_request_id}/cancel",
    response_model=LoanRequestOut,
    responses=problems(),
    summary="Cancel a request for workers",
)
async def cancel_worker_loan(loan_request_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Before any worker was confirmed (the borrower or the coordinator)."""
    return _out(await cases.cancel_loan_request(uow, who, request_id=loan_request_id))
