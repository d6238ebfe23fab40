"""Funding-pool endpoints: pools, contributions, entries, statements and reversals. Thin
handlers over app.domain.funds; every money-moving POST needs an ``Idempotency-Key``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.funds import (
    ContributionCreate,
    EntryOut,
    PoolCreate,
    PoolOut,
    ReversalCreate,
    StatementOut,
    TransactionOut,
)
from app.domain.errors import FieldError, PreconditionRequired
from app.domain.funds import ledger
from app.domain.funds.ledger import NewContribution
from app.domain.funds.model import PoolPurpose, Statement, Transaction, format_money
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["funds"], route_class=StrictQueryRoute)


def _money_key(key: IdempotencyKey) -> str:
    """Money moves at most once per key, so a money-moving request must carry one (428)."""
    if key is None:
        raise PreconditionRequired(
            "fund.idempotency_key_required",
            fields=[FieldError("fund.idempotency_key_required", header="Idempotency-Key")],
        )
    return key


MoneyKey = Annotated[str, Depends(_money_key)]


def _pool_response(pool: PoolOut, status: int = 200, *, location: bool = False) -> JSONResponse:
    headers = {"ETag": f'"{pool.version}"'}
    if location:
        headers["Location"] = f"/api/v1/pools/{pool.id}"
    return JSONResponse(pool.model_dump(mode="json"), status_code=status, headers=headers)


def tx_response(tx: Transaction, status: int = 201) -> JSONResponse:
    out = TransactionOut.of(tx)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=status,
        headers={"Location": f"/api/v1/fund-transactions/{tx.id}"},
    )


@router.post(
    "/pools",
    status_code=201,
    response_model=PoolOut,
    responses=problems(),
    summary="Open a funding pool",
)
async def create_pool(
    body: PoolCreate, request: Request, who: CurrentPrincipal, uow: WriteUow, key: IdempotencyKey
) -> Response:
    """Open a pool owned by an organisation in your subtree, with a purpose (special_fund,
    dues, mutual_aid, relief, donations) and the spending categories it allows (default by
    purpose). It starts empty. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        pool = await ledger.create_pool(
            uow,
            who,
            org_id=body.org_id,
            name=body.name,
            purpose=body.purpose,
            categories=body.categories,
        )
        return _pool_response(PoolOut.of(pool), 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/pools",
    response_model=PageOut[PoolOut],
    responses=problems(),
    summary="List pools in a subtree",
)
async def list_pools(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    purpose: Annotated[PoolPurpose | None, Query(description="Only pools of this purpose.")] = None,
) -> PageOut[PoolOut]:
    """Pools owned by organisations in the subtree of `org_id`, oldest first."""
    after = decode_cursor(paging[1], kind="pools", sort="id", arity=2)
    page = await ledger.list_pools(
        uow, who, org_id=org_id, purpose=purpose, page=make_page(paging, after)
    )
    return PageOut[PoolOut](
        items=[PoolOut.of(p) for p in page.items],
        next_cursor=encode_cursor("pools", "id", page.next_after),
    )


@router.get(
    "/pools/{pool_id}",
    response_model=PoolOut,
    responses=problems(),
    summary="Get a pool with its balance",
)
async def get_pool(pool_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One pool: its balance (always the sum of its entries) and loans outstanding."""
    pool = await ledger.get_pool(uow, who, pool_id=pool_id)
    return _pool_response(PoolOut.of(pool))


@router.get(
    "/pools/{pool_id}/entries",
    response_model=PageOut[EntryOut],
    responses=problems(),
    summary="Movements of a pool's money",
)
async def list_pool_entries(
    pool_id: Id, who: CurrentPrincipal, uow: ReadUow, paging: Paging
) -> PageOut[EntryOut]:
    """The entries on the pool's own account, oldest first, each with the balance after it."""
    after = decode_cursor(paging[1], kind="fund_entries", sort="id", arity=2)
    page = await ledger.list_entries(uow, who, pool_id=pool_id, page=make_page(paging, after))
    return PageOut[EntryOut](
        items=[EntryOut.of(e) for e in page.items],
        next_cursor=encode_cursor("fund_entries", "id", page.next_after),
    )


@router.post(
    "/pools/{pool_id}/contributions",
    status_code=201,
    response_model=TransactionOut,
    responses=problems(409, 428),
    summary="Record money entering a pool",
)
async def contribute_to_pool(
    pool_id: Id,
    body: ContributionCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: MoneyKey,
) -> Response:
    """Money entering the pool from a named source (street finance, the park operator, an
    enterprise, an owner's donation) with its voucher reference: a balanced transaction
    from the source's account to the pool. Requires `Idempotency-Key` (428 without): the same
    key and body replay the first answer and move the money once; another body is a 422."""

    async def act() -> JSONResponse:
        tx = await ledger.contribute(
            uow, who, pool_id=pool_id, new=NewContribution(**body.model_dump())
        )
        return tx_response(tx)

    return await run_idempotent(request, uow, who, key, act)


_CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}


