from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime, path_type


class EnterpriseRow(Base):
    """A two-new organisation. ``org_path`` copies the territorial org's path so coverage over
    a subtree is one range scan of this table (rewritten with the org tree on a move)."""

    __tablename__ = "enterprises"
    __table_args__ = (
        # Covering (status included) so a subtree's report is an index-only scan on PostgreSQL.
        sa.Index(
            "ix_enterprises_coverage",
            "org_path",
            "industry",
            "above_scale",
            "coverage_status",
            postgresql_include=["status"],
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    industry: Mapped[str] = mapped_column(sa.String(64))
    above_scale: Mapped[bool] = mapped_column(default=False)
    employee_count: Mapped[int] = mapped_column(default=0)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    owner_name: Mapped[str | None] = mapped_column(sa.String(100))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    org_path: Mapped[str] = mapped_column(path_type())
    coverage_status: Mapped[str] = mapped_column(sa.String(16), default="none")
    covering_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    coverage_mode: Mapped[str | None] = mapped_column(sa.String(16))
    covered_since: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class InstructorRow(Base):
    """A Party-building instructor (党建指导员) who gives enterprises work coverage."""

    __tablename__ = "instructors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[str] = mapped_column(sa.String(32))
    full_time: Mapped[bool] = mapped_column(default=False)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class InstructorAssignmentRow(Base):
    __tablename__ = "instructor_assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    instructor_id: Mapped[int] = mapped_column(sa.ForeignKey("instructors.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
