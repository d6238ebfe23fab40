"""Status changes, dual management and compliance findings: thin handlers over
app.domain.members.standing, app.domain.members.managements and app.domain.compliance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import (
    AppContainer,
    CurrentPrincipal,
    IfMatchOptional,
    Paging,
    ReadUow,
    WriteUow,
    etag,
    make_page,
)
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.problems import language
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.managements import (
    ComplianceOut,
    ManagementByNumberIn,
    ManagementEndIn,
    ManagementIn,
    ManagementOut,
    ParticipationIn,
    ParticipationOut,
    StatusChangeIn,
    StatusChangeOut,
)
from app.api.v1.schemas.members import MemberEventOut, MemberOut
from app.domain.compliance import service as compliance_cases
from app.domain.compliance.rules import RULE_CODES
from app.domain.members import managements as cases
from app.domain.members import standing as standing_cases
from app.domain.members.management_model import ManagementView, NewManagement, StatusChange
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["managements"], route_class=StrictQueryRoute)

_NO_STORE = {"Cache-Control": "no-store"}


def _management(view: ManagementView, status: int = 200) -> JSONResponse:
    out = ManagementOut.of(view)
    headers = dict(_NO_STORE)
    if status == 201:
        headers["Location"] = f"/api/v1/members/{out.member_id}/managements"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


def _new(body: ManagementIn) -> NewManagement:
    return NewManagement(
        org_id=body.org_id,
        from_date=body.from_date,
        to_date=body.to_date,
        certificate_no=body.certificate_no,
        notes=body.notes,
    )


@router.post(
    "/members/{member_id}/status-changes",
    status_code=201,
    response_model=StatusChangeOut,
    responses=problems(412),
    summary="Record a status change",
)
async def change_status(
    member_id: Id,
    body: StatusChangeIn,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
    c: AppContainer,
) -> Response:
    """Record a status change of a member affiliated in your subtree, as a dated event in
    their history: `became_full` and `probation_extended` follow the pipeline's rules
    (`pipeline.probation_not_over`, `pipeline.already_extended`, …); the others move the
    standing (422 `member.transition_not_allowed` otherwise). `struck_off`, `died` and `left`
    take the member off the roll: the current affiliation is closed on `on_date`, the org's
    `member_count` goes down, open dual-management registrations end. Optional `If-Match`
    (the member's version). Needs `members:write`. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        done = await standing_cases.change_status(
            uow,
            who,
            member_id=member_id,
            change=StatusChange(
                kind=body.kind,
                on_date=body.on_date,
                reason=body.reason,
                months=body.months,
                deciding_body=body.deciding_body,
            ),
            expected_version=version,
            cipher=c.cipher,
        )
        out = StatusChangeOut(event=MemberEventOut.of(done.event), member=MemberOut.of(done.member))
        return JSONResponse(
            out.model_dump(mode="json"),
            status_code=201,
            headers={"ETag": etag(out.member.version), **_NO_STORE},
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/members/me/managements",
    response_model=list[ManagementOut],
    responses=problems(),
    summary="My own dual-management registrations",
)
async def my_managements(who: CurrentPrincipal, uow: ReadUow) -> Response:
    """Self-service: the registrations of the member linked to your account, oldest first."""
    views = await cases.my_managements(uow, who)
    return JSONResponse(
        [ManagementOut.of(v).model_dump(mode="json") for v in views], headers=_NO_STORE
    )


