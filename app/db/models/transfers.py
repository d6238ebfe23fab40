"""Transfers of members' organisational relationship (组织关系接转)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime, path_type

# States in which a transfer is under way; at most one per member (partial unique index).
OPEN_STATES_SQL = "state IN ('issued', 'accepted')"


class MemberTransferRow(Base):
    """One introduction letter and what became of it. ``from_org_id`` is the sending branch
    (null for a letter from outside the system), ``to_org_id`` the receiving one (null when
    the member leaves the system: ``external_name``/``external_region`` then name it).
    ``from_path``/``to_path`` copy those orgs' paths so the work queues of a subtree are index
    range scans; the org move rewrites them with the tree."""

    __tablename__ = "member_transfers"
    __table_args__ = (
        sa.Index("ix_member_transfers_from_path_state", "from_path", "state"),
        sa.Index("ix_member_transfers_to_path_state", "to_path", "state"),
        sa.Index(
            "uq_member_transfers_open_member_id",
            "member_id",
            unique=True,
            sqlite_where=sa.text(OPEN_STATES_SQL),
            postgresql_where=sa.text(OPEN_STATES_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(16))
    from_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    from_path: Mapped[str | None] = mapped_column(path_type())
    to_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    to_path: Mapped[str | None] = mapped_column(path_type())
    external_name: Mapped[str | None] = mapped_column(sa.String(200))
    external_region: Mapped[str | None] = mapped_column(sa.String(100))
    letter_no: Mapped[str] = mapped_column(sa.String(64))
    dues_paid_until: Mapped[str] = mapped_column(sa.String(7))
    issued_on: Mapped[dt.date]
    valid_until: Mapped[dt.date]
    decided_on: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    reported_on: Mapped[dt.date | None]
    receipt_no: Mapped[str | None] = mapped_column(sa.String(64))
    receipt_on: Mapped[dt.date | None]
    cancelled_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
