"""Development pipeline endpoints (发展党员): thin handlers over app.domain.members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import AppContainer, CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import PageOut
from app.api.v1.schemas.members import MemberOut
from app.api.v1.schemas.pipeline import (
    ID_MAX,
    FunnelOut,
    MemberStageOut,
    PipelineApply,
    PipelineEntryOut,
    ProbationConvert,
    ProbationExtend,
    StageAdvance,
)
from app.domain.members import pipeline_service as cases
from app.domain.members.model import MemberView
from app.domain.members.pipeline import EntryView, Stage
from app.domain.members.pipeline_service import NewApplication
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["pipeline"], route_class=StrictQueryRoute)

_NO_STORE = {"Cache-Control": "no-store"}

EntryId = Annotated[int, Path(ge=1, le=ID_MAX)]
MemberId = Annotated[int, Path(ge=1, le=ID_MAX)]
OrgId = Annotated[int, Path(ge=1, le=ID_MAX)]


def _entry(view: EntryView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = PipelineEntryOut.of(view)
    headers = dict(_NO_STORE)
    if location:
        headers["Location"] = f"/api/v1/pipeline/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/pipeline",
    status_code=201,
    response_model=PipelineEntryOut,
    responses=problems(409),
    summary="Record an application to join",
)
async def apply_to_join(
    body: PipelineApply,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """A person applies to join (入党申请人) at a branch or general branch in your subtree. They
    are at least 18 on `applied_on` (422 `pipeline.too_young`); the id number is valid and has
    no application under way (409 `pipeline.entry_taken`) and no member record (409
    `pipeline.already_member`). Needs `members:write`. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.apply_to_join(
            uow, who, new=NewApplication(**body.model_dump()), cipher=c.cipher
        )
        return _entry(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/pipeline",
    response_model=PageOut[PipelineEntryOut],
    responses=problems(),
    summary="List pipeline entries in a subtree",
)
async def list_entries(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    c: AppContainer,
    org_id: Annotated[
        int | None, Query(ge=1, le=ID_MAX, description="Subtree root; default your own.")
    ] = None,
    stage: Annotated[Stage | None, Query(description="Only entries at this stage.")] = None,
) -> Response:
    """People in the development pipeline in the subtree of `org_id`, oldest entry first, each
    with its stage history. Needs `members:read`; id numbers masked without `pii:read`."""
    after = decode_cursor(paging[1], kind="pipeline", sort="id", arity=2)
    page = await cases.list_entries(
        uow, who, org_id=org_id, stage=stage, page=make_page(paging, after), cipher=c.cipher
    )
    out = PageOut[PipelineEntryOut](
        items=[PipelineEntryOut.of(v) for v in page.items],
        next_cursor=encode_cursor("pipeline", "id", page.next_after),
    )
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@router.get(
    "/pipeline/{entry_id}",
    response_model=PipelineEntryOut,
    responses=problems(),
    summary="Get a pipeline entry with its stages",
)
async def get_entry(
    entry_id: EntryId, who: CurrentPrincipal, uow: ReadUow, c: AppContainer
) -> Response:
    """One entry in your subtree with every stage it reached. Needs `members:read`."""
    return _entry(await cases.get_entry(uow, who, entry_id=entry_id, cipher=c.cipher))


@router.post(
    "/pipeline/{entry_id}/stage",
    response_model=PipelineEntryOut,
    responses=problems(409),
    summary="Advance to the next stage",
)
async def advance_stage(
    entry_id: EntryId,
    body: StageAdvance,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """Move the entry to its next stage (422 `pipeline.stage_out_of_order` otherwise), dated
    on or after the current stage and not in the future; a development candidate was an
    activist for a year (`pipeline.activist_too_short`). Admission (`probationary`) creates the
    member record in the same transaction (join date = `on_date`); `full` converts it, as
    `/members/{id}/probation/convert` does. Needs `members:write`. Honours `Idempotency-Key`,
    so a retried decision replays its answer instead of failing as out of order."""

    async def act() -> JSONResponse:
        view = await cases.advance_stage(
            uow,
            who,
            entry_id=entry_id,
            stage=body.stage,
            on_date=body.on_date,
            deciding_body=body.deciding_body,
            notes=body.notes,
            cipher=c.cipher,
        )
        return _entry(view)

    return await run_idempotent(request, uow, who, key, act)


def _member(view: MemberView) -> JSONResponse:
    out = MemberOut.of(view)
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@router.post(
    "/members/{member_id}/probation/extend",
    response_model=MemberOut,
    responses=problems(),
    summary="Extend probation",
)
async def extend_probation(
    member_id: MemberId,
    body: ProbationExtend,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """Extend a probationary member's probation (延长预备期) once, by 1–12 months
    (`pipeline.extension_too_long`, `pipeline.already_extended`). Recorded as a
    `probation_extended` event. Needs `members:write`. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.extend_probation(
            uow,
            who,
            member_id=member_id,
            months=body.months,
            on_date=body.on_date,
            reason=body.reason,
            cipher=c.cipher,
        )
        return _member(view)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/members/{member_id}/probation/convert",
    response_model=MemberOut,
    responses=problems(),
    summary="Convert to full membership",
)
async def convert_to_full(
    member_id: MemberId,
    body: ProbationConvert,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """Convert a probationary member to full membership (转正) no earlier than one year after
    admission, or the extended end (422 `pipeline.probation_not_over`). Sets status and
    `full_member_date`, records a `became_full` event and completes the pipeline entry.
    Needs `members:write`. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.convert_to_full(
            uow,
            who,
            member_id=member_id,
            on_date=body.on_date,
            deciding_body=body.deciding_body,
            cipher=c.cipher,
        )
        return _member(view)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/orgs/{org_id}/pipeline-funnel",
    response_model=FunnelOut,
    responses=problems(),
    summary="Development pipeline funnel of a subtree",
)
async def pipeline_funnel(org_id: OrgId, who: CurrentPrincipal, uow: ReadUow) -> FunnelOut:
    """Per stage: how many people wait there now and how long (median and longest, days since
    they reached it, Asia/Shanghai dates); then how many completed. No personal data.
    Needs `members:read`."""
    return FunnelOut.of(await cases.pipeline_funnel(uow, who, org_id=org_id))


@router.get(
    "/members/me/stage",
    response_model=MemberStageOut,
    responses=problems(),
    summary="My own pipeline stage",
)
async def my_stage(who: CurrentPrincipal, uow: ReadUow, c: AppContainer) -> Response:
    """Self-service: the pipeline stage of the member linked to your account (probationary,
    with the day probation may end, or full) and the stages recorded before admission,
    unmasked to yourself. 404 `member.not_linked` when your account has none."""
    stage = await cases.my_stage(uow, who, cipher=c.cipher)
    out = MemberStageOut.of(stage)
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)
