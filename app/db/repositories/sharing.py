"""SQL for order sharing: requests (with their host org's current path), offers, allocations
and deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    OrgRow,
    ShareAllocationRow,
    ShareDeliveryRow,
    ShareInviteeRow,
    ShareOfferRow,
    ShareRequestRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sharing.model import (
    Allocation,
    AllocationStatus,
    Delivery,
    Offer,
    Quality,
    RequestStatus,
    ShareRequest,
    Visibility,
)

_R = ShareRequestRow
_A = ShareAllocationRow
_R_COLUMNS = [c for c in _R.__table__.c]
_A_COLUMNS = [c for c in _A.__table__.c]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def _select_requests() -> sa.Select[Any]:
    return sa.select(*_R_COLUMNS, OrgRow.path.label("org_path")).join(
        OrgRow, OrgRow.id == _R.org_id
    )


def to_request(row: Any) -> ShareRequest:
    return ShareRequest(
        id=row.id,
        enterprise_id=row.enterprise_id,
        org_id=row.org_id,
        org_path=row.org_path,
        process=row.process,
        product=row.product,
        unit=row.unit,
        quantity=row.quantity,
        kept_quantity=row.kept_quantity,
        unit_price_fen=row.unit_price_fen,
        quality_standard=row.quality_standard,
        deadline=row.deadline,
        visibility=Visibility(row.visibility),
        status=RequestStatus(row.status),
        allocated_quantity=row.allocated_quantity,
        accepted_quantity=row.accepted_quantity,
        fulfilled_on=row.fulfilled_on,
        note=row.note,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_offer(row: Any) -> Offer:
    return Offer(
        id=row.id,
        request_id=row.request_id,
        enterprise_id=row.enterprise_id,
        quantity=row.quantity,
        available_on=row.available_on,
        unit_price_fen=row.unit_price_fen,
        note=row.note,
        created_at=row.created_at,
    )


def to_allocation(row: Any) -> Allocation:
    return Allocation(
        id=row.id,
        request_id=row.request_id,
        enterprise_id=row.enterprise_id,
        offer_id=row.offer_id,
        quantity=row.quantity,
        unit_price_fen=row.unit_price_fen,
        due_on=row.due_on,
        status=AllocationStatus(row.status),
        passed_quantity=row.passed_quantity,
        failed_quantity=row.failed_quantity,
        accepted_at=row.accepted_at,
        settled_amount_fen=row.settled_amount_fen,
        settled_at=row.settled_at,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        allocation_id=row.allocation_id,
        quantity=row.quantity,
        delivered_on=row.delivered_on,
        quality=Quality(row.quality),
        on_time=row.on_time,
        note=row.note,
        created_at=row.created_at,
    )


class SqlShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get_request(self, request_id: int, *, lock: bool = False) -> ShareRequest | None:
        stmt = _select_requests().where(_R.id == request_id)
        if lock:
            stmt = stmt.with_for_update(of=_R)
        row = (await self.s.execute(stmt)).first()
        return to_request(row) if row else None

    async def add_request(
        self, *, fields: dict[str, Any], invitees: list[int], now: dt.datetime
    ) -> ShareRequest:
        stmt = (
            sa.insert(_R)
            .values(
                **_plain(fields),
                allocated_quantity=0,
                accepted_quantity=0,
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(_R.id)
        )
        new_id = (await self.s.execute(stmt)).scalar_one()
        if invitees:
            await self.s.execute(
                sa.insert(ShareInviteeRow),
                [{"request_id": new_id, "enterprise_id": e} for e in invitees],
            )
        got = await self.get_request(new_id)
        assert got is not None
        return got

    async def update_request(
        self, request_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> ShareRequest:
        await self.s.execute(
            sa.update(_R)
            .where(_R.id == request_id)
            .values(**_plain(changes), version=_R.version + 1, updated_at=now)
        )
        got = await self.get_request(request_id)
        assert got is not None
        return got

    async def reserve(self, request_id: int, quantity: int, *, now: dt.datetime) -> bool:
        result: Any = await self.s.execute(
            sa.update(_R)
            .where(_R.id == request_id, _R.allocated_quantity + quantity <= _R.quantity)
            .values(
                allocated_quantity=_R.allocated_quantity + quantity,
                version=_R.version + 1,
                updated_at=now,
            )
        )
        return int(result.rowcount) == 1

    async def invitees(self, request_id: int) -> list[int]:
        stmt = (
            sa.select(ShareInviteeRow.enterprise_id)
            .where(ShareInviteeRow.request_id == request_id)
            .order_by(ShareInviteeRow.enterprise_id)
        )
        return [int(i) for i in (await self.s.execute(stmt)).scalars()]

    async def is_invited(self, request_id: int, enterprise_id: int) -> bool:
        stmt = sa.select(sa.literal(1)).where(
            ShareInviteeRow.request_id == request_id,
            ShareInviteeRow.enterprise_id == enterprise_id,
        )
        return (await self.s.execute(stmt)).first() is not None

    async def subtree(
        self,
        path: str,
        *,
        status: str | None,
        enterprise_id: int | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[ShareRequest]:
        lo, hi = subtree_bounds(path)
        stmt = _select_requests().where(OrgRow.path >= lo, OrgRow.path < hi)
        if status is not None:
            stmt = stmt.where(_R.status == status)
        if enterprise_id is not None:
            stmt = stmt.where(_R.enterprise_id == enterprise_id)
        if viewer is not None:
            own, host = viewer
            invited = sa.exists().where(
                ShareInviteeRow.request_id == _R.id, ShareInviteeRow.enterprise_id == own
            )
            stmt = stmt.where(
                sa.or_(
                    _R.enterprise_id == own,
                    sa.and_(
                        _R.status != RequestStatus.DRAFT.value,
                        sa.or_(
                            sa.and_(_R.visibility == Visibility.PARK.value, _R.org_id == host),
                            sa.and_(_R.visibility == Visibility.CHOSEN.value, invited),
                        ),
                    ),
                )
            )
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_R.id, desc=True, id_col=_R.id, page=page
        )
        return Page([to_request(r) for r in rows], nxt)

    async def add_offer(self, *, fields: dict[str, Any], now: dt.datetime) -> Offer:
        stmt = sa.insert(ShareOfferRow).values(**_plain(fields), created_at=now)
        new_id = (await self.s.execute(stmt.returning(ShareOfferRow.id))).scalar_one()
        got = await self.get_offer(new_id)
        assert got is not None
        return got

    async def get_offer(self, offer_id: int) -> Offer | None:
        stmt = sa.select(*ShareOfferRow.__table__.c).where(ShareOfferRow.id == offer_id)
        row = (await self.s.execute(stmt)).first()
        return to_offer(row) if row else None

    async def offers_of(self, request_id: int) -> list[Offer]:
        stmt = (
            sa.select(*ShareOfferRow.__table__.c)
            .where(ShareOfferRow.request_id == request_id)
            .order_by(ShareOfferRow.id)
        )
        return [to_offer(r) for r in await self.s.execute(stmt)]

    async def add_allocation(self, *, fields: dict[str, Any], now: dt.datetime) -> Allocation:
        stmt = sa.insert(_A).values(
            **_plain(fields),
            passed_quantity=0,
            failed_quantity=0,
            version=1,
            created_at=now,
            updated_at=now,
        )
        new_id = (await self.s.execute(stmt.returning(_A.id))).scalar_one()
        got = await self.get_allocation(new_id)
        assert got is not None
        return got

    async def get_allocation(self, allocation_id: int, *, lock: bool = False) -> Allocation | None:
        stmt = sa.select(*_A_COLUMNS).where(_A.id == allocation_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).first()
        return to_allocation(row) if row else None

    async def allocations_of(self, request_id: int) -> list[Allocation]:
        stmt = sa.select(*_A_COLUMNS).where(_A.request_id == request_id).order_by(_A.id)
        return [to_allocation(r) for r in await self.s.execute(stmt)]

    async def update_allocation(
        self, allocation_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> Allocation:
        await self.s.execute(
            sa.update(_A)
            .where(_A.id == allocation_id)
            .values(**_plain(changes), version=_A.version + 1, updated_at=now)
        )
        got = await self.get_allocation(allocation_id)
        assert got is not None
        return got

    async def add_delivery(self, *, fields: dict[str, Any], now: dt.datetime) -> Delivery:
        stmt = sa.insert(ShareDeliveryRow).values(**_plain(fields), created_at=now)
        new_id = (await self.s.execute(stmt.returning(ShareDeliveryRow.id))).scalar_one()
        row = (
            await self.s.execute(
                sa.select(*ShareDeliveryRow.__table__.c).where(ShareDeliveryRow.id == new_id)
            )
        ).first()
        return to_delivery(row)

    async def deliveries_of(self, allocation_ids: list[int]) -> dict[int, list[Delivery]]:
        out: dict[int, list[Delivery]] = {i: [] for i in allocation_ids}
        if not allocation_ids:
            return out
        stmt = (
            sa.select(*ShareDeliveryRow.__table__.c)
            .where(ShareDeliveryRow.allocation_id.in_(allocation_ids))
            .order_by(ShareDeliveryRow.id)
        )
        for r in await self.s.execute(stmt):
            out[r.allocation_id].append(to_delivery(r))
        return out

    async def delivery_totals(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> list[tuple[str, str, dt.date, str, bool, int, int, int]]:
        """Per process, unit, day, quality and punctuality: batches, quantity and value (fen)
        of deliveries dated in [start, end] on requests posted under ``path``."""
        lo, hi = subtree_bounds(path)
        d = ShareDeliveryRow
        stmt = (
            sa.select(
                _R.process,
                _R.unit,
                d.delivered_on,
                d.quality,
                d.on_time,
                sa.func.count(),
                sa.func.sum(d.quantity),
                sa.func.sum(d.quantity * _A.unit_price_fen),
            )
            .join(_A, _A.id == d.allocation_id)
            .join(_R, _R.id == _A.request_id)
            .join(OrgRow, OrgRow.id == _R.org_id)
            .where(
                OrgRow.path >= lo, OrgRow.path < hi, d.delivered_on >= start, d.delivered_on <= end
            )
            .group_by(_R.process, _R.unit, d.delivered_on, d.quality, d.on_time)
        )
        return [
            (p, u, day, q, bool(t), int(n), int(qty or 0), int(val or 0))
            for p, u, day, q, t, n, qty, val in (await self.s.execute(stmt)).all()
        ]

    async def firms_helped(self, path: str, *, start: dt.date, end: dt.date) -> tuple[int, int]:
        """Distinct requesting firms and distinct receiving firms with a passed delivery dated
        in [start, end], on requests posted under ``path``."""
        lo, hi = subtree_bounds(path)
        d = ShareDeliveryRow
        stmt = (
            sa.select(
                sa.func.count(sa.distinct(_R.enterprise_id)),
                sa.func.count(sa.distinct(_A.enterprise_id)),
            )
            .select_from(d)
            .join(_A, _A.id == d.allocation_id)
            .join(_R, _R.id == _A.request_id)
            .join(OrgRow, OrgRow.id == _R.org_id)
            .where(
                OrgRow.path >= lo,
                OrgRow.path < hi,
                d.delivered_on >= start,
                d.delivered_on <= end,
                d.quality == "passed",
            )
        )
        helped, helping = (await self.s.execute(stmt)).one()
        return int(helped or 0), int(helping or 0)
