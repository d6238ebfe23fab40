"""members: roster, affiliations, status events; orgs.member_count; users.member_id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_PATH = sa.String(length=512).with_variant(sa.String(length=512, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("ethnicity", sa.String(length=32), nullable=True),
        sa.Column("education", sa.String(length=32), nullable=True),
        sa.Column("specialty", sa.String(length=100), nullable=True),
        sa.Column("employer_enterprise_id", _ID, nullable=True),
        sa.Column("join_date", sa.Date(), nullable=False),
        sa.Column("full_member_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("national_id_enc", sa.String(length=200), nullable=False),
        sa.Column("national_id_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_enc", sa.String(length=200), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("org_path", _PATH, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_members_employer_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_members_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("national_id_hash", name=op.f("uq_members_national_id_hash")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_members_employer_enterprise_id"), ["employer_enterprise_id"]
        )
        batch_op.create_index(batch_op.f("ix_members_org_id"), ["org_id"])
        batch_op.create_index(batch_op.f("ix_members_phone_hash"), ["phone_hash"])
        batch_op.create_index("ix_members_subtree", ["org_path", "status"])

    op.create_table(
        "member_affiliations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_affiliations_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_member_affiliations_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_affiliations")),
    )
    with op.batch_alter_table("member_affiliations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_affiliations_member_id_from_date", ["member_id", "from_date"]
        )
        batch_op.create_index(batch_op.f("ix_member_affiliations_org_id"), ["org_id"])
        # Exactly one current affiliation per member, enforced by the database.
        batch_op.create_index(
            "uq_member_affiliations_current",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("to_date IS NULL"),
            postgresql_where=sa.text("to_date IS NULL"),
        )

    op.create_table(
        "member_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_events_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_events")),
    )
    with op.batch_alter_table("member_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_events_member_id"), ["member_id"])

    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_count", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_member_id_members"), "members", ["member_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_member_id_members"), type_="foreignkey")
        batch_op.drop_column("member_id")
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_column("member_count")
    op.drop_table("member_events")
    op.drop_table("member_affiliations")
    op.drop_table("members")
