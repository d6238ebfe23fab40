"""Member roster endpoints (党员名册): thin handlers over app.domain.members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import (
    AppContainer,
    CurrentPrincipal,
    IfMatch,
    Paging,
    ReadUow,
    WriteUow,
    etag,
    make_page,
)
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.members import (
    MemberCreate,
    MemberHistoryOut,
    MemberLookup,
    MemberOut,
    MemberStatsOut,
    MemberTotalsOut,
    MemberUpdate,
)
from app.domain.members import service as member_cases
from app.domain.members import standing as standing_cases
from app.domain.members.model import AgeBand, Education, MemberStatus, MemberView, Standing
from app.domain.members.ports import MemberFilter, NewMember
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["members"], route_class=StrictQueryRoute)

# Personal data: never cached by intermediaries.
_NO_STORE = {"Cache-Control": "no-store"}


def _response(view: MemberView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = MemberOut.of(view)
    headers = {"ETag": etag(out.version), **_NO_STORE}
    if location:
        headers["Location"] = f"/api/v1/members/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/members",
    status_code=201,
    response_model=MemberOut,
    responses=problems(409),
    summary="Register a member",
)
async def create_member(
    body: MemberCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """Register a member with their first affiliation at a branch or general branch in your
    subtree. The id number is checked (422 `member.national_id_invalid`: length, date,
    checksum, and it must match `birth_date`) and unique (409 `member.national_id_taken`, with
    `existing_id` when that member is in your subtree). Needs `members:write`. Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await member_cases.create_member(
            uow, who, new=NewMember(**body.model_dump()), cipher=c.cipher
        )
        return _response(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/members",
    response_model=PageOut[MemberOut],
    responses=problems(),
    summary="List members in a subtree",
)
async def list_members(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    c: AppContainer,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    direct: Annotated[
        bool, Query(description="Only members of org_id itself, not of its subtree.")
    ] = False,
    status: Annotated[MemberStatus | None, Query(description="probationary or full.")] = None,
    age_band: Annotated[
        AgeBand | None, Query(description="18-35, 36-45, 46-60 or 61+ (age today).")
    ] = None,
    education: Annotated[Education | None, Query()] = None,
    employer_enterprise_id: Annotated[Id | None, Query(description="Works there.")] = None,
    standing: Annotated[
        Standing | None,
        Query(description="Default: on the roll (active, lost_contact, suspended)."),
    ] = None,
    managed_here: Annotated[
        bool | None,
        Query(
            description="true: only members dual-managed by an org of the subtree; false: "
            "only members affiliated in it. Default: both."
        ),
    ] = None,
) -> Response:
    """Members affiliated in the subtree of `org_id`, plus members affiliated elsewhere and
    dual-managed by an org of it (`managed_here: true`), oldest record first; on the roll
    unless `standing` asks for another. Id and phone numbers are masked unless you hold
    `pii:read`."""
    after = decode_cursor(paging[1], kind="members", sort="id", arity=2)
    page = await member_cases.list_members(
        uow,
        who,
        org_id=org_id,
        page=make_page(paging, after),
        filters=MemberFilter(
            status=status,
            age_band=age_band,
            education=education,
            employer_enterprise_id=employer_enterprise_id,
            direct_only=direct,
            standing=standing,
            managed_here=managed_here,
        ),
        cipher=c.cipher,
    )
    out = PageOut[MemberOut](
        items=[MemberOut.of(v) for v in page.items],
        next_cursor=encode_cursor("members", "id", page.next_after),
    )
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@router.post(
    "/members:lookup",
    response_model=MemberOut,
    responses=problems(),
    summary="Find a member by id number",
)
async def lookup_member(
    body: MemberLookup, who: CurrentPrincipal, uow: ReadUow, c: AppContainer
) -> Response:
    """Exact match on the id number, sent in the body (never in a URL, where it would be
    logged). Matched by its keyed hash on a unique index; nothing is decrypted to search.
    404 when no member in your subtree has it. Needs `members:read` and `pii:read`."""
    view = await member_cases.lookup_member(uow, who, national_id=body.national_id, cipher=c.cipher)
    return _response(view)


