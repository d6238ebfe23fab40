"""Request and response shapes of the funding ledger. Money is a decimal string with two
decimals ("8500000.00"), never a JSON number: a number where an amount is expected is refused
with a pointer to it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.domain.funds.model import (
    AccountKind,
    Arrear,
    Category,
    CategoryMovement,
    DuesBill,
    DuesCategory,
    DuesLine,
    DuesProfile,
    Entry,
    Loan,
    LoanStatus,
    Pool,
    PoolPurpose,
    ReliefKind,
    ReliefSurvey,
    RequestStatus,
    ReturnBalance,
    SourceKind,
    SpendingRequest,
    Statement,
    Transaction,
    TxKind,
    days_overdue,
    format_money,
    overdue_fen,
)

AMOUNT_DOC = (
    'Yuan as a decimal string with at most two decimals, e.g. "8500000.00"; positive; '
    "a JSON number is refused."
)


class PoolCreate(Strict):
    org_id: Id = Field(description="The owning organisation, in your subtree.")
    name: str = Field(min_length=1, max_length=200)
    purpose: PoolPurpose
    categories: list[Category] | None = Field(
        default=None,
        max_length=20,
        description="Spending categories the pool allows; default by purpose.",
    )


class ContributionCreate(Strict):
    amount: str = Field(max_length=32, description=AMOUNT_DOC, examples=["3000000.00"])
    source_kind: SourceKind = Field(
        description="street_finance, park_operator, enterprise (with enterprise_id) or "
        "owner_donation."
    )
    enterprise_id: Id | None = Field(default=None, description="The contributing enterprise.")
    source_name: str | None = Field(
        default=None, max_length=100, description="Who gave it, e.g. the donor's name."
    )
    voucher: str = Field(min_length=1, max_length=100, description="Voucher (凭证) reference.")
    memo: str | None = Field(default=None, max_length=500)


class ReversalCreate(Strict):
    reason: str = Field(min_length=1, max_length=500)


class LoanRejectionIn(Strict):
    reason: str = Field(min_length=1, max_length=500, description="Why, for the applicant.")


class PoolOut(BaseModel):
    id: int
    org_id: int
    name: str
    purpose: PoolPurpose
    categories: list[Category]
    balance: str = Field(description="The pool's money now.", examples=["3000000.00"])
    loans_outstanding: str = Field(description="Lent out and not yet repaid.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, p: Pool) -> PoolOut:
        return cls(
            id=p.id,
            org_id=p.org_id,
            name=p.name,
            purpose=p.purpose,
            categories=list(p.categories),
            balance=format_money(p.balance_fen),
            loans_outstanding=format_money(p.loans_outstanding_fen),
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class EntryOut(BaseModel):
    id: int
    transaction_id: int
    account_id: int
    account_kind: AccountKind
    account_label: str
    amount: str = Field(description="Signed: positive into the account.", examples=["-500.00"])
    balance_after: str = Field(description="The account's balance right after this entry.")
    on_date: dt.date = Field(description="Business date (Asia/Shanghai).")
    kind: TxKind | None
    category: Category | None
    created_at: dt.datetime

    @classmethod
    def of(cls, e: Entry) -> EntryOut:
        return cls(
            id=e.id,
            transaction_id=e.transaction_id,
            account_id=e.account_id,
            account_kind=e.account_kind,
            account_label=e.account_label,
            amount=format_money(e.amount_fen),
            balance_after=format_money(e.balance_after_fen),
            on_date=e.on_date,
            kind=e.tx_kind,
            category=e.category,
            created_at=e.created_at,
        )


class TransactionOut(BaseModel):
    id: int
    pool_id: int
    kind: TxKind
    amount: str
    category: Category | None
    source_kind: SourceKind | None
    voucher: str | None
    memo: str | None
    on_date: dt.date
    reverses_id: int | None
    reversed_by_id: int | None
    actor: str
    created_at: dt.datetime
    entries: list[EntryOut] = Field(description="The balanced legs; they sum to zero.")

    @classmethod
    def of(cls, t: Transaction) -> TransactionOut:
        return cls(
            id=t.id,
            pool_id=t.pool_id,
            kind=t.kind,
            amount=format_money(t.amount_fen),
            category=t.category,
            source_kind=t.source_kind,
            voucher=t.voucher,
            memo=t.memo,
            on_date=t.on_date,
            reverses_id=t.reverses_id,
            reversed_by_id=t.reversed_by_id,
            actor=t.actor,
            created_at=t.created_at,
            entries=[EntryOut.of(e) for e in t.entries],
        )


class MovementOut(BaseModel):
    kind: TxKind
    category: Category | None
    inflow: str
    outflow: str
    count: int

    @classmethod
    def of(cls, m: CategoryMovement) -> MovementOut:
        return cls(
            kind=m.kind,
            category=m.category,
            inflow=format_money(m.inflow_fen),
            outflow=format_money(m.outflow_fen),
            count=m.count,
        )


class StatementOut(BaseModel):
    pool_id: int
    pool_name: str
    from_date: dt.date
    to_date: dt.date
    opening: str
    inflow: str
    outflow: str
    closing: str
    movements: list[MovementOut] = Field(description="By transaction kind and category.")

    @classmethod
    def of(cls, s: Statement) -> StatementOut:
        return cls(
            pool_id=s.pool.id,
            pool_name=s.pool.name,
            from_date=s.from_date,
            to_date=s.to_date,
            opening=format_money(s.opening_fen),
            inflow=format_money(s.inflow_fen),
            outflow=format_money(s.outflow_fen),
            closing=format_money(s.closing_fen),
            movements=[MovementOut.of(m) for m in s.movements],
        )


class SpendingRequestCreate(Strict):
    pool_id: Id = Field(description="A pool owned by the requesting organisation or one above.")
    org_id: Id = Field(description="The requesting organisation, in your subtree.")
    category: Category = Field(description="One of the pool's allowed categories.")
    purpose: str = Field(min_length=1, max_length=500)
    amount: str = Field(max_length=32, description=AMOUNT_DOC, examples=["12000.00"])


class DecisionIn(Strict):
    note: str | None = Field(default=None, max_length=500)


class SpendingRequestOut(BaseModel):
    id: int
    pool_id: int
    org_id: int = Field(description="The requesting organisation.")
    category: Category
    purpose: str
    amount: str
    status: RequestStatus = Field(
        description="`reversed`: it was approved, then its payout was reversed."
    )
    requested_by: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    transaction_id: int | None = Field(description="The payout, once approved.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, r: SpendingRequest) -> SpendingRequestOut:
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
            updated_at=r.updated_at,
        )


class InstallmentIn(Strict):
    due_on: dt.date = Field(description="Business date, after today, increasing.")
    amount: str = Field(max_length=32, description=AMOUNT_DOC)


class GuaranteeIn(Strict):
    enterprise_id: Id = Field(description="Another enterprise in your subtree.")
    amount: str = Field(max_length=32, description=AMOUNT_DOC)


class LoanCreate(Strict):
    pool_id: Id = Field(description="A mutual-aid pool in your subtree.")
    enterprise_id: Id = Field(description="The borrower, under the pool owner.")
    amount: str = Field(max_length=32, description=AMOUNT_DOC, examples=["1500000.00"])
    purpose: str = Field(min_length=1, max_length=500)
    schedule: list[InstallmentIn] = Field(
        max_length=60, description="Repayment instalments; they add up to the amount."
    )
    guarantees: list[GuaranteeIn] = Field(default_factory=list, max_length=20)


class RepaymentIn(Strict):
    amount: str = Field(max_length=32, description=AMOUNT_DOC)
    voucher: str | None = Field(default=None, max_length=100)


class InstallmentOut(BaseModel):
    due_on: dt.date
    amount: str


class GuaranteeOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    amount: str


class LoanOut(BaseModel):
    id: int
    pool_id: int
    enterprise_id: int
    enterprise_name: str
    amount: str
    purpose: str
    status: LoanStatus
    applied_by: str
    approved_by: str | None
    disbursed_on: dt.date | None
    repaid: str
    outstanding: str = Field(description="Disbursed and not yet repaid.")
    next_due_on: dt.date | None = Field(description="First instalment not yet covered.")
    days_overdue: int = Field(description="Days since that instalment fell due (Asia/Shanghai).")
    overdue_amount: str = Field(description="Instalments due before today and not repaid.")
    schedule: list[InstallmentOut]
    guarantees: list[GuaranteeOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, loan: Loan, today: dt.date) -> LoanOut:
        return cls(
            id=loan.id,
            pool_id=loan.pool_id,
            enterprise_id=loan.enterprise_id,
            enterprise_name=loan.enterprise_name,
            amount=format_money(loan.amount_fen),
            purpose=loan.purpose,
            status=loan.status,
            applied_by=loan.applied_by,
            approved_by=loan.approved_by,
            disbursed_on=loan.disbursed_on,
            repaid=format_money(loan.repaid_fen),
            outstanding=format_money(loan.outstanding_fen),
            next_due_on=loan.next_due_on,
            days_overdue=days_overdue(loan, today),
            overdue_amount=format_money(overdue_fen(loan, today)),
            schedule=[
                InstallmentOut(due_on=i.due_on, amount=format_money(i.amount_fen))
                for i in loan.installments
            ],
            guarantees=[
                GuaranteeOut(
                    enterprise_id=g.enterprise_id,
                    enterprise_name=g.enterprise_name,
                    amount=format_money(g.amount_fen),
                )
                for g in loan.guarantees
            ],
            version=loan.version,
            created_at=loan.created_at,
            updated_at=loan.updated_at,
        )


class DuesProfileIn(Strict):
    category: DuesCategory = Field(
        description="employed or retired (by monthly income), student, unemployed, allowance "
        "(0.20 a month)."
    )
    monthly_income: str | None = Field(
        default=None, max_length=32, description="Monthly income after tax; " + AMOUNT_DOC
    )
    override: str | None = Field(
        default=None, max_length=32, description="Monthly dues set by hand; needs a reason."
    )
    override_reason: str | None = Field(default=None, max_length=300)


class DuesProfileOut(BaseModel):
    member_id: int
    member_name: str
    org_id: int
    category: DuesCategory
    monthly_income: str | None
    computed: str = Field(description="By the brackets.")
    override: str | None
    override_reason: str | None
    monthly_dues: str = Field(description="What is billed: the override, else computed.")
    version: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, p: DuesProfile) -> DuesProfileOut:
        return cls(
            member_id=p.member_id,
            member_name=p.member_name,
            org_id=p.org_id,
            category=p.category,
            monthly_income=format_money(p.income_fen) if p.income_fen is not None else None,
            computed=format_money(p.computed_fen),
            override=format_money(p.override_fen) if p.override_fen is not None else None,
            override_reason=p.override_reason,
            monthly_dues=format_money(p.due_fen),
            version=p.version,
            updated_at=p.updated_at,
        )


class DuesBillCreate(Strict):
    org_id: Id = Field(description="A branch or general branch in your subtree.")
    month: dt.date = Field(description="Any day of the month billed; stored as its first day.")


class DuesLineOut(BaseModel):
    id: int
    bill_id: int
    member_id: int
    member_name: str
    amount: str
    paid: bool
    paid_on: dt.date | None
    paid_by_member_id: int | None = Field(description="Who paid on the member's behalf.")
    transaction_id: int | None

    @classmethod
    def of(cls, x: DuesLine) -> DuesLineOut:
        return cls(
            id=x.id,
            bill_id=x.bill_id,
            member_id=x.member_id,
            member_name=x.member_name,
            amount=format_money(x.amount_fen),
            paid=x.paid,
            paid_on=x.paid_on,
            paid_by_member_id=x.paid_by_member_id,
            transaction_id=x.transaction_id,
        )


class DuesBillOut(BaseModel):
    id: int
    org_id: int
    month: dt.date
    total: str
    paid: str
    lines: list[DuesLineOut]
    created_at: dt.datetime

    @classmethod
    def of(cls, b: DuesBill) -> DuesBillOut:
        return cls(
            id=b.id,
            org_id=b.org_id,
            month=b.month,
            total=format_money(b.total_fen),
            paid=format_money(b.paid_fen),
            lines=[DuesLineOut.of(x) for x in b.lines],
            created_at=b.created_at,
        )


class DuesPaymentIn(Strict):
    bill_id: Id
    member_id: Id = Field(description="Whose dues are paid.")
    amount: str = Field(max_length=32, description="Exactly the dues on the bill.")
    paid_by_member_id: Id | None = Field(
        default=None, description="Another member paying on their behalf (代缴)."
    )


class ArrearOut(BaseModel):
    member_id: int
    member_name: str
    org_id: int
    unpaid_months: list[str] = Field(description="YYYY-MM, oldest first.")
    owed: str
    longest_run: int = Field(description="Most consecutive unpaid months.")
    finding: bool = Field(description="Six months or more in a row unpaid.")

    @classmethod
    def of(cls, a: Arrear) -> ArrearOut:
        return cls(
            member_id=a.member_id,
            member_name=a.member_name,
            org_id=a.org_id,
            unpaid_months=[m.isoformat()[:7] for m in a.unpaid_months],
            owed=format_money(a.owed_fen),
            longest_run=a.longest_run,
            finding=a.finding,
        )


class DuesRemittanceIn(Strict):
    from_pool_id: Id = Field(description="The branch's dues pool.")
    to_pool_id: Id = Field(description="The dues pool of a committee above it.")
    amount: str = Field(max_length=32, description=AMOUNT_DOC)


class DuesReturnIn(Strict):
    from_pool_id: Id = Field(description="The committee's dues pool.")
    to_pool_id: Id = Field(description="A branch's dues pool below it.")
    amount: str | None = Field(
        default=None,
        max_length=32,
        description="Default: all the branch passed up and has not had back (returned in full).",
    )


class ReturnBalanceOut(BaseModel):
    pool_id: int = Field(description="The branch's dues pool.")
    org_id: int
    remitted: str
    returned: str
    outstanding: str

    @classmethod
    def of(cls, r: ReturnBalance) -> ReturnBalanceOut:
        return cls(
            pool_id=r.pool_id,
            org_id=r.org_id,
            remitted=format_money(r.remitted_fen),
            returned=format_money(r.returned_fen),
            outstanding=format_money(r.outstanding_fen),
        )


class ReliefEntryIn(Strict):
    kind: ReliefKind = Field(description="member or worker.")
    name: str = Field(min_length=1, max_length=100)
    hardship: str = Field(min_length=1, max_length=500, description="What the difficulty is.")
    member_id: Id | None = Field(default=None, description="Required for a member.")
    enterprise_id: Id | None = Field(default=None, description="A worker's employer.")
    suggested_amount: str | None = Field(default=None, max_length=32)


class ReliefSurveyCreate(Strict):
    org_id: Id
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    title: str = Field(min_length=1, max_length=200)
    entries: list[ReliefEntryIn] = Field(min_length=1, max_length=500)


class ReliefEntryOut(BaseModel):
    id: int
    kind: ReliefKind
    name: str
    member_id: int | None
    enterprise_id: int | None
    hardship: str
    suggested_amount: str | None
    paid: str = Field(description="Relief paid against this entry so far.")


class ReliefSurveyOut(BaseModel):
    id: int
    org_id: int
    year: int
    quarter: int
    title: str
    entries: list[ReliefEntryOut]
    created_at: dt.datetime

    @classmethod
    def of(cls, s: ReliefSurvey) -> ReliefSurveyOut:
        return cls(
            id=s.id,
            org_id=s.org_id,
            year=s.year,
            quarter=s.quarter,
            title=s.title,
            entries=[
                ReliefEntryOut(
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
            created_at=s.created_at,
        )


class ReliefPaymentIn(Strict):
    pool_id: Id = Field(description="A pool allowing relief spending.")
    survey_id: Id
    entry_id: Id
    amount: str = Field(max_length=32, description=AMOUNT_DOC)
    voucher: str | None = Field(default=None, max_length=100)
