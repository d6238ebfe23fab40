"""Audit entries: who did what to which object, from which request. Append-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
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


@dataclass(frozen=True)
class AuditItem:
    """One change to record, for recording many in one go (bulk imports)."""

    action: str
    target_type: str
    target_id: object
    org_id: int | None
    changes: dict[str, Any] | None = None
