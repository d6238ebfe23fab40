"""Party dues endpoints: profiles, monthly bills, payments, arrears, remittances up and
returns. Thin handlers over app.domain.funds.dues; payments, remittances and returns move money
and need Idempotency-Key."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.funds import MoneyKey, tx_response
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.funds import (
    ArrearOut,
    DuesBillCreate,
    DuesBillOut,
    DuesLineOut,
    DuesPaymentIn,
    DuesProfileIn,
    DuesProfileOut,
    DuesRemittanceIn,
    DuesReturnIn,
    ReturnBalanceOut,
    TransactionOut,
)
from app.domain.funds import dues
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1/dues", tags=["funds"], route_class=StrictQueryRoute)


@router.get(
    "/profiles/{member_id}",
    response_model=DuesProfileOut,
    responses=problems(),
    summary="A member's dues profile",
)
async def get_dues_profile(member_id: Id, who: CurrentPrincipal, uow: ReadUow) -> DuesProfileOut:
    """How the member's monthly dues are set, and the amount billed."""
    return DuesProfileOut.of(await dues.get_profile(uow, who, member_id=member_id))


@router.put(
    "/profiles/{member_id}",
    response_model=DuesProfileOut,
    responses=problems(),
    summary="Set a member's dues profile",
)
async def set_dues_profile(
    member_id: Id, body: DuesProfileIn, who: CurrentPrincipal, uow: WriteUow
) -> DuesProfileOut:
    """Monthly dues from the declared monthly income after tax: up to 3,000 yuan 0.5%,
    3,000–5,000 1%, 5,000–10,000 1.5%, above 10,000 2% (of the whole income); retired: up to
    5,000 0.5%, above 1%; students, the unemployed and members on basic living allowances 0.20
    a month. An `override` (with `override_reason`) replaces the computed amount."""
    profile = await dues.set_profile(
        uow,
        who,
        member_id=member_id,
        category=body.category,
        monthly_income=body.monthly_income,
        override=body.override,
        override_reason=body.override_reason,
    )
    return DuesProfileOut.of(profile)


@router.post(
    "/bills",
    status_code=201,
    response_model=DuesBillOut,
    responses=problems(409),
    summary="Bill a branch's members for a month",
)
async def create_dues_bill(
    body: DuesBillCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """One line per member affiliated with the branch, at their monthly dues. Once per branch
    and month (409 `dues.bill_exists` with `existing_id`); every member needs a dues profile
    first (422 `dues.profiles_missing` with `member_ids`). Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        bill = await dues.create_bill(uow, who, org_id=body.org_id, month=body.month)
        out = DuesBillOut.of(bill)
        return JSONResponse(
            out.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/api/v1/dues/bills/{bill.id}"},
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/bills",
    response_model=PageOut[DuesBillOut],
    responses=problems(),
    summary="List dues bills in a subtree",
)
async def list_dues_bills(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    month: Annotated[dt.date | None, Query(description="Any day of the month.")] = None,
) -> PageOut[DuesBillOut]:
    """Bills of branches in the subtree of `org_id`, oldest first, with their lines."""
    after = decode_cursor(paging[1], kind="dues_bills", sort="id", arity=2)
    page = await dues.list_bills(
        uow, who, org_id=org_id, month=month, page=make_page(paging, after)
    )
    return PageOut[DuesBillOut](
        items=[DuesBillOut.of(b) for b in page.items],
        next_cursor=encode_cursor("dues_bills", "id", page.next_after),
    )


@router.get(
    "/bills/{bill_id}", response_model=DuesBillOut, responses=problems(), summary="Get a bill"
)
async def get_dues_bill(bill_id: Id, who: CurrentPrincipal, uow: ReadUow) -> DuesBillOut:
    """One bill with who has paid."""
    return DuesBillOut.of(await dues.get_bill(uow, who, bill_id=bill_id))


@router.post(
    "/payments",
    status_code=201,
    response_model=DuesLineOut,
    responses=problems(409, 428),
    summary="Record a member's dues payment",
)
async def pay_dues(
    body: DuesPaymentIn, request: Request, who: CurrentPrincipal, uow: WriteUow, key: MoneyKey
) -> Response:
    """The member's dues for the bill's month, exactly the billed amount (422
    `dues.amount_mismatch` with `due`), paid by them or on their behalf by another member
    (`paid_by_member_id`); the money enters the branch's dues pool (422 `dues.pool_missing`
    without one). Once per line (409 `dues.already_paid`). Needs `Idempotency-Key`."""

    async def act() -> JSONResponse:
        line = await dues.pay(
            uow,
            who,
            bill_id=body.bill_id,
            member_id=body.member_id,
            amount=body.amount,
            paid_by_member_id=body.paid_by_member_id,
        )
        return JSONResponse(DuesLineOut.of(line).model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/arrears",
    response_model=list[ArrearOut],
    responses=problems(),
    summary="Members with unpaid dues",
)
async def list_dues_arrears(
    who: CurrentPrincipal,
    uow: ReadUow,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
) -> list[ArrearOut]:
    """Per member, the months before this one left unpaid, what is owed and the longest run;
    six months in a row is a `finding` for the branch."""
    return [ArrearOut.of(a) for a in await dues.arrears(uow, who, org_id=org_id)]


@router.post(
    "/remittances",
    status_code=201,
    response_model=TransactionOut,
    responses=problems(428),
    summary="Pass dues up to a committee's dues pool",
)
async def remit_dues(
    body: DuesRemittanceIn, request: Request, who: CurrentPrincipal, uow: WriteUow, key: MoneyKey
) -> Response:
    """Move dues from a branch's dues pool to the dues pool of an organisation above it (any
    other pool is 404). Needs `Idempotency-Key`."""

    async def act() -> JSONResponse:
        tx = await dues.remit(
            uow, who, from_pool_id=body.from_pool_id, to_pool_id=body.to_pool_id, amount=body.amount
        )
        return tx_response(tx)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/returns",
    status_code=201,
    response_model=TransactionOut,
    responses=problems(428),
    summary="Return dues to a branch",
)
async def return_dues(
    body: DuesReturnIn, request: Request, who: CurrentPrincipal, uow: WriteUow, key: MoneyKey
) -> Response:
    """The committee returns dues a branch passed up (德化: returned in full): without an
    `amount`, everything not yet returned; more than that is 422
    `dues.return_exceeds_remitted`. Needs `Idempotency-Key`."""

    async def act() -> JSONResponse:
        tx = await dues.return_dues(
            uow, who, from_pool_id=body.from_pool_id, to_pool_id=body.to_pool_id, amount=body.amount
        )
        return tx_response(tx)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/returns",
    response_model=list[ReturnBalanceOut],
    responses=problems(),
    summary="Dues passed up and returned, per branch",
)
async def list_dues_returns(
    who: CurrentPrincipal,
    uow: ReadUow,
    pool_id: Annotated[Id, Query(description="The committee's dues pool.")],
) -> list[ReturnBalanceOut]:
    """For a committee's dues pool: per branch pool, what was passed up, returned and is
    still to return."""
    return [ReturnBalanceOut.of(r) for r in await dues.return_balances(uow, who, pool_id=pool_id)]
