"""Order sharing endpoints (二次发单): share requests, offers, allocations, deliveries and
settlement — thin handlers over app.domain.sharing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, etag, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.sharing import (
    AllocationCreate,
    AllocationOut,
    DeliveryCreate,
    OfferCreate,
    OfferOut,
    ShareRequestCreate,
    ShareRequestOut,
)
from app.domain.pagination import decode_cursor, encode_cursor
from app.domain.sharing import allocations as allocation_cases
from app.domain.sharing import requests as request_cases
from app.domain.sharing.allocations import NewAllocation, NewDelivery
from app.domain.sharing.model import AllocationView, RequestStatus
from app.domain.sharing.requests import NewOffer, NewShareRequest, RequestView

router = APIRouter(prefix="/api/v1", tags=["order sharing"], route_class=StrictQueryRoute)


def _request(view: RequestView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = ShareRequestOut.of(view)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/share-requests/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


def _allocation(view: AllocationView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = AllocationOut.of(view)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/allocations/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/share-requests",
    status_code=201,
    response_model=ShareRequestOut,
    responses=problems(),
    summary="Post a share request (二次发单)",
)
async def create_share_request(
    body: ShareRequestCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Post work other firms of the park may take: process, quantity and unit, unit price
    (decimal string), quality standard, deadline (not in the past), the part kept, and who may
    see it (`park`, or `chosen` with `invited_enterprise_ids` of the same park). An enterprise
    contact posts for their own enterprise; park staff name one in their subtree. Opens at once
    unless `publish` is false (a draft). Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        data = body.model_dump()
        data["invited_enterprise_ids"] = tuple(data["invited_enterprise_ids"])
        view = await request_cases.create_request(uow, who, new=NewShareRequest(**data))
        return _request(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/share-requests",
    response_model=PageOut[ShareRequestOut],
    responses=problems(),
    summary="List share requests",
)
async def list_share_requests(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    status: Annotated[RequestStatus | None, Query(description="Only in this status.")] = None,
    enterprise_id: Annotated[Id | None, Query(description="Posted by this firm.")] = None,
) -> PageOut[ShareRequestOut]:
    """Requests posted under the subtree of `org_id`, newest first. An enterprise contact sees
    their own, open ones of their park and those they were invited to."""
    after = decode_cursor(paging[1], kind="share-requests", sort="-id", arity=2)
    page = await request_cases.list_requests(
        uow,
        who,
        org_id=org_id,
        status=status,
        enterprise_id=enterprise_id,
        page=make_page(paging, after),
    )
    return PageOut[ShareRequestOut](
        items=[ShareRequestOut.of(RequestView(r, [])) for r in page.items],
        next_cursor=encode_cursor("share-requests", "-id", page.next_after),
    )


@router.get(
    "/share-requests/{request_id}",
    response_model=ShareRequestOut,
    responses=problems(),
    summary="Get a share request",
)
async def get_share_request(request_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One request with its allocated, remaining and accepted quantities."""
    return _request(await request_cases.get_request(uow, who, request_id=request_id))


