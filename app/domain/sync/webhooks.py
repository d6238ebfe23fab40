"""Webhooks of machine clients: subscriptions per client with event types, deliveries fanned
out from the change outbox, signed per Standard Webhooks, retried with exponential backoff, a
delivery log and manual redelivery. The worker process (`lianjian worker`) runs
:func:`fan_out` and :func:`claim_due` / :func:`record_attempt`; several may run at once."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlsplit

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, InvalidInput, NotFound
from app.domain.members.ports import PersonalDataCipher
from app.domain.pagination import Page, PageRequest
from app.domain.ports import UnitOfWork
from app.domain.sync.clients import acting_client
from app.domain.sync.model import Change, client_id_of
from app.domain.sync.webhook_model import Delivery, DeliveryStatus, DueDelivery, Subscription

SECRET_CONTEXT = "webhook.secret"  # noqa: S105 (an encryption context label)
URL_MAX = 2000
EVENT_TYPES_MAX = 50
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 6 * 3600
LEASE_SECONDS = 60


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> str:
    value = url.strip()
    parts = urlsplit(value)
    if (
        len(value) > URL_MAX
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        raise InvalidInput(
            "sync.webhook_url_invalid",
            fields=[FieldError("sync.webhook_url_invalid", pointer="/url")],
        )
    return value


def check_event_types(types: list[str]) -> list[str]:
    """``member.update``, ``member.*`` or ``*``."""
    clean = sorted({t.strip() for t in types})
    ok = bool(clean) and len(clean) <= EVENT_TYPES_MAX
    for t in clean:
        head, _, tail = t.partition(".")
        if t == "*":
            continue
        if (
            not head.replace("_", "").isalnum()
            or not tail
            or not (tail == "*" or tail.replace("_", "").isalnum())
        ):
            ok = False
    if not ok:
        raise InvalidInput(
            "sync.webhook_event_types_invalid",
            fields=[FieldError("sync.webhook_event_types_invalid", pointer="/event_types")],
        )
    return clean


def matches(event_types: tuple[str, ...], action: str) -> bool:
    head = action.split(".", 1)[0]
    return "*" in event_types or action in event_types or f"{head}.*" in event_types


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: 10 s, 20 s, 40 s … at most 6 hours."""
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def payload(change: Change) -> dict[str, Any]:
    """The Standard Webhooks body: type, timestamp and the change (no personal numbers)."""
    return {
        "type": change.action,
        "timestamp": change.at.isoformat(),
        "data": {
            "change_id": change.id,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "action": change.action,
            "org_id": change.org_id,
            "actor": change.actor,
            "changes": change.changes,
        },
    }


def message_id(subscription_id: int, outbox_id: int) -> str:
    """Stable across retries, so receivers can drop duplicates."""
    return f"msg_{subscription_id}_{outbox_id}"


async def _load(
    uow: UnitOfWork, actor: Principal, subscription_id: int, *, lock: bool = False
) -> Subscription:
    """The caller's own active subscription; anyone else's answers 404, as if absent."""
    sub = await uow.webhooks.get(subscription_id, lock=lock)
    if sub is None or sub.client_id != client_id_of(actor.subject) or not sub.active:
        raise NotFound("sync.webhook_not_found", params={"id": subscription_id})
    actor.require(Scope.CHANGES_READ)
    await acting_client(uow, actor)
    return sub


async def create_subscription(
    uow: UnitOfWork,
    actor: Principal,
    *,
    url: str,
    event_types: list[str],
    cipher: PersonalDataCipher,
) -> tuple[Subscription, str]:
    """Subscribe the calling client to changes of its subtree; the secret is shown once."""
    actor.require(Scope.CHANGES_READ)
    client = await acting_client(uow, actor)
    clean_url = check_url(url)
    types = check_event_types(event_types)
    secret = new_webhook_secret()
    sub = await uow.webhooks.add(
        client_id=client.id,
        url=clean_url,
        event_types=types,
        secret_enc=cipher.encrypt(secret, context=SECRET_CONTEXT),
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="webhook.create",
        target_type="webhook_subscription",
        target_id=sub.id,
        org_id=client.org_id,
        changes={"url": clean_url, "event_types": types},
    )
    await uow.commit()
    return sub, secret


