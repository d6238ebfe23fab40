"""The audit log: appended in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditRow, OrgRow
from app.db.repositories.keyset import keyset_page
from app.domain.audit import AuditEntry
from app.domain.auth.principal import Principal
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

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
        await self.s.execute(
            sa.insert(AuditRow).values(
                at=self.clock.now(),
                actor=actor.subject,
                actor_role=actor.role.value if actor.role else None,
                request_id=actor.request_id,
                action=action,
                target_type=target_type,
                target_id=str(target_id),
                org_id=org_id,
                changes=changes or {},
            )
        )
        self.s.info[AUDITED] = True

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