@router.post(
    "/share-requests/{request_id}/publish",
    response_model=ShareRequestOut,
    responses=problems(),
    summary="Publish a draft share request",
)
async def publish_share_request(request_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Draft → open (the poster or the park's coordinator; the deadline must not have passed)."""
    return _request(await request_cases.publish_request(uow, who, request_id=request_id))


@router.post(
    "/share-requests/{request_id}/cancel",
    response_model=ShareRequestOut,
    responses=problems(),
    summary="Cancel a share request",
)
async def cancel_share_request(request_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Withdraw a draft or open request before anything was allocated (422 after)."""
    return _request(await request_cases.cancel_request(uow, who, request_id=request_id))


@router.post(
    "/share-requests/{request_id}/offers",
    status_code=201,
    response_model=OfferOut,
    responses=problems(),
    summary="Offer capacity against a share request",
)
async def create_offer(
    request_id: Id,
    body: OfferCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """A firm of the park (invited, when the request is for chosen firms) offers the quantity
    it can take, by when, and its price if different. Never the requesting firm itself (422
    `share.offer_by_requester`). Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        offer = await request_cases.make_offer(
            uow, who, request_id=request_id, new=NewOffer(**body.model_dump())
        )
        return JSONResponse(OfferOut.of(offer).model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/share-requests/{request_id}/offers",
    response_model=list[OfferOut],
    responses=problems(),
    summary="Offers on a share request",
)
async def list_offers(request_id: Id, who: CurrentPrincipal, uow: ReadUow) -> list[OfferOut]:
    """All offers for the poster and park staff; another firm sees only its own."""
    offers = await request_cases.list_offers(uow, who, request_id=request_id)
    return [OfferOut.of(o) for o in offers]


@router.post(
    "/share-requests/{request_id}/allocations",
    status_code=201,
    response_model=AllocationOut,
    responses=problems(),
    summary="Allocate part of a share request to a firm",
)
async def create_allocation(
    request_id: Id,
    body: AllocationCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The poster or the park's coordinator gives a quantity to a firm (or takes up an offer).
    Allocations never sum beyond the request's quantity, also when several arrive at once
    (422 `share.allocation_exceeds_remaining` with `remaining_quantity`). Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await allocation_cases.allocate(
            uow, who, request_id=request_id, new=NewAllocation(**body.model_dump())
        )
        return _allocation(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/share-requests/{request_id}/allocations",
    response_model=list[AllocationOut],
    responses=problems(),
    summary="Allocations of a share request",
)
async def list_allocations(
    request_id: Id, who: CurrentPrincipal, uow: ReadUow
) -> list[AllocationOut]:
    """With their deliveries: all for the poster and park staff, else the caller's firm's."""
    views = await allocation_cases.list_allocations(uow, who, request_id=request_id)
    return [AllocationOut.of(v) for v in views]


@router.get(
    "/allocations/{allocation_id}",
    response_model=AllocationOut,
    responses=problems(),
    summary="Get an allocation",
)
async def get_allocation(allocation_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One allocation with its delivered batches (park staff, the poster, the receiving firm)."""
    return _allocation(await allocation_cases.get_allocation(uow, who, allocation_id=allocation_id))


@router.post(
    "/allocations/{allocation_id}/accept",
    response_model=AllocationOut,
    responses=problems(),
    summary="Accept an allocation (the receiving firm)",
)
async def accept_allocation(allocation_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Only the receiving firm's contact may accept (403 `share.not_receiver` otherwise)."""
    view = await allocation_cases.accept_allocation(uow, who, allocation_id=allocation_id)
    return _allocation(view)


@router.post(
    "/allocations/{allocation_id}/deliveries",
    status_code=201,
    response_model=AllocationOut,
    responses=problems(),
    summary="Record a delivered batch and its quality check",
)
async def create_delivery(
    allocation_id: Id,
    body: DeliveryCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The poster (who receives and checks the goods) or the coordinator records a batch:
    quantity, date (not in the future), quality passed or failed. Passed batches never exceed
    the allocation (422 `share.delivery_exceeds_allocation`); a failed batch is redone. On time
    means on or before the allocation's due date. Answers with the allocation. Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await allocation_cases.record_delivery(
            uow, who, allocation_id=allocation_id, new=NewDelivery(**body.model_dump())
        )
        return _allocation(view, 201)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/allocations/{allocation_id}/settle",
    response_model=AllocationOut,
    responses=problems(),
    summary="Settle a delivered allocation",
)
async def settle_allocation(allocation_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """Amount = passed quantity × unit price (exact fen). The request closes once delivered and
    every allocation is settled."""
    view = await allocation_cases.settle_allocation(uow, who, allocation_id=allocation_id)
    return _allocation(view)
