"""Pure rules of the funding ledger: money parsing, pool purposes and categories, the shape of
pools, accounts, transactions and entries, and the balance rule of a movement."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.errors import FieldError, InvalidInput

# At most 999,999,999,999.99 yuan: far above any pool, far below BIGINT fen.
MAX_FEN = 99_999_999_999_999
_MONEY = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?")


def parse_money(text: str, *, pointer: str) -> int:
    """A positive amount of yuan as a decimal string ("8500000.00") in fen. No floats, no
    exponent, no sign, no grouping, at most two decimals; surrounding blanks are ignored
    (as in every other text field)."""
    m = _MONEY.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        _bad("money.malformed", pointer)
    assert m is not None
    whole, frac = m.group(1), m.group(2) or ""
    if len(frac) > 2:
        _bad("money.too_many_decimals", pointer)
    if len(whole) > 15:
        _bad("money.too_large", pointer)
    fen = int(whole) * 100 + int((frac + "00")[:2])
    if fen <= 0:
        _bad("money.not_positive", pointer)
    if fen > MAX_FEN:
        _bad("money.too_large", pointer)
    return fen


def _bad(code: str, pointer: str) -> None:
    raise InvalidInput(
        code, params={"max": format_money(MAX_FEN)}, fields=[FieldError(code, pointer=pointer)]
    )


def format_money(fen: int) -> str:
    """Fen as a decimal string with two decimals; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(fen), 100)
    return f"{sign}{q}.{r:02d}"


class PoolPurpose(StrEnum):
    SPECIAL_FUND = "special_fund"  # 党建工作专项经费
    DUES = "dues"  # 党费
    MUTUAL_AID = "mutual_aid"  # 企业互助资金池
    RELIEF = "relief"  # 困难救助
    DONATIONS = "donations"  # owners' donations


class Category(StrEnum):
    TRAINING = "training"
    COMMENDATION = "commendation"
    PUBLICITY = "publicity"
    ACTIVITIES = "activities"
    RELIEF = "relief"
    LOANS = "loans"
    OTHER = "other"


DEFAULT_CATEGORIES: dict[PoolPurpose, tuple[Category, ...]] = {
    PoolPurpose.SPECIAL_FUND: (
        Category.TRAINING,
        Category.COMMENDATION,
        Category.PUBLICITY,
        Category.ACTIVITIES,
    ),
    PoolPurpose.DUES: (Category.TRAINING, Category.ACTIVITIES, Category.COMMENDATION),
    PoolPurpose.MUTUAL_AID: (Category.LOANS,),
    PoolPurpose.RELIEF: (Category.RELIEF,),
    PoolPurpose.DONATIONS: (
        Category.TRAINING,
        Category.COMMENDATION,
        Category.PUBLICITY,
        Category.ACTIVITIES,
        Category.RELIEF,
    ),
}


class SourceKind(StrEnum):
    STREET_FINANCE = "street_finance"  # 街道财政
    PARK_OPERATOR = "park_operator"  # 园区
    ENTERPRISE = "enterprise"  # an enterprise (names it by enterprise_id)
    OWNER_DONATION = "owner_donation"  # 业主捐助


class AccountKind(StrEnum):
    POOL = "pool"  # the pool's money; never below zero
    LOANS_RECEIVABLE = "loans_receivable"  # money lent out of the pool; never below zero
    SOURCE = "source"  # outside money that entered (negative: what it gave)
    ENTERPRISE = "enterprise"  # a counterparty enterprise
    MEMBER = "member"  # a counterparty member
    PAYEE = "payee"  # an organisation money was paid out to


# Accounts that hold money of the pool: their balance can never go below zero.
ASSET_KINDS = frozenset({AccountKind.POOL, AccountKind.LOANS_RECEIVABLE})


class TxKind(StrEnum):
    CONTRIBUTION = "contribution"
    SPENDING = "spending"
    REVERSAL = "reversal"
    DISBURSEMENT = "disbursement"  # a loan leaves the pool for loans receivable
    REPAYMENT = "repayment"  # and comes back
    DUES_PAYMENT = "dues_payment"  # a member's dues into the branch's dues pool
    DUES_REMITTANCE = "dues_remittance"  # a branch passes dues up to the committee's pool
    DUES_RETURN = "dues_return"  # the committee returns dues to a branch
    RELIEF_PAYMENT = "relief_payment"  # hardship relief against a survey entry


# Movements tied to another record (a loan, a dues bill, a remittance) are corrected through
# that record's own operations, never by a bare reversal; nor is a reversal reversed.
NOT_REVERSIBLE = frozenset(
    {
        TxKind.REVERSAL,
        TxKind.DISBURSEMENT,
        TxKind.REPAYMENT,
        TxKind.DUES_PAYMENT,
        TxKind.DUES_REMITTANCE,
        TxKind.DUES_RETURN,
        TxKind.RELIEF_PAYMENT,
    }
)


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REVERSED = "reversed"  # approved, then its payout was reversed; final


