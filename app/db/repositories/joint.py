"""SQL for the joint mechanism: memberships, chair rotas, meetings and coordination cases.
Each row keeps its park's id; subtree reads join ``orgs`` for the path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    CaseNoteRow,
    CaseRecordRow,
    JointMeetingRow,
    JointMembershipRow,
    JointRotaChangeRow,
    JointRotaRow,
    OrgRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest
from app.domain.sharing.joint_model import (
    Case,
    CaseCategory,
    CaseNote,
    CaseStatus,
    Meeting,
    Membership,
    MembershipKind,
    RaisedBy,
    Rota,
    RotaChange,
    RotaChangeKind,
)

_M = JointMembershipRow
_C = CaseRecordRow
_G = JointMeetingRow


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def _with_path(model: Any) -> sa.Select[Any]:
    return sa.select(*model.__table__.c, OrgRow.path.label("park_path")).join(
        OrgRow, OrgRow.id == model.park_id
    )


def to_membership(r: Any) -> Membership:
    return Membership(
        id=r.id,
        park_id=r.park_id,
        park_path=r.park_path,
        kind=MembershipKind(r.kind),
        name=r.name,
        branch_id=r.branch_id,
        enterprise_id=r.enterprise_id,
        joined_on=r.joined_on,
        left_on=r.left_on,
        created_at=r.created_at,
    )


def to_meeting(r: Any) -> Meeting:
    return Meeting(
        id=r.id,
        park_id=r.park_id,
        park_path=r.park_path,
        held_on=r.held_on,
        title=r.title,
        chair_membership_id=r.chair_membership_id,
        notes=r.notes,
        created_at=r.created_at,
    )


def to_case(r: Any, notes: list[CaseNote] | None = None) -> Case:
    return Case(
        id=r.id,
        park_id=r.park_id,
        park_path=r.park_path,
        category=CaseCategory(r.category),
        title=r.title,
        description=r.description,
        raised_by=RaisedBy(r.raised_by),
        raised_by_enterprise_id=r.raised_by_enterprise_id,
        raised_by_member_id=r.raised_by_member_id,
        raised_by_branch_id=r.raised_by_branch_id,
        opened_on=r.opened_on,
        status=CaseStatus(r.status),
        meeting_id=r.meeting_id,
        assignee=r.assignee,
        outcome=r.outcome,
        closed_on=r.closed_on,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        notes=notes or [],
    )


class SqlJointRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _insert(self, model: Any, values: dict[str, Any]) -> int:
        stmt = sa.insert(model).values(**_plain(values)).returning(model.id)
        return int((await self.s.execute(stmt)).scalar_one())

    # memberships
    async def add_membership(self, *, fields: dict[str, Any], now: dt.datetime) -> Membership:
        new_id = await self._insert(_M, {**fields, "created_at": now})
        got = await self.get_membership(new_id)
        assert got is not None
        return got

    async def get_membership(self, membership_id: int) -> Membership | None:
        row = (await self.s.execute(_with_path(_M).where(_M.id == membership_id))).first()
        return to_membership(row) if row else None

    async def memberships_of(self, park_id: int, *, active_on: dt.date | None) -> list[Membership]:
        stmt = _with_path(_M).where(_M.park_id == park_id)
        if active_on is not None:
            stmt = stmt.where(
                _M.joined_on <= active_on, sa.or_(_M.left_on.is_(None), _M.left_on >= active_on)
            )
        return [to_membership(r) for r in await self.s.execute(stmt.order_by(_M.id))]

    async def end_membership(self, membership_id: int, left_on: dt.date) -> Membership:
        await self.s.execute(sa.update(_M).where(_M.id == membership_id).values(left_on=left_on))
        got = await self.get_membership(membership_id)
        assert got is not None
        return got

    # rotas
    async def add_rota(self, *, fields: dict[str, Any], now: dt.datetime) -> Rota:
        new_id = await self._insert(JointRotaRow, {**fields, "created_at": now})
        got = await self.get_rota(new_id)
        assert got is not None
        return got

    async def get_rota(self, rota_id: int, *, lock: bool = False) -> Rota | None:
        stmt = _with_path(JointRotaRow).where(JointRotaRow.id == rota_id)
        if lock:
            stmt = stmt.with_for_update(of=JointRotaRow)
        row = (await self.s.execute(stmt)).first()
        if row is None:
            return None
        changes = [
            RotaChange(
                id=c.id,
                kind=RotaChangeKind(c.kind),
                month=c.month,
                other_month=c.other_month,
                reason=c.reason,
                created_at=c.created_at,
            )
            for c in await self.s.execute(
                sa.select(*JointRotaChangeRow.__table__.c)
                .where(JointRotaChangeRow.rota_id == rota_id)
                .order_by(JointRotaChangeRow.id)
            )
        ]
        return Rota(
            id=row.id,
            park_id=row.park_id,
            park_path=row.park_path,
            start_month=row.start_month,
            chair_ids=[int(i) for i in row.chair_ids],
            changes=changes,
            created_at=row.created_at,
        )

    async def rota_for_month(self, park_id: int, month: str) -> Rota | None:
        """The latest rota of a park starting on or before ``month`` (YYYY-MM sorts as text)."""
        stmt = (
            sa.select(JointRotaRow.id)
            .where(JointRotaRow.park_id == park_id, JointRotaRow.start_month <= month)
            .order_by(JointRotaRow.start_month.desc(), JointRotaRow.id.desc())
            .limit(1)
        )
        found = (await self.s.execute(stmt)).scalar_one_or_none()
        return await self.get_rota(int(found)) if found is not None else None

    async def add_rota_change(
        self, rota_id: int, *, fields: dict[str, Any], now: dt.datetime
    ) -> None:
        await self._insert(JointRotaChangeRow, {**fields, "rota_id": rota_id, "created_at": now})

    # meetings
    async def add_meeting(self, *, fields: dict[str, Any], now: dt.datetime) -> Meeting:
        new_id = await self._insert(_G, {**fields, "created_at": now})
        got = await self.get_meeting(new_id)
        assert got is not None
        return got

    async def get_meeting(self, meeting_id: int) -> Meeting | None:
        row = (await self.s.execute(_with_path(_G).where(_G.id == meeting_id))).first()
        return to_meeting(row) if row else None

    async def meetings(self, path: str, *, page: PageRequest) -> Page[Meeting]:
        lo, hi = subtree_bounds(path)
        stmt = _with_path(_G).where(OrgRow.path >= lo, OrgRow.path < hi)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_G.held_on, desc=True, id_col=_G.id, page=page
        )
        return Page([to_meeting(r) for r in rows], nxt)

    # cases
    async def add_case(self, *, fields: dict[str, Any], now: dt.datetime) -> Case:
        new_id = await self._insert(
            _C, {**fields, "version": 1, "created_at": now, "updated_at": now}
        )
        got = await self.get_case(new_id)
        assert got is not None
        return got

    async def get_case(self, case_id: int, *, lock: bool = False) -> Case | None:
        stmt = _with_path(_C).where(_C.id == case_id)
        if lock:
            stmt = stmt.with_for_update(of=_C)
        row = (await self.s.execute(stmt)).first()
        if row is None:
            return None
        notes = [
            CaseNote(id=n.id, text=n.text, author=n.author, created_at=n.created_at)
            for n in await self.s.execute(
                sa.select(*CaseNoteRow.__table__.c)
                .where(CaseNoteRow.case_id == case_id)
                .order_by(CaseNoteRow.id)
            )
        ]
        return to_case(row, notes)

    async def update_case(self, case_id: int, *, changes: dict[str, Any], now: dt.datetime) -> Case:
        await self.s.execute(
            sa.update(_C)
            .where(_C.id == case_id)
            .values(**_plain(changes), version=_C.version + 1, updated_at=now)
        )
        got = await self.get_case(case_id)
        assert got is not None
        return got

    async def add_note(self, case_id: int, *, text: str, author: str, now: dt.datetime) -> None:
        await self._insert(
            CaseNoteRow, {"case_id": case_id, "text": text, "author": author, "created_at": now}
        )

    async def cases(
        self,
        path: str,
        *,
        category: str | None,
        status: str | None,
        enterprise_id: int | None,
        page: PageRequest,
    ) -> Page[Case]:
        lo, hi = subtree_bounds(path)
        stmt = _with_path(_C).where(OrgRow.path >= lo, OrgRow.path < hi)
        if category is not None:
            stmt = stmt.where(_C.category == category)
        if status is not None:
            stmt = stmt.where(_C.status == status)
        if enterprise_id is not None:
            stmt = stmt.where(_C.raised_by_enterprise_id == enterprise_id)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_C.id, desc=True, id_col=_C.id, page=page
        )
        return Page([to_case(r) for r in rows], nxt)

    async def case_dates(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> list[tuple[CaseCategory, dt.date, dt.date | None]]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(_C.category, _C.opened_on, _C.closed_on)
            .join(OrgRow, OrgRow.id == _C.park_id)
            .where(
                OrgRow.path >= lo,
                OrgRow.path < hi,
                _C.opened_on >= start,
                _C.opened_on <= end,
            )
        )
        return [(CaseCategory(c), o, closed) for c, o, closed in (await self.s.execute(stmt)).all()]