@router.get(
    "/members/me",
    response_model=MemberOut,
    responses=problems(),
    summary="My own member record",
)
async def my_member(who: CurrentPrincipal, uow: ReadUow, c: AppContainer) -> Response:
    """Self-service for the mini-program: the member record linked to your member account,
    unmasked to yourself. 404 `member.not_linked` when your account has none."""
    view = await member_cases.get_my_member(uow, who, cipher=c.cipher)
    return _response(view)


@router.get(
    "/members/me/history",
    response_model=MemberHistoryOut,
    responses=problems(),
    summary="My own status events and affiliations",
)
async def my_history(who: CurrentPrincipal, uow: ReadUow) -> MemberHistoryOut:
    """Self-service: the status events (standing changes included) and affiliations of the
    member linked to your account. 404 `member.not_linked` when your account has none."""
    return MemberHistoryOut.of(await standing_cases.my_history(uow, who))


@router.get(
    "/members/{member_id}",
    response_model=MemberOut,
    responses=problems(),
    summary="Get a member",
)
async def get_member(
    member_id: Id, who: CurrentPrincipal, uow: ReadUow, c: AppContainer
) -> Response:
    """One member affiliated in your subtree. The `ETag` header carries its version."""
    view = await member_cases.get_member(uow, who, member_id=member_id, cipher=c.cipher)
    return _response(view)


@router.patch(
    "/members/{member_id}",
    response_model=MemberOut,
    responses=problems(412, 428),
    summary="Update a member",
)
async def update_member(
    member_id: Id,
    body: MemberUpdate,
    who: CurrentPrincipal,
    uow: WriteUow,
    version: IfMatch,
    c: AppContainer,
) -> Response:
    """Change descriptive fields (name, gender, ethnicity, education, specialty, employer,
    phone). Requires `If-Match`. Affiliation changes by transfer, status by its events; the id
    number is not editable."""
    view = await member_cases.update_member(
        uow,
        who,
        member_id=member_id,
        expected_version=version,
        changes=body.model_dump(exclude_unset=True),
        cipher=c.cipher,
    )
    return _response(view)


@router.get(
    "/members/{member_id}/history",
    response_model=MemberHistoryOut,
    responses=problems(),
    summary="A member's status events and affiliations",
)
async def member_history(member_id: Id, who: CurrentPrincipal, uow: ReadUow) -> MemberHistoryOut:
    """Every status event and every affiliation (which organisation, from, to), oldest first."""
    history = await member_cases.member_history(uow, who, member_id=member_id)
    return MemberHistoryOut.of(history)


@router.get(
    "/orgs/{org_id}/member-totals",
    response_model=MemberTotalsOut,
    responses=problems(),
    summary="How many members a subtree has",
)
async def member_totals(org_id: Id, who: CurrentPrincipal, uow: ReadUow) -> MemberTotalsOut:
    """Members on the roll in the subtree, and its branches with and without members, summed
    from counts maintained in the same transaction as every affiliation change: constant work
    per organisation, not per member, so a province answers as fast as a branch. Aggregates
    only; analysts may read it. Needs `members:read`."""
    totals = await member_cases.member_totals(uow, who, org_id=org_id)
    return MemberTotalsOut.of(totals)


@router.get(
    "/orgs/{org_id}/member-stats",
    response_model=MemberStatsOut,
    responses=problems(),
    summary="Member composition of a subtree",
)
async def member_stats(org_id: Id, who: CurrentPrincipal, uow: ReadUow) -> MemberStatsOut:
    """How many members are affiliated in the subtree, by status, age band and education.
    Aggregates only (no personal data); analysts may read it. Needs `members:read`."""
    stats = await member_cases.member_stats(uow, who, org_id=org_id)
    return MemberStatsOut.of(stats)