async def list_subscriptions(uow: UnitOfWork, actor: Principal) -> list[Subscription]:
    """The calling client's active subscriptions."""
    actor.require(Scope.CHANGES_READ)
    client = await acting_client(uow, actor)
    return await uow.webhooks.of_client(client.id)


async def get_subscription(
    uow: UnitOfWork, actor: Principal, *, subscription_id: int
) -> Subscription:
    """One of the calling client's subscriptions."""
    return await _load(uow, actor, subscription_id)


async def delete_subscription(uow: UnitOfWork, actor: Principal, *, subscription_id: int) -> None:
    """Stop a subscription (its delivery log stays)."""
    sub = await _load(uow, actor, subscription_id, lock=True)
    await uow.webhooks.deactivate(sub.id, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="webhook.delete",
        target_type="webhook_subscription",
        target_id=sub.id,
        org_id=actor.org_id,
        changes={"active": {"from": True, "to": False}},
    )
    await uow.commit()


async def list_deliveries(
    uow: UnitOfWork, actor: Principal, *, subscription_id: int, page: PageRequest
) -> Page[Delivery]:
    """The delivery log of a subscription, newest first."""
    sub = await _load(uow, actor, subscription_id)
    return await uow.webhooks.deliveries(sub.id, page=page)


async def redeliver(
    uow: UnitOfWork, actor: Principal, *, subscription_id: int, delivery_id: int
) -> Delivery:
    """Send a delivery again at once (also a failed one); the message id stays the same."""
    sub = await _load(uow, actor, subscription_id)
    delivery = await uow.webhooks.get_delivery(delivery_id)
    if delivery is None or delivery.subscription_id != sub.id:
        raise NotFound("sync.delivery_not_found", params={"id": delivery_id})
    again = await uow.webhooks.reschedule(delivery.id, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="webhook.redeliver",
        target_type="webhook_subscription",
        target_id=sub.id,
        org_id=actor.org_id,
        changes={"delivery_id": delivery.id},
    )
    await uow.commit()
    return again


# ---- the worker's side (a system process: bookkeeping writes, no actor)


async def fan_out(uow: UnitOfWork, *, limit: int = 500) -> int:
    """Turn new outbox rows into deliveries for every active subscription; returns how many.
    Subscriptions are claimed with SKIP LOCKED, so concurrent workers share them out."""
    made = 0
    horizon = await uow.sync.horizon()
    now = uow.clock.now()
    for sub, path in await uow.webhooks.claim_subscriptions(limit=100):
        changes = await uow.webhooks.outbox_after(
            path, after=sub.cursor, horizon=horizon, limit=limit
        )
        if not changes:
            continue
        wanted = [c for c in changes if matches(sub.event_types, c.action)]
        await uow.webhooks.add_deliveries(sub.id, wanted, now=now)
        await uow.webhooks.advance(sub.id, (changes[-1].tx, changes[-1].id))
        made += len(wanted)
    await uow.commit()
    return made


async def claim_due(
    uow: UnitOfWork, *, cipher: PersonalDataCipher, limit: int = 20
) -> list[DueDelivery]:
    """Lease due deliveries (SKIP LOCKED; a lease, so no lock is held while sending)."""
    now = uow.clock.now()
    claimed = await uow.webhooks.claim_due(
        now=now, lease_until=now + dt.timedelta(seconds=LEASE_SECONDS), limit=limit
    )
    await uow.commit()
    return [
        DueDelivery(d, sub.url, cipher.decrypt(sub.secret_enc, context=SECRET_CONTEXT), change)
        for d, sub, change in claimed
    ]


async def record_attempt(
    uow: UnitOfWork, due: DueDelivery, *, status_code: int | None, error: str | None
) -> str:
    """Log an attempt: delivered on 2xx, else retried after a backoff until MAX_ATTEMPTS."""
    now = uow.clock.now()
    attempts = due.delivery.attempts  # already counted when claimed
    if status_code is not None and 200 <= status_code < 300:
        status, next_at, done = DeliveryStatus.DELIVERED, None, now
    elif attempts >= MAX_ATTEMPTS:
        status, next_at, done = DeliveryStatus.FAILED, None, None
    else:
        status, next_at, done = DeliveryStatus.PENDING, now + backoff(attempts), None
    await uow.webhooks.finish(
        due.delivery.id,
        status=status,
        status_code=status_code,
        error=(error or "")[:300] or None,
        next_attempt_at=next_at,
        delivered_at=done,
    )
    await uow.commit()
    return status
