"""GraphQL types of transfers (组织关系接转)."""

from __future__ import annotations

import datetime as dt

import strawberry

from app.domain.members.transfer_model import (
    TransferKind,
    TransferQueue,
    TransferState,
    TransferView,
)

TransferKindEnum = strawberry.enum(TransferKind, name="TransferKind")
TransferStateEnum = strawberry.enum(TransferState, name="TransferState")
TransferQueueEnum = strawberry.enum(TransferQueue, name="TransferQueue")


@strawberry.type(name="Transfer", description="An introduction letter and what became of it.")
class TransferType:
    id: int
    member_id: int
    member_name: str
    kind: TransferKind
    state: TransferState = strawberry.field(
        description="As of today: an open transfer past its validity reads EXPIRED."
    )
    from_org_id: int | None = strawberry.field(description="Sending branch; null for incoming.")
    to_org_id: int | None = strawberry.field(description="Null when leaving the system.")
    external_name: str | None
    external_region: str | None
    letter_no: str
    dues_paid_until: str = strawberry.field(description="YYYY-MM, dues paid up to.")
    issued_on: dt.date
    valid_until: dt.date
    days_left: int | None = strawberry.field(description="While open; negative when overdue.")
    decided_on: dt.date | None
    reason: str | None
    reported_on: dt.date | None
    receipt_no: str | None
    receipt_on: dt.date | None
    cancelled_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: TransferView) -> TransferType:
        t = v.transfer
        return cls(
            id=t.id,
            member_id=t.member_id,
            member_name=t.member_name,
            kind=t.kind,
            state=v.state,
            from_org_id=t.from_org_id,
            to_org_id=t.to_org_id,
            external_name=t.external_name,
            external_region=t.external_region,
            letter_no=t.letter_no,
            dues_paid_until=t.dues_paid_until,
            issued_on=t.issued_on,
            valid_until=t.valid_until,
            days_left=v.days_left,
            decided_on=t.decided_on,
            reason=t.reason,
            reported_on=t.reported_on,
            receipt_no=t.receipt_no,
            receipt_on=t.receipt_on,
            cancelled_on=t.cancelled_on,
            version=t.version,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )
