"""GraphQL types of order sharing."""

from __future__ import annotations

import datetime as dt

import strawberry

from app.domain.messages import render
from app.domain.sharing.capacity_model import CapacityNotice, NoticeStatus, Site, Suggestion
from app.domain.sharing.lending_model import (
    LoanOfferStatus,
    LoanRequestStatus,
    LoanRequestView,
)
from app.domain.sharing.model import (
    AllocationStatus,
    AllocationView,
    Delivery,
    Offer,
    Quality,
    RequestStatus,
    Visibility,
    format_fen,
    settlement_fen,
)
from app.domain.sharing.requests import RequestView

ShareRequestStatusEnum = strawberry.enum(RequestStatus, name="ShareRequestStatus")
ShareVisibilityEnum = strawberry.enum(Visibility, name="ShareVisibility")
AllocationStatusEnum = strawberry.enum(AllocationStatus, name="ShareAllocationStatus")
QualityEnum = strawberry.enum(Quality, name="DeliveryQuality")


@strawberry.type(name="ShareRequest", description="Work a firm posts for others (二次发单).")
class ShareRequestType:
    id: int
    enterprise_id: int
    org_id: int
    process: str
    product: str | None
    unit: str
    quantity: int = strawberry.field(description="The part shared out, whole units.")
    kept_quantity: int
    unit_price: str = strawberry.field(description='Yuan per unit, decimal string ("3.50").')
    quality_standard: str
    deadline: dt.date
    visibility: Visibility
    invited_enterprise_ids: list[int]
    status: RequestStatus
    allocated_quantity: int
    remaining_quantity: int
    accepted_quantity: int
    fulfilled: bool
    fulfilled_on: dt.date | None
    note: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: RequestView) -> ShareRequestType:
        r = v.request
        return cls(
            id=r.id,
            enterprise_id=r.enterprise_id,
            org_id=r.org_id,
            process=r.process,
            product=r.product,
            unit=r.unit,
            quantity=r.quantity,
            kept_quantity=r.kept_quantity,
            unit_price=format_fen(r.unit_price_fen),
            quality_standard=r.quality_standard,
            deadline=r.deadline,
            visibility=r.visibility,
            invited_enterprise_ids=v.invitees,
            status=r.status,
            allocated_quantity=r.allocated_quantity,
            remaining_quantity=r.remaining_quantity,
            accepted_quantity=r.accepted_quantity,
            fulfilled=r.accepted_quantity >= r.quantity,
            fulfilled_on=r.fulfilled_on,
            note=r.note,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


@strawberry.type(name="ShareOffer", description="Capacity a firm offers against a request.")
class OfferType:
    id: int
    request_id: int
    enterprise_id: int
    quantity: int
    available_on: dt.date
    unit_price: str | None
    note: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, o: Offer) -> OfferType:
        return cls(
            id=o.id,
            request_id=o.request_id,
            enterprise_id=o.enterprise_id,
            quantity=o.quantity,
            available_on=o.available_on,
            unit_price=format_fen(o.unit_price_fen) if o.unit_price_fen is not None else None,
            note=o.note,
            created_at=o.created_at,
        )


@strawberry.type(name="ShareDelivery", description="A delivered batch and its quality check.")
class DeliveryType:
    id: int
    quantity: int
    delivered_on: dt.date
    quality: Quality
    on_time: bool
    note: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, d: Delivery) -> DeliveryType:
        return cls(
            id=d.id,
            quantity=d.quantity,
            delivered_on=d.delivered_on,
            quality=d.quality,
            on_time=d.on_time,
            note=d.note,
            created_at=d.created_at,
        )


@strawberry.type(name="ShareAllocation", description="Part of a request given to a firm.")
class AllocationType:
    id: int
    request_id: int
    request_status: RequestStatus
    enterprise_id: int
    offer_id: int | None
    quantity: int
    unit_price: str
    due_on: dt.date
    status: AllocationStatus
    passed_quantity: int
    failed_quantity: int
    outstanding_quantity: int
    amount: str = strawberry.field(description="Passed quantity × unit price, yuan (exact).")
    settled_amount: str | None
    accepted_at: dt.datetime | None
    settled_at: dt.datetime | None
    deliveries: list[DeliveryType]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: AllocationView) -> AllocationType:
        a = v.allocation
        return cls(
            id=a.id,
            request_id=a.request_id,
            request_status=v.request.status,
            enterprise_id=a.enterprise_id,
            offer_id=a.offer_id,
            quantity=a.quantity,
            unit_price=format_fen(a.unit_price_fen),
            due_on=a.due_on,
            status=a.status,
            passed_quantity=a.passed_quantity,
            failed_quantity=a.failed_quantity,
            outstanding_quantity=a.outstanding_quantity,
            amount=format_fen(settlement_fen(a)),
            settled_amount=(
                format_fen(a.settled_amount_fen) if a.settled_amount_fen is not None else None
            ),
            accepted_at=a.accepted_at,
            settled_at=a.settled_at,
            deliveries=[DeliveryType.of(d) for d in v.deliveries],
            version=a.version,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


NoticeStatusEnum = strawberry.enum(NoticeStatus, name="CapacityNoticeStatus")


@strawberry.type(name="CapacityNotice", description="Idle capacity a firm advertises.")
class CapacityNoticeType:
    id: int
    enterprise_id: int
    org_id: int
    process: str
    unit: str
    quantity_per_week: int
    available_from: dt.date
    available_to: dt.date
    note: str | None
    status: NoticeStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, n: CapacityNotice) -> CapacityNoticeType:
        return cls(
            id=n.id,
            enterprise_id=n.enterprise_id,
            org_id=n.org_id,
            process=n.process,
            unit=n.unit,
            quantity_per_week=n.quantity_per_week,
            available_from=n.available_from,
            available_to=n.available_to,
            note=n.note,
            status=n.status,
            version=n.version,
            created_at=n.created_at,
            updated_at=n.updated_at,
        )


