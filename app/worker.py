"""`lianjian worker`: delivers webhooks from the change outbox and runs roster upload jobs.

Each round fans new outbox rows out into deliveries (subscriptions claimed with SKIP LOCKED),
then leases due deliveries (SKIP LOCKED, a lease rather than a lock held while sending), sends
them signed, and logs each attempt with its backoff. Several workers may run at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.container import Container
from app.domain.sync import jobs, webhooks
from app.integrations.webhooks import WebhookSender

log = logging.getLogger("lianjian.worker")


async def run_jobs(c: Container, *, chunks: int = 4) -> int:
    """Work on the next upload job for up to ``chunks`` batches; rows processed."""
    async with c.uow() as uow:
        claimed = await jobs.claim_job(uow, cipher=c.cipher)
    if claimed is None:
        return 0
    job, rows = claimed
    async with c.uow(readonly=True) as uow:
        client = await uow.sync.get_client(job.client_id)
    if client is None or not client.active:
        return 0  # a suspended client's job waits (its lease runs out, then it is retried)
    done = 0
    start = job.processed
    for _ in range(chunks):
        if start >= job.total:
            break
        async with c.uow() as uow:
            counts, problems = await jobs.run_chunk(
                uow, job, rows, start=start, org_id=client.org_id, cipher=c.cipher
            )
        size = min(job.total - start, sum(counts.values()))
        start += size
        done += size
        async with c.uow() as uow:
            await jobs.record_progress(uow, job, processed=start, counts=counts, problems=problems)
    return done


async def run_once(c: Container, sender: WebhookSender, *, batch: int = 20) -> tuple[int, int]:
    """One round: (deliveries made by fan-out plus job rows processed, attempts sent)."""
    processed = await run_jobs(c)
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
    return made + processed, len(due)


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
