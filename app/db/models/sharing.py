"""Order sharing (二次发单): requests, invitees, offers, allocations and deliveries."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime

Qty = sa.BigInteger()
Fen = sa.BigInteger()


class ShareRequestRow(Base):
    """A firm's posted work. ``allocated_quantity`` is raised only by a conditional UPDATE and
    a CHECK keeps it within ``quantity``, so allocations can never over-commit a request."""

    __tablename__ = "share_requests"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("kept_quantity >= 0", name="kept_not_negative"),
        sa.CheckConstraint("unit_price_fen > 0", name="price_positive"),
        sa.CheckConstraint(
            "allocated_quantity >= 0 AND allocated_quantity <= quantity", name="allocated_within"
        ),
        sa.CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= allocated_quantity",
            name="accepted_within",
        ),
        sa.Index("ix_share_requests_org_id_id", "org_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    process: Mapped[str] = mapped_column(sa.String(64))
    product: Mapped[str | None] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(16))
    quantity: Mapped[int] = mapped_column(Qty)
    kept_quantity: Mapped[int] = mapped_column(Qty, default=0)
    unit_price_fen: Mapped[int] = mapped_column(Fen)
    quality_standard: Mapped[str] = mapped_column(sa.String(500))
    deadline: Mapped[dt.date]
    visibility: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    allocated_quantity: Mapped[int] = mapped_column(Qty, default=0)
    accepted_quantity: Mapped[int] = mapped_column(Qty, default=0)
    fulfilled_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ShareInviteeRow(Base):
    """An enterprise a request with visibility ``chosen`` is shown to."""

    __tablename__ = "share_invitees"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_requests.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id"), primary_key=True, index=True
    )


class ShareOfferRow(Base):
    __tablename__ = "share_offers"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_requests.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    quantity: Mapped[int] = mapped_column(Qty)
    available_on: Mapped[dt.date]
    unit_price_fen: Mapped[int | None] = mapped_column(Fen)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ShareAllocationRow(Base):
    __tablename__ = "share_allocations"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "passed_quantity >= 0 AND passed_quantity <= quantity", name="passed_within"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_requests.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share_offers.id"))
    quantity: Mapped[int] = mapped_column(Qty)
    unit_price_fen: Mapped[int] = mapped_column(Fen)
    due_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(16))
    passed_quantity: Mapped[int] = mapped_column(Qty, default=0)
    failed_quantity: Mapped[int] = mapped_column(Qty, default=0)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    settled_amount_fen: Mapped[int | None] = mapped_column(Fen)
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ShareDeliveryRow(Base):
    __tablename__ = "share_deliveries"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    allocation_id: Mapped[int] = mapped_column(sa.ForeignKey("share_allocations.id"), index=True)
    quantity: Mapped[int] = mapped_column(Qty)
    delivered_on: Mapped[dt.date]
    quality: Mapped[str] = mapped_column(sa.String(16))
    on_time: Mapped[bool]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CapacityNoticeRow(Base):
    """A firm advertising idle capacity for a process over a period (so posters find it)."""

    __tablename__ = "capacity_notices"
    __table_args__ = (
        sa.CheckConstraint("quantity_per_week > 0", name="quantity_positive"),
        sa.CheckConstraint("available_to >= available_from", name="period_ordered"),
        sa.Index("ix_capacity_notices_org_id_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    process: Mapped[str] = mapped_column(sa.String(64))
    unit: Mapped[str] = mapped_column(sa.String(16))
    quantity_per_week: Mapped[int] = mapped_column(Qty)
    available_from: Mapped[dt.date]
    available_to: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CapacitySiteRow(Base):
    """Where a firm sits in its park (zone, plan coordinates in metres), for adjacency."""

    __tablename__ = "capacity_sites"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    zone: Mapped[str | None] = mapped_column(sa.String(32))
    x_m: Mapped[int]
    y_m: Mapped[int]
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WorkerLoanRequestRow(Base):
    """A firm asking for N workers with a skill for a period (帮工)."""

    __tablename__ = "worker_loan_requests"
    __table_args__ = (
        sa.CheckConstraint("workers_needed > 0", name="workers_positive"),
        sa.CheckConstraint("end_on >= start_on", name="period_ordered"),
        sa.CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= workers_needed", name="confirmed_within"
        ),
        sa.Index("ix_worker_loan_requests_org_id_id", "org_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    skill: Mapped[str] = mapped_column(sa.String(64))
    workers_needed: Mapped[int]
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16))
    confirmed_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WorkerLoanOfferRow(Base):
    """Workers a firm offers to lend against a request: [{"ref": ..., "name": ...}]."""

    __tablename__ = "worker_loan_offers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_loan_requests.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    workers: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WorkerLoanRow(Base):
    """One worker lent from one firm to another for a period (confirmed by the coordinator).
    A worker is identified by the lending firm and its own staff reference."""

    __tablename__ = "worker_loans"
    __table_args__ = (
        sa.CheckConstraint("end_on >= start_on", name="period_ordered"),
        sa.Index("ix_worker_loans_worker", "lender_id", "worker_ref", "start_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_loan_requests.id"), index=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_loan_offers.id"))
    lender_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    worker_ref: Mapped[str] = mapped_column(sa.String(64))
    worker_name: Mapped[str] = mapped_column(sa.String(100))
    skill: Mapped[str] = mapped_column(sa.String(64))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date]
    days: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class JointMembershipRow(Base):
    """A branch secretary of the joint conference or a firm of the enterprise association."""

    __tablename__ = "joint_memberships"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(100))
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"))
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class JointRotaRow(Base):
    """The chairs of the monthly joint meeting in rotation order, from a start month."""

    __tablename__ = "joint_rotas"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    start_month: Mapped[str] = mapped_column(sa.String(7))
    chair_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class JointRotaChangeRow(Base):
    __tablename__ = "joint_rota_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rota_id: Mapped[int] = mapped_column(sa.ForeignKey("joint_rotas.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    month: Mapped[str] = mapped_column(sa.String(7))
    other_month: Mapped[str | None] = mapped_column(sa.String(7))
    reason: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class JointMeetingRow(Base):
    __tablename__ = "joint_meetings"
    __table_args__ = (sa.Index("ix_joint_meetings_park_id_held_on", "park_id", "held_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    held_on: Mapped[dt.date]
    title: Mapped[str] = mapped_column(sa.String(200))
    chair_membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("joint_memberships.id"))
    notes: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CaseRecordRow(Base):
    """A problem raised by a firm, a member or a branch, coordinated until closed."""

    __tablename__ = "case_records"
    __table_args__ = (sa.Index("ix_case_records_park_id_opened_on", "park_id", "opened_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    category: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.String(2000))
    raised_by: Mapped[str] = mapped_column(sa.String(16))
    raised_by_enterprise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enterprises.id"), index=True
    )
    raised_by_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    raised_by_branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    opened_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(16))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("joint_meetings.id"), index=True)
    assignee: Mapped[str | None] = mapped_column(sa.String(100))
    outcome: Mapped[str | None] = mapped_column(sa.String(2000))
    closed_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CaseNoteRow(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_records.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(2000))
    author: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