@strawberry.type(name="ParkSite", description="Where a firm sits in its park.")
class SiteType:
    enterprise_id: int
    zone: str | None
    x_m: int
    y_m: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, s: Site) -> SiteType:
        return cls(
            enterprise_id=s.enterprise_id,
            zone=s.zone,
            x_m=s.x_m,
            y_m=s.y_m,
            updated_at=s.updated_at,
        )


@strawberry.type(name="SuggestionReason")
class ReasonType:
    code: str
    text: str = strawberry.field(description="In the caller's language.")


@strawberry.type(name="ShareSuggestion", description="A firm to ask, with its reasons.")
class SuggestionType:
    enterprise_id: int
    enterprise_name: str
    free_quantity: int
    covers_remaining: bool
    distance_m: int | None
    same_zone: bool
    offered_quantity: int
    outstanding_quantity: int
    notice_ids: list[int]
    reasons: list[ReasonType]

    @classmethod
    def of(cls, s: Suggestion, lang: str) -> SuggestionType:
        return cls(
            enterprise_id=s.enterprise_id,
            enterprise_name=s.enterprise_name,
            free_quantity=s.free_quantity,
            covers_remaining=s.covers_remaining,
            distance_m=s.distance_m,
            same_zone=s.same_zone,
            offered_quantity=s.offered_quantity,
            outstanding_quantity=s.outstanding_quantity,
            notice_ids=s.notice_ids,
            reasons=[
                ReasonType(code=r.code, text=render(r.code, r.params, lang)[1]) for r in s.reasons
            ],
        )


LoanRequestStatusEnum = strawberry.enum(LoanRequestStatus, name="WorkerLoanStatus")
LoanOfferStatusEnum = strawberry.enum(LoanOfferStatus, name="WorkerLoanOfferStatus")


@strawberry.type(name="LentWorker")
class WorkerType:
    ref: str
    name: str


@strawberry.type(name="WorkerLoanOffer", description="Workers a firm offers to lend.")
class LoanOfferType:
    id: int
    enterprise_id: int
    workers: list[WorkerType]
    start_on: dt.date
    end_on: dt.date
    status: LoanOfferStatus


@strawberry.type(name="WorkerLoanRecord", description="One worker lent: who, from, to, days.")
class LoanType:
    id: int
    offer_id: int
    worker_ref: str
    worker_name: str
    lender_id: int
    borrower_id: int
    skill: str
    start_on: dt.date
    end_on: dt.date
    days: int


@strawberry.type(name="WorkerLoanRequest", description="A firm asking for N workers.")
class LoanRequestType:
    id: int
    enterprise_id: int
    org_id: int
    skill: str
    workers_needed: int
    confirmed_count: int
    start_on: dt.date
    end_on: dt.date
    note: str | None
    status: LoanRequestStatus
    offers: list[LoanOfferType]
    loans: list[LoanType]
    version: int

    @classmethod
    def of(cls, v: LoanRequestView) -> LoanRequestType:
        r = v.request
        return cls(
            id=r.id,
            enterprise_id=r.enterprise_id,
            org_id=r.org_id,
            skill=r.skill,
            workers_needed=r.workers_needed,
            confirmed_count=r.confirmed_count,
            start_on=r.start_on,
            end_on=r.end_on,
            note=r.note,
            status=r.status,
            offers=[
                LoanOfferType(
                    id=o.id,
                    enterprise_id=o.enterprise_id,
                    workers=[WorkerType(ref=w.ref, name=w.name) for w in o.workers],
                    start_on=o.start_on,
                    end_on=o.end_on,
                    status=o.status,
                )
                for o in v.offers
            ],
            loans=[
                LoanType(
                    id=x.id,
                    offer_id=x.offer_id,
                    worker_ref=x.worker_ref,
                    worker_name=x.worker_name,
                    lender_id=x.lender_id,
                    borrower_id=x.borrower_id,
                    skill=x.skill,
                    start_on=x.start_on,
                    end_on=x.end_on,
                    days=x.days,
                )
                for x in v.loans
            ],
            version=r.version,
        )
