"""Relay-style connections over our keyset pages, and shared scalars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from app.domain.audit import AuditEntry
from app.domain.pagination import encode_cursor

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without edges.")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def connection(
    nodes: list[Any],
    *,
    kind: str,
    sort: str,
    key: Callable[[Any], tuple[Any, ...]],
    has_next: bool,
    wrap: Callable[[Any], Any] = lambda n: n,
) -> Any:
    """Each edge's cursor is the keyset position of its node, so a client may resume anywhere."""
    edges = [Edge(cursor=encode_cursor(kind, sort, key(n)) or "", node=wrap(n)) for n in nodes]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
    )


@strawberry.type
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    actor_role: str | None
    request_id: str
    action: str
    target_type: str
    target_id: str
    org_id: int | None
    changes: JSON

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEvent:
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
            changes=cast(JSON, e.changes),
        )
