"""member transfers (组织关系接转): member_transfers, one open transfer per member

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OPEN = "state IN ('issued', 'accepted')"
_PATH = sa.String(length=512).with_variant(sa.String(length=512, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "member_transfers",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("from_org_id", _ID, nullable=True),
        sa.Column("from_path", _PATH, nullable=True),
        sa.Column("to_org_id", _ID, nullable=True),
        sa.Column("to_path", _PATH, nullable=True),
        sa.Column("external_name", sa.String(length=200), nullable=True),
        sa.Column("external_region", sa.String(length=100), nullable=True),
        sa.Column("letter_no", sa.String(length=64), nullable=False),
        sa.Column("dues_paid_until", sa.String(length=7), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("receipt_no", sa.String(length=64), nullable=True),
        sa.Column("receipt_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_transfers_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["orgs.id"], name=op.f("fk_member_transfers_from_org_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"], ["orgs.id"], name=op.f("fk_member_transfers_to_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_transfers")),
    )
    with op.batch_alter_table("member_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_transfers_member_id"), ["member_id"])
        batch_op.create_index("ix_member_transfers_from_path_state", ["from_path", "state"])
        batch_op.create_index("ix_member_transfers_to_path_state", ["to_path", "state"])
        # One transfer under way per member, whatever the application does.
        batch_op.create_index(
            "uq_member_transfers_open_member_id",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )


def downgrade() -> None:
    op.drop_table("member_transfers")
