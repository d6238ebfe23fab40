"""SQL for members, their affiliations and status events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    MemberAffiliationRow,
    MemberEventRow,
    MemberManagementRow,
    MemberRow,
    OrgRow,
    UserRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.members.model import (
    ON_ROLL,
    Affiliation,
    AgeBand,
    Education,
    Gender,
    Member,
    MemberEvent,
    NationalIdTaken,
    StatsRow,
    born_after_for,
)
from app.domain.members.ports import MemberFilter
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_COLUMNS = [c for c in MemberRow.__table__.c if c.name not in {"national_id_hash", "phone_hash"}]


def to_member(row: Any) -> Member:
    return Member(
        id=row.id,
        name=row.name,
        gender=Gender(row.gender),
        birth_date=row.birth_date,
        ethnicity=row.ethnicity,
        education=Education(row.education) if row.education else None,
        specialty=row.specialty,
        employer_enterprise_id=row.employer_enterprise_id,
        join_date=row.join_date,
        full_member_date=row.full_member_date,
        status=row.status,
        standing=row.standing,
        standing_since=row.standing_since,
        national_id_enc=row.national_id_enc,
        phone_enc=row.phone_enc,
        org_id=row.org_id,
        org_path=row.org_path,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_affiliation(row: MemberAffiliationRow) -> Affiliation:
    return Affiliation(
        id=row.id,
        member_id=row.member_id,
        org_id=row.org_id,
        from_date=row.from_date,
        to_date=row.to_date,
        reason=row.reason,
    )


def to_event(row: MemberEventRow) -> MemberEvent:
    return MemberEvent(
        id=row.id,
        member_id=row.member_id,
        kind=row.kind,
        on_date=row.on_date,
        reason=row.reason,
        details=dict(row.details or {}),
        created_at=row.created_at,
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


class SqlMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, member_id: int, *, lock: bool = False) -> Member | None:
        stmt = sa.select(*_COLUMNS).where(MemberRow.id == member_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).first()
        return to_member(row) if row else None

    async def get_many(self, ids: list[int]) -> dict[int, Member]:
        if not ids:
            return {}
        rows = await self.s.execute(sa.select(*_COLUMNS).where(MemberRow.id.in_(ids)))
        return {r.id: to_member(r) for r in rows}

    async def by_national_id_hash(self, digest: str) -> Member | None:
        stmt = sa.select(*_COLUMNS).where(MemberRow.national_id_hash == digest)
        row = (await self.s.execute(stmt)).first()
        return to_member(row) if row else None

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Member:
        stmt = (
            sa.insert(MemberRow)
            .values(**_plain(fields), version=1, created_at=now, updated_at=now)
            .returning(MemberRow.id)
        )
        try:
            # A savepoint, so losing the race for an id number leaves the transaction usable.
            async with self.s.begin_nested():
                member_id = (await self.s.execute(stmt)).scalar_one()
        except IntegrityError:
            raise NationalIdTaken(None) from None
        member = await self.get(member_id)
        assert member is not None
        return member

    async def update(
        self,
        member_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Member | None:
        stmt = (
            sa.update(MemberRow)
            .where(MemberRow.id == member_id)
            .values(**_plain(changes), version=MemberRow.version + 1, updated_at=now)
        )
        if expected_version is not None:
            stmt = stmt.where(MemberRow.version == expected_version)
        result = await self.s.execute(stmt)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            return None
        return await self.get(member_id)

    async def subtree(
        self,
        path: str,
        *,
        org_id: int,
        filters: MemberFilter,
        birth_range: tuple[dt.date | None, dt.date | None],
        page: PageRequest,
        today: dt.date | None = None,
    ) -> Page[Member]:
        lo, hi = subtree_bounds(path)
        if filters.direct_only:
            affiliated = MemberRow.org_id == org_id
        else:
            affiliated = sa.and_(MemberRow.org_path >= lo, MemberRow.org_path < hi)
        where: sa.ColumnElement[bool] = affiliated
        if today is not None:
            # Dual management: members managed by an org of the subtree (or the org itself).
            m = MemberManagementRow
            managed = sa.select(m.member_id).where(
                m.from_date <= today, sa.or_(m.to_date.is_(None), m.to_date >= today)
            )
            if filters.direct_only:
                managed = managed.where(m.org_id == org_id)
            else:
                managed = managed.join(OrgRow, OrgRow.id == m.org_id).where(
                    OrgRow.path >= lo, OrgRow.path < hi
                )
            if filters.managed_here is None:
                where = sa.or_(affiliated, MemberRow.id.in_(managed))
            elif filters.managed_here:
                where = MemberRow.id.in_(managed)
            else:
                where = sa.and_(affiliated, MemberRow.id.not_in(managed))
        stmt = sa.select(*_COLUMNS).where(where)
        if filters.standing is None:
            stmt = stmt.where(MemberRow.standing.in_(sorted(s.value for s in ON_ROLL)))
        else:
            stmt = stmt.where(MemberRow.standing == filters.standing.value)
        if filters.status is not None:
            stmt = stmt.where(MemberRow.status == filters.status.value)
        if filters.education is not None:
            stmt = stmt.where(MemberRow.education == filters.education.value)
        if filters.employer_enterprise_id is not None:
            stmt = stmt.where(MemberRow.employer_enterprise_id == filters.employer_enterprise_id)
        born_after, born_by = birth_range
        if born_after is not None:
            stmt = stmt.where(MemberRow.birth_date > born_after)
        if born_by is not None:
            stmt = stmt.where(MemberRow.birth_date <= born_by)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=MemberRow.id, desc=False, id_col=MemberRow.id, page=page
        )
        return Page([to_member(r) for r in rows], nxt)

    async def stats(self, path: str, *, today: dt.date) -> list[StatsRow]:
        lo, hi = subtree_bounds(path)
        band = sa.case(
            (MemberRow.birth_date > born_after_for(36, today), AgeBand.UP_TO_35.value),
            (MemberRow.birth_date > born_after_for(46, today), AgeBand.FROM_36_TO_45.value),
            (MemberRow.birth_date > born_after_for(61, today), AgeBand.FROM_46_TO_60.value),
            else_=AgeBand.FROM_61.value,
        ).label("band")
        stmt = (
            sa.select(
                MemberRow.status,
                band,
                MemberRow.education,
                MemberRow.standing,
                sa.func.count().label("n"),
            )
            .where(
                MemberRow.org_path >= lo,
                MemberRow.org_path < hi,
                MemberRow.standing.in_(sorted(s.value for s in ON_ROLL)),
            )
            .group_by(MemberRow.status, band, MemberRow.education, MemberRow.standing)
        )
        return [
            StatsRow(
                status=r.status,
                band=AgeBand(r.band),
                education=r.education,
                count=int(r.n),
                standing=r.standing,
            )
            for r in await self.s.execute(stmt)
        ]

    async def add_affiliation(
        self, *, member_id: int, org_id: int, from_date: dt.date, reason: str | None
    ) -> Affiliation:
        row = MemberAffiliationRow(
            member_id=member_id, org_id=org_id, from_date=from_date, to_date=None, reason=reason
        )
        self.s.add(row)
        await self.s.flush()
        return to_affiliation(row)

    async def affiliations_of(self, member_id: int) -> list[Affiliation]:
        stmt = (
            sa.select(MemberAffiliationRow)
            .where(MemberAffiliationRow.member_id == member_id)
            .order_by(MemberAffiliationRow.from_date, MemberAffiliationRow.id)
        )
        return [to_affiliation(r) for r in (await self.s.execute(stmt)).scalars()]

    async def add_event(
        self,
        *,
        member_id: int,
        kind: str,
        on_date: dt.date,
        reason: str | None,
        details: dict[str, Any],
        now: dt.datetime,
    ) -> MemberEvent:
        row = MemberEventRow(
            member_id=member_id,
            kind=kind,
            on_date=on_date,
            reason=reason,
            details=details,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_event(row)

    async def events_of(self, member_id: int) -> list[MemberEvent]:
        stmt = (
            sa.select(MemberEventRow)
            .where(MemberEventRow.member_id == member_id)
            .order_by(MemberEventRow.on_date, MemberEventRow.id)
        )
        return [to_event(r) for r in (await self.s.execute(stmt)).scalars()]

    async def linked_to_user(self, user_id: int) -> int | None:
        stmt = sa.select(UserRow.member_id).where(UserRow.id == user_id)
        value = (await self.s.execute(stmt)).scalar_one_or_none()
        return int(value) if value is not None else None
