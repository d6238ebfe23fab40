"""SQL for dual management and for the standing changes' bookkeeping (closing an affiliation,
recounting members)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    MemberAffiliationRow,
    MemberManagementRow,
    MemberParticipationRow,
    MemberRow,
    OrgRow,
)
from app.db.repositories.keyset import keyset_page
from app.db.repositories.members import to_affiliation
from app.domain.members.management_model import (
    Management,
    ManagementView,
    NewManagement,
    Participation,
    months_between,
)
from app.domain.members.model import ON_ROLL, Affiliation
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

M = MemberManagementRow
_ON_ROLL = sorted(s.value for s in ON_ROLL)


def to_management(row: Any) -> Management:
    return Management(
        id=row.id,
        member_id=row.member_id,
        org_id=row.org_id,
        certificate_no=row.certificate_no,
        from_date=row.from_date,
        to_date=row.to_date,
        ended_on=row.ended_on,
        end_reason=row.end_reason,
        notes=row.notes,
        created_at=row.created_at,
    )


def to_participation(row: MemberParticipationRow) -> Participation:
    return Participation(
        id=row.id,
        management_id=row.management_id,
        on_date=row.on_date,
        activity=row.activity,
        notes=row.notes,
        created_at=row.created_at,
    )


def current_on(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(M.from_date <= today, sa.or_(M.to_date.is_(None), M.to_date >= today))


def managed_member_ids(path: str, *, today: dt.date, org_id: int | None = None) -> sa.Select[Any]:
    """Members currently managed by an org of the subtree (or by ``org_id`` itself)."""
    stmt = sa.select(M.member_id).where(current_on(today))
    if org_id is not None:
        return stmt.where(M.org_id == org_id)
    lo, hi = subtree_bounds(path)
    return stmt.join(OrgRow, OrgRow.id == M.org_id).where(OrgRow.path >= lo, OrgRow.path < hi)


class SqlManagementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, management_id: int, *, lock: bool = False) -> Management | None:
        stmt = sa.select(M).where(M.id == management_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt.execution_options(populate_existing=True))).scalar()
        return to_management(row) if row else None

    async def add(self, *, member_id: int, new: NewManagement, now: dt.datetime) -> Management:
        row = M(
            member_id=member_id,
            org_id=new.org_id,
            certificate_no=new.certificate_no,
            from_date=new.from_date,
            to_date=new.to_date,
            notes=new.notes,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_management(row)

    async def end(self, management_id: int, *, ended_on: dt.date, reason: str | None) -> Management:
        await self.s.execute(
            sa.update(M)
            .where(M.id == management_id)
            .values(
                ended_on=ended_on,
                end_reason=reason,
                to_date=sa.case(
                    (sa.and_(M.to_date.is_not(None), M.to_date < ended_on), M.to_date),
                    else_=ended_on,
                ),
            )
        )
        got = await self.get(management_id)
        assert got is not None
        return got

    async def end_open(
        self, member_id: int, *, ended_on: dt.date, reason: str, org_id: int | None = None
    ) -> list[int]:
        stmt = sa.select(M.id).where(
            M.member_id == member_id,
            M.ended_on.is_(None),
            sa.or_(M.to_date.is_(None), M.to_date >= ended_on),
        )
        if org_id is not None:
            stmt = stmt.where(M.org_id == org_id)
        ids = [
            int(i) for i in (await self.s.execute(stmt.order_by(M.id).with_for_update())).scalars()
        ]
        if ids:
            # A registration that began after ``ended_on`` ends on its first day, never before.
            await self.s.execute(
                sa.update(M)
                .where(M.id.in_(ids))
                .values(
                    ended_on=ended_on,
                    end_reason=reason,
                    to_date=sa.case((M.from_date > ended_on, M.from_date), else_=ended_on),
                )
                .execution_options(synchronize_session=False)
            )
        return ids

    async def count_open_at(self, org_id: int, *, today: dt.date) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(M)
            .where(
                M.org_id == org_id,
                M.ended_on.is_(None),
                sa.or_(M.to_date.is_(None), M.to_date >= today),
            )
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def of_member(self, member_id: int) -> list[Management]:
        stmt = sa.select(M).where(M.member_id == member_id).order_by(M.from_date, M.id)
        return [to_management(r) for r in (await self.s.execute(stmt)).scalars()]

    async def views(self, ids: list[int], *, today: dt.date) -> list[ManagementView]:
        if not ids:
            return []
        stmt = (
            sa.select(M, MemberRow.name.label("member_name"), OrgRow.name, OrgRow.path)
            .join(MemberRow, MemberRow.id == M.member_id)
            .join(OrgRow, OrgRow.id == M.org_id)
            .where(M.id.in_(ids))
            .execution_options(populate_existing=True)
        )
        by_id = {}
        for row, member_name, org_name, org_path in (await self.s.execute(stmt)).all():
            m = to_management(row)
            current = m.current_on(today)
            end = today if current or m.to_date is None else min(m.to_date, today)
            by_id[m.id] = ManagementView(
                management=m,
                member_name=member_name,
                org_name=org_name,
                org_path=org_path,
                months_away=months_between(m.from_date, end),
                current=current,
            )
        return [by_id[i] for i in ids if i in by_id]

    async def managed_paths(self, member_id: int, *, today: dt.date) -> list[str]:
        stmt = (
            sa.select(OrgRow.path)
            .join(M, M.org_id == OrgRow.id)
            .where(M.member_id == member_id, current_on(today))
        )
        return list((await self.s.execute(stmt)).scalars())

    async def in_subtree(
        self,
        path: str,
        *,
        today: dt.date,
        started_by: dt.date | None,
        current_only: bool,
        page: PageRequest,
    ) -> Page[int]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(M.id)
            .join(OrgRow, OrgRow.id == M.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi)
        )
        if current_only:
            stmt = stmt.where(current_on(today))
        if started_by is not None:
            stmt = stmt.where(M.from_date <= started_by)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=M.id, desc=False, id_col=M.id, page=page
        )
        return Page([int(r.id) for r in rows], nxt)

    async def add_participation(
        self,
        *,
        management_id: int,
        on_date: dt.date,
        activity: str,
        notes: str | None,
        now: dt.datetime,
    ) -> Participation:
        row = MemberParticipationRow(
            management_id=management_id,
            on_date=on_date,
            activity=activity,
            notes=notes,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_participation(row)

    async def participations(self, management_id: int) -> list[Participation]:
        stmt = (
            sa.select(MemberParticipationRow)
            .where(MemberParticipationRow.management_id == management_id)
            .order_by(MemberParticipationRow.on_date, MemberParticipationRow.id)
        )
        return [to_participation(r) for r in (await self.s.execute(stmt)).scalars()]

    async def managed_here(
        self, path: str, member_ids: list[int], *, today: dt.date, org_id: int | None
    ) -> set[int]:
        if not member_ids:
            return set()
        stmt = managed_member_ids(path, today=today, org_id=org_id).where(
            M.member_id.in_(member_ids)
        )
        return {int(i) for i in (await self.s.execute(stmt)).scalars()}


class SqlStandingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def close_current_affiliation(self, member_id: int, *, to_date: dt.date) -> Affiliation:
        A = MemberAffiliationRow
        row = (
            await self.s.execute(
                sa.select(A).where(A.member_id == member_id, A.to_date.is_(None)).with_for_update()
            )
        ).scalar_one()
        row.to_date = to_date
        await self.s.flush()
        return to_affiliation(row)

    async def recount_members(self, path: str) -> dict[int, int]:
        A = MemberAffiliationRow
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(A.org_id, sa.func.count())
            .join(MemberRow, MemberRow.id == A.member_id)
            .join(OrgRow, OrgRow.id == A.org_id)
            .where(
                A.to_date.is_(None),
                MemberRow.standing.in_(_ON_ROLL),
                OrgRow.path >= lo,
                OrgRow.path < hi,
            )
            .group_by(A.org_id)
        )
        return {int(org_id): int(n) for org_id, n in (await self.s.execute(stmt)).all()}

    async def stored_counts(self, path: str) -> dict[int, int]:
        lo, hi = subtree_bounds(path)
        stmt = sa.select(OrgRow.id, OrgRow.member_count).where(
            OrgRow.path >= lo, OrgRow.path < hi, OrgRow.member_count != 0
        )
        return {int(i): int(n) for i, n in (await self.s.execute(stmt)).all()}
