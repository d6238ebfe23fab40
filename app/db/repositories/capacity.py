"""SQL for capacity notices, park sites and the outstanding work suggestions subtract."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    CapacityNoticeRow,
    CapacitySiteRow,
    OrgRow,
    ShareAllocationRow,
    ShareRequestRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sharing.capacity_model import CapacityNotice, NoticeStatus, Site
from app.domain.sharing.model import AllocationStatus

_N = CapacityNoticeRow
_N_COLUMNS = [c for c in _N.__table__.c]


def _select() -> sa.Select[Any]:
    return sa.select(*_N_COLUMNS, OrgRow.path.label("org_path")).join(
        OrgRow, OrgRow.id == _N.org_id
    )


def to_notice(row: Any) -> CapacityNotice:
    return CapacityNotice(
        id=row.id,
        enterprise_id=row.enterprise_id,
        org_id=row.org_id,
        org_path=row.org_path,
        process=row.process,
        unit=row.unit,
        quantity_per_week=row.quantity_per_week,
        available_from=row.available_from,
        available_to=row.available_to,
        note=row.note,
        status=NoticeStatus(row.status),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_site(row: Any) -> Site:
    return Site(
        enterprise_id=row.enterprise_id,
        zone=row.zone,
        x_m=row.x_m,
        y_m=row.y_m,
        updated_at=row.updated_at,
    )


class SqlCapacityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, notice_id: int, *, lock: bool = False) -> CapacityNotice | None:
        stmt = _select().where(_N.id == notice_id)
        if lock:
            stmt = stmt.with_for_update(of=_N)
        row = (await self.s.execute(stmt)).first()
        return to_notice(row) if row else None

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> CapacityNotice:
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}
        stmt = sa.insert(_N).values(**values, version=1, created_at=now, updated_at=now)
        new_id = (await self.s.execute(stmt.returning(_N.id))).scalar_one()
        got = await self.get(new_id)
        assert got is not None
        return got

    async def set_status(
        self, notice_id: int, status: NoticeStatus, *, now: dt.datetime
    ) -> CapacityNotice:
        await self.s.execute(
            sa.update(_N)
            .where(_N.id == notice_id)
            .values(status=status.value, version=_N.version + 1, updated_at=now)
        )
        got = await self.get(notice_id)
        assert got is not None
        return got

    async def subtree(
        self,
        path: str,
        *,
        process: str | None,
        enterprise_id: int | None,
        active_on: dt.date | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[CapacityNotice]:
        lo, hi = subtree_bounds(path)
        stmt = _select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if process is not None:
            stmt = stmt.where(_N.process == process)
        if enterprise_id is not None:
            stmt = stmt.where(_N.enterprise_id == enterprise_id)
        if active_on is not None:
            stmt = stmt.where(
                _N.status == NoticeStatus.ACTIVE.value,
                _N.available_from <= active_on,
                _N.available_to >= active_on,
            )
        if viewer is not None:
            own, host = viewer
            stmt = stmt.where(
                sa.or_(
                    _N.enterprise_id == own,
                    sa.and_(_N.org_id == host, _N.status == NoticeStatus.ACTIVE.value),
                )
            )
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_N.id, desc=True, id_col=_N.id, page=page
        )
        return Page([to_notice(r) for r in rows], nxt)

    async def active_in_window(
        self, org_id: int, *, start: dt.date, end: dt.date, limit: int
    ) -> list[CapacityNotice]:
        """Active notices of a park whose period meets [start, end]."""
        stmt = (
            _select()
            .where(
                _N.org_id == org_id,
                _N.status == NoticeStatus.ACTIVE.value,
                _N.available_from <= end,
                _N.available_to >= start,
            )
            .order_by(_N.id)
            .limit(limit)
        )
        return [to_notice(r) for r in await self.s.execute(stmt)]

    async def outstanding(
        self, enterprise_ids: list[int], *, process: str, due_from: dt.date
    ) -> dict[int, int]:
        """Per firm: allocated but not yet passed quantity of open allocations for ``process``
        due on or after ``due_from``."""
        if not enterprise_ids:
            return {}
        a = ShareAllocationRow
        stmt = (
            sa.select(a.enterprise_id, sa.func.sum(a.quantity - a.passed_quantity))
            .join(ShareRequestRow, ShareRequestRow.id == a.request_id)
            .where(
                a.enterprise_id.in_(enterprise_ids),
                a.status.in_([AllocationStatus.PROPOSED.value, AllocationStatus.ACCEPTED.value]),
                a.due_on >= due_from,
                ShareRequestRow.process == process,
            )
            .group_by(a.enterprise_id)
        )
        return {int(e): int(q or 0) for e, q in (await self.s.execute(stmt)).all()}

    async def get_site(self, enterprise_id: int) -> Site | None:
        stmt = sa.select(*CapacitySiteRow.__table__.c).where(
            CapacitySiteRow.enterprise_id == enterprise_id
        )
        row = (await self.s.execute(stmt)).first()
        return to_site(row) if row else None

    async def sites(self, enterprise_ids: list[int]) -> dict[int, Site]:
        if not enterprise_ids:
            return {}
        stmt = sa.select(*CapacitySiteRow.__table__.c).where(
            CapacitySiteRow.enterprise_id.in_(enterprise_ids)
        )
        return {r.enterprise_id: to_site(r) for r in await self.s.execute(stmt)}

    async def put_site(
        self, enterprise_id: int, *, zone: str | None, x_m: int, y_m: int, now: dt.datetime
    ) -> Site:
        values = {"zone": zone, "x_m": x_m, "y_m": y_m, "updated_at": now}
        done = await self.s.execute(
            sa.update(CapacitySiteRow)
            .where(CapacitySiteRow.enterprise_id == enterprise_id)
            .values(**values)
        )
        if not getattr(done, "rowcount", 0):
            await self.s.execute(
                sa.insert(CapacitySiteRow).values(enterprise_id=enterprise_id, **values)
            )
        got = await self.get_site(enterprise_id)
        assert got is not None
        return got
