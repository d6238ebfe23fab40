"""The park's joint mechanism (双联): conference memberships, the chair rota, joint meetings and
coordination cases — thin handlers over app.domain.sharing.joint and .cases."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, etag, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.sharing import (
    CaseAgenda,
    CaseAssign,
    CaseClose,
    CaseCreate,
    CaseNoteCreate,
    CaseOut,
    CategoryCountOut,
    ChairSlotOut,
    MeetingCreate,
    MeetingOut,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    RotaCreate,
    RotaOut,
    RotaSkip,
    RotaSwap,
    ScheduleOut,
)
from app.domain.pagination import decode_cursor, encode_cursor
from app.domain.sharing import cases as case_cases
from app.domain.sharing import joint as joint_cases
from app.domain.sharing.cases import NewCase
from app.domain.sharing.joint import NewMembership
from app.domain.sharing.joint_model import Case, CaseCategory, CaseStatus, RotaChangeKind

router = APIRouter(prefix="/api/v1", tags=["joint mechanism"], route_class=StrictQueryRoute)


def _case(c: Case, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = CaseOut.of(c)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/cases/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/joint-memberships",
    status_code=201,
    response_model=MembershipOut,
    responses=problems(),
    summary="Add a member to a park's joint conference or enterprise association",
)
async def create_membership(
    body: MembershipCreate, who: CurrentPrincipal, uow: WriteUow
) -> MembershipOut:
    """`secretary` (a branch secretary of the joint conference, naming a branch of the park)
    or `association` (a firm of the enterprise association, naming an enterprise of the park).
    Needs `sharing:coordinate` over the park."""
    m = await joint_cases.add_membership(uow, who, new=NewMembership(**body.model_dump()))
    return MembershipOut.of(m)


@router.get(
    "/joint-memberships",
    response_model=list[MembershipOut],
    responses=problems(),
    summary="A park's joint conference and association",
)
async def list_memberships(
    who: CurrentPrincipal,
    uow: ReadUow,
    park_id: Annotated[Id, Query(description="The park.")],
    active_on: Annotated[dt.date | None, Query(description="Members on this date.")] = None,
) -> list[MembershipOut]:
    """All memberships of the park, or those active on a date."""
    found = await joint_cases.list_memberships(uow, who, park_id=park_id, active_on=active_on)
    return [MembershipOut.of(m) for m in found]


@router.post(
    "/joint-memberships/{membership_id}/end",
    response_model=MembershipOut,
    responses=problems(),
    summary="End a membership",
)
async def end_membership(
    membership_id: Id, body: MembershipEnd, who: CurrentPrincipal, uow: WriteUow
) -> MembershipOut:
    """Record the leaving date (default today)."""
    m = await joint_cases.end_membership(
        uow, who, membership_id=membership_id, left_on=body.left_on
    )
    return MembershipOut.of(m)


@router.post(
    "/joint-rotas",
    status_code=201,
    response_model=RotaOut,
    responses=problems(),
    summary="Set the chair rota of the monthly joint meeting",
)
async def create_rota(body: RotaCreate, who: CurrentPrincipal, uow: WriteUow) -> RotaOut:
    """Current secretary memberships of the park in rotation order, from a month (YYYY-MM).
    A later rota takes over from its own start month."""
    rota = await joint_cases.create_rota(
        uow, who, park_id=body.park_id, start_month=body.start_month, chair_ids=body.chair_ids
    )
    return RotaOut.of(rota)


@router.get(
    "/joint-rotas/{rota_id}/schedule",
    response_model=ScheduleOut,
    responses=problems(),
    summary="Who chairs which month",
)
async def rota_schedule(
    rota_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    from_month: Annotated[
        str | None, Query(min_length=7, max_length=7, description="YYYY-MM; default now.")
    ] = None,
    months: Annotated[int, Query(description="How many months (1–36).")] = 12,
) -> ScheduleOut:
    """Rotation from the start month; a skipped month goes to the next chair and the rest
    shift; a swap exchanges two months; each changed month carries its reason."""
    rota, slots = await joint_cases.rota_schedule(
        uow, who, rota_id=rota_id, first=from_month, months=months
    )
    return ScheduleOut(
        rota=RotaOut.of(rota),
        months=[
            ChairSlotOut(month=s.month, membership_id=s.membership_id, note=s.note) for s in slots
        ],
    )


@router.post(
    "/joint-rotas/{rota_id}/skips",
    response_model=RotaOut,
    responses=problems(),
    summary="Skip a month's chair",
)
async def skip_month(rota_id: Id, body: RotaSkip, who: CurrentPrincipal, uow: WriteUow) -> RotaOut:
    """The month's scheduled chair cannot (a reason is required): the next in the list chairs
    it and the rotation shifts by one from there."""
    rota = await joint_cases.change_rota(
        uow,
        who,
        rota_id=rota_id,
        kind=RotaChangeKind.SKIP,
        month=body.month,
        other_month=None,
        reason=body.reason,
    )
    return RotaOut.of(rota)


@router.post(
    "/joint-rotas/{rota_id}/swaps",
    response_model=RotaOut,
    responses=problems(),
    summary="Swap two months' chairs",
)
async def swap_months(rota_id: Id, body: RotaSwap, who: CurrentPrincipal, uow: WriteUow) -> RotaOut:
    """Two months exchange their chairs (a reason is required)."""
    rota = await joint_cases.change_rota(
        uow,
        who,
        rota_id=rota_id,
        kind=RotaChangeKind.SWAP,
        month=body.month,
        other_month=body.other_month,
        reason=body.reason,
    )
    return RotaOut.of(rota)


@router.post(
    "/joint-meetings",
    status_code=201,
    response_model=MeetingOut,
    responses=problems(),
    summary="Record a joint meeting (双联工作会议)",
)
async def create_meeting(body: MeetingCreate, who: CurrentPrincipal, uow: WriteUow) -> MeetingOut:
    """Its chair defaults to the rota's chair for that month."""
    m = await joint_cases.create_meeting(uow, who, **body.model_dump())
    return MeetingOut.of(m)


