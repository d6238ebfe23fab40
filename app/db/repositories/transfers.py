"""SQL for member transfers (组织关系接转): letters, their states and the work queues."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.db.models import MemberRow, MemberTransferRow
from app.db.repositories.keyset import keyset_page
from app.domain.members.model import ON_ROLL
from app.domain.members.transfer_model import (
    OPEN_STATES,
    TERMINAL_STATES,
    Transfer,
    TransferAlreadyOpen,
    TransferKind,
    TransferQueue,
    TransferState,
)
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_T = MemberTransferRow
_OPEN = [s.value for s in OPEN_STATES]
_DONE = [s.value for s in TERMINAL_STATES]
_ON_ROLL = [s.value for s in ON_ROLL]


def _select() -> sa.Select[Any]:
    return sa.select(*_T.__table__.c, MemberRow.name.label("member_name")).join(
        MemberRow, MemberRow.id == _T.member_id
    )


def to_transfer(row: Any, member_name: str | None = None) -> Transfer:
    return Transfer(
        id=row.id,
        member_id=row.member_id,
        member_name=member_name if member_name is not None else row.member_name,
        kind=TransferKind(row.kind),
        state=TransferState(row.state),
        from_org_id=row.from_org_id,
        from_path=row.from_path,
        to_org_id=row.to_org_id,
        to_path=row.to_path,
        external_name=row.external_name,
        external_region=row.external_region,
        letter_no=row.letter_no,
        dues_paid_until=row.dues_paid_until,
        issued_on=row.issued_on,
        valid_until=row.valid_until,
        decided_on=row.decided_on,
        reason=row.reason,
        reported_on=row.reported_on,
        receipt_no=row.receipt_no,
        receipt_on=row.receipt_on,
        cancelled_on=row.cancelled_on,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _in(column: Any, path: str) -> sa.ColumnElement[bool]:
    lo, hi = subtree_bounds(path)
    return sa.and_(column >= lo, column < hi)


def overdue(today: dt.date) -> sa.ColumnElement[bool]:
    """Ran out unreported (open past validity, or stored expired), no later letter since, and
    the member still on the roll (a member who died or left has nothing left to report). The
    one definition of "overdue": the work queue, count_overdue and the compliance rule."""
    later = aliased(_T, name="later")
    replaced = sa.exists().where(later.member_id == _T.member_id, later.id > _T.id)
    on_roll = sa.exists().where(MemberRow.id == _T.member_id, MemberRow.standing.in_(_ON_ROLL))
    return sa.and_(
        sa.or_(
            sa.and_(_T.state.in_(_OPEN), _T.valid_until < today),
            _T.state == TransferState.EXPIRED.value,
        ),
        ~replaced,
        on_roll,
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


class SqlTransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _one(self, stmt: sa.Select[Any]) -> Transfer | None:
        row = (await self.s.execute(stmt)).first()
        return to_transfer(row) if row else None

    async def get(self, transfer_id: int, *, lock: bool = False) -> Transfer | None:
        stmt = _select().where(_T.id == transfer_id)
        if lock:
            stmt = stmt.with_for_update(of=_T)
        return await self._one(stmt)

    async def open_for_member(self, member_id: int) -> Transfer | None:
        return await self._one(_select().where(_T.member_id == member_id, _T.state.in_(_OPEN)))

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Transfer:
        stmt = (
            sa.insert(_T)
            .values(**_plain(fields), version=1, created_at=now, updated_at=now)
            .returning(_T.id)
        )
        try:
            # A savepoint, so losing the race for the open slot leaves the transaction usable.
            async with self.s.begin_nested():
                transfer_id = (await self.s.execute(stmt)).scalar_one()
        except IntegrityError:
            raise TransferAlreadyOpen(None) from None
        got = await self.get(transfer_id)
        assert got is not None
        return got

    async def update(
        self,
        transfer_id: int,
        *,
        expected_state: TransferState,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Transfer | None:
        stmt = (
            sa.update(_T)
            .where(_T.id == transfer_id, _T.state == expected_state.value)
            .values(**_plain(changes), version=_T.version + 1, updated_at=now)
        )
        result = await self.s.execute(stmt)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            return None
        return await self.get(transfer_id)

    async def _named(self, rows: list[Any]) -> list[Transfer]:
        """Transfers of one page with their members' names (one lookup after paging)."""
        ids = {r.member_id for r in rows}
        names: dict[int, str] = {}
        if ids:
            found = await self.s.execute(
                sa.select(MemberRow.id, MemberRow.name).where(MemberRow.id.in_(ids))
            )
            names = {int(i): n for i, n in found.all()}
        return [to_transfer(r, names[r.member_id]) for r in rows]

    async def of_member(self, member_id: int, *, page: PageRequest) -> Page[Transfer]:
        stmt = sa.select(*_T.__table__.c).where(_T.member_id == member_id)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_T.id, desc=True, id_col=_T.id, page=page
        )
        return Page(await self._named(rows), nxt)

    async def queue(
        self,
        path: str,
        *,
        queue: TransferQueue,
        today: dt.date,
        within_days: int,
        page: PageRequest,
    ) -> Page[Transfer]:
        stmt = sa.select(*_T.__table__.c)
        either = sa.or_(_in(_T.from_path, path), _in(_T.to_path, path))
        is_open = _T.state.in_(_OPEN)
        key_col: Any = _T.valid_until
        desc = False
        if queue is TransferQueue.AWAITING_DECISION:
            stmt = stmt.where(
                _in(_T.to_path, path),
                _T.state == TransferState.ISSUED.value,
                _T.kind == TransferKind.INTERNAL.value,
                _T.valid_until >= today,
            )
        elif queue is TransferQueue.INCOMING_OPEN:
            stmt = stmt.where(
                _in(_T.to_path, path),
                is_open,
                _T.kind == TransferKind.INTERNAL.value,
                _T.valid_until >= today,
            )
        elif queue is TransferQueue.OUTGOING_OPEN:
            stmt = stmt.where(_in(_T.from_path, path), is_open)
        elif queue is TransferQueue.EXPIRING:
            stmt = stmt.where(
                either,
                is_open,
                _T.valid_until >= today,
                _T.valid_until <= today + dt.timedelta(days=within_days),
            )
        elif queue is TransferQueue.OVERDUE:
            stmt = stmt.where(either, overdue(today))
        else:  # history, newest first
            stmt = stmt.where(either, _T.state.in_(_DONE))
            key_col, desc = _T.id, True
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=key_col, desc=desc, id_col=_T.id, page=page
        )
        return Page(await self._named(rows), nxt)

    async def count_open_at(self, org_id: int, *, today: dt.date) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(_T)
            .where(
                sa.or_(_T.from_org_id == org_id, _T.to_org_id == org_id),
                _T.state.in_(_OPEN),
                _T.valid_until >= today,
            )
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def count_overdue(self, path: str, *, today: dt.date) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(_T)
            .where(sa.or_(_in(_T.from_path, path), _in(_T.to_path, path)), overdue(today))
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def lapsed(self, *, today: dt.date, limit: int) -> list[tuple[int, int]]:
        stmt = (
            sa.select(_T.id, _T.member_id)
            .where(_T.state.in_(_OPEN), _T.valid_until < today)
            .order_by(_T.member_id, _T.id)
            .limit(limit)
        )
        return [(int(r.id), int(r.member_id)) for r in await self.s.execute(stmt)]
