"""SQL for roster sync: machine clients, external-id mappings, batch member writes and the
change feed's reads of the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    ChangeOutboxRow,
    ClientExternalIdRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    OrgRow,
    SyncClientRow,
    SyncJobRow,
)
from app.db.repositories.members import to_member
from app.domain.errors import Conflict
from app.domain.orgs.model import subtree_bounds
from app.domain.sync.jobs import JobStatus, SyncJob
from app.domain.sync.model import Change, SyncClient
from app.domain.sync.ports import SyncedMember

_CHUNK = 5000


def _table(row: type[Any]) -> sa.Table:
    """The Core table of a mapped class: Core inserts skip the ORM's per-row bookkeeping."""
    return cast(sa.Table, row.__table__)


def to_client(row: SyncClientRow) -> SyncClient:
    return SyncClient(
        id=row.id,
        client_key=row.client_key,
        org_id=row.org_id,
        name=row.name,
        scopes=frozenset(row.scopes or []),
        secret_hash=row.secret_hash,
        previous_secret_hash=row.previous_secret_hash,
        previous_secret_expires_at=row.previous_secret_expires_at,
        active=row.active,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _chunks(items: list[Any], size: int = _CHUNK) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class SqlSyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _in(self, column: Any, values: list[Any], item: Any) -> Any:
        """``column IN values``: one array parameter on PostgreSQL (no per-value expansion)."""
        if self.s.get_bind().dialect.name == "postgresql":
            return column == sa.func.any(sa.bindparam(None, values, type_=postgresql.ARRAY(item)))
        return column.in_(values)

    async def add_client(
        self,
        *,
        client_key: str,
        org_id: int,
        name: str,
        scopes: list[str],
        secret_hash: str,
        now: dt.datetime,
    ) -> SyncClient:
        row = SyncClientRow(
            client_key=client_key,
            org_id=org_id,
            name=name,
            scopes=scopes,
            secret_hash=secret_hash,
            active=True,
            version=1,
            created_at=now,
            updated_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return to_client(row)

    async def get_client(self, client_id: int, *, lock: bool = False) -> SyncClient | None:
        stmt = sa.select(SyncClientRow).where(SyncClientRow.id == client_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return to_client(row) if row else None

    async def client_by_key(self, client_key: str) -> SyncClient | None:
        stmt = sa.select(SyncClientRow).where(SyncClientRow.client_key == client_key)
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return to_client(row) if row else None

    async def clients_in_subtree(self, path: str) -> list[SyncClient]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(SyncClientRow)
            .join(OrgRow, OrgRow.id == SyncClientRow.org_id)
            .where(OrgRow.path >= lo, OrgRow.path < hi)
            .order_by(SyncClientRow.id)
        )
        return [to_client(r) for r in (await self.s.execute(stmt)).scalars()]

    async def _update(self, client_id: int, values: dict[str, Any], now: dt.datetime) -> SyncClient:
        await self.s.execute(
            sa.update(SyncClientRow)
            .where(SyncClientRow.id == client_id)
            .values(**values, version=SyncClientRow.version + 1, updated_at=now)
        )
        client = await self.get_client(client_id)
        assert client is not None
        return client

    async def rotate_secret(
        self,
        client_id: int,
        *,
        secret_hash: str,
        previous_hash: str,
        previous_expires_at: dt.datetime,
        now: dt.datetime,
    ) -> SyncClient:
        self.s.expire_all()
        return await self._update(
            client_id,
            {
                "secret_hash": secret_hash,
                "previous_secret_hash": previous_hash,
                "previous_secret_expires_at": previous_expires_at,
            },
            now,
        )

    async def set_active(self, client_id: int, *, active: bool, now: dt.datetime) -> SyncClient:
        self.s.expire_all()
        return await self._update(client_id, {"active": active}, now)

    async def mapped(self, client_id: int, entity: str, external_ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        t = ClientExternalIdRow
        for chunk in _chunks(external_ids):
            stmt = sa.select(t.external_id, t.internal_id).where(
                t.client_id == client_id,
                t.entity == entity,
                self._in(t.external_id, chunk, sa.String),
            )
            out.update({r.external_id: int(r.internal_id) for r in await self.s.execute(stmt)})
        return out

    async def mapped_back(
        self, client_id: int, entity: str, internal_ids: list[int]
    ) -> dict[int, str]:
        out: dict[int, str] = {}
        t = ClientExternalIdRow
        for chunk in _chunks(internal_ids):
            stmt = sa.select(t.external_id, t.internal_id).where(
                t.client_id == client_id,
                t.entity == entity,
                self._in(t.internal_id, chunk, sa.BigInteger),
            )
            out.update({int(r.internal_id): r.external_id for r in await self.s.execute(stmt)})
        return out

    async def link(
        self,
        client_id: int,
        entity: str,
        pairs: list[tuple[str, int]],
        *,
        now: dt.datetime,
        states: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        states = states or {}
        rows = [
            {
                "client_id": client_id,
                "entity": entity,
                "external_id": ext,
                "internal_id": internal,
                "fingerprint": states.get(ext, (None, None))[0],
                "synced_version": states.get(ext, (None, None))[1],
                "created_at": now,
            }
            for ext, internal in pairs
        ]
        try:
            async with self.s.begin_nested():
                for chunk in _chunks(rows):
                    await self.s.execute(sa.insert(_table(ClientExternalIdRow)), chunk)
        except IntegrityError:
            raise Conflict("sync.concurrent_change") from None

    async def mapping_states(
        self, client_id: int, entity: str, external_ids: list[str]
    ) -> dict[str, tuple[int, str | None, int | None]]:
        out: dict[str, tuple[int, str | None, int | None]] = {}
        t = ClientExternalIdRow
        for chunk in _chunks(external_ids):
            stmt = sa.select(t.external_id, t.internal_id, t.fingerprint, t.synced_version).where(
                t.client_id == client_id,
                t.entity == entity,
                self._in(t.external_id, chunk, sa.String),
            )
            for r in await self.s.execute(stmt):
                out[r.external_id] = (int(r.internal_id), r.fingerprint, r.synced_version)
        return out

    async def remember(
        self, client_id: int, entity: str, states: dict[str, tuple[str, int]]
    ) -> None:
        if not states:
            return
        t = ClientExternalIdRow
        stmt = (
            sa.update(t)
            .where(
                t.client_id == client_id,
                t.entity == entity,
                t.external_id == sa.bindparam("ext"),
            )
            .values(fingerprint=sa.bindparam("fp"), synced_version=sa.bindparam("ver"))
            .execution_options(audit_exempt=True)
        )
        params = [{"ext": e, "fp": fp, "ver": v} for e, (fp, v) in states.items()]
        conn = await self.s.connection()
        for chunk in _chunks(params):
            await conn.execute(stmt, chunk)

    async def member_versions(self, ids: list[int]) -> dict[int, tuple[int, str]]:
        out: dict[int, tuple[int, str]] = {}
        for chunk in _chunks(ids):
            stmt = sa.select(MemberRow.id, MemberRow.version, MemberRow.org_path).where(
                self._in(MemberRow.id, chunk, sa.BigInteger)
            )
            out.update(
                {int(r.id): (int(r.version), str(r.org_path)) for r in await self.s.execute(stmt)}
            )
        return out

    async def members_for_sync(self, *, ids: list[int], hashes: list[str]) -> list[SyncedMember]:
        found: dict[int, SyncedMember] = {}
        conditions = [(MemberRow.id, c, sa.BigInteger) for c in _chunks(ids)] + [
            (MemberRow.national_id_hash, c, sa.String) for c in _chunks(hashes)
        ]
        for column, chunk, item in conditions:
            stmt = sa.select(*MemberRow.__table__.c).where(self._in(column, chunk, item))
            for r in await self.s.execute(stmt):
                found[r.id] = SyncedMember(to_member(r), r.national_id_hash, r.phone_hash)
        return list(found.values())

    async def insert_members(
        self, rows: list[dict[str, Any]], *, reason: str, event: str, now: dt.datetime
    ) -> list[int]:
        ids: list[int] = []
        try:
            async with self.s.begin_nested():
                for chunk in _chunks(rows):
                    result = await self.s.execute(
                        sa.insert(MemberRow).returning(MemberRow.id, sort_by_parameter_order=True),
                        [{**r, "version": 1, "created_at": now, "updated_at": now} for r in chunk],
                    )
                    ids.extend(int(i) for i in result.scalars())
        except IntegrityError:
            raise Conflict("sync.concurrent_change") from None
        affiliations = [
            {
                "member_id": i,
                "org_id": r["org_id"],
                "from_date": r["join_date"],
                "to_date": None,
                "reason": reason,
            }
            for i, r in zip(ids, rows, strict=True)
        ]
        events = [
            {
                "member_id": i,
                "kind": event,
                "on_date": r["join_date"],
                "reason": None,
                "details": {"status": r["status"], "org_id": r["org_id"]},
                "created_at": now,
            }
            for i, r in zip(ids, rows, strict=True)
        ]
        for chunk in _chunks(affiliations):
            await self.s.execute(sa.insert(_table(MemberAffiliationRow)), chunk)
        for chunk in _chunks(events):
            await self.s.execute(sa.insert(_table(MemberEventRow)), chunk)
        return ids

    async def horizon(self) -> int | None:
        if self.s.get_bind().dialect.name != "postgresql":
            return None  # SQLite: one writer at a time, so ids are in commit order
        stmt = sa.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return int((await self.s.execute(stmt)).scalar_one())

    async def changes(
        self,
        path: str,
        *,
        after: tuple[int, int],
        horizon: int | None,
        limit: int,
    ) -> list[Change]:
        lo, hi = subtree_bounds(path)
        t = ChangeOutboxRow
        stmt = (
            sa.select(t)
            .where(
                sa.tuple_(t.tx, t.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])),
                sa.or_(
                    sa.and_(t.org_path >= lo, t.org_path < hi),
                    sa.and_(t.prev_org_path >= lo, t.prev_org_path < hi),
                ),
            )
            .order_by(t.tx, t.id)
            .limit(limit)
        )
        if horizon is not None:
            stmt = stmt.where(t.tx < horizon)
        return [
            Change(
                id=r.id,
                tx=r.tx,
                at=r.at,
                entity=r.entity,
                entity_id=r.entity_id,
                action=r.action,
                org_id=r.org_id,
                actor=r.actor,
                changes=dict(r.changes or {}),
            )
            for r in (await self.s.execute(stmt)).scalars()
        ]


def to_job(row: Any) -> SyncJob:
    return SyncJob(
        id=row.id,
        client_id=row.client_id,
        entity=row.entity,
        status=row.status,
        dry_run=row.dry_run,
        scopes=tuple(row.scopes or ()),
        request_id=row.request_id,
        total=row.total,
        processed=row.processed,
        created=row.created,
        updated=row.updated,
        unchanged=row.unchanged,
        rejected=row.rejected,
        problems=list(row.problems or []),
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )


_JOB_COLUMNS = [c for c in _table(SyncJobRow).c if c.name != "rows_enc"]
_EXEMPT = {"audit_exempt": True}


class SqlJobRepository:
    """Upload jobs. Progress is bookkeeping (audit-exempt): the rows' own changes are audited
    by the batch use case, the job's creation by its use case."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(
        self,
        *,
        client_id: int,
        entity: str,
        dry_run: bool,
        scopes: list[str],
        request_id: str,
        total: int,
        rows_enc: str,
        now: dt.datetime,
    ) -> SyncJob:
        result = await self.s.execute(
            sa.insert(_table(SyncJobRow))
            .values(
                client_id=client_id,
                entity=entity,
                status=JobStatus.QUEUED,
                dry_run=dry_run,
                scopes=scopes,
                request_id=request_id,
                total=total,
                processed=0,
                created=0,
                updated=0,
                unchanged=0,
                rejected=0,
                rows_enc=rows_enc,
                problems=[],
                created_at=now,
                updated_at=now,
            )
            .returning(_table(SyncJobRow).c.id)
        )
        job = await self.get(int(result.scalar_one()))
        assert job is not None
        return job

    async def get(self, job_id: int) -> SyncJob | None:
        row = (
            await self.s.execute(sa.select(*_JOB_COLUMNS).where(SyncJobRow.id == job_id))
        ).first()
        return to_job(row) if row else None

    async def claim(
        self, *, now: dt.datetime, lease_until: dt.datetime
    ) -> tuple[SyncJob, str] | None:
        j = SyncJobRow
        stmt = (
            sa.select(j.id, j.rows_enc)
            .where(
                sa.or_(
                    j.status == JobStatus.QUEUED,
                    sa.and_(j.status == JobStatus.RUNNING, j.lease_until < now),
                )
            )
            .order_by(j.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        found = (await self.s.execute(stmt)).first()
        if found is None:
            return None
        await self.s.execute(
            sa.update(j)
            .where(j.id == found.id)
            .values(status=JobStatus.RUNNING, lease_until=lease_until, updated_at=now)
            .execution_options(**_EXEMPT)
        )
        job = await self.get(int(found.id))
        assert job is not None
        return job, str(found.rows_enc)

    async def progress(
        self,
        job_id: int,
        *,
        processed: int,
        counts: dict[str, int],
        problems: list[dict[str, Any]],
        lease_until: dt.datetime,
        now: dt.datetime,
    ) -> None:
        j = SyncJobRow
        current = (await self.s.execute(sa.select(j.problems).where(j.id == job_id))).scalar_one()
        await self.s.execute(
            sa.update(j)
            .where(j.id == job_id)
            .values(
                processed=processed,
                created=j.created + counts.get("created", 0),
                updated=j.updated + counts.get("updated", 0),
                unchanged=j.unchanged + counts.get("unchanged", 0),
                rejected=j.rejected + counts.get("rejected", 0),
                problems=list(current or []) + problems,
                lease_until=lease_until,
                updated_at=now,
            )
            .execution_options(**_EXEMPT)
        )

    async def finish(self, job_id: int, *, now: dt.datetime) -> None:
        await self.s.execute(
            sa.update(SyncJobRow)
            .where(SyncJobRow.id == job_id)
            .values(
                status=JobStatus.DONE,
                rows_enc=None,
                lease_until=None,
                finished_at=now,
                updated_at=now,
            )
            .execution_options(**_EXEMPT)
        )
