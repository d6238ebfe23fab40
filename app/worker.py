"""`lianjian worker`: delivers webhooks from the change outbox.

Each round fans new outbox rows out into deliveries (subscriptions claimed with SKIP LOCKED),
then leases due deliveries (SKIP LOCKED, a lease rather than a lock held while sending), sends
them signed, and logs each attempt with its backoff. Several workers may run at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.container import Container
from app.domain.sync import webhooks
from app.integrations.webhooks import WebhookSender

log = logging.getLogger("lianjian.worker")


async def run_once(c: Container, sender: WebhookSender, *, batch: int = 20) -> tuple[int, int]:
    """One round: (deliveries made by fan-out, attempts sent)."""
    async with c.uow() as uow:
        made = await webhooks.fan_out(uow)
    async with c.uow() as uow:
        due = await webhooks.claim_due(uow, cipher=c.cipher, limit=batch)
    results = await asyncio.gather(
        *(
            sender.send(
                d.url,
                secret=d.secret,
                msg_id=webhooks.message_id(d.delivery.subscription_id, d.change.id),
                payload=webhooks.payload(d.change),
            )
            for d in due
        )
    )
    for d, (status_code, error) in zip(due, results, strict=True):
        async with c.uow() as uow:
            outcome = await webhooks.record_attempt(uow, d, status_code=status_code, error=error)
        log.info(
            "webhook delivery",
            extra={"delivery_id": d.delivery.id, "status": outcome, "code": status_code},
        )
    return made, len(due)


async def run(
    c: Container, *, poll_seconds: float = 1.0, stop: asyncio.Event | None = None
) -> None:
    sender = WebhookSender()
    stop = stop or asyncio.Event()
    try:
        while not stop.is_set():
            try:
                made, sent = await run_once(c, sender)
            except Exception:  # keep the worker alive; the round is retried
                log.exception("worker round failed")
                made, sent = 0, 0
            if not made and not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
    finally:
        await sender.close()