@dataclass(frozen=True)
class SpendingRequest:
    """An organisation asks a pool above it (or its own) for money in a category; the pool
    owner's staff or an organisation above decides (支部负责、党委把关)."""

    id: int
    pool_id: int
    pool_org_path: str
    org_id: int  # the requesting organisation
    org_path: str
    category: Category
    purpose: str
    amount_fen: int
    status: RequestStatus
    requested_by: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    transaction_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Pool:
    id: int
    org_id: int
    org_path: str
    name: str
    purpose: PoolPurpose
    categories: tuple[Category, ...]
    balance_fen: int  # the pool account's balance
    loans_outstanding_fen: int  # the loans-receivable account's balance
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    cash_account_id: int = 0  # the pool account
    loans_account_id: int = 0  # the loans-receivable account


@dataclass(frozen=True)
class Account:
    id: int
    pool_id: int
    kind: AccountKind
    ref: str
    label: str
    balance_fen: int


@dataclass(frozen=True)
class Entry:
    id: int
    transaction_id: int
    account_id: int
    account_kind: AccountKind
    account_label: str
    amount_fen: int  # signed: positive into the account
    balance_after_fen: int
    on_date: dt.date
    created_at: dt.datetime
    tx_kind: TxKind | None = None
    category: Category | None = None


@dataclass(frozen=True)
class Transaction:
    id: int
    pool_id: int
    kind: TxKind
    amount_fen: int
    category: Category | None
    source_kind: SourceKind | None
    voucher: str | None
    memo: str | None
    on_date: dt.date
    reverses_id: int | None
    reversed_by_id: int | None
    actor: str
    created_at: dt.datetime
    entries: tuple[Entry, ...] = ()
    counter_pool_id: int | None = None  # the other pool of a remittance or return


@dataclass(frozen=True)
class Line:
    """One leg of a movement: ``amount_fen`` signed, positive into ``account_id``."""

    account_id: int
    amount_fen: int


def check_balanced(lines: list[Line]) -> None:
    """Every movement balances: its legs sum to zero, none is zero, and it moves something."""
    if len(lines) < 2 or sum(x.amount_fen for x in lines) != 0:
        raise ValueError("unbalanced movement")
    if any(x.amount_fen == 0 for x in lines):
        raise ValueError("zero leg")


@dataclass(frozen=True)
class CategoryMovement:
    kind: TxKind
    category: Category | None
    inflow_fen: int
    outflow_fen: int
    count: int


@dataclass(frozen=True)
class Statement:
    pool: Pool
    from_date: dt.date
    to_date: dt.date
    opening_fen: int
    closing_fen: int
    inflow_fen: int
    outflow_fen: int
    movements: list[CategoryMovement] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


class LoanStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    REPAID = "repaid"
    REJECTED = "rejected"  # the coordinating committee said no; final


@dataclass(frozen=True)
class Installment:
    due_on: dt.date
    amount_fen: int


@dataclass(frozen=True)
class Guarantee:
    enterprise_id: int
    enterprise_name: str
    amount_fen: int


@dataclass(frozen=True)
class Loan:
    """An emergency loan from a mutual-aid pool to an enterprise (企业互助资金池)."""

    id: int
    pool_id: int
    pool_org_path: str
    enterprise_id: int
    enterprise_name: str
    amount_fen: int
    purpose: str
    status: LoanStatus
    applied_by: str
    approved_by: str | None
    disbursed_on: dt.date | None
    repaid_fen: int
    next_due_on: dt.date | None  # earliest instalment not yet covered by repayments
    installments: tuple[Installment, ...]
    guarantees: tuple[Guarantee, ...]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.repaid_fen if self.status is LoanStatus.DISBURSED else 0

    def exposure_fen(self) -> int:
        """What this loan commits of the borrower's limit: approved or still owed."""
        if self.status is LoanStatus.APPROVED:
            return self.amount_fen
        return self.outstanding_fen


def next_due(installments: tuple[Installment, ...], repaid_fen: int) -> dt.date | None:
    """The due date of the first instalment that repayments so far do not cover."""
    covered = repaid_fen
    for inst in installments:
        if covered < inst.amount_fen:
            return inst.due_on
        covered -= inst.amount_fen
    return None


def days_overdue(loan: Loan, today: dt.date) -> int:
    """Days since the first uncovered instalment fell due (0 when none is late)."""
    if loan.status is not LoanStatus.DISBURSED or loan.next_due_on is None:
        return 0
    return max(0, (today - loan.next_due_on).days)


def overdue_fen(loan: Loan, today: dt.date) -> int:
    """Instalments due before today that repayments do not cover."""
    if loan.status is not LoanStatus.DISBURSED:
        return 0
    due = sum(i.amount_fen for i in loan.installments if i.due_on < today)
    return max(0, due - loan.repaid_fen)


class DuesCategory(StrEnum):
    """How a member's monthly dues are set (党费收缴标准)."""

    EMPLOYED = "employed"  # by monthly income after tax, in brackets
    RETIRED = "retired"  # 离退休: by pension
    STUDENT = "student"  # flat
    UNEMPLOYED = "unemployed"  # flat
    ALLOWANCE = "allowance"  # on basic living allowances (低保): flat


