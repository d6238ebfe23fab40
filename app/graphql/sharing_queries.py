"""Root query fields of order sharing, over the same use cases as REST."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.errors import NotFound
from app.domain.pagination import PageRequest, decode_cursor
from app.domain.sharing import allocations as allocation_cases
from app.domain.sharing import capacity as capacity_cases
from app.domain.sharing import lending as lending_cases
from app.domain.sharing import requests as request_cases
from app.domain.sharing.lending_model import LoanRequestStatus, LoanRequestView
from app.domain.sharing.model import RequestStatus
from app.domain.sharing.requests import RequestView
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection
from app.graphql.types.sharing import (
    AllocationType,
    CapacityNoticeType,
    LoanRequestType,
    OfferType,
    ShareRequestType,
    SiteType,
    SuggestionType,
)


@strawberry.type
class SharingQueries:
    @strawberry.field(description="One share request you may see.")
    async def share_request(self, info: Info[Context, None], id: int) -> ShareRequestType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await request_cases.get_request(uow, ctx.actor, request_id=id)
        return ShareRequestType.of(view)

    @strawberry.field(description="Share requests under the subtree of orgId, newest first.")
    async def share_requests(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        status: RequestStatus | None = None,
        enterprise_id: int | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ShareRequestType]:
        ctx = info.context
        page = PageRequest(
            first,
            decode_cursor(after, kind="share-requests", sort="-id", arity=2, parameter="after"),
        )
        async with ctx.uow() as uow:
            result = await request_cases.list_requests(
                uow, ctx.actor, org_id=org_id, status=status, enterprise_id=enterprise_id, page=page
            )
        conn: Connection[ShareRequestType] = connection(
            [ShareRequestType.of(RequestView(r, [])) for r in result.items],
            kind="share-requests",
            sort="-id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Offers on a request (all for its poster and park staff).")
    async def share_offers(self, info: Info[Context, None], request_id: int) -> list[OfferType]:
        ctx = info.context
        async with ctx.uow() as uow:
            offers = await request_cases.list_offers(uow, ctx.actor, request_id=request_id)
        return [OfferType.of(o) for o in offers]

    @strawberry.field(description="Allocations of a request with their deliveries.")
    async def share_allocations(
        self, info: Info[Context, None], request_id: int
    ) -> list[AllocationType]:
        ctx = info.context
        async with ctx.uow() as uow:
            views = await allocation_cases.list_allocations(uow, ctx.actor, request_id=request_id)
        return [AllocationType.of(v) for v in views]

    @strawberry.field(description="One allocation with its deliveries.")
    async def share_allocation(self, info: Info[Context, None], id: int) -> AllocationType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await allocation_cases.get_allocation(uow, ctx.actor, allocation_id=id)
        return AllocationType.of(view)

    @strawberry.field(description="One capacity notice you may see.")
    async def capacity_notice(self, info: Info[Context, None], id: int) -> CapacityNoticeType:
        ctx = info.context
        async with ctx.uow() as uow:
            notice = await capacity_cases.get_notice(uow, ctx.actor, notice_id=id)
        return CapacityNoticeType.of(notice)

    @strawberry.field(description="Capacity notices under the subtree of orgId, newest first.")
    async def capacity_notices(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        process: str | None = None,
        enterprise_id: int | None = None,
        active_on: dt.date | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[CapacityNoticeType]:
        ctx = info.context
        page = PageRequest(
            first,
            decode_cursor(after, kind="capacity-notices", sort="-id", arity=2, parameter="after"),
        )
        async with ctx.uow() as uow:
            result = await capacity_cases.list_notices(
                uow,
                ctx.actor,
                org_id=org_id,
                process=process,
                enterprise_id=enterprise_id,
                active_on=active_on,
                page=page,
            )
        conn: Connection[CapacityNoticeType] = connection(
            [CapacityNoticeType.of(n) for n in result.items],
            kind="capacity-notices",
            sort="-id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Where a firm sits in its park (capacity.site_not_found).")
    async def park_site(self, info: Info[Context, None], enterprise_id: int) -> SiteType:
        ctx = info.context
        async with ctx.uow() as uow:
            site = await capacity_cases.get_site(uow, ctx.actor, enterprise_id=enterprise_id)
        if site is None:
            raise NotFound("capacity.site_not_found", params={"id": enterprise_id})
        return SiteType.of(site)

    @strawberry.field(description="Firms to ask for a share request, best first, explained.")
    async def share_suggestions(
        self, info: Info[Context, None], request_id: int
    ) -> list[SuggestionType]:
        ctx = info.context
        async with ctx.uow() as uow:
            found = await capacity_cases.suggest(uow, ctx.actor, request_id=request_id)
        return [SuggestionType.of(s, ctx.language) for s in found]

    @strawberry.field(description="A request for workers with its offers and loans.")
    async def worker_loan(self, info: Info[Context, None], id: int) -> LoanRequestType:
        ctx = info.context
        async with ctx.uow() as uow:
            view = await lending_cases.get_loan_request(uow, ctx.actor, request_id=id)
        return LoanRequestType.of(view)

    @strawberry.field(description="Requests for workers under the subtree of orgId.")
    async def worker_loans(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        status: LoanRequestStatus | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[LoanRequestType]:
        ctx = info.context
        page = PageRequest(
            first,
            decode_cursor(after, kind="worker-loans", sort="-id", arity=2, parameter="after"),
        )
        async with ctx.uow() as uow:
            result = await lending_cases.list_loan_requests(
                uow, ctx.actor, org_id=org_id, status=status, page=page
            )
        conn: Connection[LoanRequestType] = connection(
            [LoanRequestType.of(LoanRequestView(r, [], [])) for r in result.items],
            kind="worker-loans",
            sort="-id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn
