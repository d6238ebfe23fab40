"""GraphQL types of the funding ledger. Money is a String ("8500000.00"), never a Float."""

from __future__ import annotations

import datetime as dt

import strawberry

from app.domain.funds.model import (
    AccountKind,
    Category,
    CategoryMovement,
    Entry,
    Pool,
    PoolPurpose,
    SourceKind,
    Statement,
    Transaction,
    TxKind,
    format_money,
)

strawberry.enum(PoolPurpose, name="FundPoolPurpose")
strawberry.enum(Category, name="FundCategory")
strawberry.enum(SourceKind, name="FundSourceKind")
strawberry.enum(AccountKind, name="FundAccountKind")
strawberry.enum(TxKind, name="FundTransactionKind")


@strawberry.type(name="FundPool", description="Money held for a purpose by an organisation.")
class PoolType:
    id: int
    org_id: int
    name: str
    purpose: PoolPurpose
    categories: list[Category]
    balance: str = strawberry.field(description="Decimal string, two decimals.")
    loans_outstanding: str
    version: int
    created_at: dt.datetime

    @classmethod
    def of(cls, p: Pool) -> PoolType:
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
        )


@strawberry.type(name="FundEntry", description="One leg of a transaction on one account.")
class EntryType:
    id: int
    transaction_id: int
    account_id: int
    account_kind: AccountKind
    account_label: str
    amount: str = strawberry.field(description="Signed: positive into the account.")
    balance_after: str
    on_date: dt.date
    kind: TxKind | None
    category: Category | None

    @classmethod
    def of(cls, e: Entry) -> EntryType:
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
        )


@strawberry.type(name="FundTransaction", description="A balanced movement of money.")
class TransactionType:
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
    created_at: dt.datetime
    entries: list[EntryType]

    @classmethod
    def of(cls, t: Transaction) -> TransactionType:
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
            created_at=t.created_at,
            entries=[EntryType.of(e) for e in t.entries],
        )


@strawberry.type(name="FundMovement", description="Money in and out by kind and category.")
class MovementType:
    kind: TxKind
    category: Category | None
    inflow: str
    outflow: str
    count: int

    @classmethod
    def of(cls, m: CategoryMovement) -> MovementType:
        return cls(
            kind=m.kind,
            category=m.category,
            inflow=format_money(m.inflow_fen),
            outflow=format_money(m.outflow_fen),
            count=m.count,
        )


@strawberry.type(name="FundStatement", description="Opening, movements and closing.")
class StatementType:
    pool_id: int
    from_date: dt.date
    to_date: dt.date
    opening: str
    inflow: str
    outflow: str
    closing: str
    movements: list[MovementType]

    @classmethod
    def of(cls, s: Statement) -> StatementType:
        return cls(
            pool_id=s.pool.id,
            from_date=s.from_date,
            to_date=s.to_date,
            opening=format_money(s.opening_fen),
            inflow=format_money(s.inflow_fen),
            outflow=format_money(s.outflow_fen),
            closing=format_money(s.closing_fen),
            movements=[MovementType.of(m) for m in s.movements],
        )