@router.get(
    "/joint-meetings",
    response_model=PageOut[MeetingOut],
    responses=problems(),
    summary="List joint meetings",
)
async def list_meetings(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
) -> PageOut[MeetingOut]:
    """Meetings of the parks under `org_id`, latest first."""
    after = decode_cursor(paging[1], kind="joint-meetings", sort="-held_on", arity=2)
    page = await joint_cases.list_meetings(uow, who, org_id=org_id, page=make_page(paging, after))
    return PageOut[MeetingOut](
        items=[MeetingOut.of(m) for m in page.items],
        next_cursor=encode_cursor("joint-meetings", "-held_on", page.next_after),
    )


@router.get(
    "/joint-meetings/{meeting_id}",
    response_model=MeetingOut,
    responses=problems(),
    summary="Get a joint meeting",
)
async def get_meeting(meeting_id: Id, who: CurrentPrincipal, uow: ReadUow) -> MeetingOut:
    """One joint meeting."""
    return MeetingOut.of(await joint_cases.get_meeting(uow, who, meeting_id=meeting_id))


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseOut,
    responses=problems(),
    summary="Raise a coordination case",
)
async def create_case(
    body: CaseCreate, request: Request, who: CurrentPrincipal, uow: WriteUow, key: IdempotencyKey
) -> Response:
    """A problem for the joint mechanism (labour dispute, money lending, recruitment, permits,
    services, other). An enterprise contact raises it for their own firm in its park; staff
    record one raised by a firm, a member or a branch of a park. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        c = await case_cases.raise_case(uow, who, new=NewCase(**body.model_dump()))
        return _case(c, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/cases",
    response_model=PageOut[CaseOut],
    responses=problems(),
    summary="List coordination cases",
)
async def list_cases(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    category: Annotated[CaseCategory | None, Query(description="Only this category.")] = None,
    status: Annotated[CaseStatus | None, Query(description="Only in this status.")] = None,
) -> PageOut[CaseOut]:
    """Newest first. An enterprise contact sees its own firm's."""
    after = decode_cursor(paging[1], kind="cases", sort="-id", arity=2)
    page = await case_cases.list_cases(
        uow, who, org_id=org_id, category=category, status=status, page=make_page(paging, after)
    )
    return PageOut[CaseOut](
        items=[CaseOut.of(c) for c in page.items],
        next_cursor=encode_cursor("cases", "-id", page.next_after),
    )


@router.get("/cases/{case_id}", response_model=CaseOut, responses=problems(), summary="Get a case")
async def get_case(case_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """With its notes."""
    return _case(await case_cases.get_case(uow, who, case_id=case_id))


@router.post(
    "/cases/{case_id}/agenda",
    response_model=CaseOut,
    responses=problems(),
    summary="Put a case on a joint meeting's agenda",
)
async def put_on_agenda(
    case_id: Id, body: CaseAgenda, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """Only a meeting of the case's own park (422 `case.meeting_other_park`)."""
    return _case(
        await case_cases.put_on_agenda(uow, who, case_id=case_id, meeting_id=body.meeting_id)
    )


@router.post(
    "/cases/{case_id}/assign",
    response_model=CaseOut,
    responses=problems(),
    summary="Assign a case",
)
async def assign_case(
    case_id: Id, body: CaseAssign, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """Who follows it up."""
    return _case(await case_cases.assign_case(uow, who, case_id=case_id, assignee=body.assignee))


@router.post(
    "/cases/{case_id}/notes",
    response_model=CaseOut,
    responses=problems(),
    summary="Add a note to a case",
)
async def add_case_note(
    case_id: Id, body: CaseNoteCreate, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """Progress notes, by staff or the firm that raised it."""
    return _case(await case_cases.add_note(uow, who, case_id=case_id, text=body.text))


@router.post(
    "/cases/{case_id}/close",
    response_model=CaseOut,
    responses=problems(),
    summary="Close a case with its outcome",
)
async def close_case(
    case_id: Id, body: CaseClose, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """The outcome and the closing date (default today; not before the opening)."""
    return _case(
        await case_cases.close_case(
            uow, who, case_id=case_id, outcome=body.outcome, closed_on=body.closed_on
        )
    )


@router.get(
    "/case-stats",
    response_model=list[CategoryCountOut],
    responses=problems(),
    summary="Cases per category and time to close",
)
async def case_stats(
    who: CurrentPrincipal,
    uow: ReadUow,
    from_date: Annotated[dt.date, Query(description="Opened on or after.")],
    to_date: Annotated[dt.date, Query(description="Opened on or before.")],
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
) -> list[CategoryCountOut]:
    """Per category: cases opened in the period, how many of them are closed, and the median
    and mean days they took to close (staff only)."""
    counts = await case_cases.case_stats(uow, who, org_id=org_id, start=from_date, end=to_date)
    return [
        CategoryCountOut(
            category=c.category,
            opened=c.opened,
            closed=c.closed,
            median_days_to_close=c.median_days_to_close,
            mean_days_to_close=c.mean_days_to_close,
        )
        for c in counts
    ]