def _statement_csv(s: Statement) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(
        ["line", "date", "transaction_id", "kind", "category", "inflow", "outflow", "balance"]
    )
    w.writerow(
        ["opening", s.from_date.isoformat(), "", "", "", "", "", format_money(s.opening_fen)]
    )
    for e in s.entries:
        w.writerow(
            [
                "entry",
                e.on_date.isoformat(),
                e.transaction_id,
                e.tx_kind.value if e.tx_kind else "",
                e.category.value if e.category else "",
                format_money(e.amount_fen) if e.amount_fen > 0 else "",
                format_money(-e.amount_fen) if e.amount_fen < 0 else "",
                format_money(e.balance_after_fen),
            ]
        )
    w.writerow(
        [
            "closing",
            s.to_date.isoformat(),
            "",
            "",
            "",
            format_money(s.inflow_fen),
            format_money(s.outflow_fen),
            format_money(s.closing_fen),
        ]
    )
    return buf.getvalue()


@router.get(
    "/pools/{pool_id}/statement",
    response_model=StatementOut,
    responses={**problems(), 200: {"description": "The statement.", **_CSV}},
    summary="Statement of a pool for a period",
)
async def get_pool_statement(
    pool_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: ReadUow,
    start: Annotated[
        dt.date | None, Query(alias="from", description="First business date; default the 1st.")
    ] = None,
    end: Annotated[
        dt.date | None, Query(alias="to", description="Last business date; default today.")
    ] = None,
    format: Annotated[
        Literal["json", "csv"] | None,
        Query(description="csv for a spreadsheet export (or send Accept: text/csv)."),
    ] = None,
) -> Response:
    """Opening balance, movements by transaction kind and category, closing balance for
    business dates `from`..`to` (Asia/Shanghai). `format=csv` (or `Accept: text/csv`) exports
    every entry of the period with the opening and closing lines."""
    accept = request.headers.get("accept", "")
    as_csv = format == "csv" or (format is None and "text/csv" in accept)
    s = await ledger.statement(uow, who, pool_id=pool_id, start=start, end=end, with_entries=as_csv)
    if as_csv:
        name = f"pool-{s.pool.id}-{s.from_date.isoformat()}-{s.to_date.isoformat()}.csv"
        return Response(
            _statement_csv(s),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return JSONResponse(StatementOut.of(s).model_dump(mode="json"))


@router.get(
    "/fund-transactions/{transaction_id}",
    response_model=TransactionOut,
    responses=problems(),
    summary="Get a ledger transaction",
)
async def get_fund_transaction(transaction_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One transaction with its balanced entries, and the reversal that cancelled it if any."""
    tx = await ledger.get_transaction(uow, who, transaction_id=transaction_id)
    return tx_response(tx, 200)


@router.post(
    "/fund-transactions/{transaction_id}/reverse",
    status_code=201,
    response_model=TransactionOut,
    responses=problems(409, 428),
    summary="Reverse a ledger transaction",
)
async def reverse_fund_transaction(
    transaction_id: Id,
    body: ReversalCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: MoneyKey,
) -> Response:
    """Correct a transaction by posting its exact opposite (entries are never changed). Once
    only (409 `fund.already_reversed`); refused when the money has been spent since (422).
    Needs `funds:approve` and `Idempotency-Key`."""

    async def act() -> JSONResponse:
        tx = await ledger.reverse_transaction(
            uow, who, transaction_id=transaction_id, reason=body.reason
        )
        return tx_response(tx)

    return await run_idempotent(request, uow, who, key, act)
