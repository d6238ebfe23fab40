"""Roster sync: pure rules for machine clients, batch rows and the change feed."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.auth.scopes import ROLE_SCOPES, Role
from app.domain.errors import FieldError, InvalidInput

SECRET_CONTEXT = "sync.client_secret"  # noqa: S105 (an HMAC context label)
CLIENT_SUBJECT_PREFIX = "client:"
BATCH_MAX = 5000
EXTERNAL_ID_MAX = 100
# Org kinds a machine client may be registered at (the district and street systems).
CLIENT_ORG_KINDS = frozenset({"district", "street"})
GRACE_MAX_HOURS = 7 * 24

# Scopes a machine client may be granted: everything its role grants.
CLIENT_SCOPES = frozenset(s.value for s in ROLE_SCOPES[Role.SYNC_CLIENT])

# The roster's record types: only their audited changes reach the feed. An allow-list, so a new
# area (money, order sharing, …) never leaks into a feed whose clients hold no scope for it.
FEED_TYPES = frozenset(
    {
        "org",
        "leader",
        "enterprise",
        "instructor",
        "assignment",
        "member",
        "member_transfer",
        "member_management",
    }
)
FEED_EXCLUDED_ACTION_PREFIXES = ("auth.", "sync.")
# Personal fields: the feed says that they changed, never their values (not even encrypted).
PERSONAL_FIELDS = frozenset({"national_id", "phone"})


class Entity(StrEnum):
    ORG = "org"
    ENTERPRISE = "enterprise"
    MEMBER = "member"


class RowStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


def new_client_key() -> str:
    return "ljc_" + secrets.token_hex(12)


def new_client_secret() -> str:
    return "ljs_" + secrets.token_urlsafe(32)


def client_subject(client_id: int) -> str:
    return f"{CLIENT_SUBJECT_PREFIX}{client_id}"


def client_id_of(subject: str) -> int | None:
    """The machine client behind a token subject ("client:12"), None for people."""
    if not subject.startswith(CLIENT_SUBJECT_PREFIX):
        return None
    tail = subject[len(CLIENT_SUBJECT_PREFIX) :]
    return int(tail) if tail.isdigit() else None


def check_client_scopes(requested: list[str]) -> frozenset[str]:
    unknown = sorted(set(requested) - CLIENT_SCOPES)
    if unknown or not requested:
        raise InvalidInput(
            "sync.scope_not_allowed",
            params={"allowed": " ".join(sorted(CLIENT_SCOPES))},
            fields=[FieldError("sync.scope_not_allowed", pointer="/scopes")],
        )
    return frozenset(requested)


def check_grace_hours(hours: int) -> dt.timedelta:
    if not 0 <= hours <= GRACE_MAX_HOURS:
        raise InvalidInput(
            "sync.grace_out_of_range",
            params={"max": GRACE_MAX_HOURS},
            fields=[FieldError("sync.grace_out_of_range", pointer="/grace_hours")],
        )
    return dt.timedelta(hours=hours)


@dataclass(frozen=True)
class SyncClient:
    id: int
    client_key: str
    org_id: int
    name: str
    scopes: frozenset[str]
    secret_hash: str
    previous_secret_hash: str | None
    previous_secret_expires_at: dt.datetime | None
    active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def __repr__(self) -> str:  # no secret hashes in logs
        return f"SyncClient(id={self.id}, org_id={self.org_id})"

    def secret_matches(self, digest: str, now: dt.datetime) -> bool:
        if secrets.compare_digest(digest, self.secret_hash):
            return True
        return (
            self.previous_secret_hash is not None
            and self.previous_secret_expires_at is not None
            and now < self.previous_secret_expires_at
            and secrets.compare_digest(digest, self.previous_secret_hash)
        )


@dataclass(frozen=True)
class IssuedClient:
    """A client with its secret in clear: shown once, when created or rotated."""

    client: SyncClient
    secret: str

    def __repr__(self) -> str:
        return f"IssuedClient(id={self.client.id})"


@dataclass(frozen=True)
class ClientGrant:
    access_token: str
    expires_in: int
    scope: str


def feed_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    """An audit entry's changes as the feed may carry them: personal fields only as changed."""
    out: dict[str, Any] = {}
    for key, value in (changes or {}).items():
        if key in PERSONAL_FIELDS or key.endswith(("_enc", "_hash")):
            base = key.removesuffix("_enc").removesuffix("_hash")
            out[base] = "changed"
        else:
            out[key] = value
    return out


def reaches_feed(target_type: str, action: str, org_id: int | None) -> bool:
    return (
        org_id is not None
        and target_type in FEED_TYPES
        and not action.startswith(FEED_EXCLUDED_ACTION_PREFIXES)
    )


def previous_org_id(changes: dict[str, Any] | None) -> int | None:
    """The org a record left, when the change moved it ({"org_id": {"from": a, "to": b}})."""
    moved = (changes or {}).get("org_id")
    if isinstance(moved, dict) and isinstance(moved.get("from"), int):
        return int(moved["from"])
    return None


@dataclass(frozen=True)
class RowProblem:
    code: str
    pointer: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowResult:
    index: int
    external_id: str | None
    status: RowStatus
    id: int | None = None
    problems: tuple[RowProblem, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    entity: Entity
    dry_run: bool
    results: list[RowResult]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.results if r.status is status)


@dataclass(frozen=True)
class Change:
    """One entry of the change feed."""

    id: int
    tx: int
    at: dt.datetime
    entity: str
    entity_id: str
    action: str
    org_id: int
    actor: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class FeedPage:
    items: list[Change]
    next_cursor: str
    has_more: bool