FLAT_DUES_FEN = 20  # 0.20 yuan a month
# (income up to, in fen; rate in basis points): the whole income pays the rate of its bracket.
EMPLOYED_BRACKETS: tuple[tuple[int | None, int], ...] = (
    (300_000, 50),  # up to 3,000 yuan: 0.5%
    (500_000, 100),  # 3,000-5,000: 1%
    (1_000_000, 150),  # 5,000-10,000: 1.5%
    (None, 200),  # above 10,000: 2%
)
RETIRED_BRACKETS: tuple[tuple[int | None, int], ...] = (
    (500_000, 50),  # up to 5,000 yuan: 0.5%
    (None, 100),  # above: 1%
)
INCOME_CATEGORIES = frozenset({DuesCategory.EMPLOYED, DuesCategory.RETIRED})


def monthly_dues_fen(category: DuesCategory, income_fen: int | None) -> int:
    """Monthly dues by the brackets of the Party's dues rules, rounded half up to the fen."""
    if category not in INCOME_CATEGORIES:
        return FLAT_DUES_FEN
    if income_fen is None or income_fen <= 0:
        raise ValueError("an income category needs a positive income")
    brackets = EMPLOYED_BRACKETS if category is DuesCategory.EMPLOYED else RETIRED_BRACKETS
    rate = next(bp for upper, bp in brackets if upper is None or income_fen <= upper)
    return (income_fen * rate + 5_000) // 10_000


@dataclass(frozen=True)
class DuesProfile:
    member_id: int
    member_name: str
    org_id: int
    category: DuesCategory
    income_fen: int | None
    computed_fen: int
    override_fen: int | None
    override_reason: str | None
    version: int
    updated_at: dt.datetime

    @property
    def due_fen(self) -> int:
        return self.override_fen if self.override_fen is not None else self.computed_fen


@dataclass(frozen=True)
class DuesLine:
    id: int
    bill_id: int
    member_id: int
    member_name: str
    amount_fen: int
    paid: bool
    paid_on: dt.date | None
    paid_by_member_id: int | None
    transaction_id: int | None


@dataclass(frozen=True)
class DuesBill:
    id: int
    org_id: int
    org_path: str
    month: dt.date  # the first day of the month
    total_fen: int
    paid_fen: int
    lines: tuple[DuesLine, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class UnpaidLine:
    member_id: int
    member_name: str
    org_id: int
    month: dt.date
    amount_fen: int


@dataclass(frozen=True)
class Arrear:
    member_id: int
    member_name: str
    org_id: int
    unpaid_months: tuple[dt.date, ...]
    owed_fen: int
    longest_run: int  # most consecutive unpaid months
    finding: bool  # six months or more in a row unpaid: a finding for the branch


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def longest_run(months: list[dt.date]) -> int:
    """The most consecutive calendar months in ``months`` (first days, any order)."""
    best = run = 0
    previous: dt.date | None = None
    for m in sorted(set(months)):
        run = run + 1 if previous is not None and next_month(previous) == m else 1
        best = max(best, run)
        previous = m
    return best


def arrears_of(lines: list[UnpaidLine], *, finding_months: int) -> list[Arrear]:
    """Unpaid bill lines grouped per member, with the longest unpaid run and the finding."""
    by_member: dict[int, list[UnpaidLine]] = {}
    for line in lines:
        by_member.setdefault(line.member_id, []).append(line)
    out = []
    for member_id in sorted(by_member):
        own = sorted(by_member[member_id], key=lambda x: x.month)
        months = [x.month for x in own]
        run = longest_run(months)
        out.append(
            Arrear(
                member_id=member_id,
                member_name=own[-1].member_name,
                org_id=own[-1].org_id,
                unpaid_months=tuple(months),
                owed_fen=sum(x.amount_fen for x in own),
                longest_run=run,
                finding=run >= finding_months,
            )
        )
    return out


@dataclass(frozen=True)
class ReturnBalance:
    """Dues a branch pool passed up to a committee pool, and how much came back."""

    pool_id: int  # the branch's pool
    org_id: int
    remitted_fen: int
    returned_fen: int

    @property
    def outstanding_fen(self) -> int:
        return self.remitted_fen - self.returned_fen


class ReliefKind(StrEnum):
    MEMBER = "member"  # a Party member in difficulty
    WORKER = "worker"  # a worker in difficulty (困难职工)


@dataclass(frozen=True)
class ReliefEntry:
    id: int
    survey_id: int
    kind: ReliefKind
    name: str
    member_id: int | None
    enterprise_id: int | None
    hardship: str
    suggested_fen: int | None
    paid_fen: int


@dataclass(frozen=True)
class ReliefSurvey:
    """A quarterly survey of members and workers in difficulty (困难救助摸底)."""

    id: int
    org_id: int
    org_path: str
    year: int
    quarter: int
    title: str
    entries: tuple[ReliefEntry, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class Flow:
    """Money in and out of the pools of one purpose, by kind and category."""

    purpose: PoolPurpose
    kind: TxKind
    category: Category | None
    inflow_fen: int
    outflow_fen: int
    count: int
