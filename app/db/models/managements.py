"""Dual management (一方隶属、双重管理): a member affiliated elsewhere, managed by another
organisation for a period, and the activities they took part in there."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime


class MemberManagementRow(Base):
    """One registration: ``org_id`` manages ``member_id`` from ``from_date`` to ``to_date``
    (open when null). Ending it sets ``to_date`` and ``ended_on``. The managing org's subtree
    comes from a join on orgs, so moving an org needs no rewrite here."""

    __tablename__ = "member_managements"
    __table_args__ = (
        sa.Index("ix_member_managements_member_id_org_id", "member_id", "org_id"),
        sa.Index("ix_member_managements_org_id_from_date", "org_id", "from_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    certificate_no: Mapped[str | None] = mapped_column(sa.String(64))
    from_date: Mapped[dt.date]
    to_date: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MemberParticipationRow(Base):
    """An activity (三会一课, volunteering…) a managed member took part in at the managing org."""

    __tablename__ = "member_participations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    management_id: Mapped[int] = mapped_column(sa.ForeignKey("member_managements.id"), index=True)
    on_date: Mapped[dt.date]
    activity: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
