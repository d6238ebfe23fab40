"""Mutations of order sharing: typed payloads over the same use cases as REST."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.sharing import allocations as allocation_cases
from app.domain.sharing import capacity as capacity_cases
from app.domain.sharing import lending as lending_cases
from app.domain.sharing import requests as request_cases
from app.domain.sharing.allocations import NewAllocation, NewDelivery
from app.domain.sharing.capacity import NewCapacityNotice
from app.domain.sharing.lending import NewLoanOffer, NewLoanRequest
from app.domain.sharing.lending_model import LoanRequestView, Worker
from app.domain.sharing.model import AllocationView, Quality, Visibility
from app.domain.sharing.requests import NewOffer, NewShareRequest, RequestView
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.types.sharing import (
    AllocationType,
    CapacityNoticeType,
    LoanRequestType,
    OfferType,
    ShareRequestType,
    SiteType,
)


@strawberry.type
class ShareRequestPayload:
    share_request: ShareRequestType | None
    errors: list[UserError]


@strawberry.type
class ShareOfferPayload:
    offer: OfferType | None
    errors: list[UserError]


@strawberry.type
class ShareAllocationPayload:
    allocation: AllocationType | None
    errors: list[UserError]


@strawberry.input
class CreateShareRequestInput:
    process: str
    unit: str
    quantity: int
    unit_price: str = strawberry.field(description='Yuan per unit, decimal string ("3.50").')
    quality_standard: str
    deadline: dt.date
    enterprise_id: int | None = None
    product: str | None = None
    kept_quantity: int = 0
    visibility: Visibility = Visibility.PARK
    invited_enterprise_ids: list[int] = strawberry.field(default_factory=list)
    note: str | None = None
    publish: bool = True


@strawberry.input
class OfferCapacityInput:
    quantity: int
    available_on: dt.date
    enterprise_id: int | None = None
    unit_price: str | None = None
    note: str | None = None


@strawberry.input
class AllocateShareInput:
    quantity: int
    enterprise_id: int | None = None
    offer_id: int | None = None
    unit_price: str | None = None
    due_on: dt.date | None = None


@strawberry.input
class RecordDeliveryInput:
    quantity: int
    delivered_on: dt.date
    quality: Quality
    note: str | None = None


@strawberry.type
class CapacityNoticePayload:
    notice: CapacityNoticeType | None
    errors: list[UserError]


@strawberry.type
class ParkSitePayload:
    site: SiteType | None
    errors: list[UserError]


@strawberry.input
class CreateCapacityNoticeInput:
    process: str
    unit: str
    quantity_per_week: int
    available_from: dt.date
    available_to: dt.date
    enterprise_id: int | None = None
    note: str | None = None


@strawberry.type
class WorkerLoanPayload:
    worker_loan: LoanRequestType | None
    errors: list[UserError]


@strawberry.input
class RequestWorkersInput:
    skill: str
    workers_needed: int
    start_on: dt.date
    end_on: dt.date
    enterprise_id: int | None = None
    note: str | None = None


@strawberry.input
class WorkerInput:
    ref: str = strawberry.field(description="The lending firm's staff reference.")
    name: str


@strawberry.input
class OfferWorkersInput:
    workers: list[WorkerInput]
    enterprise_id: int | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None


def _loan(view: LoanRequestView | None, errors: list[UserError]) -> WorkerLoanPayload:
    return WorkerLoanPayload(worker_loan=LoanRequestType.of(view) if view else None, errors=errors)


def _request(view: RequestView | None, errors: list[UserError]) -> ShareRequestPayload:
    return ShareRequestPayload(
        share_request=ShareRequestType.of(view) if view else None, errors=errors
    )


def _allocation(view: AllocationView | None, errors: list[UserError]) -> ShareAllocationPayload:
    return ShareAllocationPayload(
        allocation=AllocationType.of(view) if view else None, errors=errors
    )


@strawberry.type
class SharingMutations:
    @strawberry.mutation(description="Post a share request (二次发单).")
    async def create_share_request(
        self, info: Info[Context, None], input: CreateShareRequestInput
    ) -> ShareRequestPayload:
        data = vars(input).copy()
        data["invited_enterprise_ids"] = tuple(data["invited_enterprise_ids"])
        new = NewShareRequest(**data)
        view, errors = await attempt(
            info, lambda ua: request_cases.create_request(ua[0], ua[1], new=new)
        )
        return _request(view, errors)

    @strawberry.mutation(description="Open a draft share request.")
    async def publish_share_request(
        self, info: Info[Context, None], id: int
    ) -> ShareRequestPayload:
        view, errors = await attempt(
            info, lambda ua: request_cases.publish_request(ua[0], ua[1], request_id=id)
        )
        return _request(view, errors)

    @strawberry.mutation(description="Cancel a share request before any allocation.")
    async def cancel_share_request(self, info: Info[Context, None], id: int) -> ShareRequestPayload:
        view, errors = await attempt(
            info, lambda ua: request_cases.cancel_request(ua[0], ua[1], request_id=id)
        )
        return _request(view, errors)

    @strawberry.mutation(description="Offer capacity against a share request.")
    async def offer_capacity(
        self, info: Info[Context, None], request_id: int, input: OfferCapacityInput
    ) -> ShareOfferPayload:
        new = NewOffer(**vars(input))
        offer, errors = await attempt(
            info,
            lambda ua: request_cases.make_offer(ua[0], ua[1], request_id=request_id, new=new),
        )
        return ShareOfferPayload(offer=OfferType.of(offer) if offer else None, errors=errors)

    @strawberry.mutation(description="Allocate part of a share request to a firm.")
    async def allocate_share(
        self, info: Info[Context, None], request_id: int, input: AllocateShareInput
    ) -> ShareAllocationPayload:
        new = NewAllocation(**vars(input))
        view, errors = await attempt(
            info,
            lambda ua: allocation_cases.allocate(ua[0], ua[1], request_id=request_id, new=new),
        )
        return _allocation(view, errors)

    @strawberry.mutation(description="Accept an allocation (the receiving firm only).")
    async def accept_allocation(self, info: Info[Context, None], id: int) -> ShareAllocationPayload:
        view, errors = await attempt(
            info, lambda ua: allocation_cases.accept_allocation(ua[0], ua[1], allocation_id=id)
        )
        return _allocation(view, errors)

    @strawberry.mutation(description="Record a delivered batch and its quality check.")
    async def record_delivery(
        self, info: Info[Context, None], allocation_id: int, input: RecordDeliveryInput
    ) -> ShareAllocationPayload:
        new = NewDelivery(**vars(input))
        view, errors = await attempt(
            info,
            lambda ua: allocation_cases.record_delivery(
                ua[0], ua[1], allocation_id=allocation_id, new=new
            ),
        )
        return _allocation(view, errors)

    @strawberry.mutation(description="Settle a delivered allocation (quantity × price, exact).")
    async def settle_allocation(self, info: Info[Context, None], id: int) -> ShareAllocationPayload:
        view, errors = await attempt(
            info, lambda ua: allocation_cases.settle_allocation(ua[0], ua[1], allocation_id=id)
        )
        return _allocation(view, errors)

    @strawberry.mutation(description="Advertise idle capacity for a process over a period.")
    async def create_capacity_notice(
        self, info: Info[Context, None], input: CreateCapacityNoticeInput
    ) -> CapacityNoticePayload:
        new = NewCapacityNotice(**vars(input))
        notice, errors = await attempt(
            info, lambda ua: capacity_cases.create_notice(ua[0], ua[1], new=new)
        )
        return CapacityNoticePayload(
            notice=CapacityNoticeType.of(notice) if notice else None, errors=errors
        )

    @strawberry.mutation(description="Withdraw a capacity notice.")
    async def withdraw_capacity_notice(
        self, info: Info[Context, None], id: int
    ) -> CapacityNoticePayload:
        notice, errors = await attempt(
            info, lambda ua: capacity_cases.withdraw_notice(ua[0], ua[1], notice_id=id)
        )
        return CapacityNoticePayload(
            notice=CapacityNoticeType.of(notice) if notice else None, errors=errors
        )

    @strawberry.mutation(description="Record where a firm sits in its park (zone, metres).")
    async def set_park_site(
        self,
        info: Info[Context, None],
        enterprise_id: int,
        x_m: int,
        y_m: int,
        zone: str | None = None,
    ) -> ParkSitePayload:
        site, errors = await attempt(
            info,
            lambda ua: capacity_cases.put_site(
                ua[0], ua[1], enterprise_id=enterprise_id, zone=zone, x_m=x_m, y_m=y_m
            ),
        )
        return ParkSitePayload(site=SiteType.of(site) if site else None, errors=errors)

    @strawberry.mutation(description="Ask the park for N workers with a skill for a period.")
    async def request_workers(
        self, info: Info[Context, None], input: RequestWorkersInput
    ) -> WorkerLoanPayload:
        new = NewLoanRequest(**vars(input))
        view, errors = await attempt(
            info, lambda ua: lending_cases.create_loan_request(ua[0], ua[1], new=new)
        )
        return _loan(view, errors)

    @strawberry.mutation(description="Offer named workers against a request.")
    async def offer_workers(
        self, info: Info[Context, None], worker_loan_id: int, input: OfferWorkersInput
    ) -> WorkerLoanPayload:
        new = NewLoanOffer(
            workers=tuple(Worker(ref=w.ref, name=w.name) for w in input.workers),
            enterprise_id=input.enterprise_id,
            start_on=input.start_on,
            end_on=input.end_on,
        )
        view, errors = await attempt(
            info,
            lambda ua: lending_cases.offer_workers(
                ua[0], ua[1], request_id=worker_loan_id, new=new
            ),
        )
        return _loan(view, errors)

    @strawberry.mutation(description="Confirm an offer of workers (the park's coordinator).")
    async def confirm_worker_offer(
        self, info: Info[Context, None], worker_loan_id: int, offer_id: int
    ) -> WorkerLoanPayload:
        view, errors = await attempt(
            info,
            lambda ua: lending_cases.confirm_offer(
                ua[0], ua[1], request_id=worker_loan_id, offer_id=offer_id
            ),
        )
        return _loan(view, errors)

    @strawberry.mutation(description="Cancel a request for workers before any confirmation.")
    async def cancel_worker_loan(self, info: Info[Context, None], id: int) -> WorkerLoanPayload:
        view, errors = await attempt(
            info, lambda ua: lending_cases.cancel_loan_request(ua[0], ua[1], request_id=id)
        )
        return _loan(view, errors)
