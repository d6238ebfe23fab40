"""Roster files for district systems: CSV/XLSX uploads processed as jobs, and streamed CSV/XLSX
exports of a subtree's roster. Thin handlers over app.domain.sync."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import AppContainer, CurrentPrincipal, ReadUow, WriteUow
from app.api.problems import language
from app.api.ratelimit import RateLimitedRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id
from app.container import Container
from app.domain.auth.principal import Principal
from app.domain.errors import FieldError, InvalidInput
from app.domain.members import service as member_cases
from app.domain.members.model import MemberView
from app.domain.members.ports import MemberFilter
from app.domain.messages import render
from app.domain.pagination import PageRequest
from app.domain.sync import jobs as job_cases
from app.domain.sync.batch import MEMBER_FIELDS
from app.domain.sync.files import (
    CSV_TYPES,
    EXPORT_COLUMNS,
    UPLOAD_MAX_BYTES,
    XLSX_TYPE,
    csv_lines,
    read_csv,
    read_xlsx,
)
from app.domain.sync.jobs import SyncJob

router = APIRouter(prefix="/api/v1", tags=["sync"], route_class=RateLimitedRoute)

_NO_STORE = {"Cache-Control": "no-store"}


class JobProblemOut(BaseModel):
    line: int = Field(description="Line in the file (the header is line 1).")
    column: str = Field(description="The column at fault; empty for the whole row.")
    external_id: str | None
    code: str
    detail: str


class JobOut(BaseModel):
    id: int
    entity: str
    status: str = Field(description="queued, running or done.")
    dry_run: bool
    total: int
    processed: int = Field(description="Rows done so far: the progress.")
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors_url: str = Field(description="The per-row error report as CSV.")
    problems: list[JobProblemOut] = Field(description="The first 100 problems.")
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @classmethod
    def of(cls, job: SyncJob, lang: str) -> JobOut:
        return cls(
            id=job.id,
            entity=job.entity,
            status=job.status,
            dry_run=job.dry_run,
            total=job.total,
            processed=job.processed,
            created=job.created,
            updated=job.updated,
            unchanged=job.unchanged,
            rejected=job.rejected,
            errors_url=f"/api/v1/sync/jobs/{job.id}/errors",
            problems=[_problem(p, lang) for p in job.problems[:100]],
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


def _problem(p: dict[str, Any], lang: str) -> JobProblemOut:
    return JobProblemOut(
        line=p["line"],
        column=p["column"],
        external_id=p.get("external_id"),
        code=p["code"],
        detail=render(p["code"], p.get("params") or {}, lang)[1],
    )


_UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "UTF-8 CSV or XLSX; the first line names the columns (the member batch "
        "row fields).",
    }
}


@router.post(
    "/sync/members:upload",
    status_code=202,
    response_model=JobOut,
    responses=problems(409),
    openapi_extra=_UPLOAD_OPENAPI,
    summary="Upload a member roster file as a job",
)
async def upload_members(
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    c: AppContainer,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> Response:
    """A CSV (`text/csv`, UTF-8) or XLSX file with the member batch columns, up to 200,000 rows
    and 50 MB. The columns are checked at once (422 `sync.columns_invalid` naming the unknown,
    missing and repeated ones); the rows are processed by the worker in batches of 5,000. The
    answer is `202` with the job (`Location`): poll it for progress; its error report names the
    file line and column of every problem (`GET …/errors`, CSV)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > UPLOAD_MAX_BYTES:
        raise InvalidInput(
            "sync.file_too_large",
            params={"max": UPLOAD_MAX_BYTES},
            fields=[FieldError("sync.file_too_large", header="Content-Length")],
        )
    if ctype in CSV_TYPES:
        rows = read_csv(body, MEMBER_FIELDS)
    elif ctype == XLSX_TYPE:
        rows = read_xlsx(body, MEMBER_FIELDS)
    else:
        raise InvalidInput(
            "sync.file_type_unsupported",
            params={"xlsx": XLSX_TYPE},
            fields=[FieldError("sync.file_type_unsupported", header="Content-Type")],
        )
    job = await job_cases.create_upload_job(uow, who, rows=rows, dry_run=dry_run, cipher=c.cipher)
    return JSONResponse(
        JobOut.of(job, language(request)).model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/v1/sync/jobs/{job.id}", **_NO_STORE},
    )


