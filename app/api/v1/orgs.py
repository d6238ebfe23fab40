"""Organisation tree endpoints: thin handlers over app.domain.orgs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import (
    CurrentPrincipal,
    IfMatch,
    IfMatchOptional,
    Paging,
    ReadUow,
    WriteUow,
    etag,
    make_page,
)
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import AuditEntryOut, Id, PageOut
from app.api.v1.schemas.orgs import (
    ExpiringTermOut,
    LeaderCreate,
    LeaderEnd,
    LeaderOut,
    OrgCreate,
    OrgDissolve,
    OrgMove,
    OrgOut,
    OrgUpdate,
)
from app.domain.orgs import leaders as leader_cases
from app.domain.orgs import service as org_cases
from app.domain.orgs.model import Formation, OrgKind, OrgStatus
from app.domain.orgs.ports import NewOrg, OrgFilter, OrgSort
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["orgs"], route_class=StrictQueryRoute)


def _org_response(org_out: OrgOut, status: int = 200, *, location: bool = False) -> JSONResponse:
    headers = {"ETag": etag(org_out.version)}
    if location:
        headers["Location"] = f"/api/v1/orgs/{org_out.id}"
    return JSONResponse(org_out.model_dump(mode="json"), status_code=status, headers=headers)


KindQ = Annotated[OrgKind | None, Query(description="Only organisations of this kind.")]
FormationQ = Annotated[Formation | None, Query(description="Only branches of this formation.")]
StatusQ = Annotated[OrgStatus | None, Query(description="active or dissolved.")]
NameQ = Annotated[str | None, Query(max_length=100, description="Name contains this text.")]
SortQ = Annotated[OrgSort, Query(description="Sort order; prefix `-` for descending.")]


def _org_page(
    page_items: list[OrgOut], sort: OrgSort, after: tuple[object, ...] | None
) -> PageOut[OrgOut]:
    return PageOut[OrgOut](items=page_items, next_cursor=encode_cursor("orgs", sort.value, after))


@router.post(
    "/orgs",
    status_code=201,
    response_model=OrgOut,
    responses=problems(409),
    summary="Create an organisation",
)
async def create_org(
    body: OrgCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Create an organisation under a parent in your subtree. Which kind may sit under which is
    checked (e.g. a branch under a park committee or general branch; a general branch never under
    a branch); branches must state their formation. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        org = await org_cases.create_org(uow, who, new=NewOrg(**body.model_dump()))
        return _org_response(OrgOut.of(org), 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/orgs",
    response_model=PageOut[OrgOut],
    responses=problems(),
    summary="List organisations in your subtree",
)
async def list_orgs(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    kind: KindQ = None,
    formation: FormationQ = None,
    status: StatusQ = None,
    q: NameQ = None,
    sort: SortQ = OrgSort.PATH,
) -> PageOut[OrgOut]:
    """Every organisation in the caller's subtree, its anchor included, in tree order by default."""
    after = decode_cursor(paging[1], kind="orgs", sort=sort.value, arity=2)
    page = await org_cases.list_subtree(
        uow,
        who,
        org_id=None,
        sort=sort,
        page=make_page(paging, after),
        filters=OrgFilter(kind=kind, formation=formation, status=status, name_contains=q),
    )
    return _org_page([OrgOut.of(o) for o in page.items], sort, page.next_after)


