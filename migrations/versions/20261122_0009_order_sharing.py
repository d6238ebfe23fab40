"""order sharing and the joint mechanism: share_requests, share_invitees, share_offers,
share_allocations, share_deliveries, capacity_notices, capacity_sites, worker_loan_requests,
worker_loan_offers, worker_loans, joint_memberships, joint_rotas, joint_rota_changes,
joint_meetings, case_records, case_notes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "share_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("process", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("kept_quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("quality_standard", sa.String(length=500), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("allocated_quantity", sa.BigInteger(), nullable=False),
        sa.Column("accepted_quantity", sa.BigInteger(), nullable=False),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= allocated_quantity",
            name=op.f("ck_share_requests_accepted_within"),
        ),
        sa.CheckConstraint(
            "allocated_quantity >= 0 AND allocated_quantity <= quantity",
            name=op.f("ck_share_requests_allocated_within"),
        ),
        sa.CheckConstraint("kept_quantity >= 0", name=op.f("ck_share_requests_kept_not_negative")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_share_requests_quantity_positive")),
        sa.CheckConstraint("unit_price_fen > 0", name=op.f("ck_share_requests_price_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_share_requests_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_share_requests_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_requests")),
    )
    with op.batch_alter_table("share_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_requests_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_share_requests_org_id_id", ["org_id", "id"], unique=False)

    op.create_table(
        "share_invitees",
        sa.Column("request_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_share_invitees_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["share_requests.id"],
            name=op.f("fk_share_invitees_request_id_share_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", "enterprise_id", name=op.f("pk_share_invitees")),
    )
    with op.batch_alter_table("share_invitees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_invitees_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "share_offers",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("request_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("available_on", sa.Date(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_share_offers_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_share_offers_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["share_requests.id"],
            name=op.f("fk_share_offers_request_id_share_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_offers")),
    )
    with op.batch_alter_table("share_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_offers_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_share_offers_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "share_allocations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("request_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("offer_id", _ID, nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("passed_quantity", sa.BigInteger(), nullable=False),
        sa.Column("failed_quantity", sa.BigInteger(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "passed_quantity >= 0 AND passed_quantity <= quantity",
            name=op.f("ck_share_allocations_passed_within"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_share_allocations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_share_allocations_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["share_offers.id"],
            name=op.f("fk_share_allocations_offer_id_share_offers"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["share_requests.id"],
            name=op.f("fk_share_allocations_request_id_share_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_allocations")),
    )
    with op.batch_alter_table("share_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_allocations_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_share_allocations_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "share_deliveries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("allocation_id", _ID, nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("quality", sa.String(length=16), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_share_deliveries_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["share_allocations.id"],
            name=op.f("fk_share_deliveries_allocation_id_share_allocations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_deliveries")),
    )
    with op.batch_alter_table("share_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_deliveries_allocation_id"), ["allocation_id"], unique=False
        )

    op.create_table(
        "capacity_notices",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("process", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("quantity_per_week", sa.BigInteger(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("available_to", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "available_to >= available_from", name=op.f("ck_capacity_notices_period_ordered")
        ),
        sa.CheckConstraint(
            "quantity_per_week > 0", name=op.f("ck_capacity_notices_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_capacity_notices_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_capacity_notices_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_notices")),
    )
    with op.batch_alter_table("capacity_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_notices_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            "ix_capacity_notices_org_id_status", ["org_id", "status"], unique=False
        )

    op.create_table(
        "capacity_sites",
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("zone", sa.String(length=32), nullable=True),
        sa.Column("x_m", sa.Integer(), nullable=False),
        sa.Column("y_m", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_capacity_sites_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", name=op.f("pk_capacity_sites")),
    )

    op.create_table(
        "worker_loan_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("workers_needed", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= workers_needed",
            name=op.f("ck_worker_loan_requests_confirmed_within"),
        ),
        sa.CheckConstraint(
            "end_on >= start_on", name=op.f("ck_worker_loan_requests_period_ordered")
        ),
        sa.CheckConstraint(
            "workers_needed > 0", name=op.f("ck_worker_loan_requests_workers_positive")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_worker_loan_requests_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_worker_loan_requests_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_loan_requests")),
    )
    with op.batch_alter_table("worker_loan_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worker_loan_requests_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_worker_loan_requests_org_id_id", ["org_id", "id"], unique=False)

    op.create_table(
        "worker_loan_offers",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("request_id", _ID, nullable=False),
        sa.Column("enterprise_id", _ID, nullable=False),
        sa.Column("workers", sa.JSON(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_worker_loan_offers_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["worker_loan_requests.id"],
            name=op.f("fk_worker_loan_offers_request_id_worker_loan_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_loan_offers")),
    )
    with op.batch_alter_table("worker_loan_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worker_loan_offers_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_worker_loan_offers_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "worker_loans",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("request_id", _ID, nullable=False),
        sa.Column("offer_id", _ID, nullable=False),
        sa.Column("lender_id", _ID, nullable=False),
        sa.Column("borrower_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("worker_ref", sa.String(length=64), nullable=False),
        sa.Column("worker_name", sa.String(length=100), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_worker_loans_period_ordered")),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["enterprises.id"],
            name=op.f("fk_worker_loans_borrower_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["lender_id"], ["enterprises.id"], name=op.f("fk_worker_loans_lender_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["worker_loan_offers.id"],
            name=op.f("fk_worker_loans_offer_id_worker_loan_offers"),
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_worker_loans_org_id_orgs")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["worker_loan_requests.id"],
            name=op.f("fk_worker_loans_request_id_worker_loan_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_loans")),
    )
    with op.batch_alter_table("worker_loans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worker_loans_borrower_id"), ["borrower_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_worker_loans_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_worker_loans_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            "ix_worker_loans_worker", ["lender_id", "worker_ref", "start_on"], unique=False
        )

    op.create_table(
        "joint_rotas",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("park_id", _ID, nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.Column("chair_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["orgs.id"], name=op.f("fk_joint_rotas_park_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_rotas")),
    )
    with op.batch_alter_table("joint_rotas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_joint_rotas_park_id"), ["park_id"], unique=False)

    op.create_table(
        "joint_memberships",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("park_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("branch_id", _ID, nullable=True),
        sa.Column("enterprise_id", _ID, nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["orgs.id"], name=op.f("fk_joint_memberships_branch_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_joint_memberships_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["orgs.id"], name=op.f("fk_joint_memberships_park_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_memberships")),
    )
    with op.batch_alter_table("joint_memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_joint_memberships_park_id"), ["park_id"], unique=False)

    op.create_table(
        "joint_rota_changes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("rota_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("other_month", sa.String(length=7), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rota_id"], ["joint_rotas.id"], name=op.f("fk_joint_rota_changes_rota_id_joint_rotas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_rota_changes")),
    )
    with op.batch_alter_table("joint_rota_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_joint_rota_changes_rota_id"), ["rota_id"], unique=False
        )

    op.create_table(
        "joint_meetings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("park_id", _ID, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("chair_membership_id", _ID, nullable=True),
        sa.Column("notes", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_membership_id"],
            ["joint_memberships.id"],
            name=op.f("fk_joint_meetings_chair_membership_id_joint_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["orgs.id"], name=op.f("fk_joint_meetings_park_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_meetings")),
    )
    with op.batch_alter_table("joint_meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_joint_meetings_park_id_held_on", ["park_id", "held_on"], unique=False
        )

    op.create_table(
        "case_records",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("park_id", _ID, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("raised_by", sa.String(length=16), nullable=False),
        sa.Column("raised_by_enterprise_id", _ID, nullable=True),
        sa.Column("raised_by_member_id", _ID, nullable=True),
        sa.Column("raised_by_branch_id", _ID, nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("meeting_id", _ID, nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=2000), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["joint_meetings.id"],
            name=op.f("fk_case_records_meeting_id_joint_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["orgs.id"], name=op.f("fk_case_records_park_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_branch_id"],
            ["orgs.id"],
            name=op.f("fk_case_records_raised_by_branch_id_orgs"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_case_records_raised_by_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_member_id"],
            ["members.id"],
            name=op.f("fk_case_records_raised_by_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_records")),
    )
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_records_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            "ix_case_records_park_id_opened_on", ["park_id", "opened_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_records_raised_by_enterprise_id"),
            ["raised_by_enterprise_id"],
            unique=False,
        )

    op.create_table(
        "case_notes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_records.id"], name=op.f("fk_case_notes_case_id_case_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    for table in (
        "case_notes",
        "case_records",
        "joint_meetings",
        "joint_rota_changes",
        "joint_memberships",
        "joint_rotas",
        "worker_loans",
        "worker_loan_offers",
        "worker_loan_requests",
        "capacity_sites",
        "capacity_notices",
        "share_deliveries",
        "share_allocations",
        "share_offers",
        "share_invitees",
        "share_requests",
    ):
        op.drop_table(table)
