"""Request and response shapes of order sharing: requests, offers, allocations, deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.domain.messages import render
from app.domain.sharing.capacity_model import (
    COORD_MAX,
    CapacityNotice,
    NoticeStatus,
    Site,
    Suggestion,
)
from app.domain.sharing.joint_model import (
    Case,
    CaseCategory,
    CaseStatus,
    Meeting,
    Membership,
    MembershipKind,
    RaisedBy,
    Rota,
    RotaChangeKind,
)
from app.domain.sharing.lending_model import (
    WORKERS_MAX,
    Loan,
    LoanOffer,
    LoanOfferStatus,
    LoanRequestStatus,
    LoanRequestView,
)
from app.domain.sharing.model import (
    QUANTITY_MAX,
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
from app.domain.sharing.requests import INVITEES_MAX, RequestView

PRICE_DOC = 'Yuan per unit as a decimal string with at most two decimals ("3.50"); stored in fen.'
QUANTITY_DOC = "Whole units of the request's unit (pieces, sets, kg ...)."


class ShareRequestOut(BaseModel):
    id: int
    enterprise_id: int = Field(description="The requesting firm.")
    org_id: int = Field(description="Its park (host organisation) when posted.")
    process: str = Field(description="彩绘, 上釉, 修坯 ...")
    product: str | None
    unit: str
    quantity: int = Field(description="The part shared out. " + QUANTITY_DOC)
    kept_quantity: int = Field(description="The part of the order the requester keeps.")
    unit_price: str = Field(description=PRICE_DOC)
    quality_standard: str
    deadline: dt.date
    visibility: Visibility
    invited_enterprise_ids: list[int] = Field(
        description="Chosen firms (shown to the poster and park staff)."
    )
    status: RequestStatus
    allocated_quantity: int
    remaining_quantity: int = Field(description="Still to allocate.")
    accepted_quantity: int = Field(description="Delivered and quality-passed, all allocations.")
    fulfilled: bool = Field(description="Accepted deliveries reached the quantity.")
    fulfilled_on: dt.date | None
    note: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: RequestView) -> ShareRequestOut:
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


class ShareRequestCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The requesting firm; an enterprise contact's own by default."
    )
    process: str = Field(min_length=1, max_length=64, examples=["彩绘"])
    product: str | None = Field(default=None, max_length=200, examples=["圣诞陶瓷摆件"])
    unit: str = Field(min_length=1, max_length=16, examples=["件"])
    quantity: int = Field(ge=1, le=QUANTITY_MAX, description=QUANTITY_DOC, examples=[30000])
    kept_quantity: int = Field(default=0, ge=0, le=QUANTITY_MAX, examples=[10000])
    unit_price: str = Field(min_length=1, max_length=20, description=PRICE_DOC, examples=["3.50"])
    quality_standard: str = Field(min_length=1, max_length=500, examples=["出口欧盟标准，无色差"])
    deadline: dt.date = Field(description="Business date (Asia/Shanghai), not in the past.")
    visibility: Visibility = Visibility.PARK
    invited_enterprise_ids: list[Id] = Field(
        default_factory=list, max_length=INVITEES_MAX, description="When visibility is chosen."
    )
    note: str | None = Field(default=None, max_length=500)
    publish: bool = Field(default=True, description="Open at once; false keeps a draft.")


class OfferOut(BaseModel):
    id: int
    request_id: int
    enterprise_id: int
    quantity: int
    available_on: dt.date = Field(description="By when the firm can deliver.")
    unit_price: str | None = Field(description="When different from the request's.")
    note: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, o: Offer) -> OfferOut:
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


class OfferCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The offering firm; an enterprise contact's own by default."
    )
    quantity: int = Field(ge=1, le=QUANTITY_MAX, examples=[10000])
    available_on: dt.date = Field(description="By when; not in the past.")
    unit_price: str | None = Field(default=None, min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class DeliveryOut(BaseModel):
    id: int
    quantity: int
    delivered_on: dt.date
    quality: Quality
    on_time: bool = Field(description="Delivered on or before the allocation's due date.")
    note: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(
            id=d.id,
            quantity=d.quantity,
            delivered_on=d.delivered_on,
            quality=d.quality,
            on_time=d.on_time,
            note=d.note,
            created_at=d.created_at,
        )


class AllocationOut(BaseModel):
    id: int
    request_id: int
    request_status: RequestStatus
    enterprise_id: int = Field(description="The receiving firm.")
    offer_id: int | None
    quantity: int
    unit_price: str
    due_on: dt.date
    status: AllocationStatus
    passed_quantity: int = Field(description="Delivered and quality-passed.")
    failed_quantity: int = Field(description="Delivered and refused (redone, not counted).")
    outstanding_quantity: int
    amount: str = Field(description="Passed quantity × unit price, yuan (exact).")
    settled_amount: str | None
    accepted_at: dt.datetime | None
    settled_at: dt.datetime | None
    deliveries: list[DeliveryOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: AllocationView) -> AllocationOut:
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
            deliveries=[DeliveryOut.of(d) for d in v.deliveries],
            version=a.version,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


class AllocationCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The receiving firm; the offer's firm by default."
    )
    offer_id: Id | None = Field(default=None, description="The offer this takes up.")
    quantity: int = Field(ge=1, le=QUANTITY_MAX, examples=[10000])
    unit_price: str | None = Field(
        default=None, min_length=1, max_length=20, description="Default: offer's, else request's."
    )
    due_on: dt.date | None = Field(default=None, description="Default: the request's deadline.")


class DeliveryCreate(Strict):
    quantity: int = Field(ge=1, le=QUANTITY_MAX, examples=[5000])
    delivered_on: dt.date = Field(description="Business date; not in the future.")
    quality: Quality = Field(description="The quality check: passed or failed (to be redone).")
    note: str | None = Field(default=None, max_length=500)


class CapacityNoticeOut(BaseModel):
    id: int
    enterprise_id: int
    org_id: int = Field(description="The firm's park (host organisation) when advertised.")
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
    def of(cls, n: CapacityNotice) -> CapacityNoticeOut:
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


class CapacityNoticeCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The advertising firm; an enterprise contact's own by default."
    )
    process: str = Field(min_length=1, max_length=64, examples=["修坯"])
    unit: str = Field(min_length=1, max_length=16, examples=["件"])
    quantity_per_week: int = Field(ge=1, le=QUANTITY_MAX, examples=[3000])
    available_from: dt.date
    available_to: dt.date = Field(description="Not before available_from nor before today.")
    note: str | None = Field(default=None, max_length=500)


class SiteOut(BaseModel):
    enterprise_id: int
    zone: str | None = Field(description="The park's zone or block, e.g. A区.")
    x_m: int = Field(description="Plan coordinate, metres east of the park's origin.")
    y_m: int = Field(description="Plan coordinate, metres north of the park's origin.")
    updated_at: dt.datetime

    @classmethod
    def of(cls, s: Site) -> SiteOut:
        return cls(
            enterprise_id=s.enterprise_id,
            zone=s.zone,
            x_m=s.x_m,
            y_m=s.y_m,
            updated_at=s.updated_at,
        )


class SitePut(Strict):
    zone: str | None = Field(default=None, max_length=32, examples=["A区"])
    x_m: int = Field(ge=0, le=COORD_MAX, examples=[120])
    y_m: int = Field(ge=0, le=COORD_MAX, examples=[340])


class ReasonOut(BaseModel):
    code: str = Field(description="Stable reason code, e.g. suggest.covers.")
    text: str = Field(description="The reason in the caller's language (Accept-Language).")
    params: dict[str, Any]


class SuggestionOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    free_quantity: int = Field(description="Free capacity between today and the deadline.")
    covers_remaining: bool
    distance_m: int | None = Field(description="From the requesting firm; null when unknown.")
    same_zone: bool
    offered_quantity: int
    outstanding_quantity: int = Field(description="Already allocated to it, not delivered.")
    notice_ids: list[int]
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, s: Suggestion, lang: str) -> SuggestionOut:
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
                ReasonOut(code=r.code, text=render(r.code, r.params, lang)[1], params=r.params)
                for r in s.reasons
            ],
        )


class WorkerIn(Strict):
    ref: str = Field(
        min_length=1, max_length=64, description="The lending firm's staff ref (工号)."
    )
    name: str = Field(min_length=1, max_length=100)


class WorkerOut(BaseModel):
    ref: str
    name: str


class LoanOfferOut(BaseModel):
    id: int
    enterprise_id: int = Field(description="The lending firm.")
    workers: list[WorkerOut]
    start_on: dt.date
    end_on: dt.date
    status: LoanOfferStatus

    @classmethod
    def of(cls, o: LoanOffer) -> LoanOfferOut:
        return cls(
            id=o.id,
            enterprise_id=o.enterprise_id,
            workers=[WorkerOut(ref=w.ref, name=w.name) for w in o.workers],
            start_on=o.start_on,
            end_on=o.end_on,
            status=o.status,
        )


class LoanOut(BaseModel):
    id: int
    offer_id: int
    worker_ref: str
    worker_name: str
    lender_id: int = Field(description="Lent from this firm ...")
    borrower_id: int = Field(description="... to this one.")
    skill: str
    start_on: dt.date
    end_on: dt.date
    days: int = Field(description="Calendar days, both ends included.")

    @classmethod
    def of(cls, x: Loan) -> LoanOut:
        return cls(
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


class LoanRequestOut(BaseModel):
    id: int
    enterprise_id: int = Field(description="The borrowing firm.")
    org_id: int
    skill: str
    workers_needed: int
    confirmed_count: int
    start_on: dt.date
    end_on: dt.date
    note: str | None
    status: LoanRequestStatus
    offers: list[LoanOfferOut]
    loans: list[LoanOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: LoanRequestView) -> LoanRequestOut:
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
            offers=[LoanOfferOut.of(o) for o in v.offers],
            loans=[LoanOut.of(x) for x in v.loans],
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


class LoanRequestCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The borrowing firm; an enterprise contact's own by default."
    )
    skill: str = Field(min_length=1, max_length=64, examples=["修坯"])
    workers_needed: int = Field(ge=1, le=WORKERS_MAX, examples=[5])
    start_on: dt.date = Field(description="Not in the past.")
    end_on: dt.date
    note: str | None = Field(default=None, max_length=500)


class LoanOfferCreate(Strict):
    enterprise_id: Id | None = Field(
        default=None, description="The lending firm; an enterprise contact's own by default."
    )
    workers: list[WorkerIn] = Field(min_length=1, max_length=WORKERS_MAX)
    start_on: dt.date | None = Field(default=None, description="Default: the request's.")
    end_on: dt.date | None = Field(default=None, description="Default: the request's.")


class MembershipOut(BaseModel):
    id: int
    park_id: int
    kind: MembershipKind = Field(description="secretary (联席会) or association (联谊会).")
    name: str
    branch_id: int | None
    enterprise_id: int | None
    joined_on: dt.date
    left_on: dt.date | None

    @classmethod
    def of(cls, m: Membership) -> MembershipOut:
        return cls(
            id=m.id,
            park_id=m.park_id,
            kind=m.kind,
            name=m.name,
            branch_id=m.branch_id,
            enterprise_id=m.enterprise_id,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )


class MembershipCreate(Strict):
    park_id: Id
    kind: MembershipKind
    name: str = Field(min_length=1, max_length=100, examples=["陈书记"])
    branch_id: Id | None = Field(default=None, description="For a secretary.")
    enterprise_id: Id | None = Field(default=None, description="For an association firm.")
    joined_on: dt.date | None = None


class MembershipEnd(Strict):
    left_on: dt.date | None = None


class RotaChangeOut(BaseModel):
    id: int
    kind: RotaChangeKind
    month: str
    other_month: str | None
    reason: str


class RotaOut(BaseModel):
    id: int
    park_id: int
    start_month: str
    chair_ids: list[int] = Field(description="Memberships in rotation order.")
    changes: list[RotaChangeOut]

    @classmethod
    def of(cls, r: Rota) -> RotaOut:
        return cls(
            id=r.id,
            park_id=r.park_id,
            start_month=r.start_month,
            chair_ids=r.chair_ids,
            changes=[
                RotaChangeOut(
                    id=c.id, kind=c.kind, month=c.month, other_month=c.other_month, reason=c.reason
                )
                for c in r.changes
            ],
        )


class RotaCreate(Strict):
    park_id: Id
    start_month: str = Field(min_length=7, max_length=7, examples=["2026-01"])
    chair_ids: list[Id] = Field(min_length=1, max_length=24)


class RotaSkip(Strict):
    month: str = Field(min_length=7, max_length=7, examples=["2026-02"])
    reason: str = Field(min_length=1, max_length=300, examples=["春节停产，顺延"])


class RotaSwap(Strict):
    month: str = Field(min_length=7, max_length=7)
    other_month: str = Field(min_length=7, max_length=7)
    reason: str = Field(min_length=1, max_length=300)


class ChairSlotOut(BaseModel):
    month: str
    membership_id: int
    note: str | None = Field(description="Why it differs from plain rotation.")


class ScheduleOut(BaseModel):
    rota: RotaOut
    months: list[ChairSlotOut]


class MeetingOut(BaseModel):
    id: int
    park_id: int
    held_on: dt.date
    title: str
    chair_membership_id: int | None
    notes: str | None

    @classmethod
    def of(cls, m: Meeting) -> MeetingOut:
        return cls(
            id=m.id,
            park_id=m.park_id,
            held_on=m.held_on,
            title=m.title,
            chair_membership_id=m.chair_membership_id,
            notes=m.notes,
        )


class MeetingCreate(Strict):
    park_id: Id
    held_on: dt.date
    title: str = Field(min_length=1, max_length=200, examples=["十一月双联工作会议"])
    notes: str | None = Field(default=None, max_length=2000)
    chair_membership_id: Id | None = Field(
        default=None, description="Default: the rota's chair for that month."
    )


class CaseNoteOut(BaseModel):
    id: int
    text: str
    author: str
    created_at: dt.datetime


class CaseOut(BaseModel):
    id: int
    park_id: int
    category: CaseCategory
    title: str
    description: str | None
    raised_by: RaisedBy
    raised_by_enterprise_id: int | None
    raised_by_member_id: int | None
    raised_by_branch_id: int | None
    opened_on: dt.date
    status: CaseStatus
    meeting_id: int | None
    assignee: str | None
    outcome: str | None
    closed_on: dt.date | None
    days_to_close: int | None
    notes: list[CaseNoteOut]
    version: int

    @classmethod
    def of(cls, c: Case) -> CaseOut:
        return cls(
            id=c.id,
            park_id=c.park_id,
            category=c.category,
            title=c.title,
            description=c.description,
            raised_by=c.raised_by,
            raised_by_enterprise_id=c.raised_by_enterprise_id,
            raised_by_member_id=c.raised_by_member_id,
            raised_by_branch_id=c.raised_by_branch_id,
            opened_on=c.opened_on,
            status=c.status,
            meeting_id=c.meeting_id,
            assignee=c.assignee,
            outcome=c.outcome,
            closed_on=c.closed_on,
            days_to_close=c.days_to_close,
            notes=[
                CaseNoteOut(id=n.id, text=n.text, author=n.author, created_at=n.created_at)
                for n in c.notes
            ],
            version=c.version,
        )


class CaseCreate(Strict):
    category: CaseCategory
    title: str = Field(min_length=1, max_length=200, examples=["拖欠工资纠纷"])
    raised_by: RaisedBy = RaisedBy.ENTERPRISE
    park_id: Id | None = Field(default=None, description="Default for a contact: their park.")
    description: str | None = Field(default=None, max_length=2000)
    enterprise_id: Id | None = None
    member_id: Id | None = None
    branch_id: Id | None = None
    opened_on: dt.date | None = None


class CaseAgenda(Strict):
    meeting_id: Id


class CaseAssign(Strict):
    assignee: str = Field(min_length=1, max_length=100)


class CaseNoteCreate(Strict):
    text: str = Field(min_length=1, max_length=2000)


class CaseClose(Strict):
    outcome: str = Field(min_length=1, max_length=2000)
    closed_on: dt.date | None = None


class CategoryCountOut(BaseModel):
    category: CaseCategory
    opened: int
    closed: int
    median_days_to_close: float | None
    mean_days_to_close: float | None
