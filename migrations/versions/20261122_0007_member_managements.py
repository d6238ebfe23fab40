"""dual management: member_managements and member_participations; members by standing

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_standing",
            ["standing", "standing_since"],
            sqlite_where=sa.text("standing <> 'active'"),
            postgresql_where=sa.text("standing <> 'active'"),
        )
    op.create_table(
        "member_managements",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=True),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_managements_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_member_managements_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_managements")),
    )
    with op.batch_alter_table("member_managements", schema=None) as batch_op:
        batch_op.create_index("ix_member_managements_member_id_org_id", ["member_id", "org_id"])
        batch_op.create_index("ix_member_managements_org_id_from_date", ["org_id", "from_date"])

    op.create_table(
        "member_participations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("management_id", _ID, nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("activity", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["management_id"],
            ["member_managements.id"],
            name=op.f("fk_member_participations_management_id_member_managements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_participations")),
    )
    with op.batch_alter_table("member_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_participations_management_id"), ["management_id"]
        )


def downgrade() -> None:
    op.drop_table("member_participations")
    op.drop_table("member_managements")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_standing")
