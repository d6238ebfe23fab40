from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime


class UserRow(Base):
    """A staff or mini-program account; ``org_id`` anchors the subtree its role applies to."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(32))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"))
    # A member-role account's own member record (self-service).
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RefreshTokenRow(Base):
    """Opaque refresh tokens, stored as SHA-256 only. Each use rotates the token; a family
    shares one id so reuse of a rotated token revokes every token descended from the login."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    family_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WechatIdentityRow(Base):
    __tablename__ = "wechat_identities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    openid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # WeChat's session_key, AES-GCM encrypted; it never leaves the server.
    session_key_enc: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WechatBindTicketRow(Base):
    __tablename__ = "wechat_bind_tickets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    openid: Mapped[str] = mapped_column(sa.String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginFailureRow(Base):
    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
