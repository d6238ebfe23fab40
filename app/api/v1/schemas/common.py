"""Shapes shared by every area: page envelopes and audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.domain.audit import AuditEntry

T = TypeVar("T")


class Strict(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    actor_role: str | None
    request_id: str
    action: str
    target_type: str
    target_id: str
    org_id: int | None
    changes: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(
            id=e.id,
            at=e.at,
            actor=e.actor,
            actor_role=e.actor_role,
            request_id=e.request_id,
            action=e.action,
            target_type=e.target_type,
            target_id=e.target_id,
            org_id=e.org_id,
            changes=e.changes,
        )
