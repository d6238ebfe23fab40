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


# Loan movements are reversed by the loan's own operations, never by a bare reversal.
NOT_REVERSIBLE = frozenset({TxKind.REVERSAL, TxKind.DISBURSEMENT, TxKind.REPAYMENT})


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


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
