"""GraphQL for mutual-aid loans: the same use cases as REST. Disbursements and repayments
move money, so they take a required idempotencyKey."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.funds import loans
from app.domain.funds.model import Loan, LoanStatus, days_overdue, format_money, overdue_fen
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.fund_idempotency import attempt_once
from app.graphql.mutations import attempt
from app.graphql.types.common import Connection, connection

strawberry.enum(LoanStatus, name="LoanStatus")


@strawberry.type(name="LoanInstallment")
class InstallmentType:
    due_on: dt.date
    amount: str


@strawberry.type(name="LoanGuarantee")
class GuaranteeType:
    enterprise_id: int
    enterprise_name: str
    amount: str


@strawberry.type(name="Loan", description="An emergency loan from a mutual-aid pool.")
class LoanType:
    id: int
    pool_id: int
    enterprise_id: int
    enterprise_name: str
    amount: str
    purpose: str
    status: LoanStatus
    disbursed_on: dt.date | None
    repaid: str
    outstanding: str
    next_due_on: dt.date | None
    days_overdue: int
    overdue_amount: str
    schedule: list[InstallmentType]
    guarantees: list[GuaranteeType]
    version: int

    @classmethod
    def of(cls, loan: Loan, today: dt.date) -> LoanType:
        return cls(
            id=loan.id,
            pool_id=loan.pool_id,
            enterprise_id=loan.enterprise_id,
            enterprise_name=loan.enterprise_name,
            amount=format_money(loan.amount_fen),
            purpose=loan.purpose,
            status=loan.status,
            disbursed_on=loan.disbursed_on,
            repaid=format_money(loan.repaid_fen),
            outstanding=format_money(loan.outstanding_fen),
            next_due_on=loan.next_due_on,
            days_overdue=days_overdue(loan, today),
            overdue_amount=format_money(overdue_fen(loan, today)),
            schedule=[
                InstallmentType(due_on=i.due_on, amount=format_money(i.amount_fen))
                for i in loan.installments
            ],
            guarantees=[
                GuaranteeType(
                    enterprise_id=g.enterprise_id,
                    enterprise_name=g.enterprise_name,
                    amount=format_money(g.amount_fen),
                )
                for g in loan.guarantees
            ],
            version=loan.version,
        )


@strawberry.type
class LoanPayload:
    loan: LoanType | None
    errors: list[UserError]


@strawberry.input
class InstallmentInput:
    due_on: dt.date
    amount: str


@strawberry.input
class GuaranteeInput:
    enterprise_id: int
    amount: str


@strawberry.input
class LoanInput:
    pool_id: int
    enterprise_id: int
    amount: str
    purpose: str
    schedule: list[InstallmentInput]
    guarantees: list[GuaranteeInput] = strawberry.field(default_factory=list)


def _payload(info: Info[Context, None], loan: Loan | None, errors: list[UserError]) -> LoanPayload:
    today = info.context.container.clock.today()
    return LoanPayload(loan=LoanType.of(loan, today) if loan else None, errors=errors)


async def _reload(uow: SqlUnitOfWork, actor: Principal, loan_id: int) -> Loan:
    return await loans.get_loan(uow, actor, loan_id=loan_id)


@strawberry.type
class LoanQueries:
    @strawberry.field(description="One loan of a pool in your subtree (a contact: its own).")
    async def loan(self, info: Info[Context, None], id: int) -> LoanType:
        async with info.context.uow() as uow:
            loan = await loans.get_loan(uow, info.context.actor, loan_id=id)
        return LoanType.of(loan, info.context.container.clock.today())

    @strawberry.field(description="Loans of pools in the subtree of orgId; overdue ones only.")
    async def loans(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        pool_id: int | None = None,
        status: LoanStatus | None = None,
        overdue: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[LoanType]:
        page = PageRequest(
            first, decode_cursor(after, kind="loans", sort="id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await loans.list_loans(
                uow,
                info.context.actor,
                org_id=org_id,
                pool_id=pool_id,
                status=status,
                overdue=overdue,
                page=page,
            )
        today = info.context.container.clock.today()
        conn: Connection[LoanType] = connection(
            [LoanType.of(x, today) for x in result.items],
            kind="loans",
            sort="id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn


@strawberry.type
class LoanMutations:
    @strawberry.mutation(description="Apply for an emergency loan from a mutual-aid pool.")
    async def apply_for_loan(self, info: Info[Context, None], input: LoanInput) -> LoanPayload:
        new = loans.LoanApplication(
            pool_id=input.pool_id,
            enterprise_id=input.enterprise_id,
            amount=input.amount,
            purpose=input.purpose,
            schedule=[loans.NewInstallment(i.due_on, i.amount) for i in input.schedule],
            guarantees=[loans.NewGuarantee(g.enterprise_id, g.amount) for g in input.guarantees],
        )
        loan, errors = await attempt(info, lambda ua: loans.apply_for_loan(ua[0], ua[1], new=new))
        return _payload(info, loan, errors)

    @strawberry.mutation(description="Approve a loan application (coordinating committee).")
    async def approve_loan(self, info: Info[Context, None], id: int) -> LoanPayload:
        loan, errors = await attempt(info, lambda ua: loans.approve_loan(ua[0], ua[1], loan_id=id))
        return _payload(info, loan, errors)

    @strawberry.mutation(description="Reject a loan application with a reason (committee).")
    async def reject_loan(self, info: Info[Context, None], id: int, reason: str) -> LoanPayload:
        loan, errors = await attempt(
            info, lambda ua: loans.reject_loan(ua[0], ua[1], loan_id=id, reason=reason)
        )
        return _payload(info, loan, errors)

    @strawberry.mutation(description="Disburse an approved loan from the pool (once per key).")
    async def disburse_loan(
        self, info: Info[Context, None], id: int, idempotency_key: str
    ) -> LoanPayload:
        loan, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="disburseLoan",
            arguments={"id": id},
            run=lambda uow, actor: loans.disburse_loan(uow, actor, loan_id=id),
            reload=_reload,
        )
        return _payload(info, loan, errors)

    @strawberry.mutation(description="Record a repayment of a loan (once per key).")
    async def repay_loan(
        self,
        info: Info[Context, None],
        id: int,
        amount: str,
        idempotency_key: str,
        voucher: str | None = None,
    ) -> LoanPayload:
        loan, errors = await attempt_once(
            info,
            key=idempotency_key,
            operation="repayLoan",
            arguments={"id": id, "amount": amount, "voucher": voucher},
            run=lambda uow, actor: loans.repay_loan(
                uow, actor, loan_id=id, amount=amount, voucher=voucher
            ),
            reload=_reload,
        )
        return _payload(info, loan, errors)
