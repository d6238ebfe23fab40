"""GraphQL for hardship relief and the analysts' money flows over a subtree."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.funds import ledger, relief
from app.domain.funds.model import (
    Category,
    Flow,
    PoolPurpose,
    ReliefKind,
    ReliefSurvey,
    Transaction,
    TxKind,
    format_money,
)
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.fund_idempotency import attempt_once
from app.graphql.fund_mutations import FundTransactionPayload, tx_payload
from app.graphql.mutations import attempt
from app.graphql.types.common import Connection, connection

strawberry.enum(ReliefKind, name="ReliefKind")


@strawberry.type(name="ReliefEntry")
class ReliefEntryType:
    id: int
    kind: ReliefKind
    name: str
    member_id: int | None
    enterprise_id: int | None
    hardship: str
    suggested_amount: str | None
    paid: str


@strawberry.type(name="ReliefSurvey")
class ReliefSurveyType:
    id: int
    org_id: int
    year: int
    quarter: int
    title: str
    entries: list[ReliefEntryType]

    @classmethod
    def of(cls, s: ReliefSurvey) -> ReliefSurveyType:
        return cls(
            id=s.id,
            org_id=s.org_id,
            year=s.year,
            quarter=s.quarter,
            title=s.title,
            entries=[
                ReliefEntryType(
                    id=e.id,
                    kind=e.kind,
                    name=e.name,
                    member_id=e.member_id,
                    enterprise_id=e.enterprise_id,
                    hardship=e.hardship,
                    suggested_amount=(
                        format_money(e.suggested_fen) if e.suggested_fen is not None else None
                    ),
                    paid=format_money(e.paid_fen),
                )
                for e in s.entries
            ],
        )


@strawberry.type(name="MoneyFlow", description="Money in and out of the pools of a purpose.")
class FlowType:
    purpose: PoolPurpose
    kind: TxKind
    category: Category | None
    inflow: str
    outflow: str
    count: int

    @classmethod
    def of(cls, f: Flow) -> FlowType:
        return cls(
            purpose=f.purpose,
            kind=f.kind,
            category=f.category,
            inflow=format_money(f.inflow_fen),
            outflow=format_money(f.outflow_fen),
            count=f.count,
        )


@strawberry.type
class ReliefSurveyPayload:
    survey: ReliefSurveyType | None
    errors: list[UserError]


@strawberry.input
class ReliefEntryInput:
    kind: ReliefKind
    name: str
    hardship: str
    member_id: int | None = None
    enterprise_id: int | None = None
    suggested_amount: str | None = None


async def _reload(uow: SqlUnitOfWork, actor: Principal, tx_id: int) -> Transaction:
    return await ledger.get_transaction(uow, actor, transaction_id=tx_id)


@strawberry.type
class ReliefQueries:
    @strawberry.field(description="One relief survey with its entries.")
    async def relief_survey(self, info: Info[Context, None], id: int) -> ReliefSurveyType:
        async with info.context.uow() as uow:
            s = await relief.get_survey(uow, info.context.actor, survey_id=id)
        return ReliefSurveyType.of(s)

    @strawberry.field(description="Relief surveys of orgs in the subtree of orgId.")
    async def relief_surveys(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        year: int | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ReliefSurveyType]:
        page = PageRequest(
            first,
            decode_cursor(after, kind="relief_surveys", sort="id", arity=2, parameter="after"),
        )
        async with info.context.uow() as uow:
            result = await relief.list_surveys(
                uow, info.context.actor, org_id=org_id, year=year, page=page
            )
        conn: Connection[ReliefSurveyType] = connection(
            [ReliefSurveyType.of(s) for s in result.items],
            kind="relief_surveys",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(
        description="Money flows of every pool owned in the subtree of orgId, by purpose, "
        "transaction kind and category, for business dates fromDate..toDate (default: this "
        "year)."
    )
    async def money_flows(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
    ) -> list[FlowType]:
        async with info.context.uow() as uow:
            flows = await ledger.money_flows(
                uow, info.context.actor, org_id=org_id, start=from_date, end=to_date
            )
        return [FlowType.of(f) for f in flows]


@strawberry.type
class ReliefMutations:
    @strawberry.mutation(description="Record a quarterly relief survey.")
    async def create_relief_survey(
        self,
        info: Info[Context, None],
        org_id: int,
        year: int,
        quarter: int,
        title: str,
        entries: list[ReliefEntryInput],
    ) -> ReliefSurveyPayload:
        rows = [relief.EntryIn(**vars(e)) for e in entries]
        s, errors = await attempt(
            info,
            lambda ua: relief.create_survey(
                ua[0], ua[1], org_id=org_id, year=year, quarter=quarter, title=title, entries=rows
            ),
        )
        return ReliefSurveyPayload(survey=ReliefSurveyType.of(s) if s else None, errors=errors)

    @strawberry.mutation(description="Pay relief against a survey entry (once per key).")
    async def pay_relief(
        self,
        info: Info[Context, None],
        pool_id: int,
        survey_id: int,
        entry_id: int,
        amount: str,
        idempotency_key: str,
        voucher: str | None = None,
    ) -> FundTransactionPayload:
        tx, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="payRelief",
            arguments={
                "pool": pool_id,
                "survey": survey_id,
                "entry": entry_id,
                "amount": amount,
                "voucher": voucher,
            },
            run=lambda uow, actor: relief.pay_relief(
                uow,
                actor,
                pool_id=pool_id,
                survey_id=survey_id,
                entry_id=entry_id,
                amount=amount,
                voucher=voucher,
            ),
            reload=_reload,
        )
        return tx_payload(tx, errors)
