"""Roster sync: machine clients, their external-id mappings and the change outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, UTCDateTime, path_type


class SyncClientRow(Base):
    """A district (or street) system allowed to sync: its public ``client_key``, the scopes it
    may ask for and the keyed hash of its secret (plus the previous one during a rotation)."""

    __tablename__ = "sync_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    scopes: Mapped[list[str]] = mapped_column(sa.JSON)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    previous_secret_hash: Mapped[str | None] = mapped_column(sa.String(64))
    previous_secret_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ClientExternalIdRow(Base):
    """A client's own id for one of our records, per entity (org, enterprise, member)."""

    __tablename__ = "client_external_ids"
    __table_args__ = (
        sa.UniqueConstraint("client_id", "entity", "external_id"),
        sa.UniqueConstraint("client_id", "entity", "internal_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("sync_clients.id"))
    entity: Mapped[str] = mapped_column(sa.String(16))
    external_id: Mapped[str] = mapped_column(sa.String(100))
    internal_id: Mapped[int] = mapped_column(sa.BigInteger)
    # Keyed hash of the last row applied and the record's version then: a row sent again
    # unchanged while the record is still at that version is unchanged without re-checking.
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    synced_version: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ChangeOutboxRow(Base):
    """The transactional outbox behind the change feed and webhooks: one row per audited change
    of a record that belongs to an organisation, written in the change's own transaction.
    ``tx`` is the writing transaction's id on PostgreSQL (the commit-safe horizon, see
    docs/decisions.md); ``changes`` names changed personal fields without their values."""

    __tablename__ = "change_outbox"
    __table_args__ = (sa.Index("ix_change_outbox_tx_id", "tx", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tx: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    org_id: Mapped[int] = mapped_column(sa.BigInteger)
    org_path: Mapped[str] = mapped_column(path_type())
    prev_org_path: Mapped[str | None] = mapped_column(path_type())
    entity: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(100))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class WebhookSubscriptionRow(Base):
    """A machine client's webhook: where to POST which changes. The signing secret is stored
    AES-GCM encrypted (it must be used in clear to sign). ``cursor_tx``/``cursor_id`` mark how
    far the outbox has been fanned out into deliveries for it."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("sync_clients.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    event_types: Mapped[list[str]] = mapped_column(sa.JSON)
    secret_enc: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    cursor_tx: Mapped[int] = mapped_column(sa.BigInteger, default=-1, server_default="-1")
    cursor_id: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebhookDeliveryRow(Base):
    """One change to deliver to one subscription, with its attempts (the delivery log)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "outbox_id"),
        sa.Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscriptions.id"))
    outbox_id: Mapped[int] = mapped_column(sa.ForeignKey("change_outbox.id"))
    event_type: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SyncJobRow(Base):
    """An uploaded roster file processed by the worker in batches. The parsed rows are kept
    AES-GCM encrypted (they hold id and phone numbers) until the job ends; the per-row problems
    (line, column, code) stay as its error report."""

    __tablename__ = "sync_jobs"
    __table_args__ = (sa.Index("ix_sync_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("sync_clients.id"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))  # queued, running, done
    dry_run: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    scopes: Mapped[list[str]] = mapped_column(sa.JSON)
    request_id: Mapped[str] = mapped_column(sa.String(64))
    total: Mapped[int] = mapped_column(default=0, server_default="0")
    processed: Mapped[int] = mapped_column(default=0, server_default="0")
    created: Mapped[int] = mapped_column(default=0, server_default="0")
    updated: Mapped[int] = mapped_column(default=0, server_default="0")
    unchanged: Mapped[int] = mapped_column(default=0, server_default="0")
    rejected: Mapped[int] = mapped_column(default=0, server_default="0")
    rows_enc: Mapped[str | None] = mapped_column(sa.Text)
    problems: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