@router.get(
    "/orgs/{org_id}", response_model=OrgOut, responses=problems(), summary="Get an organisation"
)
async def get_org(org_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One organisation. The `ETag` header carries its version for `If-Match`."""
    org = await org_cases.get_org(uow, who, org_id=org_id)
    return _org_response(OrgOut.of(org))


@router.patch(
    "/orgs/{org_id}",
    response_model=OrgOut,
    responses=problems(409, 412, 428),
    summary="Update an organisation",
)
async def update_org(
    org_id: Id, body: OrgUpdate, who: CurrentPrincipal, uow: WriteUow, version: IfMatch
) -> Response:
    """Change descriptive fields. Requires `If-Match` with the current ETag (412 when stale,
    428 when missing). Kind and parent change only by their own operations (move)."""
    org = await org_cases.update_org(
        uow,
        who,
        org_id=org_id,
        expected_version=version,
        changes=body.model_dump(exclude_unset=True),
    )
    return _org_response(OrgOut.of(org))


@router.post(
    "/orgs/{org_id}/move",
    response_model=OrgOut,
    responses=problems(412),
    summary="Move an organisation with its subtree",
)
async def move_org(
    org_id: Id, body: OrgMove, who: CurrentPrincipal, uow: WriteUow, version: IfMatchOptional
) -> Response:
    """Re-parent an organisation and everything under it (e.g. four branches moved under a new
    general branch). Cycles are refused; history is kept. `If-Match` is optional here."""
    org = await org_cases.move_org(
        uow, who, org_id=org_id, new_parent_id=body.parent_id, expected_version=version
    )
    return _org_response(OrgOut.of(org))


@router.post(
    "/orgs/{org_id}/dissolve",
    response_model=OrgOut,
    responses=problems(409, 412),
    summary="Dissolve an organisation",
)
async def dissolve_org(
    org_id: Id,
    who: CurrentPrincipal,
    uow: WriteUow,
    version: IfMatchOptional,
    body: OrgDissolve | None = None,
) -> Response:
    """Dissolve an organisation that is empty: no active children (422 `org.has_children`), no
    members (`org.has_members`), no enterprises under or covered by it (`org.has_enterprises`),
    no members dual-managed there (`org.has_managed_members`) and no transfer letter under way
    to or from it (`org.has_open_transfers`). The record and its history stay."""
    org = await org_cases.dissolve_org(
        uow,
        who,
        org_id=org_id,
        expected_version=version,
        dissolved_on=body.dissolved_on if body else None,
    )
    return _org_response(OrgOut.of(org))


@router.get(
    "/orgs/{org_id}/children",
    response_model=PageOut[OrgOut],
    responses=problems(),
    summary="List direct children",
)
async def list_children(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    kind: KindQ = None,
    formation: FormationQ = None,
    status: StatusQ = None,
    q: NameQ = None,
    sort: SortQ = OrgSort.NAME,
) -> PageOut[OrgOut]:
    """Direct children of an organisation."""
    after = decode_cursor(paging[1], kind="orgs", sort=sort.value, arity=2)
    page = await org_cases.list_children(
        uow,
        who,
        org_id=org_id,
        sort=sort,
        page=make_page(paging, after),
        filters=OrgFilter(kind=kind, formation=formation, status=status, name_contains=q),
    )
    return _org_page([OrgOut.of(o) for o in page.items], sort, page.next_after)


@router.get(
    "/orgs/{org_id}/subtree",
    response_model=PageOut[OrgOut],
    responses=problems(),
    summary="List a subtree",
)
async def list_subtree(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    kind: KindQ = None,
    formation: FormationQ = None,
    status: StatusQ = None,
    q: NameQ = None,
    max_depth: Annotated[
        int | None, Query(ge=0, le=20, description="Levels below the root.")
    ] = None,
    sort: SortQ = OrgSort.PATH,
) -> PageOut[OrgOut]:
    """The organisation and everything below it (one indexed range scan), with filters."""
    after = decode_cursor(paging[1], kind="orgs", sort=sort.value, arity=2)
    page = await org_cases.list_subtree(
        uow,
        who,
        org_id=org_id,
        sort=sort,
        page=make_page(paging, after),
        filters=OrgFilter(
            kind=kind, formation=formation, status=status, name_contains=q, max_depth=max_depth
        ),
    )
    return _org_page([OrgOut.of(o) for o in page.items], sort, page.next_after)


@router.get(
    "/orgs/{org_id}/history",
    response_model=PageOut[AuditEntryOut],
    responses=problems(),
    summary="History of an organisation",
)
async def org_history(
    org_id: Id, who: CurrentPrincipal, uow: ReadUow, paging: Paging
) -> PageOut[AuditEntryOut]:
    """Every recorded change (creation, edits, moves, dissolution), newest first."""
    after = decode_cursor(paging[1], kind="history", sort="-id", arity=2)
    page = await org_cases.org_history(uow, who, org_id=org_id, page=make_page(paging, after))
    return PageOut[AuditEntryOut](
        items=[AuditEntryOut.of(e) for e in page.items],
        next_cursor=encode_cursor("history", "-id", page.next_after),
    )


@router.get(
    "/orgs/{org_id}/leaders",
    response_model=list[LeaderOut],
    responses=problems(),
    summary="List leaders",
)
async def list_leaders(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    include_ended: Annotated[bool, Query(description="Also past leaders.")] = False,
) -> list[LeaderOut]:
    """Secretary, deputies and committee members of an organisation, current ones by default."""
    leaders = await leader_cases.list_leaders(uow, who, org_id=org_id, include_ended=include_ended)
    return [LeaderOut.of(x) for x in leaders]


@router.post(
    "/orgs/{org_id}/leaders",
    status_code=201,
    response_model=LeaderOut,
    responses=problems(409),
    summary="Add a leader",
)
async def add_leader(
    org_id: Id,
    body: LeaderCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Record an elected leader. The term ends after 3 years for branches and general branches
    and 5 for committees (settable). One current secretary at a time."""

    async def act() -> JSONResponse:
        leader = await leader_cases.add_leader(
            uow,
            who,
            org_id=org_id,
            name=body.name,
            role=body.role,
            term_start=body.term_start,
            member_id=body.member_id,
        )
        return JSONResponse(LeaderOut.of(leader).model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/leaders/{leader_id}/end",
    response_model=LeaderOut,
    responses=problems(409),
    summary="End a leader's service",
)
async def end_leader(
    leader_id: Id, who: CurrentPrincipal, uow: WriteUow, body: LeaderEnd | None = None
) -> LeaderOut:
    """End a leader's service on a date (default today)."""
    leader = await leader_cases.end_leader(
        uow, who, leader_id=leader_id, ended_on=body.ended_on if body else None
    )
    return LeaderOut.of(leader)


@router.get(
    "/orgs/{org_id}/terms/expiring",
    response_model=PageOut[ExpiringTermOut],
    responses=problems(),
    summary="Leaders whose terms expire soon",
)
async def expiring_terms(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    within_months: Annotated[int, Query(ge=0, le=60, description="Horizon in months.")] = 3,
) -> PageOut[ExpiringTermOut]:
    """Current leaders in the subtree whose term ends within N months, overdue ones first."""
    after = decode_cursor(paging[1], kind="terms", sort="term_end", arity=2)
    page = await leader_cases.expiring_terms(
        uow, who, org_id=org_id, within_months=within_months, page=make_page(paging, after)
    )
    today = uow.clock.today()
    return PageOut[ExpiringTermOut](
        items=[
            ExpiringTermOut(
                leader=LeaderOut.of(leader),
                org_id=org.id,
                org_name=org.name,
                org_kind=org.kind,
                overdue=leader.term_end < today,
            )
            for leader, org in page.items
        ],
        next_cursor=encode_cursor("terms", "term_end", page.next_after),
    )
