"""Roster files as jobs: an upload is parsed at once (wrong columns are a 422 naming them),
queued with its rows encrypted, and processed by the worker in batches through the same batch
use case as JSON; the job shows its progress and keeps a per-row error report (file line and
column)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Protocol

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.errors import NotFound
from app.domain.members.ports import PersonalDataCipher
from app.domain.ports import UnitOfWork
from app.domain.sync.batch import check_batch_size, upsert_members
from app.domain.sync.clients import acting_client
from app.domain.sync.files import line_and_column
from app.domain.sync.model import BATCH_MAX, RowStatus, client_id_of, client_subject

ROWS_CONTEXT = "sync.job_rows"
LEASE = dt.timedelta(minutes=5)


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


@dataclass(frozen=True)
class SyncJob:
    id: int
    client_id: int
    entity: str
    status: str
    dry_run: bool
    scopes: tuple[str, ...]
    request_id: str
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[dict[str, Any]]
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None


class JobRepository(Protocol):
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
    ) -> SyncJob: ...

    async def get(self, job_id: int) -> SyncJob | None: ...

    async def claim(
        self, *, now: dt.datetime, lease_until: dt.datetime
    ) -> tuple[SyncJob, str] | None:
        """The oldest queued or abandoned running job, leased (SKIP LOCKED), with its rows."""
        ...

    async def progress(
        self,
        job_id: int,
        *,
        processed: int,
        counts: dict[str, int],
        problems: list[dict[str, Any]],
        lease_until: dt.datetime,
        now: dt.datetime,
    ) -> None: ...

    async def finish(self, job_id: int, *, now: dt.datetime) -> None:
        """Done: the encrypted rows are dropped, the report kept."""
        ...


async def create_upload_job(
    uow: UnitOfWork,
    actor: Principal,
    *,
    rows: list[dict[str, Any]],
    dry_run: bool,
    cipher: PersonalDataCipher,
) -> SyncJob:
    """Queue parsed member rows for the worker; answers the job to poll."""
    actor.require(Scope.SYNC_WRITE)
    actor.require(Scope.MEMBERS_WRITE)
    client = await acting_client(uow, actor)
    check_batch_size(rows[:1])  # an empty file is refused like an empty batch
    blob = json.dumps(rows, ensure_ascii=False, default=str)
    job = await uow.sync_jobs.add(
        client_id=client.id,
        entity="member",
        dry_run=dry_run,
        scopes=sorted(actor.scopes),
        request_id=actor.request_id,
        total=len(rows),
        rows_enc=cipher.encrypt(blob, context=ROWS_CONTEXT),
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="sync.job_create",
        target_type="sync_client",
        target_id=client.id,
        org_id=client.org_id,
        changes={"job_id": job.id, "rows": len(rows), "dry_run": dry_run},
    )
    await uow.commit()
    return job


async def get_job(uow: UnitOfWork, actor: Principal, *, job_id: int) -> SyncJob:
    """One of the calling client's jobs: progress, counts and problems."""
    job = await uow.sync_jobs.get(job_id)
    if job is None or job.client_id != client_id_of(actor.subject):
        raise NotFound("sync.job_not_found", params={"id": job_id})
    actor.require(Scope.SYNC_WRITE)
    return job


async def claim_job(
    uow: UnitOfWork, *, cipher: PersonalDataCipher
) -> tuple[SyncJob, list[Any]] | None:
    """Lease the next job to work on (worker side)."""
    now = uow.clock.now()
    claimed = await uow.sync_jobs.claim(now=now, lease_until=now + LEASE)
    await uow.commit()
    if claimed is None:
        return None
    job, rows_enc = claimed
    return job, json.loads(cipher.decrypt(rows_enc, context=ROWS_CONTEXT))


async def run_chunk(
    uow: UnitOfWork,
    job: SyncJob,
    rows: list[Any],
    *,
    start: int,
    org_id: int,
    cipher: PersonalDataCipher,
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """One batch of a job, run as the client that uploaded it; problems by file line."""
    actor = Principal(
        subject=client_subject(job.client_id),
        role=Role.SYNC_CLIENT,
        scopes=frozenset(job.scopes),
        org_id=org_id,
        request_id=job.request_id,
    )
    result = await upsert_members(
        uow, actor, rows=rows[start : start + BATCH_MAX], dry_run=job.dry_run, cipher=cipher
    )
    counts = {s.value: result.count(s) for s in RowStatus}
    problems = []
    for r in result.results:
        for p in r.problems:
            line, column = line_and_column(p.pointer)
            problems.append(
                {
                    "line": line + start,
                    "column": column,
                    "external_id": r.external_id,
                    "code": p.code,
                    "params": p.params,
                }
            )
    return counts, problems


async def record_progress(
    uow: UnitOfWork,
    job: SyncJob,
    *,
    processed: int,
    counts: dict[str, int],
    problems: list[dict[str, Any]],
) -> None:
    now = uow.clock.now()
    await uow.sync_jobs.progress(
        job.id,
        processed=processed,
        counts=counts,
        problems=problems,
        lease_until=now + LEASE,
        now=now,
    )
    if processed >= job.total:
        await uow.sync_jobs.finish(job.id, now=now)
    await uow.commit()
