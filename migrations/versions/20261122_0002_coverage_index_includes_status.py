"""coverage index includes status (index-only scans for the coverage report)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ["org_path", "industry", "above_scale", "coverage_status"]


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        batch.drop_index("ix_enterprises_coverage")
        # INCLUDE is PostgreSQL's; SQLite keeps the plain index.
        batch.create_index("ix_enterprises_coverage", _COLUMNS, postgresql_include=["status"])


def downgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        batch.drop_index("ix_enterprises_coverage")
        batch.create_index("ix_enterprises_coverage", _COLUMNS)
