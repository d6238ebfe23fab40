"""What the funding-ledger use cases need from storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from app.domain.funds.model import (
    Account,
    AccountKind,
    Category,
    CategoryMovement,
    DuesBill,
    DuesCategory,
    DuesLine,
    DuesProfile,
    Entry,
    Flow,
    Installment,
    Line,
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
    Transaction,
    TxKind,
    UnpaidLine,
)
from app.domain.pagination import Page, PageRequest


@dataclass(frozen=True)
class NewTransaction:
    pool_id: int
    kind: TxKind
    amount_fen: int
    on_date: dt.date
    actor: str
    category: Category | None = None
    source_kind: SourceKind | None = None
    voucher: str | None = None
    memo: str | None = None
    reverses_id: int | None = None
    counter_pool_id: int | None = None


class FundRepository(Protocol):
    async def add_pool(
        self,
        *,
        org_id: int,
        name: str,
        purpose: PoolPurpose,
        categories: tuple[Category, ...],
        now: dt.datetime,
    ) -> int:
        """Insert a pool with its pool and loans-receivable accounts; its id."""
        ...

    async def get_pool(self, pool_id: int, *, lock: bool = False) -> Pool | None:
        """The pool with its balances; ``lock`` takes its row lock (``FOR UPDATE``) first."""
        ...

    async def pool_of(self, org_id: int, purpose: PoolPurpose) -> int | None:
        """The oldest pool of ``purpose`` owned by ``org_id``."""
        ...

    async def lock_pools(self, pool_ids: list[int]) -> None:
        """Lock the pool rows in ascending id order (PostgreSQL ``FOR UPDATE``); every movement
        holds its pools' locks, so the accounts of a pool change one movement at a time."""
        ...

    async def pools_in_subtree(
        self, path: str, *, purpose: PoolPurpose | None, page: PageRequest
    ) -> Page[Pool]: ...

    async def account(self, pool_id: int, ref: str) -> Account | None: ...

    async def add_account(
        self,
        *,
        pool_id: int,
        kind: AccountKind,
        ref: str,
        label: str,
        enterprise_id: int | None,
        now: dt.datetime,
    ) -> Account: ...

    async def post(
        self, tx: NewTransaction, lines: list[Line], *, now: dt.datetime
    ) -> Transaction | None:
        """Insert the transaction and its entries and move the balances, asset accounts only
        when they stay at or above zero. The posted transaction, or None (nothing written is
        kept: the caller rolls back) when an asset account would go below zero."""
        ...

    async def get_transaction(self, tx_id: int) -> Transaction | None: ...

    async def entries(self, account_id: int, *, page: PageRequest) -> Page[Entry]: ...

    async def balance_before(self, account_id: int, day: dt.date) -> int:
        """Sum of the account's entries dated before ``day``."""
        ...

    async def movements(
        self, account_id: int, start: dt.date, end: dt.date
    ) -> list[CategoryMovement]:
        """The account's entries dated ``start``..``end`` summed by transaction kind and
        category."""
        ...

    async def flows(self, path: str, start: dt.date, end: dt.date) -> list[Flow]:
        """Entries on the pool accounts of pools owned in the subtree at ``path``, dated
        ``start``..``end``, summed by purpose, transaction kind and category."""
        ...

    async def entries_between(
        self, account_id: int, start: dt.date, end: dt.date, *, limit: int
    ) -> list[Entry]: ...


@dataclass(frozen=True)
class NewSpendingRequest:
    pool_id: int
    org_id: int
    category: Category
    purpose: str
    amount_fen: int
    requested_by: str


class SpendingRepository(Protocol):
    async def add(self, new: NewSpendingRequest, *, now: dt.datetime) -> int: ...

    async def get(self, request_id: int) -> SpendingRequest | None: ...

    async def in_subtree(
        self,
        path: str,
        *,
        pool_id: int | None,
        status: RequestStatus | None,
        page: PageRequest,
    ) -> Page[SpendingRequest]:
        """Requests whose requesting organisation lies in the subtree at ``path``."""
        ...

    async def decide(
        self,
        request_id: int,
        *,
        status: RequestStatus,
        decided_by: str,
        note: str | None,
        transaction_id: int | None,
        now: dt.datetime,
    ) -> bool:
        """Move a pending request to ``status``; False when it is no longer pending."""
        ...

    async def of_transaction(self, transaction_id: int) -> SpendingRequest | None:
        """The request whose approval paid out through ``transaction_id``, if any."""
        ...

    async def mark_reversed(self, request_id: int, *, now: dt.datetime) -> bool:
        """Move an approved request to reversed; False when it is not approved."""
        ...


