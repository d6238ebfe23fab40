"""member standing: on the roll or gone (struck off, died, left, transferred out)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(
            sa.Column("standing", sa.String(length=16), server_default="active", nullable=False)
        )
        batch.add_column(sa.Column("standing_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("standing_since")
        batch.drop_column("standing")
