"""The funding ledger: pools, their accounts, transactions and append-only entries."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime

Fen = sa.BigInteger()


class FundPoolRow(Base):
    """Money held for a purpose by an organisation. Its subtree comes from a join on the
    owner org (no copied path, so moving the tree rewrites nothing here)."""

    __tablename__ = "fund_pools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.String(32))
    categories: Mapped[str] = mapped_column(sa.String(300))  # comma-separated
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundAccountRow(Base):
    """One account in a pool's books. ``balance_fen`` is maintained by every posting and always
    equals the sum of the account's entries; the pool's own money and its loans receivable
    can never go below zero (checked by the posting's conditional update and here)."""

    __tablename__ = "fund_accounts"
    __table_args__ = (
        sa.UniqueConstraint("pool_id", "ref"),
        sa.CheckConstraint(
            "kind NOT IN ('pool', 'loans_receivable') OR balance_fen >= 0",
            name="asset_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_pools.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    ref: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(200))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    balance_fen: Mapped[int] = mapped_column(Fen, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundTransactionRow(Base):
    """One movement: a balanced set of entries. Never updated or deleted; a correction is a
    reversal that names the transaction it reverses (at most one per transaction)."""

    __tablename__ = "fund_transactions"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.Index("ix_fund_transactions_counter_pool_id_kind", "counter_pool_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_pools.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    amount_fen: Mapped[int] = mapped_column(Fen)
    category: Mapped[str | None] = mapped_column(sa.String(32))
    source_kind: Mapped[str | None] = mapped_column(sa.String(32))
    voucher: Mapped[str | None] = mapped_column(sa.String(100))
    memo: Mapped[str | None] = mapped_column(sa.String(500))
    on_date: Mapped[dt.date]
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fund_transactions.id"), unique=True
    )
    # The other pool of a movement between pools (dues passed up or returned).
    counter_pool_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fund_pools.id"))
    actor: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundEntryRow(Base):
    """One leg of a transaction on one account: signed fen (positive into the account) and the
    account's balance right after it. Append-only."""

    __tablename__ = "fund_entries"
    __table_args__ = (
        sa.Index("ix_fund_entries_account_id_on_date", "account_id", "on_date"),
        sa.CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_accounts.id"))
    amount_fen: Mapped[int] = mapped_column(Fen)
    balance_after_fen: Mapped[int] = mapped_column(Fen)
    on_date: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundSpendingRequestRow(Base):
    """A request for money from a pool by an organisation in the pool owner's subtree; an
    approval pays out through ``transaction_id`` in the same database transaction."""

    __tablename__ = "fund_spending_requests"
    __table_args__ = (
        sa.Index("ix_fund_spending_requests_pool_id_status", "pool_id", "status"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_pools.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(32))
    purpose: Mapped[str] = mapped_column(sa.String(500))
    amount_fen: Mapped[int] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(sa.String(16))
    requested_by: Mapped[str] = mapped_column(sa.String(100))
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))
    transaction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fund_transactions.id"), unique=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundLoanRow(Base):
    """An emergency loan from a mutual-aid pool to an enterprise. ``repaid_fen`` and
    ``next_due_on`` are maintained by every repayment (under the pool's lock), so overdue
    loans are one indexed range."""

    __tablename__ = "fund_loans"
    __table_args__ = (
        sa.Index("ix_fund_loans_pool_id_status_next_due_on", "pool_id", "status", "next_due_on"),
        sa.Index("ix_fund_loans_pool_id_enterprise_id", "pool_id", "enterprise_id"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint("repaid_fen >= 0 AND repaid_fen <= amount_fen", name="repaid_bounded"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_pools.id"))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    amount_fen: Mapped[int] = mapped_column(Fen)
    purpose: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16))
    applied_by: Mapped[str] = mapped_column(sa.String(100))
    approved_by: Mapped[str | None] = mapped_column(sa.String(100))
    disbursed_on: Mapped[dt.date | None]
    disbursement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fund_transactions.id"), unique=True
    )
    repaid_fen: Mapped[int] = mapped_column(Fen, default=0, server_default="0")
    next_due_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundLoanInstallmentRow(Base):
    """The repayment schedule of a loan, in order."""

    __tablename__ = "fund_loan_installments"
    __table_args__ = (
        sa.UniqueConstraint("loan_id", "seq"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_loans.id"))
    seq: Mapped[int]
    due_on: Mapped[dt.date]
    amount_fen: Mapped[int] = mapped_column(Fen)


class FundLoanGuaranteeRow(Base):
    """An enterprise guaranteeing part of a loan (互相担保 / 联保)."""

    __tablename__ = "fund_loan_guarantees"
    __table_args__ = (
        sa.UniqueConstraint("loan_id", "enterprise_id"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_loans.id"))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)


class FundLoanRepaymentRow(Base):
    """A repayment of a loan: the ledger transaction that brought the money back."""

    __tablename__ = "fund_loan_repayments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_loans.id"), index=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_transactions.id"), unique=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    on_date: Mapped[dt.date]


class DuesProfileRow(Base):
    """How a member's monthly dues are set: category and declared monthly income after tax,
    the computed amount, and an override with its reason."""

    __tablename__ = "dues_profiles"
    __table_args__ = (sa.CheckConstraint("computed_fen > 0", name="computed_positive"),)

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(16))
    income_fen: Mapped[int | None] = mapped_column(Fen)
    computed_fen: Mapped[int] = mapped_column(Fen)
    override_fen: Mapped[int | None] = mapped_column(Fen)
    override_reason: Mapped[str | None] = mapped_column(sa.String(300))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DuesBillRow(Base):
    """A branch's dues bill for one month: one line per member affiliated there."""

    __tablename__ = "dues_bills"
    __table_args__ = (sa.UniqueConstraint("org_id", "month"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    month: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DuesBillLineRow(Base):
    """What one member owes for the month, and the payment that settled it."""

    __tablename__ = "dues_bill_lines"
    __table_args__ = (
        sa.UniqueConstraint("bill_id", "member_id"),
        sa.Index("ix_dues_bill_lines_member_id_paid", "member_id", "paid"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("dues_bills.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    amount_fen: Mapped[int] = mapped_column(Fen)
    paid: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    paid_on: Mapped[dt.date | None]
    paid_by_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    transaction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fund_transactions.id"), unique=True
    )


class FundReliefSurveyRow(Base):
    """A quarterly relief survey of an organisation (困难救助摸底)."""

    __tablename__ = "fund_relief_surveys"
    __table_args__ = (
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        sa.Index("ix_fund_relief_surveys_org_id_year", "org_id", "year"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    year: Mapped[int]
    quarter: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FundReliefEntryRow(Base):
    """A member or worker in difficulty listed by a survey; ``paid_fen`` sums the relief
    payments made against the entry (maintained with them, under the pool's lock)."""

    __tablename__ = "fund_relief_entries"
    __table_args__ = (sa.CheckConstraint("paid_fen >= 0", name="paid_not_negative"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_relief_surveys.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(100))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"))
    hardship: Mapped[str] = mapped_column(sa.String(500))
    suggested_fen: Mapped[int | None] = mapped_column(Fen)
    paid_fen: Mapped[int] = mapped_column(Fen, default=0, server_default="0")
