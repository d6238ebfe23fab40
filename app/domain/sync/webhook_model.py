"""Webhook subscriptions and deliveries: the records and what the use cases need from storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from app.domain.pagination import Page, PageRequest
from app.domain.sync.model import Change


class DeliveryStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Subscription:
    id: int
    client_id: int
    url: str
    event_types: tuple[str, ...]
    secret_enc: str
    active: bool
    cursor: tuple[int, int]
    created_at: dt.datetime

    def __repr__(self) -> str:
        return f"Subscription(id={self.id}, client_id={self.client_id})"


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    outbox_id: int
    event_type: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what the worker needs to send it."""

    delivery: Delivery
    url: str
    secret: str
    change: Change

    def __repr__(self) -> str:
        return f"DueDelivery(id={self.delivery.id})"


class WebhookRepository(Protocol):
    async def add(
        self,
        *,
        client_id: int,
        url: str,
        event_types: list[str],
        secret_enc: str,
        now: dt.datetime,
    ) -> Subscription: ...

    async def get(self, subscription_id: int, *, lock: bool = False) -> Subscription | None: ...

    async def of_client(self, client_id: int) -> list[Subscription]: ...

    async def deactivate(self, subscription_id: int, *, now: dt.datetime) -> None: ...

    async def deliveries(self, subscription_id: int, *, page: PageRequest) -> Page[Delivery]: ...

    async def get_delivery(self, delivery_id: int) -> Delivery | None: ...

    async def reschedule(self, delivery_id: int, *, now: dt.datetime) -> Delivery: ...

    async def claim_subscriptions(self, *, limit: int) -> list[tuple[Subscription, str]]:
        """Active subscriptions with their client's org path, locked (SKIP LOCKED)."""
        ...

    async def outbox_after(
        self, path: str, *, after: tuple[int, int], horizon: int | None, limit: int
    ) -> list[Change]: ...

    async def add_deliveries(
        self, subscription_id: int, changes: list[Change], *, now: dt.datetime
    ) -> None: ...

    async def advance(self, subscription_id: int, cursor: tuple[int, int]) -> None: ...

    async def claim_due(
        self, *, now: dt.datetime, lease_until: dt.datetime, limit: int
    ) -> list[tuple[Delivery, Subscription, Change]]: ...

    async def finish(
        self,
        delivery_id: int,
        *,
        status: str,
        status_code: int | None,
        error: str | None,
        next_attempt_at: dt.datetime | None,
        delivered_at: dt.datetime | None,
    ) -> None: ...
