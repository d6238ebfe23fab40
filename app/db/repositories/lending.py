"""SQL for worker lending: requests (with their park's current path), offers and loans."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import OrgRow, WorkerLoanOfferRow, WorkerLoanRequestRow, WorkerLoanRow
from app.db.repositories.keyset import keyset_page
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sharing.lending_model import (
    Loan,
    LoanOffer,
    LoanOfferStatus,
    LoanRequest,
    LoanRequestStatus,
    Worker,
)

_R = WorkerLoanRequestRow
_O = WorkerLoanOfferRow
_L = WorkerLoanRow
_R_COLUMNS = [c for c in _R.__table__.c]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def _select() -> sa.Select[Any]:
    return sa.select(*_R_COLUMNS, OrgRow.path.label("org_path")).join(
        OrgRow, OrgRow.id == _R.org_id
    )


def to_request(row: Any) -> LoanRequest:
    return LoanRequest(
        id=row.id,
        enterprise_id=row.enterprise_id,
        org_id=row.org_id,
        org_path=row.org_path,
        skill=row.skill,
        workers_needed=row.workers_needed,
        start_on=row.start_on,
        end_on=row.end_on,
        note=row.note,
        status=LoanRequestStatus(row.status),
        confirmed_count=row.confirmed_count,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_offer(row: Any) -> LoanOffer:
    return LoanOffer(
        id=row.id,
        request_id=row.request_id,
        enterprise_id=row.enterprise_id,
        workers=[Worker(ref=w["ref"], name=w["name"]) for w in row.workers],
        start_on=row.start_on,
        end_on=row.end_on,
        status=LoanOfferStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_loan(row: Any) -> Loan:
    return Loan(
        id=row.id,
        request_id=row.request_id,
        offer_id=row.offer_id,
        lender_id=row.lender_id,
        borrower_id=row.borrower_id,
        org_id=row.org_id,
        worker_ref=row.worker_ref,
        worker_name=row.worker_name,
        skill=row.skill,
        start_on=row.start_on,
        end_on=row.end_on,
        days=row.days,
        created_at=row.created_at,
    )


class SqlLendingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get_request(self, request_id: int, *, lock: bool = False) -> LoanRequest | None:
        stmt = _select().where(_R.id == request_id)
        if lock:
            stmt = stmt.with_for_update(of=_R)
        row = (await self.s.execute(stmt)).first()
        return to_request(row) if row else None

    async def add_request(self, *, fields: dict[str, Any], now: dt.datetime) -> LoanRequest:
        stmt = sa.insert(_R).values(
            **_plain(fields), confirmed_count=0, version=1, created_at=now, updated_at=now
        )
        new_id = (await self.s.execute(stmt.returning(_R.id))).scalar_one()
        got = await self.get_request(new_id)
        assert got is not None
        return got

    async def update_request(
        self, request_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> LoanRequest:
        await self.s.execute(
            sa.update(_R)
            .where(_R.id == request_id)
            .values(**_plain(changes), version=_R.version + 1, updated_at=now)
        )
        got = await self.get_request(request_id)
        assert got is not None
        return got

    async def subtree(
        self,
        path: str,
        *,
        status: str | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[LoanRequest]:
        lo, hi = subtree_bounds(path)
        stmt = _select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if status is not None:
            stmt = stmt.where(_R.status == status)
        if viewer is not None:
            own, host = viewer
            stmt = stmt.where(sa.or_(_R.enterprise_id == own, _R.org_id == host))
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_R.id, desc=True, id_col=_R.id, page=page
        )
        return Page([to_request(r) for r in rows], nxt)

    async def add_offer(self, *, fields: dict[str, Any], now: dt.datetime) -> LoanOffer:
        stmt = sa.insert(_O).values(**_plain(fields), created_at=now, updated_at=now)
        new_id = (await self.s.execute(stmt.returning(_O.id))).scalar_one()
        got = await self.get_offer(new_id)
        assert got is not None
        return got

    async def get_offer(self, offer_id: int, *, lock: bool = False) -> LoanOffer | None:
        stmt = sa.select(*_O.__table__.c).where(_O.id == offer_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).first()
        return to_offer(row) if row else None

    async def set_offer_status(
        self, offer_id: int, status: LoanOfferStatus, *, now: dt.datetime
    ) -> None:
        await self.s.execute(
            sa.update(_O).where(_O.id == offer_id).values(status=status.value, updated_at=now)
        )

    async def offers_of(self, request_id: int) -> list[LoanOffer]:
        stmt = sa.select(*_O.__table__.c).where(_O.request_id == request_id).order_by(_O.id)
        return [to_offer(r) for r in await self.s.execute(stmt)]

    async def loans_of(self, request_id: int) -> list[Loan]:
        stmt = sa.select(*_L.__table__.c).where(_L.request_id == request_id).order_by(_L.id)
        return [to_loan(r) for r in await self.s.execute(stmt)]

    async def overlapping(
        self, lender_id: int, worker_refs: list[str], start: dt.date, end: dt.date
    ) -> list[Loan]:
        if not worker_refs:
            return []
        stmt = (
            sa.select(*_L.__table__.c)
            .where(
                _L.lender_id == lender_id,
                _L.worker_ref.in_(worker_refs),
                _L.start_on <= end,
                _L.end_on >= start,
            )
            .order_by(_L.id)
        )
        return [to_loan(r) for r in await self.s.execute(stmt)]

    async def add_loans(self, rows: list[dict[str, Any]], *, now: dt.datetime) -> None:
        if rows:
            await self.s.execute(sa.insert(_L), [{**r, "created_at": now} for r in rows])

    async def loan_totals(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> tuple[int, int, int, int, int]:
        """Loans starting in [start, end] under ``path``: loans, distinct workers, worker-days,
        distinct lending firms, distinct borrowing firms."""
        lo, hi = subtree_bounds(path)
        base = (
            sa.select(_L.lender_id, _L.worker_ref, _L.borrower_id, _L.days)
            .join(OrgRow, OrgRow.id == _L.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi, _L.start_on >= start, _L.start_on <= end)
            .subquery()
        )
        workers = sa.select(base.c.lender_id, base.c.worker_ref).distinct().subquery()
        stmt = sa.select(
            sa.select(sa.func.count()).select_from(base).scalar_subquery(),
            sa.select(sa.func.count()).select_from(workers).scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.sum(base.c.days), 0)).scalar_subquery(),
            sa.select(sa.func.count(sa.distinct(base.c.lender_id))).scalar_subquery(),
            sa.select(sa.func.count(sa.distinct(base.c.borrower_id))).scalar_subquery(),
        )
        n, w, wd, lenders, borrowers = (await self.s.execute(stmt)).one()
        return int(n), int(w), int(wd), int(lenders), int(borrowers)
