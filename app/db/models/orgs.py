from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime, path_type


class OrgRow(Base):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    path: Mapped[str] = mapped_column(path_type(), unique=True)
    depth: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(32))
    formation: Mapped[str | None] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(100))
    code: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    established_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    dissolved_on: Mapped[dt.date | None]
    contact_leader: Mapped[str | None] = mapped_column(sa.String(200))
    child_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Members whose current affiliation is this org, maintained with every affiliation change.
    member_count: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LeaderRow(Base):
    __tablename__ = "org_leaders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(32))
    term_start: Mapped[dt.date]
    term_end: Mapped[dt.date] = mapped_column(index=True)
    ended_on: Mapped[dt.date | None]
    member_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
