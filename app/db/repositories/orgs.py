"""SQL for the organisation tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import EnterpriseRow, LeaderRow, MemberRow, MemberTransferRow, OrgRow
from app.db.repositories.keyset import keyset_page
from app.domain.members.model import HOLDING_KINDS
from app.domain.orgs.model import (
    Formation,
    Leader,
    LeaderRole,
    Org,
    OrgKind,
    OrgStatus,
    child_path,
    subtree_bounds,
)
from app.domain.orgs.ports import NewOrg, OrgFilter, OrgSort
from app.domain.pagination import Page, PageRequest

_ORG_COLUMNS = [c for c in OrgRow.__table__.c]
# Built once: the point lookup is the hottest statement in the service.
_GET = sa.select(*_ORG_COLUMNS).where(OrgRow.id == sa.bindparam("org_id"))
_GET_LOCKED = _GET.with_for_update()


def to_org(row: Any) -> Org:
    return Org(
        id=row.id,
        parent_id=row.parent_id,
        path=row.path,
        depth=row.depth,
        kind=OrgKind(row.kind),
        formation=Formation(row.formation) if row.formation else None,
        name=row.name,
        short_name=row.short_name,
        code=row.code,
        address=row.address,
        established_on=row.established_on,
        status=OrgStatus(row.status),
        dissolved_on=row.dissolved_on,
        contact_leader=row.contact_leader,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        child_count=row.child_count,
        member_count=row.member_count,
    )


def to_leader(row: Any) -> Leader:
    return Leader(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        role=LeaderRole(row.role),
        term_start=row.term_start,
        term_end=row.term_end,
        ended_on=row.ended_on,
        member_id=row.member_id,
        created_at=row.created_at,
    )


class SqlOrgRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, org_id: int, *, lock: bool = False) -> Org | None:
        stmt = _GET_LOCKED if lock else _GET
        row = (await self.s.execute(stmt, {"org_id": org_id})).first()
        return to_org(row) if row else None

    async def get_many(self, ids: list[int]) -> dict[int, Org]:
        if not ids:
            return {}
        rows = await self.s.execute(sa.select(*_ORG_COLUMNS).where(OrgRow.id.in_(ids)))
        return {r.id: to_org(r) for r in rows}

    async def code_taken(self, code: str, *, except_id: int | None = None) -> bool:
        stmt = sa.select(OrgRow.id).where(OrgRow.code == code)
        if except_id is not None:
            stmt = stmt.where(OrgRow.id != except_id)
        return (await self.s.execute(stmt.limit(1))).first() is not None

    async def id_by_code(self, code: str) -> int | None:
        stmt = sa.select(OrgRow.id).where(OrgRow.code == code)
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def add(self, new: NewOrg, *, parent: Org | None, now: dt.datetime) -> Org:
        # The path embeds the new id, so insert with a unique placeholder and set it after.
        placeholder = f"~new~{now.timestamp()}~{id(new)}"
        result = await self.s.execute(
            sa.insert(OrgRow)
            .values(
                parent_id=parent.id if parent else None,
                path=placeholder,
                depth=(parent.depth + 1) if parent else 0,
                kind=new.kind.value,
                formation=new.formation.value if new.formation else None,
                name=new.name,
                short_name=new.short_name,
                code=new.code,
                address=new.address,
                established_on=new.established_on,
                status=OrgStatus.ACTIVE.value,
                contact_leader=new.contact_leader,
                child_count=0,
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(OrgRow.id)
        )
        org_id = result.scalar_one()
        path = child_path(parent.path if parent else None, org_id)
        await self.s.execute(sa.update(OrgRow).where(OrgRow.id == org_id).values(path=path))
        org = await self.get(org_id)
        assert org is not None
        return org

    async def update(
        self,
        org_id: int,
        *,
        expected_version: int | None,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Org | None:
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in changes.items()}
        stmt = (
            sa.update(OrgRow)
            .where(OrgRow.id == org_id)
            .values(**values, version=OrgRow.version + 1, updated_at=now)
        )
        if expected_version is not None:
            stmt = stmt.where(OrgRow.version == expected_version)
        result = await self.s.execute(stmt)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            return None
        return await self.get(org_id)

    async def adjust_child_count(self, org_id: int, delta: int) -> None:
        await self.s.execute(
            sa.update(OrgRow)
            .where(OrgRow.id == org_id)
            .values(child_count=OrgRow.child_count + delta)
        )

    async def adjust_member_count(self, org_id: int, delta: int) -> None:
        await self.s.execute(
            sa.update(OrgRow)
            .where(OrgRow.id == org_id)
            .values(member_count=OrgRow.member_count + delta)
        )

    async def member_totals(self, path: str) -> tuple[int, int, int]:
        lo, hi = subtree_bounds(path)
        holding = sa.and_(
            OrgRow.kind.in_([k.value for k in HOLDING_KINDS]),
            OrgRow.status == OrgStatus.ACTIVE.value,
        )
        row = (
            await self.s.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(OrgRow.member_count), 0),
                    sa.func.count().filter(holding),
                    sa.func.count().filter(holding, OrgRow.member_count == 0),
                ).where(OrgRow.path >= lo, OrgRow.path < hi)
            )
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def lock_subtree(self, path: str) -> None:
        lo, hi = subtree_bounds(path)
        if self.s.get_bind().dialect.name == "postgresql":
            # Lock existing rows first, so the rewrite below runs with a snapshot taken after
            # any concurrent insert under this subtree has committed (see docs/decisions.md).
            await self.s.execute(
                sa.select(OrgRow.id)
                .where(OrgRow.path >= lo, OrgRow.path < hi)
                .order_by(OrgRow.id)
                .with_for_update()
            )

    async def rewrite_subtree_paths(self, old_path: str, new_path: str, depth_delta: int) -> int:
        lo, hi = subtree_bounds(old_path)
        tail = sa.func.substr(OrgRow.path, len(old_path) + 1)
        result = await self.s.execute(
            sa.update(OrgRow)
            .where(OrgRow.path >= lo, OrgRow.path < hi)
            .values(path=sa.literal(new_path) + tail, depth=OrgRow.depth + depth_delta)
            .execution_options(synchronize_session=False)
        )
        etail = sa.func.substr(EnterpriseRow.org_path, len(old_path) + 1)
        await self.s.execute(
            sa.update(EnterpriseRow)
            .where(EnterpriseRow.org_path >= lo, EnterpriseRow.org_path < hi)
            .values(org_path=sa.literal(new_path) + etail)
            .execution_options(synchronize_session=False)
        )
        mtail = sa.func.substr(MemberRow.org_path, len(old_path) + 1)
        await self.s.execute(
            sa.update(MemberRow)
            .where(MemberRow.org_path >= lo, MemberRow.org_path < hi)
            .values(org_path=sa.literal(new_path) + mtail)
            .execution_options(synchronize_session=False)
        )
        for column in (MemberTransferRow.from_path, MemberTransferRow.to_path):
            ttail = sa.func.substr(column, len(old_path) + 1)
            await self.s.execute(
                sa.update(MemberTransferRow)
                .where(column >= lo, column < hi)
                .values({column.key: sa.literal(new_path) + ttail})
                .execution_options(synchronize_session=False)
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def subtree(
        self,
        path: str,
        *,
        filters: OrgFilter,
        sort: OrgSort,
        page: PageRequest,
        base_depth: int,
    ) -> Page[Org]:
        lo, hi = subtree_bounds(path)
        stmt = sa.select(*_ORG_COLUMNS).where(OrgRow.path >= lo, OrgRow.path < hi)
        if filters.min_depth:
            stmt = stmt.where(OrgRow.depth >= base_depth + filters.min_depth)
        if filters.max_depth is not None:
            stmt = stmt.where(OrgRow.depth <= base_depth + filters.max_depth)
        if filters.kind is not None:
            stmt = stmt.where(OrgRow.kind == filters.kind.value)
        if filters.formation is not None:
            stmt = stmt.where(OrgRow.formation == filters.formation.value)
        if filters.status is not None:
            stmt = stmt.where(OrgRow.status == filters.status.value)
        if filters.name_contains:
            stmt = stmt.where(OrgRow.name.contains(filters.name_contains, autoescape=True))
        key = {
            OrgSort.PATH: (OrgRow.path, False),
            OrgSort.NAME: (OrgRow.name, False),
            OrgSort.NAME_DESC: (OrgRow.name, True),
            OrgSort.CREATED: (OrgRow.created_at, False),
            OrgSort.CREATED_DESC: (OrgRow.created_at, True),
        }[sort]
        rows, next_after = await keyset_page(
            self.s, stmt, key_col=key[0], desc=key[1], id_col=OrgRow.id, page=page
        )
        return Page([to_org(r) for r in rows], next_after)


class SqlLeaderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, leader_id: int) -> Leader | None:
        row = await self.s.get(LeaderRow, leader_id)
        return to_leader(row) if row else None

    async def add(
        self,
        *,
        org_id: int,
        name: str,
        role: str,
        term_start: dt.date,
        term_end: dt.date,
        member_id: int | None,
        now: dt.datetime,
    ) -> Leader:
        row = LeaderRow(
            org_id=org_id,
            name=name,
            role=role,
            term_start=term_start,
            term_end=term_end,
            member_id=member_id,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_leader(row)

    async def end(self, leader_id: int, ended_on: dt.date) -> Leader:
        await self.s.execute(
            sa.update(LeaderRow).where(LeaderRow.id == leader_id).values(ended_on=ended_on)
        )
        row = (
            await self.s.execute(
                sa.select(LeaderRow)
                .where(LeaderRow.id == leader_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return to_leader(row)

    async def current_of(self, org_id: int) -> list[Leader]:
        return await self.of_org(org_id, include_ended=False)

    async def of_org(self, org_id: int, *, include_ended: bool) -> list[Leader]:
        stmt = sa.select(LeaderRow).where(LeaderRow.org_id == org_id)
        if not include_ended:
            stmt = stmt.where(LeaderRow.ended_on.is_(None))
        stmt = stmt.order_by(LeaderRow.role, LeaderRow.id)
        return [to_leader(r) for r in (await self.s.execute(stmt)).scalars()]

    async def expiring(
        self, path: str, *, until: dt.date, page: PageRequest
    ) -> Page[tuple[Leader, Org]]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(LeaderRow, *_ORG_COLUMNS)
            .join(OrgRow, OrgRow.id == LeaderRow.org_id)
            .where(
                OrgRow.path >= lo,
                OrgRow.path < hi,
                OrgRow.status == OrgStatus.ACTIVE.value,
                LeaderRow.ended_on.is_(None),
                LeaderRow.term_end <= until,
            )
        )
        rows, next_after = await keyset_page(
            self.s,
            stmt,
            key_col=LeaderRow.term_end,
            desc=False,
            id_col=LeaderRow.id,
            page=page,
        )
        return Page([(to_leader(r[0]), to_org(r)) for r in rows], next_after)
