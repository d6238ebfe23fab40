"""Capacity notices, park sites and suggestions of firms for a share request: thin handlers
over app.domain.sharing.capacity."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, etag, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.problems import language
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.sharing import (
    CapacityNoticeCreate,
    CapacityNoticeOut,
    SiteOut,
    SitePut,
    SuggestionOut,
)
from app.domain.errors import NotFound
from app.domain.pagination import decode_cursor, encode_cursor
from app.domain.sharing import capacity as cases
from app.domain.sharing.capacity import NewCapacityNotice
from app.domain.sharing.capacity_model import CapacityNotice

router = APIRouter(prefix="/api/v1", tags=["order sharing"], route_class=StrictQueryRoute)


def _notice(n: CapacityNotice, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = CapacityNoticeOut.of(n)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/capacity-notices/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/capacity-notices",
    status_code=201,
    response_model=CapacityNoticeOut,
    responses=problems(),
    summary="Advertise idle capacity",
)
async def create_capacity_notice(
    body: CapacityNoticeCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """A firm advertises a process it has idle capacity for, a quantity per week and a period
    (at most a year, not over yet), so posters and the coordinator find it. An enterprise
    contact advertises for their own firm. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        notice = await cases.create_notice(uow, who, new=NewCapacityNotice(**body.model_dump()))
        return _notice(notice, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/capacity-notices",
    response_model=PageOut[CapacityNoticeOut],
    responses=problems(),
    summary="List capacity notices",
)
async def list_capacity_notices(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    process: Annotated[str | None, Query(max_length=64, description="Exact process.")] = None,
    enterprise_id: Annotated[Id | None, Query(description="Advertised by this firm.")] = None,
    active_on: Annotated[dt.date | None, Query(description="Active on this date.")] = None,
) -> PageOut[CapacityNoticeOut]:
    """Newest first. An enterprise contact sees its own and the active ones of its park."""
    after = decode_cursor(paging[1], kind="capacity-notices", sort="-id", arity=2)
    page = await cases.list_notices(
        uow,
        who,
        org_id=org_id,
        process=process,
        enterprise_id=enterprise_id,
        active_on=active_on,
        page=make_page(paging, after),
    )
    return PageOut[CapacityNoticeOut](
        items=[CapacityNoticeOut.of(n) for n in page.items],
        next_cursor=encode_cursor("capacity-notices", "-id", page.next_after),
    )


@router.get(
    "/capacity-notices/{notice_id}",
    response_model=CapacityNoticeOut,
    responses=problems(),
    summary="Get a capacity notice",
)
async def get_capacity_notice(notice_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One capacity notice."""
    return _notice(await cases.get_notice(uow, who, notice_id=notice_id))


@router.post(
    "/capacity-notices/{notice_id}/withdraw",
    response_model=CapacityNoticeOut,
    responses=problems(),
    summary="Withdraw a capacity notice",
)
async def withdraw_capacity_notice(notice_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Its firm or the park's coordinator; withdrawing again changes nothing."""
    return _notice(await cases.withdraw_notice(uow, who, notice_id=notice_id))


@router.put(
    "/enterprises/{enterprise_id}/park-site",
    response_model=SiteOut,
    responses=problems(),
    summary="Record where a firm sits in its park",
)
async def put_park_site(
    enterprise_id: Id, body: SitePut, who: CurrentPrincipal, uow: WriteUow
) -> SiteOut:
    """Zone and plan coordinates in metres, used for distance and adjacency in suggestions.
    An enterprise contact records their own firm's; park staff any firm in their subtree."""
    site = await cases.put_site(uow, who, enterprise_id=enterprise_id, **body.model_dump())
    return SiteOut.of(site)


@router.get(
    "/enterprises/{enterprise_id}/park-site",
    response_model=SiteOut,
    responses=problems(),
    summary="Where a firm sits in its park",
)
async def get_park_site(enterprise_id: Id, who: CurrentPrincipal, uow: ReadUow) -> SiteOut:
    """404 `capacity.site_not_found` when none was recorded."""
    site = await cases.get_site(uow, who, enterprise_id=enterprise_id)
    if site is None:
        raise NotFound("capacity.site_not_found", params={"id": enterprise_id})
    return SiteOut.of(site)


@router.get(
    "/share-requests/{request_id}/suggestions",
    response_model=list[SuggestionOut],
    responses=problems(),
    summary="Firms to ask, explained",
)
async def suggestions(
    request_id: Id, request: Request, who: CurrentPrincipal, uow: ReadUow
) -> list[SuggestionOut]:
    """For the poster and the park's coordinator: firms of the request's park (invited ones
    when it is for chosen firms) with active capacity notices for its process and unit between
    today and the deadline, less what is already allocated to them and not yet delivered. Those
    that can take everything that remains come first, then the nearest (park sites), then the
    most free capacity; each with its reasons in your language."""
    found = await cases.suggest(uow, who, request_id=request_id)
    lang = language(request)
    return [SuggestionOut.of(s, lang) for s in found]
