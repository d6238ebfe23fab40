"""Hardship relief endpoints: quarterly surveys and relief payments against their entries.
Thin handlers over app.domain.funds.relief."""

from __future__ import annotations

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
    ReliefPaymentIn,
    ReliefSurveyCreate,
    ReliefSurveyOut,
    TransactionOut,
)
from app.domain.funds import relief
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1/relief", tags=["funds"], route_class=StrictQueryRoute)


@router.post(
    "/surveys",
    status_code=201,
    response_model=ReliefSurveyOut,
    responses=problems(),
    summary="Record a quarterly relief survey",
)
async def create_relief_survey(
    body: ReliefSurveyCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Members and workers in difficulty found by an organisation in your subtree in a
    quarter, each with what the difficulty is (members named by `member_id`, in that
    organisation's subtree). Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        survey = await relief.create_survey(
            uow,
            who,
            org_id=body.org_id,
            year=body.year,
            quarter=body.quarter,
            title=body.title,
            entries=[relief.EntryIn(**e.model_dump()) for e in body.entries],
        )
        return JSONResponse(
            ReliefSurveyOut.of(survey).model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/api/v1/relief/surveys/{survey.id}"},
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/surveys",
    response_model=PageOut[ReliefSurveyOut],
    responses=problems(),
    summary="List relief surveys in a subtree",
)
async def list_relief_surveys(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Only this year.")] = None,
) -> PageOut[ReliefSurveyOut]:
    """Surveys of organisations in the subtree of `org_id`, oldest first."""
    after = decode_cursor(paging[1], kind="relief_surveys", sort="id", arity=2)
    page = await relief.list_surveys(
        uow, who, org_id=org_id, year=year, page=make_page(paging, after)
    )
    return PageOut[ReliefSurveyOut](
        items=[ReliefSurveyOut.of(s) for s in page.items],
        next_cursor=encode_cursor("relief_surveys", "id", page.next_after),
    )


@router.get(
    "/surveys/{survey_id}",
    response_model=ReliefSurveyOut,
    responses=problems(),
    summary="Get a relief survey",
)
async def get_relief_survey(survey_id: Id, who: CurrentPrincipal, uow: ReadUow) -> ReliefSurveyOut:
    """One survey with its entries and what each has been paid."""
    return ReliefSurveyOut.of(await relief.get_survey(uow, who, survey_id=survey_id))


@router.post(
    "/payments",
    status_code=201,
    response_model=TransactionOut,
    responses=problems(428),
    summary="Pay relief against a survey entry",
)
async def pay_relief(
    body: ReliefPaymentIn, request: Request, who: CurrentPrincipal, uow: WriteUow, key: MoneyKey
) -> Response:
    """Spending in category `relief` from a pool that allows it (owned by the survey's
    organisation or one above it) to the surveyed person; the entry's `paid` grows by it.
    Needs `funds:approve` and `Idempotency-Key`; never more than the pool holds (422)."""

    async def act() -> JSONResponse:
        tx = await relief.pay_relief(
            uow,
            who,
            pool_id=body.pool_id,
            survey_id=body.survey_id,
            entry_id=body.entry_id,
            amount=body.amount,
            voucher=body.voucher,
        )
        return tx_response(tx)

    return await run_idempotent(request, uow, who, key, act)