@router.get(
    "/sync/jobs/{job_id}",
    response_model=JobOut,
    responses=problems(),
    summary="A roster upload job",
)
async def get_job(job_id: Id, request: Request, who: CurrentPrincipal, uow: ReadUow) -> JobOut:
    """Status, progress (`processed` of `total`), counts and the first problems of one of your
    client's jobs."""
    return JobOut.of(await job_cases.get_job(uow, who, job_id=job_id), language(request))


@router.get(
    "/sync/jobs/{job_id}/errors",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **problems(),
    },
    summary="A job's per-row error report (CSV)",
)
async def job_errors(job_id: Id, request: Request, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """Every rejected row's problems: `line,column,external_id,code,detail` (no personal
    numbers are echoed)."""
    job = await job_cases.get_job(uow, who, job_id=job_id)
    lang = language(request)
    rows = (_problem(p, lang).model_dump() for p in job.problems)
    text = "".join(csv_lines(rows, ("line", "column", "external_id", "code", "detail")))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="job-{job.id}-errors.csv"',
            **_NO_STORE,
        },
    )


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _export_row(v: MemberView) -> dict[str, Any]:
    m = v.member
    return {
        "id": m.id,
        "name": m.name,
        "gender": m.gender.value,
        "birth_date": m.birth_date.isoformat(),
        "national_id": v.national_id,
        "phone": v.phone,
        "masked": "true" if v.masked else "false",
        "ethnicity": m.ethnicity,
        "education": m.education.value if m.education else None,
        "specialty": m.specialty,
        "join_date": m.join_date.isoformat(),
        "full_member_date": m.full_member_date.isoformat() if m.full_member_date else None,
        "status": m.status,
        "org_id": m.org_id,
        "employer_enterprise_id": m.employer_enterprise_id,
    }


async def _pages(
    c: Container, who: Principal, org_id: int | None, first: Any
) -> AsyncIterator[list[dict[str, Any]]]:
    page = first
    while True:
        yield [_export_row(v) for v in page.items]
        if page.next_after is None:
            return
        async with c.uow(readonly=True) as uow:
            page = await member_cases.list_members(
                uow,
                who,
                org_id=org_id,
                filters=MemberFilter(),
                page=PageRequest(limit=c.policy.page_size_max, after=page.next_after),
                cipher=c.cipher,
            )


@router.get(
    "/sync/members:export",
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **problems(),
    },
    summary="Export a subtree's member roster (CSV or XLSX, streamed)",
)
async def export_members(
    who: CurrentPrincipal,
    uow: ReadUow,
    c: AppContainer,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    format: Annotated[ExportFormat, Query(description="csv (default) or xlsx.")] = ExportFormat.CSV,
) -> Response:
    """Every member of the subtree, oldest record first, streamed page by page; id and phone
    numbers masked unless you hold `pii:read`. Needs `members:read`."""
    first = await member_cases.list_members(
        uow,
        who,
        org_id=org_id,
        filters=MemberFilter(),
        page=PageRequest(limit=c.policy.page_size_max),
        cipher=c.cipher,
    )
    name = f"members-{org_id or who.org_id}"
    if format is ExportFormat.CSV:

        async def csv_stream() -> AsyncIterator[bytes]:
            header = True
            async for rows in _pages(c, who, org_id, first):
                pieces = csv_lines(rows, EXPORT_COLUMNS)
                if not header:
                    next(pieces)  # the header only once
                for piece in pieces:
                    yield piece.encode()
                header = False

        return StreamingResponse(
            csv_stream(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"', **_NO_STORE},
        )
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("members")
    sheet.append(list(EXPORT_COLUMNS))
    async for rows in _pages(c, who, org_id, first):
        for row in rows:
            sheet.append([row[k] for k in EXPORT_COLUMNS])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book.save(spool)
    spool.seek(0)

    async def xlsx_stream() -> AsyncIterator[bytes]:
        try:
            while chunk := spool.read(64 * 1024):
                yield chunk
        finally:
            spool.close()

    return StreamingResponse(
        xlsx_stream(),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"', **_NO_STORE},
    )
