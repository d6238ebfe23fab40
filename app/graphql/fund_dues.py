"""GraphQL for Party dues: the same use cases as REST. Payments, remittances and returns move
money, so they take a required idempotencyKey."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.funds import dues, ledger
from app.domain.funds.model import (
    Arrear,
    DuesBill,
    DuesCategory,
    DuesLine,
    DuesProfile,
    ReturnBalance,
    Transaction,
    format_money,
)
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.fund_idempotency import attempt_once
from app.graphql.fund_mutations import FundTransactionPayload, tx_payload
from app.graphql.mutations import attempt
from app.graphql.types.common import Connection, connection

strawberry.enum(DuesCategory, name="DuesCategory")


def _money(fen: int | None) -> str | None:
    return format_money(fen) if fen is not None else None


@strawberry.type(name="DuesProfile")
class DuesProfileType:
    member_id: int
    member_name: str
    category: DuesCategory
    monthly_income: str | None
    computed: str
    override: str | None
    override_reason: str | None
    monthly_dues: str

    @classmethod
    def of(cls, p: DuesProfile) -> DuesProfileType:
        return cls(
            member_id=p.member_id,
            member_name=p.member_name,
            category=p.category,
            monthly_income=_money(p.income_fen),
            computed=format_money(p.computed_fen),
            override=_money(p.override_fen),
            override_reason=p.override_reason,
            monthly_dues=format_money(p.due_fen),
        )


@strawberry.type(name="DuesLine")
class DuesLineType:
    id: int
    member_id: int
    member_name: str
    amount: str
    paid: bool
    paid_on: dt.date | None
    paid_by_member_id: int | None
    transaction_id: int | None

    @classmethod
    def of(cls, x: DuesLine) -> DuesLineType:
        return cls(
            id=x.id,
            member_id=x.member_id,
            member_name=x.member_name,
            amount=format_money(x.amount_fen),
            paid=x.paid,
            paid_on=x.paid_on,
            paid_by_member_id=x.paid_by_member_id,
            transaction_id=x.transaction_id,
        )


@strawberry.type(name="DuesBill")
class DuesBillType:
    id: int
    org_id: int
    month: dt.date
    total: str
    paid: str
    lines: list[DuesLineType]

    @classmethod
    def of(cls, b: DuesBill) -> DuesBillType:
        return cls(
            id=b.id,
            org_id=b.org_id,
            month=b.month,
            total=format_money(b.total_fen),
            paid=format_money(b.paid_fen),
            lines=[DuesLineType.of(x) for x in b.lines],
        )


@strawberry.type(name="DuesArrear")
class ArrearType:
    member_id: int
    member_name: str
    org_id: int
    unpaid_months: list[str]
    owed: str
    longest_run: int
    finding: bool

    @classmethod
    def of(cls, a: Arrear) -> ArrearType:
        return cls(
            member_id=a.member_id,
            member_name=a.member_name,
            org_id=a.org_id,
            unpaid_months=[m.isoformat()[:7] for m in a.unpaid_months],
            owed=format_money(a.owed_fen),
            longest_run=a.longest_run,
            finding=a.finding,
        )


@strawberry.type(name="DuesReturnBalance")
class ReturnBalanceType:
    pool_id: int
    org_id: int
    remitted: str
    returned: str
    outstanding: str

    @classmethod
    def of(cls, r: ReturnBalance) -> ReturnBalanceType:
        return cls(
            pool_id=r.pool_id,
            org_id=r.org_id,
            remitted=format_money(r.remitted_fen),
            returned=format_money(r.returned_fen),
            outstanding=format_money(r.outstanding_fen),
        )


@strawberry.type
class DuesProfilePayload:
    profile: DuesProfileType | None
    errors: list[UserError]


@strawberry.type
class DuesBillPayload:
    bill: DuesBillType | None
    errors: list[UserError]


@strawberry.type
class DuesLinePayload:
    line: DuesLineType | None
    errors: list[UserError]


class _LineRef:
    """A paid line as the idempotent runner sees it: identified by its transaction."""

    def __init__(self, line: DuesLine) -> None:
        self.line = line
        self.id = line.transaction_id or 0


async def _reload_tx(uow: SqlUnitOfWork, actor: Principal, tx_id: int) -> Transaction:
    return await ledger.get_transaction(uow, actor, transaction_id=tx_id)


@strawberry.type
class DuesQueries:
    @strawberry.field(description="A member's dues profile.")
    async def dues_profile(self, info: Info[Context, None], member_id: int) -> DuesProfileType:
        async with info.context.uow() as uow:
            p = await dues.get_profile(uow, info.context.actor, member_id=member_id)
        return DuesProfileType.of(p)

    @strawberry.field(description="One dues bill with its lines.")
    async def dues_bill(self, info: Info[Context, None], id: int) -> DuesBillType:
        async with info.context.uow() as uow:
            b = await dues.get_bill(uow, info.context.actor, bill_id=id)
        return DuesBillType.of(b)

    @strawberry.field(description="Dues bills of branches in the subtree of orgId.")
    async def dues_bills(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        month: dt.date | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[DuesBillType]:
        page = PageRequest(
            first, decode_cursor(after, kind="dues_bills", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await dues.list_bills(
                uow, info.context.actor, org_id=org_id, month=month, page=page
            )
        conn: Connection[DuesBillType] = connection(
            [DuesBillType.of(b) for b in result.items],
            kind="dues_bills",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Members with unpaid dues; six months in a row is a finding.")
    async def dues_arrears(
        self, info: Info[Context, None], org_id: int | None = None
    ) -> list[ArrearType]:
        async with info.context.uow() as uow:
            found = await dues.arrears(uow, info.context.actor, org_id=org_id)
        return [ArrearType.of(a) for a in found]

    @strawberry.field(description="Per branch: dues passed up to this pool and returned.")
    async def dues_returns(
        self, info: Info[Context, None], pool_id: int
    ) -> list[ReturnBalanceType]:
        async with info.context.uow() as uow:
            found = await dues.return_balances(uow, info.context.actor, pool_id=pool_id)
        return [ReturnBalanceType.of(r) for r in found]


@strawberry.type
class DuesMutations:
    @strawberry.mutation(description="Set how a member's monthly dues are computed.")
    async def set_dues_profile(
        self,
        info: Info[Context, None],
        member_id: int,
        category: DuesCategory,
        monthly_income: str | None = None,
        override: str | None = None,
        override_reason: str | None = None,
    ) -> DuesProfilePayload:
        p, errors = await attempt(
            info,
            lambda ua: dues.set_profile(
                ua[0],
                ua[1],
                member_id=member_id,
                category=category,
                monthly_income=monthly_income,
                override=override,
                override_reason=override_reason,
            ),
        )
        return DuesProfilePayload(profile=DuesProfileType.of(p) if p else None, errors=errors)

    @strawberry.mutation(description="Bill a branch's members for a month.")
    async def create_dues_bill(
        self, info: Info[Context, None], org_id: int, month: dt.date
    ) -> DuesBillPayload:
        b, errors = await attempt(
            info, lambda ua: dues.create_bill(ua[0], ua[1], org_id=org_id, month=month)
        )
        return DuesBillPayload(bill=DuesBillType.of(b) if b else None, errors=errors)

    @strawberry.mutation(description="Record a member's dues payment (once per key).")
    async def pay_dues(
        self,
        info: Info[Context, None],
        bill_id: int,
        member_id: int,
        amount: str,
        idempotency_key: str,
        paid_by_member_id: int | None = None,
    ) -> DuesLinePayload:
        async def run(uow: SqlUnitOfWork, actor: Principal) -> _LineRef:
            line = await dues.pay(
                uow,
                actor,
                bill_id=bill_id,
                member_id=member_id,
                amount=amount,
                paid_by_member_id=paid_by_member_id,
            )
            return _LineRef(line)

        async def reload(uow: SqlUnitOfWork, actor: Principal, _tx_id: int) -> _LineRef:
            bill = await dues.get_bill(uow, actor, bill_id=bill_id)
            line = next(x for x in bill.lines if x.member_id == member_id)
            return _LineRef(line)

        ref, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="payDues",
            arguments={
                "bill_id": bill_id,
                "member_id": member_id,
                "amount": amount,
                "paid_by_member_id": paid_by_member_id,
            },
            run=run,
            reload=reload,
        )
        return DuesLinePayload(line=DuesLineType.of(ref.line) if ref else None, errors=errors)

    @strawberry.mutation(description="Pass dues up to a committee's dues pool (once per key).")
    async def remit_dues(
        self,
        info: Info[Context, None],
        from_pool_id: int,
        to_pool_id: int,
        amount: str,
        idempotency_key: str,
    ) -> FundTransactionPayload:
        tx, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="remitDues",
            arguments={"from": from_pool_id, "to": to_pool_id, "amount": amount},
            run=lambda uow, actor: dues.remit(
                uow, actor, from_pool_id=from_pool_id, to_pool_id=to_pool_id, amount=amount
            ),
            reload=_reload_tx,
        )
        return tx_payload(tx, errors)

    @strawberry.mutation(description="Return dues to a branch; default all (once per key).")
    async def return_dues(
        self,
        info: Info[Context, None],
        from_pool_id: int,
        to_pool_id: int,
        idempotency_key: str,
        amount: str | None = None,
    ) -> FundTransactionPayload:
        tx, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="returnDues",
            arguments={"from": from_pool_id, "to": to_pool_id, "amount": amount},
            run=lambda uow, actor: dues.return_dues(
                uow, actor, from_pool_id=from_pool_id, to_pool_id=to_pool_id, amount=amount
            ),
            reload=_reload_tx,
        )
        return tx_payload(tx, errors)
