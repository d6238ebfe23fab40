"""funding pools: fund_pools, fund_accounts, fund_transactions, fund_entries (the ledger)
fund_spending_requests and the mutual-aid loans (fund_loans, fund_loan_installments,
fund_loan_guarantees, fund_loan_repayments) and party dues (dues_profiles, dues_bills,
dues_bill_lines) and relief (fund_relief_surveys, fund_relief_entries)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 21:25:14.300332
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "fund_pools",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_fund_pools_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_pools")),
    )
    with op.batch_alter_table("fund_pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_pools_org_id"), ["org_id"], unique=False)

    op.create_table(
        "fund_accounts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", _ID, nullable=True),
        sa.Column("balance_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind NOT IN ('pool', 'loans_receivable') OR balance_fen >= 0",
            name=op.f("ck_fund_accounts_asset_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_fund_accounts_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name=op.f("fk_fund_accounts_pool_id_fund_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_accounts")),
        sa.UniqueConstraint("pool_id", "ref", name=op.f("uq_fund_accounts_pool_id_ref")),
    )
    with op.batch_alter_table("fund_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_accounts_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "fund_transactions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("source_kind", sa.String(length=32), nullable=True),
        sa.Column("voucher", sa.String(length=100), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("reverses_id", _ID, nullable=True),
        sa.Column("counter_pool_id", _ID, nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_fund_transactions_amount_positive")),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name=op.f("fk_fund_transactions_pool_id_fund_pools")
        ),
        sa.ForeignKeyConstraint(
            ["counter_pool_id"],
            ["fund_pools.id"],
            name=op.f("fk_fund_transactions_counter_pool_id_fund_pools"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["fund_transactions.id"],
            name=op.f("fk_fund_transactions_reverses_id_fund_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_transactions")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_fund_transactions_reverses_id")),
    )
    with op.batch_alter_table("fund_transactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_transactions_pool_id"), ["pool_id"], unique=False)
        batch_op.create_index(
            "ix_fund_transactions_counter_pool_id_kind", ["counter_pool_id", "kind"], unique=False
        )

    op.create_table(
        "fund_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("transaction_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_fund_entries_amount_nonzero")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["fund_accounts.id"],
            name=op.f("fk_fund_entries_account_id_fund_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["fund_transactions.id"],
            name=op.f("fk_fund_entries_transaction_id_fund_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_entries")),
    )
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_entries_account_id_on_date", ["account_id", "on_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_entries_transaction_id"), ["transaction_id"], unique=False
        )

    op.create_table(
        "fund_spending_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("transaction_id", _ID, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_fen > 0", name=op.f("ck_fund_spending_requests_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_fund_spending_requests_org_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["fund_pools.id"],
            name=op.f("fk_fund_spending_requests_pool_id_fund_pools"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["fund_transactions.id"],
            name=op.f("fk_fund_spending_requests_transaction_id_fund_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_spending_requests")),
        sa.UniqueConstraint(
            "transaction_id", name=op.f("uq_fund_spending_requests_transaction_id")
        ),
    )
    with op.batch_alter_table("fund_spending_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_spending_requests_pool_id_status", ["pool_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_spending_requests_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "fund_loans",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("applied_by", sa.String(length=100), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column("disbursement_id", _ID, nullable=True),
        sa.Column("repaid_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_fund_loans_amount_positive")),
        sa.CheckConstraint(
            "repaid_fen >= 0 AND repaid_fen <= amount_fen",
            name=op.f("ck_fund_loans_repaid_bounded"),
        ),
        sa.ForeignKeyConstraint(
            ["disbursement_id"],
            ["fund_transactions.id"],
            name=op.f("fk_fund_loans_disbursement_id_fund_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_fund_loans_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name=op.f("fk_fund_loans_pool_id_fund_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_loans")),
        sa.UniqueConstraint("disbursement_id", name=op.f("uq_fund_loans_disbursement_id")),
    )
    with op.batch_alter_table("fund_loans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_loans_pool_id_enterprise_id", ["pool_id", "enterprise_id"], unique=False
        )
        batch_op.create_index(
            "ix_fund_loans_pool_id_status_next_due_on",
            ["pool_id", "status", "next_due_on"],
            unique=False,
        )

    op.create_table(
        "fund_loan_guarantees",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_fund_loan_guarantees_amount_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_fund_loan_guarantees_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["fund_loans.id"], name=op.f("fk_fund_loan_guarantees_loan_id_fund_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_loan_guarantees")),
        sa.UniqueConstraint(
            "loan_id", "enterprise_id", name=op.f("uq_fund_loan_guarantees_loan_id_enterprise_id")
        ),
    )
    with op.batch_alter_table("fund_loan_guarantees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_loan_guarantees_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "fund_loan_installments",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "amount_fen > 0", name=op.f("ck_fund_loan_installments_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["fund_loans.id"],
            name=op.f("fk_fund_loan_installments_loan_id_fund_loans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_loan_installments")),
        sa.UniqueConstraint("loan_id", "seq", name=op.f("uq_fund_loan_installments_loan_id_seq")),
    )
    op.create_table(
        "fund_loan_repayments",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("transaction_id", _ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["fund_loans.id"], name=op.f("fk_fund_loan_repayments_loan_id_fund_loans")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["fund_transactions.id"],
            name=op.f("fk_fund_loan_repayments_transaction_id_fund_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_loan_repayments")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_fund_loan_repayments_transaction_id")),
    )
    with op.batch_alter_table("fund_loan_repayments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_loan_repayments_loan_id"), ["loan_id"], unique=False
        )

    op.create_table(
        "dues_bills",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_dues_bills_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_bills")),
        sa.UniqueConstraint("org_id", "month", name=op.f("uq_dues_bills_org_id_month")),
    )
    op.create_table(
        "dues_bill_lines",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("bill_id", _ID, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_by_member_id", _ID, nullable=True),
        sa.Column("transaction_id", _ID, nullable=True),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_dues_bill_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["dues_bills.id"], name=op.f("fk_dues_bill_lines_bill_id_dues_bills")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dues_bill_lines_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_member_id"],
            ["members.id"],
            name=op.f("fk_dues_bill_lines_paid_by_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["fund_transactions.id"],
            name=op.f("fk_dues_bill_lines_transaction_id_fund_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_bill_lines")),
        sa.UniqueConstraint(
            "bill_id", "member_id", name=op.f("uq_dues_bill_lines_bill_id_member_id")
        ),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_dues_bill_lines_transaction_id")),
    )
    with op.batch_alter_table("dues_bill_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dues_bill_lines_member_id_paid", ["member_id", "paid"], unique=False
        )

    op.create_table(
        "dues_profiles",
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("income_fen", sa.BigInteger(), nullable=True),
        sa.Column("computed_fen", sa.BigInteger(), nullable=False),
        sa.Column("override_fen", sa.BigInteger(), nullable=True),
        sa.Column("override_reason", sa.String(length=300), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("computed_fen > 0", name=op.f("ck_dues_profiles_computed_positive")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dues_profiles_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_dues_profiles")),
    )

    op.create_table(
        "fund_relief_surveys",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quarter BETWEEN 1 AND 4", name=op.f("ck_fund_relief_surveys_quarter_range")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_fund_relief_surveys_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_relief_surveys")),
    )
    with op.batch_alter_table("fund_relief_surveys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_relief_surveys_org_id_year", ["org_id", "year"], unique=False
        )

    op.create_table(
        "fund_relief_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("survey_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("member_id", _ID, nullable=True),
        sa.Column("enterprise_id", _ID, nullable=True),
        sa.Column("hardship", sa.String(length=500), nullable=False),
        sa.Column("suggested_fen", sa.BigInteger(), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("paid_fen >= 0", name=op.f("ck_fund_relief_entries_paid_not_negative")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_fund_relief_entries_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_fund_relief_entries_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["fund_relief_surveys.id"],
            name=op.f("fk_fund_relief_entries_survey_id_fund_relief_surveys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_relief_entries")),
    )
    with op.batch_alter_table("fund_relief_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_relief_entries_survey_id"), ["survey_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("fund_relief_entries")
    op.drop_table("fund_relief_surveys")
    op.drop_table("dues_profiles")
    with op.batch_alter_table("dues_bill_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_dues_bill_lines_member_id_paid")
    op.drop_table("dues_bill_lines")
    op.drop_table("dues_bills")
    with op.batch_alter_table("fund_loan_repayments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_loan_repayments_loan_id"))

    op.drop_table("fund_loan_repayments")
    op.drop_table("fund_loan_installments")
    with op.batch_alter_table("fund_loan_guarantees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_loan_guarantees_enterprise_id"))

    op.drop_table("fund_loan_guarantees")
    with op.batch_alter_table("fund_loans", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_loans_pool_id_status_next_due_on")
        batch_op.drop_index("ix_fund_loans_pool_id_enterprise_id")

    op.drop_table("fund_loans")
    op.drop_table("fund_spending_requests")
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_entries_transaction_id"))
        batch_op.drop_index("ix_fund_entries_account_id_on_date")

    op.drop_table("fund_entries")
    with op.batch_alter_table("fund_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_transactions_pool_id"))

    op.drop_table("fund_transactions")
    with op.batch_alter_table("fund_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_accounts_enterprise_id"))

    op.drop_table("fund_accounts")
    with op.batch_alter_table("fund_pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_pools_org_id"))

    op.drop_table("fund_pools")