@dataclass(frozen=True)
class NewLoan:
    pool_id: int
    enterprise_id: int
    amount_fen: int
    purpose: str
    applied_by: str
    installments: tuple[Installment, ...]
    guarantees: tuple[tuple[int, int], ...]  # (enterprise id, fen)


class LoanRepository(Protocol):
    async def add(self, new: NewLoan, *, now: dt.datetime) -> int: ...

    async def get(self, loan_id: int) -> Loan | None: ...

    async def in_subtree(
        self,
        path: str | None,
        *,
        pool_id: int | None,
        status: LoanStatus | None,
        due_before: dt.date | None,
        page: PageRequest,
        enterprise_id: int | None = None,
    ) -> Page[Loan]:
        """Loans of pools owned in the subtree at ``path`` (None: anywhere); ``due_before``
        keeps disbursed loans with an uncovered instalment due before that date (the overdue
        ones); ``enterprise_id`` keeps that borrower's."""
        ...

    async def of_borrower(self, pool_id: int, enterprise_id: int) -> list[Loan]: ...

    async def update(
        self, loan_id: int, *, expected: LoanStatus, changes: dict[str, object], now: dt.datetime
    ) -> bool:
        """Apply ``changes`` if the loan is still ``expected``; False otherwise."""
        ...

    async def add_repayment(
        self, loan_id: int, *, transaction_id: int, amount_fen: int, on_date: dt.date
    ) -> None: ...


class DuesRepository(Protocol):
    async def profile(self, member_id: int) -> DuesProfile | None: ...

    async def save_profile(
        self,
        member_id: int,
        *,
        category: DuesCategory,
        income_fen: int | None,
        computed_fen: int,
        override_fen: int | None,
        override_reason: str | None,
        now: dt.datetime,
    ) -> None: ...

    async def billable_members(self, org_id: int) -> list[tuple[int, str, int | None]]:
        """Members affiliated directly with ``org_id``: (id, name, monthly dues or None when
        they have no dues profile)."""
        ...

    async def bill_id(self, org_id: int, month: dt.date) -> int | None: ...

    async def add_bill(
        self, org_id: int, month: dt.date, lines: list[tuple[int, int]], *, now: dt.datetime
    ) -> int:
        """Insert a bill with (member id, fen) lines; raises BillExists on a concurrent twin."""
        ...

    async def get_bill(self, bill_id: int) -> DuesBill | None: ...

    async def bills_in_subtree(
        self, path: str, *, month: dt.date | None, page: PageRequest
    ) -> Page[DuesBill]: ...

    async def line(self, bill_id: int, member_id: int) -> DuesLine | None: ...

    async def mark_paid(
        self, line_id: int, *, paid_on: dt.date, paid_by: int | None, transaction_id: int
    ) -> bool:
        """Mark an unpaid line paid; False when it was paid meanwhile."""
        ...

    async def unpaid_in_subtree(self, path: str, *, before: dt.date) -> list[UnpaidLine]:
        """Unpaid lines of bills for months before ``before`` in the subtree."""
        ...

    async def return_balances(
        self, committee_pool_id: int, *, branch_pool_id: int | None = None
    ) -> list[ReturnBalance]: ...


@dataclass(frozen=True)
class NewReliefEntry:
    kind: ReliefKind
    name: str
    member_id: int | None
    enterprise_id: int | None
    hardship: str
    suggested_fen: int | None


class ReliefRepository(Protocol):
    async def add_survey(
        self,
        *,
        org_id: int,
        year: int,
        quarter: int,
        title: str,
        entries: list[NewReliefEntry],
        now: dt.datetime,
    ) -> int: ...

    async def get(self, survey_id: int) -> ReliefSurvey | None: ...

    async def in_subtree(
        self, path: str, *, year: int | None, page: PageRequest
    ) -> Page[ReliefSurvey]: ...

    async def add_paid(self, entry_id: int, fen: int) -> None: ...
