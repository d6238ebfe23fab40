"""SQL for webhook subscriptions and deliveries. Delivery bookkeeping (fan-out, claims,
attempts) is exempt from the audit rule; subscriptions themselves are audited by the use cases."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    ChangeOutboxRow,
    OrgRow,
    SyncClientRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sync.model import Change
from app.domain.sync.webhook_model import Delivery, DeliveryStatus, Subscription

_EXEMPT = {"audit_exempt": True}


def to_subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        client_id=row.client_id,
        url=row.url,
        event_types=tuple(row.event_types or ()),
        secret_enc=row.secret_enc,
        active=row.active,
        cursor=(int(row.cursor_tx), int(row.cursor_id)),
        created_at=row.created_at,
    )


def to_delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        outbox_id=row.outbox_id,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def to_change(row: Any) -> Change:
    return Change(
        id=row.id,
        tx=row.tx,
        at=row.at,
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        org_id=row.org_id,
        actor=row.actor,
        changes=dict(row.changes or {}),
    )


class SqlWebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(
        self,
        *,
        client_id: int,
        url: str,
        event_types: list[str],
        secret_enc: str,
        now: dt.datetime,
    ) -> Subscription:
        # New subscriptions start at the end of the outbox: they deliver changes from now on.
        t = ChangeOutboxRow
        last = (
            await self.s.execute(sa.select(t.tx, t.id).order_by(t.tx.desc(), t.id.desc()).limit(1))
        ).first()
        row = WebhookSubscriptionRow(
            client_id=client_id,
            url=url,
            event_types=event_types,
            secret_enc=secret_enc,
            active=True,
            cursor_tx=int(last.tx) if last else -1,
            cursor_id=int(last.id) if last else 0,
            created_at=now,
            updated_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_subscription(row)

    async def get(self, subscription_id: int, *, lock: bool = False) -> Subscription | None:
        stmt = sa.select(WebhookSubscriptionRow).where(WebhookSubscriptionRow.id == subscription_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return to_subscription(row) if row else None

    async def of_client(self, client_id: int) -> list[Subscription]:
        stmt = (
            sa.select(WebhookSubscriptionRow)
            .where(
                WebhookSubscriptionRow.client_id == client_id,
                WebhookSubscriptionRow.active.is_(True),
            )
            .order_by(WebhookSubscriptionRow.id)
        )
        return [to_subscription(r) for r in (await self.s.execute(stmt)).scalars()]

    async def deactivate(self, subscription_id: int, *, now: dt.datetime) -> None:
        await self.s.execute(
            sa.update(WebhookSubscriptionRow)
            .where(WebhookSubscriptionRow.id == subscription_id)
            .values(active=False, updated_at=now)
        )

    async def deliveries(self, subscription_id: int, *, page: PageRequest) -> Page[Delivery]:
        t = WebhookDeliveryRow
        stmt = sa.select(*cast(sa.Table, t.__table__).c).where(t.subscription_id == subscription_id)
        rows, nxt = await keyset_page(self.s, stmt, key_col=t.id, desc=True, id_col=t.id, page=page)
        return Page([to_delivery(r) for r in rows], nxt)

    async def get_delivery(self, delivery_id: int) -> Delivery | None:
        t = WebhookDeliveryRow
        row = (
            await self.s.execute(
                sa.select(*cast(sa.Table, t.__table__).c).where(t.id == delivery_id)
            )
        ).first()
        return to_delivery(row) if row else None

    async def reschedule(self, delivery_id: int, *, now: dt.datetime) -> Delivery:
        t = WebhookDeliveryRow
        await self.s.execute(
            sa.update(t)
            .where(t.id == delivery_id)
            .values(status=DeliveryStatus.PENDING, next_attempt_at=now, lease_until=None)
        )
        delivery = await self.get_delivery(delivery_id)
        assert delivery is not None
        return delivery

    async def claim_subscriptions(self, *, limit: int) -> list[tuple[Subscription, str]]:
        w = WebhookSubscriptionRow
        stmt = (
            sa.select(w, OrgRow.path)
            .join(SyncClientRow, SyncClientRow.id == w.client_id)
            .join(OrgRow, OrgRow.id == SyncClientRow.org_id)
            .where(w.active.is_(True), SyncClientRow.active.is_(True))
            .order_by(w.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=w)
        )
        return [(to_subscription(r[0]), str(r[1])) for r in await self.s.execute(stmt)]

    async def outbox_after(
        self, path: str, *, after: tuple[int, int], horizon: int | None, limit: int
    ) -> list[Change]:
        lo, hi = subtree_bounds(path)
        t = ChangeOutboxRow
        stmt = (
            sa.select(t)
            .where(
                sa.tuple_(t.tx, t.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])),
                sa.or_(
                    sa.and_(t.org_path >= lo, t.org_path < hi),
                    sa.and_(t.prev_org_path >= lo, t.prev_org_path < hi),
                ),
            )
            .order_by(t.tx, t.id)
            .limit(limit)
        )
        if horizon is not None:
            stmt = stmt.where(t.tx < horizon)
        return [to_change(r) for r in (await self.s.execute(stmt)).scalars()]

    async def add_deliveries(
        self, subscription_id: int, changes: list[Change], *, now: dt.datetime
    ) -> None:
        if not changes:
            return
        await self.s.execute(
            sa.insert(cast(sa.Table, WebhookDeliveryRow.__table__)).execution_options(**_EXEMPT),
            [
                {
                    "subscription_id": subscription_id,
                    "outbox_id": c.id,
                    "event_type": c.action,
                    "status": DeliveryStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "lease_until": None,
                    "created_at": now,
                }
                for c in changes
            ],
        )

    async def advance(self, subscription_id: int, cursor: tuple[int, int]) -> None:
        await self.s.execute(
            sa.update(WebhookSubscriptionRow)
            .where(WebhookSubscriptionRow.id == subscription_id)
            .values(cursor_tx=cursor[0], cursor_id=cursor[1])
            .execution_options(**_EXEMPT)
        )

    async def claim_due(
        self, *, now: dt.datetime, lease_until: dt.datetime, limit: int
    ) -> list[tuple[Delivery, Subscription, Change]]:
        d = WebhookDeliveryRow
        due = (
            sa.select(d.id)
            .where(
                d.status == DeliveryStatus.PENDING,
                d.next_attempt_at <= now,
                sa.or_(d.lease_until.is_(None), d.lease_until < now),
            )
            .order_by(d.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = [int(i) for i in (await self.s.execute(due)).scalars()]
        if not ids:
            return []
        await self.s.execute(
            sa.update(d)
            .where(d.id.in_(ids))
            .values(lease_until=lease_until, attempts=d.attempts + 1)
            .execution_options(**_EXEMPT)
        )
        stmt = (
            sa.select(*cast(sa.Table, d.__table__).c, WebhookSubscriptionRow, ChangeOutboxRow)
            .join(WebhookSubscriptionRow, WebhookSubscriptionRow.id == d.subscription_id)
            .join(ChangeOutboxRow, ChangeOutboxRow.id == d.outbox_id)
            .where(d.id.in_(ids))
            .order_by(d.id)
        )
        out = []
        for r in await self.s.execute(stmt):
            out.append(
                (
                    to_delivery(r),
                    to_subscription(r.WebhookSubscriptionRow),
                    to_change(r.ChangeOutboxRow),
                )
            )
        return out

    async def finish(
        self,
        delivery_id: int,
        *,
        status: str,
        status_code: int | None,
        error: str | None,
        next_attempt_at: dt.datetime | None,
        delivered_at: dt.datetime | None,
    ) -> None:
        d = WebhookDeliveryRow
        values: dict[str, Any] = {
            "status": status,
            "last_status_code": status_code,
            "last_error": error,
            "lease_until": None,
            "delivered_at": delivered_at,
        }
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        await self.s.execute(
            sa.update(d).where(d.id == delivery_id).values(**values).execution_options(**_EXEMPT)
        )
