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
    Entry,
    Installment,
    Line,
    Loan,
    LoanStatus,
    Pool,
    PoolPurpose,
    RequestStatus,
    SourceKind,
    SpendingRequest,
    Transaction,
    TxKind,
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

    async def get_pool(self, pool_id: int) -> Pool | None: ...

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

    async def post(self, tx: NewTransaction, lines: list[Line], *, now: dt.datetime) -> int | None:
        """Insert the transaction and its entries and move the balances, asset accounts only
        when they stay at or above zero. The transaction id, or None (nothing written is
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
        path: str,
        *,
        pool_id: int | None,
        status: LoanStatus | None,
        due_before: dt.date | None,
        page: PageRequest,
    ) -> Page[Loan]:
        """Loans of pools owned in the subtree at ``path``; ``due_before`` keeps disbursed
        loans with an uncovered instalment due before that date (the overdue ones)."""
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
