"""Shapes shared by every area: page envelopes and audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from app.domain.audit import AuditEntry

T = TypeVar("T")

# Ids are BIGINT keys from 1 up: a value past that names no row, and the database driver
# would refuse to bind it (a 500), so it is refused as invalid input before any use case runs.
ID_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def storable(text: str) -> bool:
    """False for text PostgreSQL cannot hold: a NUL character (it would be a driver error)."""
    return "\x00" not in text


class Input(BaseModel):
    """Every request body: a string with NUL is invalid input, not a 500."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str) and not storable(value):
            raise PydanticCustomError("string_unstorable", "Contains a NUL character")
        return value


class Strict(Input):
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
