"""SQL for the development pipeline: entries and their stage history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import OrgRow, PipelineEntryRow, PipelineStageRow
from app.db.repositories.keyset import keyset_page
from app.domain.members.model import Gender
from app.domain.members.pipeline import EntryTaken, PipelineEntry, Stage, StageRecord
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_E = PipelineEntryRow
_COLUMNS = [c for c in _E.__table__.c if c.name != "national_id_hash"]


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS, OrgRow.path.label("org_path")).join(OrgRow, OrgRow.id == _E.org_id)


def to_entry(row: Any) -> PipelineEntry:
    return PipelineEntry(
        id=row.id,
        name=row.name,
        gender=Gender(row.gender),
        birth_date=row.birth_date,
        national_id_enc=row.national_id_enc,
        org_id=row.org_id,
        org_path=row.org_path,
        stage=Stage(row.stage),
        stage_date=row.stage_date,
        member_id=row.member_id,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_stage(row: PipelineStageRow) -> StageRecord:
    return StageRecord(
        id=row.id,
        entry_id=row.entry_id,
        stage=Stage(row.stage),
        on_date=row.on_date,
        deciding_body=row.deciding_body,
        notes=row.notes,
        created_at=row.created_at,
    )


class SqlPipelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _one(self, stmt: sa.Select[Any]) -> PipelineEntry | None:
        row = (await self.s.execute(stmt)).first()
        return to_entry(row) if row else None

    async def get(self, entry_id: int, *, lock: bool = False) -> PipelineEntry | None:
        stmt = _select().where(_E.id == entry_id)
        if lock:
            stmt = stmt.with_for_update(of=_E)
        return await self._one(stmt)

    async def active_by_national_id_hash(self, digest: str) -> PipelineEntry | None:
        return await self._one(
            _select().where(_E.national_id_hash == digest, _E.stage != Stage.FULL.value)
        )

    async def by_member(self, member_id: int) -> PipelineEntry | None:
        return await self._one(_select().where(_E.member_id == member_id))

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> PipelineEntry:
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}
        stmt = (
            sa.insert(_E)
            .values(**values, version=1, created_at=now, updated_at=now)
            .returning(_E.id)
        )
        try:
            async with self.s.begin_nested():
                entry_id = (await self.s.execute(stmt)).scalar_one()
        except IntegrityError:
            raise EntryTaken("pipeline.entry_taken", None) from None
        entry = await self.get(entry_id)
        assert entry is not None
        return entry

    async def set_stage(
        self,
        entry_id: int,
        *,
        stage: Stage,
        on_date: dt.date,
        member_id: int | None,
        now: dt.datetime,
    ) -> PipelineEntry:
        values: dict[str, Any] = {
            "stage": stage.value,
            "stage_date": on_date,
            "version": _E.version + 1,
            "updated_at": now,
        }
        if member_id is not None:
            values["member_id"] = member_id
        await self.s.execute(sa.update(_E).where(_E.id == entry_id).values(**values))
        entry = await self.get(entry_id)
        assert entry is not None
        return entry

    async def add_stage(
        self,
        *,
        entry_id: int,
        stage: Stage,
        on_date: dt.date,
        deciding_body: str | None,
        notes: str | None,
        now: dt.datetime,
    ) -> StageRecord:
        row = PipelineStageRow(
            entry_id=entry_id,
            stage=stage.value,
            on_date=on_date,
            deciding_body=deciding_body,
            notes=notes,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_stage(row)

    async def stages_of(self, entry_ids: list[int]) -> dict[int, list[StageRecord]]:
        out: dict[int, list[StageRecord]] = {i: [] for i in entry_ids}
        if not entry_ids:
            return out
        stmt = (
            sa.select(PipelineStageRow)
            .where(PipelineStageRow.entry_id.in_(entry_ids))
            .order_by(PipelineStageRow.on_date, PipelineStageRow.id)
        )
        for row in (await self.s.execute(stmt)).scalars():
            out[row.entry_id].append(to_stage(row))
        return out

    async def subtree(
        self, path: str, *, stage: Stage | None, page: PageRequest
    ) -> Page[PipelineEntry]:
        lo, hi = subtree_bounds(path)
        stmt = _select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if stage is not None:
            stmt = stmt.where(_E.stage == stage.value)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=_E.id, desc=False, id_col=_E.id, page=page
        )
        return Page([to_entry(r) for r in rows], nxt)

    async def waiting(self, path: str) -> list[tuple[Stage, dt.date]]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(_E.stage, _E.stage_date)
            .join(OrgRow, OrgRow.id == _E.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi, _E.stage != Stage.FULL.value)
        )
        return [(Stage(r.stage), r.stage_date) for r in await self.s.execute(stmt)]

    async def completed(self, path: str) -> int:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(sa.func.count())
            .select_from(_E)
            .join(OrgRow, OrgRow.id == _E.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi, _E.stage == Stage.FULL.value)
        )
        return int((await self.s.execute(stmt)).scalar_one())
