"""The audit log: appended in the same transaction as the change it records.

Every audited change of a record that belongs to an organisation also lands in the change
outbox (the change feed and webhooks read it), in the same transaction: areas get the feed by
auditing, as they must anyway (docs/decisions.md, D12)."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditRow, ChangeOutboxRow, OrgRow
from app.db.repositories.keyset import keyset_page
from app.domain.audit import AuditEntry, AuditItem
from app.domain.auth.principal import Principal
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sync.model import feed_changes, previous_org_id, reaches_feed

AUDITED = "lianjian_audited"


def to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_role=row.actor_role,
        request_id=row.request_id,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        org_id=row.org_id,
        changes=row.changes or {},
    )


class SqlAuditRepository:
    def __init__(self, session: AsyncSession, clock: Any) -> None:
        self.s = session
        self.clock = clock

    async def record(
        self,
        actor: Principal,
        *,
        action: str,
        target_type: str,
        target_id: object,
        org_id: int | None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        await self.record_many(
            actor,
            [AuditItem(action, target_type, target_id, org_id, changes)],
        )

    async def record_many(self, actor: Principal, items: list[AuditItem]) -> None:
        """Audit entries and their outbox rows, a few statements for any number of items."""
        if not items:
            return
        now = self.clock.now()
        role = actor.role.value if actor.role else None
        for chunk in _chunks(items, 2000):
            await self.s.execute(
                sa.insert(_table(AuditRow)),
                [
                    {
                        "at": now,
                        "actor": actor.subject,
                        "actor_role": role,
                        "request_id": actor.request_id,
                        "action": i.action,
                        "target_type": i.target_type,
                        "target_id": str(i.target_id),
                        "org_id": i.org_id,
                        "changes": i.changes or {},
                    }
                    for i in chunk
                ],
            )
        self.s.info[AUDITED] = True
        await self._outbox(actor, items, now)

    async def _outbox(self, actor: Principal, items: list[AuditItem], now: Any) -> None:
        feed = [i for i in items if reaches_feed(i.target_type, i.action, i.org_id)]
        if not feed:
            return
        org_ids = {i.org_id for i in feed} | {
            p for i in feed if (p := previous_org_id(i.changes)) is not None
        }
        found = await self.s.execute(
            sa.select(OrgRow.id, OrgRow.path).where(OrgRow.id.in_(org_ids))
        )
        paths = {int(r.id): str(r.path) for r in found}
        tx = 0
        if self.s.get_bind().dialect.name == "postgresql":
            # The writing transaction's id: the feed serves a row only once every transaction
            # that could still commit below it has ended (docs/decisions.md, D12).
            tx = int(
                (
                    await self.s.execute(sa.text("SELECT pg_current_xact_id()::text::bigint"))
                ).scalar_one()
            )
        rows = []
        for i in feed:
            assert i.org_id is not None
            prev = previous_org_id(i.changes)
            rows.append(
                {
                    "tx": tx,
                    "at": now,
                    "org_id": i.org_id,
                    "org_path": paths[i.org_id],
                    "prev_org_path": paths.get(prev) if prev is not None else None,
                    "entity": i.target_type,
                    "entity_id": str(i.target_id),
                    "action": i.action,
                    "actor": actor.subject,
                    "changes": feed_changes(i.changes),
                }
            )
        for chunk in _chunks(rows, 2000):
            await self.s.execute(sa.insert(_table(ChangeOutboxRow)), chunk)

    async def for_target(
        self, target_type: str, target_id: str, *, page: PageRequest
    ) -> Page[AuditEntry]:
        stmt = sa.select(AuditRow).where(
            AuditRow.target_type == target_type, AuditRow.target_id == target_id
        )
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=AuditRow.id, desc=True, id_col=AuditRow.id, page=page
        )
        return Page([to_entry(r[0]) for r in rows], nxt)

    async def in_subtree(
        self,
        path: str,
        *,
        page: PageRequest,
        action: str | None = None,
        target_type: str | None = None,
    ) -> Page[AuditEntry]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(AuditRow)
            .join(OrgRow, OrgRow.id == AuditRow.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi)
        )
        if action:
            stmt = stmt.where(AuditRow.action == action)
        if target_type:
            stmt = stmt.where(AuditRow.target_type == target_type)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=AuditRow.id, desc=True, id_col=AuditRow.id, page=page
        )
        return Page([to_entry(r[0]) for r in rows], nxt)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _table(row: type[Any]) -> sa.Table:
    """The Core table of a mapped class: Core inserts skip the ORM's per-row bookkeeping."""
    return cast(sa.Table, row.__table__)