@router.post(
    "/members/{member_id}/managements",
    status_code=201,
    response_model=ManagementOut,
    responses=problems(409),
    summary="Register dual management of a member in your subtree",
)
async def register_management(
    member_id: Id,
    body: ManagementIn,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """Register a member affiliated in your subtree as managed by another branch or general
    branch of your subtree. For a member affiliated elsewhere use `POST /api/v1/managements`
    with their id number. 422 `management.own_org` at the member's own organisation; 409
    `management.overlap` for an overlapping registration at the same org. Needs
    `members:write`. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.register_management(
            uow, who, member_id=member_id, national_id=None, new=_new(body), cipher=c.cipher
        )
        return _management(view, 201)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/managements",
    status_code=201,
    response_model=ManagementOut,
    responses=problems(409),
    summary="Register dual management of a member by id number",
)
async def register_management_by_number(
    body: ManagementByNumberIn,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """The managing side's registration: a migrant member affiliated anywhere (e.g. a home
    village branch in another district) is named by the id number on the documents they
    present, matched by its keyed hash; `org_id` must be in your subtree. Needs
    `members:write` and `pii:read`. Same rules as the member route."""

    async def act() -> JSONResponse:
        view = await cases.register_management(
            uow,
            who,
            member_id=None,
            national_id=body.national_id,
            new=_new(body),
            cipher=c.cipher,
        )
        return _management(view, 201)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/members/{member_id}/managements",
    response_model=list[ManagementOut],
    responses=problems(),
    summary="A member's dual-management registrations",
)
async def member_managements(member_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """All registrations for the affiliation's subtree; only those at orgs of your subtree
    when you see the member through a current registration. Needs `members:read`."""
    views = await cases.member_managements(uow, who, member_id=member_id)
    return JSONResponse(
        [ManagementOut.of(v).model_dump(mode="json") for v in views], headers=_NO_STORE
    )


@router.post(
    "/managements/{management_id}/end",
    response_model=ManagementOut,
    responses=problems(409),
    summary="End a dual-management registration",
)
async def end_management(
    management_id: Id, body: ManagementEndIn, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """End a registration (from the managing or the affiliation side), on `ended_on` (default
    today). 409 `management.already_ended`. Needs `members:write`."""
    view = await cases.end_management(
        uow, who, management_id=management_id, ended_on=body.ended_on, reason=body.reason
    )
    return _management(view)


@router.post(
    "/managements/{management_id}/participations",
    status_code=201,
    response_model=ParticipationOut,
    responses=problems(),
    summary="Record a managed member's participation",
)
async def record_participation(
    management_id: Id,
    body: ParticipationIn,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The managing side records an activity (三会一课, 主题党日…) the member took part in,
    dated within the registration (422 `management.outside_period`). Needs `members:write`.
    Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        p = await cases.record_participation(
            uow,
            who,
            management_id=management_id,
            on_date=body.on_date,
            activity=body.activity,
            notes=body.notes,
        )
        return JSONResponse(
            ParticipationOut.of(p).model_dump(mode="json"), status_code=201, headers=_NO_STORE
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/managements/{management_id}/participations",
    response_model=list[ParticipationOut],
    responses=problems(),
    summary="Participation recorded under a registration",
)
async def participations(
    management_id: Id, who: CurrentPrincipal, uow: ReadUow
) -> list[ParticipationOut]:
    """Oldest first; either side may read. Needs `members:read`."""
    return [
        ParticipationOut.of(p)
        for p in await cases.participations(uow, who, management_id=management_id)
    ]


@router.get(
    "/orgs/{org_id}/managements",
    response_model=PageOut[ManagementOut],
    responses=problems(),
    summary="Dual-management registrations at orgs of a subtree",
)
async def org_managements(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    away_over_months: Annotated[
        int | None,
        Query(
            description="Only current registrations that have run this many months or more "
            "(6: members who should transfer their relationship here).",
        ),
    ] = None,
    include_ended: Annotated[bool, Query(description="Also registrations that are over.")] = False,
) -> Response:
    """Registrations whose managing org is in the subtree of `org_id`, by id. Needs
    `members:read`."""
    after = decode_cursor(paging[1], kind="managements", sort="id", arity=2)
    page = await cases.org_managements(
        uow,
        who,
        org_id=org_id,
        away_over_months=away_over_months,
        current_only=not include_ended,
        page=make_page(paging, after),
    )
    out = PageOut[ManagementOut](
        items=[ManagementOut.of(v) for v in page.items],
        next_cursor=encode_cursor("managements", "id", page.next_after),
    )
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@router.get(
    "/orgs/{org_id}/compliance",
    response_model=ComplianceOut,
    responses=problems(),
    summary="Compliance findings over a subtree",
)
async def compliance(
    org_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: ReadUow,
    rule: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Only these rules (repeatable; default all): "
            + ", ".join(RULE_CODES)
            + ".",
        ),
    ] = None,
    limit: Annotated[
        int, Query(description="At most this many findings per rule (1–200), by path.")
    ] = compliance_cases.DEFAULT_LIMIT,
) -> ComplianceOut:
    """Findings of the rules in the brief over the subtree, from maintained member counts,
    current leaders, enterprise coverage, standings and registrations; each names the rule,
    the organisation, the figures and the suggested action (Chinese, or English with
    `Accept-Language: en`). Aggregates only. Needs `members:read`."""
    report = await compliance_cases.compliance_report(
        uow,
        who,
        org_id=org_id,
        rules=rule or None,
        limit=limit,
    )
    return ComplianceOut.of(report, language(request))
