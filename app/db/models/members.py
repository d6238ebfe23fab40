"""Members (党员), their affiliation history and their status events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime, path_type


class MemberRow(Base):
    """A Party member. The national id and phone are stored AES-GCM encrypted, with a keyed
    hash beside each for exact-match lookups. ``org_id``/``org_path`` copy the current
    affiliation so subtree listings are one range scan (rewritten with the tree on a move)."""

    __tablename__ = "members"
    __table_args__ = (
        sa.Index("ix_members_subtree", "org_path", "status"),
        # Members not simply active (lost contact, suspended, gone): few, found by standing.
        sa.Index(
            "ix_members_standing",
            "standing",
            "standing_since",
            sqlite_where=sa.text("standing <> 'active'"),
            postgresql_where=sa.text("standing <> 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    gender: Mapped[str] = mapped_column(sa.String(16))
    birth_date: Mapped[dt.date]
    ethnicity: Mapped[str | None] = mapped_column(sa.String(32))
    education: Mapped[str | None] = mapped_column(sa.String(32))
    specialty: Mapped[str | None] = mapped_column(sa.String(100))
    employer_enterprise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enterprises.id"), index=True
    )
    join_date: Mapped[dt.date]
    full_member_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(32))
    # On the roll (active, lost contact, suspended) or gone (struck off, died, left, transferred
    # out of the system); a gone member keeps their row and history but no current affiliation.
    standing: Mapped[str] = mapped_column(sa.String(16), default="active", server_default="active")
    standing_since: Mapped[dt.date | None]
    national_id_enc: Mapped[str] = mapped_column(sa.String(200))
    national_id_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    phone_enc: Mapped[str | None] = mapped_column(sa.String(200))
    phone_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    org_path: Mapped[str] = mapped_column(path_type())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MemberAffiliationRow(Base):
    """Where a member's organisational relationship (组织关系) sat, from when to when. The
    partial unique index makes "exactly one current affiliation" a database fact."""

    __tablename__ = "member_affiliations"
    __table_args__ = (
        sa.Index("ix_member_affiliations_member_id_from_date", "member_id", "from_date"),
        sa.Index(
            "uq_member_affiliations_current",
            "member_id",
            unique=True,
            sqlite_where=sa.text("to_date IS NULL"),
            postgresql_where=sa.text("to_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    from_date: Mapped[dt.date]
    to_date: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(sa.String(200))


class MemberEventRow(Base):
    """Status history: joined, became full member, extended, lost contact, left… Append-only."""

    __tablename__ = "member_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    on_date: Mapped[dt.date]
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PipelineEntryRow(Base):
    """A person in the development pipeline (发展党员) at a branch, before and while becoming
    a member. The id number is encrypted with a keyed hash beside it, exactly as for members;
    one entry under way per number (the partial unique index). The subtree comes from the org."""

    __tablename__ = "pipeline_entries"
    __table_args__ = (
        sa.Index("ix_pipeline_entries_org_id_stage", "org_id", "stage"),
        sa.Index(
            "uq_pipeline_entries_active_national_id_hash",
            "national_id_hash",
            unique=True,
            sqlite_where=sa.text("stage <> 'full'"),
            postgresql_where=sa.text("stage <> 'full'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    gender: Mapped[str] = mapped_column(sa.String(16))
    birth_date: Mapped[dt.date]
    national_id_enc: Mapped[str] = mapped_column(sa.String(200))
    national_id_hash: Mapped[str] = mapped_column(sa.String(64))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    stage: Mapped[str] = mapped_column(sa.String(32))
    stage_date: Mapped[dt.date]
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PipelineStageRow(Base):
    """Every stage an entry reached: when and by whose decision. Append-only."""

    __tablename__ = "pipeline_stages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("pipeline_entries.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(32))
    on_date: Mapped[dt.date]
    deciding_body: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
