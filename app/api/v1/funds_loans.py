"""Mutual-aid loans: apply, approve, disburse, repay, list (overdue). Thin handlers over
app.domain.funds.loans; disbursements and repayments move money and need Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import AppContainer, CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.funds import MoneyKey
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.funds import LoanCreate, LoanOut, LoanRejectionIn, RepaymentIn
from app.domain.funds import loans
from app.domain.funds.model import Loan, LoanStatus
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["funds"], route_class=StrictQueryRoute)


def _response(
    c: AppContainer, loan: Loan, status: int = 200, *, location: bool = False
) -> JSONResponse:
    out = LoanOut.of(loan, c.clock.today())
    headers = {"ETag": f'"{out.version}"'}
    if location:
        headers["Location"] = f"/api/v1/loans/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/loans",
    status_code=201,
    response_model=LoanOut,
    responses=problems(),
    summary="Apply for an emergency loan from a mutual-aid pool",
)
async def apply_for_loan(
    body: LoanCreate,
    request: Request,
    who: CurrentPrincipal,
    c: AppContainer,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Staff (`funds:write`) apply for an enterprise in their subtree; an enterprise contact
    (`funds:apply`) applies for its own enterprise only (another one: 404, as if absent) from
    a pool owned above it. The borrower, under the pool's owner, asks for an amount with a
    purpose and a repayment schedule (instalments after today, increasing, adding up to the
    amount), with optional guarantees by other enterprises. Refused when the borrower would
    owe more than the exposure limit (422 `fund.exposure_limit_exceeded`) or the pool has
    less available (422 `fund.insufficient_balance`). Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        loan = await loans.apply_for_loan(
            uow,
            who,
            new=loans.LoanApplication(
                pool_id=body.pool_id,
                enterprise_id=body.enterprise_id,
                amount=body.amount,
                purpose=body.purpose,
                schedule=[loans.NewInstallment(i.due_on, i.amount) for i in body.schedule],
                guarantees=[loans.NewGuarantee(g.enterprise_id, g.amount) for g in body.guarantees],
            ),
        )
        return _response(c, loan, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/loans",
    response_model=PageOut[LoanOut],
    responses=problems(),
    summary="List loans (overdue ones with days overdue)",
)
async def list_loans(
    who: CurrentPrincipal,
    c: AppContainer,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    pool_id: Annotated[Id | None, Query(description="Only loans of this pool.")] = None,
    status: Annotated[LoanStatus | None, Query(description="Only this status.")] = None,
    overdue: Annotated[
        bool, Query(description="Only loans with an instalment past due and unpaid.")
    ] = False,
) -> PageOut[LoanOut]:
    """Loans of pools owned in the subtree of `org_id`, oldest first, each with what is
    outstanding, the next instalment due and the days overdue. An enterprise contact
    (`funds:apply`) sees its own enterprise's loans only."""
    after = decode_cursor(paging[1], kind="loans", sort="id", arity=2)
    page = await loans.list_loans(
        uow,
        who,
        org_id=org_id,
        pool_id=pool_id,
        status=status,
        overdue=overdue,
        page=make_page(paging, after),
    )
    today = c.clock.today()
    return PageOut[LoanOut](
        items=[LoanOut.of(x, today) for x in page.items],
        next_cursor=encode_cursor("loans", "id", page.next_after),
    )


@router.get("/loans/{loan_id}", response_model=LoanOut, responses=problems(), summary="Get a loan")
async def get_loan(loan_id: Id, who: CurrentPrincipal, c: AppContainer, uow: ReadUow) -> Response:
    """One loan with its schedule, guarantees, repayments so far and days overdue."""
    return _response(c, await loans.get_loan(uow, who, loan_id=loan_id))


@router.post(
    "/loans/{loan_id}/approve",
    response_model=LoanOut,
    responses=problems(409),
    summary="Approve a loan application",
)
async def approve_loan(
    loan_id: Id,
    request: Request,
    who: CurrentPrincipal,
    c: AppContainer,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The coordinating committee (the pool owner's staff or above, `funds:approve`, not the
    applicant) approves; limits are checked again. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        return _response(c, await loans.approve_loan(uow, who, loan_id=loan_id))

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/loans/{loan_id}/reject",
    response_model=LoanOut,
    responses=problems(409),
    summary="Reject a loan application",
)
async def reject_loan(
    loan_id: Id,
    body: LoanRejectionIn,
    request: Request,
    who: CurrentPrincipal,
    c: AppContainer,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The coordinating committee (`funds:approve`, the pool owner's staff or above, not the
    applicant) rejects an `applied` loan with a reason (kept in the audit trail); no money
    moves and the loan can no longer be approved or disbursed (409 `fund.loan_status`).
    Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        loan = await loans.reject_loan(uow, who, loan_id=loan_id, reason=body.reason)
        return _response(c, loan)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/loans/{loan_id}/disburse",
    response_model=LoanOut,
    responses=problems(409, 428),
    summary="Disburse an approved loan",
)
async def disburse_loan(
    loan_id: Id,
    request: Request,
    who: CurrentPrincipal,
    c: AppContainer,
    uow: WriteUow,
    key: MoneyKey,
) -> Response:
    """Move the loan's amount from the pool to loans receivable (the pool's available balance
    falls by it). Needs `funds:approve` and `Idempotency-Key`."""

    async def act() -> JSONResponse:
        return _response(c, await loans.disburse_loan(uow, who, loan_id=loan_id))

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/loans/{loan_id}/repayments",
    response_model=LoanOut,
    responses=problems(409, 428),
    summary="Record a repayment of a loan",
)
async def repay_loan(
    loan_id: Id,
    body: RepaymentIn,
    request: Request,
    who: CurrentPrincipal,
    c: AppContainer,
    uow: WriteUow,
    key: MoneyKey,
) -> Response:
    """Money repaid returns to the pool; at most what is outstanding (422
    `fund.repayment_exceeds_outstanding`). The loan is `repaid` when nothing is left. Needs
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        loan = await loans.repay_loan(
            uow, who, loan_id=loan_id, amount=body.amount, voucher=body.voucher
        )
        return _response(c, loan)

    return await run_idempotent(request, uow, who, key, act)
