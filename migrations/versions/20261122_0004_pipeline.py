"""development pipeline: pipeline_entries and their pipeline_stages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pipeline_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("national_id_enc", sa.String(length=200), nullable=False),
        sa.Column("national_id_hash", sa.String(length=64), nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("stage_date", sa.Date(), nullable=False),
        sa.Column("member_id", _ID, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_pipeline_entries_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_pipeline_entries_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_entries")),
    )
    with op.batch_alter_table("pipeline_entries", schema=None) as batch_op:
        batch_op.create_index("ix_pipeline_entries_org_id_stage", ["org_id", "stage"])
        batch_op.create_index(batch_op.f("ix_pipeline_entries_member_id"), ["member_id"])
        # One application under way per id number.
        batch_op.create_index(
            "uq_pipeline_entries_active_national_id_hash",
            ["national_id_hash"],
            unique=True,
            sqlite_where=sa.text("stage <> 'full'"),
            postgresql_where=sa.text("stage <> 'full'"),
        )

    op.create_table(
        "pipeline_stages",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("entry_id", _ID, nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("deciding_body", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["pipeline_entries.id"],
            name=op.f("fk_pipeline_stages_entry_id_pipeline_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_stages")),
    )
    with op.batch_alter_table("pipeline_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pipeline_stages_entry_id"), ["entry_id"])


def downgrade() -> None:
    op.drop_table("pipeline_stages")
    op.drop_table("pipeline_entries")
