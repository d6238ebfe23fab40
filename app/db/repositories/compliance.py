"""SQL of the compliance rules: one grouped statement per rule over a subtree range, never a
loop over orgs; each capped at ``limit`` rows (by path) with the total counted beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    EnterpriseRow,
    LeaderRow,
    MemberManagementRow,
    MemberRow,
    MemberTransferRow,
    OrgRow,
)
from app.db.repositories.managements import current_on
from app.db.repositories.transfers import overdue
from app.domain.compliance.model import OrgRef
from app.domain.compliance.ports import Rows
from app.domain.members.model import ON_ROLL, MemberStatus, Standing
from app.domain.orgs.model import Formation, LeaderRole, OrgKind, OrgStatus, subtree_bounds

_ON_ROLL = sorted(s.value for s in ON_ROLL)
_ORG = (OrgRow.id, OrgRow.name, OrgRow.kind, OrgRow.path)
Figures = Callable[[Any], dict[str, int | str]]


def _in_subtree(path: str, org: Any = OrgRow) -> sa.ColumnElement[bool]:
    lo, hi = subtree_bounds(path)
    return sa.and_(org.path >= lo, org.path < hi, org.status == OrgStatus.ACTIVE.value)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class SqlComplianceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _capped(self, stmt: Any, figures: Figures, limit: int) -> Rows:
        # One pass: the first ``limit`` rows by path, each carrying the total (a window count).
        sub = stmt.subquery()
        total = sa.func.count().over().label("_total")
        rows = (await self.s.execute(sa.select(sub, total).order_by(sub.c.path).limit(limit))).all()
        return (int(rows[0]._total) if rows else 0), [
            (OrgRef(id=r.id, name=r.name, kind=r.kind, path=r.path), figures(r)) for r in rows
        ]

    async def branches_few_full(self, path: str, *, minimum: int, limit: int) -> Rows:
        # Full members on the roll = the maintained member_count (members on the roll whose
        # current affiliation is there) minus the probationary ones, the smaller group to count.
        lo, hi = subtree_bounds(path)
        probationary = (
            sa.select(MemberRow.org_id, sa.func.count().label("n"))
            .where(
                MemberRow.org_path >= lo,
                MemberRow.org_path < hi,
                MemberRow.status == MemberStatus.PROBATIONARY.value,
                MemberRow.standing.in_(_ON_ROLL),
            )
            .group_by(MemberRow.org_id)
            .subquery()
        )
        full = OrgRow.member_count - sa.func.coalesce(probationary.c.n, 0)
        stmt = (
            sa.select(*_ORG, OrgRow.member_count.label("members"), full.label("full"))
            .outerjoin(probationary, probationary.c.org_id == OrgRow.id)
            .where(_in_subtree(path), OrgRow.kind == OrgKind.BRANCH.value, full < minimum)
        )
        return await self._capped(
            stmt,
            lambda r: {"full_members": int(r.full), "members": int(r.members), "minimum": minimum},
            limit,
        )

    async def branches_without_committee(
        self, path: str, *, size: int, committee_min: int, today: dt.date, limit: int
    ) -> Rows:
        L = LeaderRow

        def has(role: LeaderRole) -> Any:
            return sa.func.sum(sa.case((L.role == role.value, 1), else_=0))

        leaders = (
            sa.select(
                L.org_id,
                sa.func.count().label("n"),
                has(LeaderRole.SECRETARY).label("secretaries"),
                has(LeaderRole.COMMITTEE_MEMBER).label("committee"),
            )
            .where(L.ended_on.is_(None), L.term_end >= today)
            .group_by(L.org_id)
            .subquery()
        )
        n = sa.func.coalesce(leaders.c.n, 0)
        has_committee = sa.and_(
            sa.func.coalesce(leaders.c.secretaries, 0) >= 1,
            sa.func.coalesce(leaders.c.committee, 0) >= 1,
            n >= committee_min,
        )
        stmt = (
            sa.select(*_ORG, OrgRow.member_count.label("members"), n.label("leaders"))
            .outerjoin(leaders, leaders.c.org_id == OrgRow.id)
            .where(
                _in_subtree(path),
                OrgRow.kind == OrgKind.BRANCH.value,
                OrgRow.member_count >= size,
                sa.not_(has_committee),
            )
        )
        return await self._capped(
            stmt,
            lambda r: {"members": int(r.members), "current_leaders": int(r.leaders)},
            limit,
        )

    async def general_branch_sizes(
        self, path: str, *, at_most: int | None, above: int | None, limit: int
    ) -> Rows:
        # A general branch holds branches only, and a branch holds nothing (ALLOWED_CHILDREN
        # in app/domain/orgs/model.py), so its subtree is itself and its children: one grouped
        # scan of the subtree, keyed by the general branch (its own id, or a branch's parent).
        lo, hi = subtree_bounds(path)
        is_general = OrgRow.kind == OrgKind.GENERAL_BRANCH.value

        def own(column: Any) -> Any:
            return sa.func.max(sa.case((is_general, column)))

        key = sa.case((is_general, OrgRow.id), else_=OrgRow.parent_id)
        members = sa.func.sum(OrgRow.member_count)
        stmt = (
            sa.select(
                key.label("id"),
                own(OrgRow.name).label("name"),
                own(OrgRow.kind).label("kind"),
                own(OrgRow.path).label("path"),
                members.label("members"),
            )
            .where(
                OrgRow.path >= lo,
                OrgRow.path < hi,
                OrgRow.kind.in_([OrgKind.GENERAL_BRANCH.value, OrgKind.BRANCH.value]),
            )
            .group_by(key)
            # Groups of a live general branch of the subtree (not branches under a park).
            .having(sa.func.max(sa.case((is_general, OrgRow.status))) == OrgStatus.ACTIVE.value)
        )
        if at_most is not None:
            stmt = stmt.having(members <= at_most)
        if above is not None:
            stmt = stmt.having(members > above)
        return await self._capped(stmt, lambda r: {"members": int(r.members)}, limit)

    async def joint_branches_wide(self, path: str, *, above: int, limit: int) -> Rows:
        # One index probe (enterprises.covering_org_id) per joint branch of the subtree.
        covered = (
            sa.select(sa.func.count())
            .where(EnterpriseRow.covering_org_id == OrgRow.id, EnterpriseRow.status == "active")
            .correlate(OrgRow)
            .scalar_subquery()
        )
        joint = (
            sa.select(*_ORG, covered.label("enterprises"))
            .where(
                _in_subtree(path),
                OrgRow.kind == OrgKind.BRANCH.value,
                OrgRow.formation == Formation.JOINT.value,
            )
            .subquery()
        )
        stmt = sa.select(joint).where(joint.c.enterprises > above)
        return await self._capped(
            stmt, lambda r: {"enterprises": int(r.enterprises), "maximum": above}, limit
        )

    async def terms_due(
        self, path: str, *, after: dt.date | None, until: dt.date, limit: int
    ) -> Rows:
        L = LeaderRow
        stmt = (
            sa.select(*_ORG, sa.func.count(L.id).label("n"), sa.func.min(L.term_end).label("end"))
            .join(L, L.org_id == OrgRow.id)
            .where(_in_subtree(path), L.ended_on.is_(None), L.term_end <= until)
            .group_by(*_ORG)
        )
        if after is not None:
            stmt = stmt.where(L.term_end > after)
        return await self._capped(
            stmt, lambda r: {"leaders": int(r.n), "earliest_end": _iso(r.end)}, limit
        )

    async def lost_contact(self, path: str, *, since: dt.date, limit: int) -> Rows:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(
                *_ORG,
                sa.func.count(MemberRow.id).label("n"),
                sa.func.min(MemberRow.standing_since).label("oldest"),
            )
            .join(MemberRow, MemberRow.org_id == OrgRow.id)
            .where(
                _in_subtree(path),
                MemberRow.org_path >= lo,
                MemberRow.org_path < hi,
                MemberRow.standing == Standing.LOST_CONTACT.value,
                MemberRow.standing_since <= since,
            )
            .group_by(*_ORG)
        )
        return await self._capped(
            stmt, lambda r: {"members": int(r.n), "oldest_since": _iso(r.oldest)}, limit
        )

    async def transfers_overdue(self, path: str, *, today: dt.date, limit: int) -> Rows:
        T = MemberTransferRow
        stmt = (
            sa.select(
                *_ORG,
                sa.func.count(T.id).label("n"),
                sa.func.min(T.valid_until).label("oldest"),
            )
            .join(T, T.from_org_id == OrgRow.id)
            .where(_in_subtree(path), overdue(today))
            .group_by(*_ORG)
        )
        return await self._capped(
            stmt, lambda r: {"transfers": int(r.n), "oldest_valid_until": _iso(r.oldest)}, limit
        )

    async def managed_long(
        self, path: str, *, started_by: dt.date, today: dt.date, limit: int
    ) -> Rows:
        M = MemberManagementRow
        stmt = (
            sa.select(
                *_ORG,
                sa.func.count(sa.distinct(M.member_id)).label("n"),
                sa.func.min(M.from_date).label("oldest"),
            )
            .join(M, M.org_id == OrgRow.id)
            .where(_in_subtree(path), current_on(today), M.from_date <= started_by)
            .group_by(*_ORG)
        )
        return await self._capped(
            stmt, lambda r: {"members": int(r.n), "oldest_from": _iso(r.oldest)}, limit
        )
