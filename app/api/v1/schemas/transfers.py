"""Request and response shapes of transfers (组织关系接转)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.api.v1.schemas.members import MemberCreate
from app.domain.members.transfer_model import TransferKind, TransferState, TransferView

MONTH_DOC = "Month the member's dues are paid up to and including, `YYYY-MM` (党费交至)."


class TransferOut(BaseModel):
    id: int
    member_id: int
    member_name: str
    kind: TransferKind = Field(
        description="internal (to an org in the system), outgoing (leaving the system, "
        "finished by its receipt) or incoming (a letter from outside, registered on arrival)."
    )
    state: TransferState = Field(
        description="issued, accepted, rejected, cancelled, completed or expired. An open "
        "transfer whose validity passed without a report reads as expired."
    )
    from_org_id: int | None = Field(description="Sending branch; null for incoming.")
    to_org_id: int | None = Field(description="Receiving branch; null when leaving the system.")
    external_name: str | None = Field(
        description="The organisation outside the system (destination or origin)."
    )
    external_region: str | None
    letter_no: str = Field(description="Introduction letter number (介绍信编号).")
    dues_paid_until: str = Field(description=MONTH_DOC)
    issued_on: dt.date
    valid_until: dt.date
    days_left: int | None = Field(
        description="Days of validity left while open (negative when overdue); null after."
    )
    decided_on: dt.date | None = Field(description="Accepted or rejected on.")
    reason: str | None = Field(description="Why it was rejected or cancelled.")
    reported_on: dt.date | None = Field(description="The member reported (报到) on.")
    receipt_no: str | None = Field(description="Receipt (回执) number.")
    receipt_on: dt.date | None
    cancelled_on: dt.date | None
    version: int = Field(description="Also sent as the ETag; send it back in If-Match.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: TransferView) -> TransferOut:
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


class TransferCreate(Strict):
    member_id: Id = Field(description="A member on the roll, affiliated in your subtree.")
    letter_no: str = Field(min_length=1, max_length=64, examples=["闽组转字第 2026-118 号"])
    to_org_id: Id | None = Field(
        default=None,
        description="An active branch or general branch anywhere in the system, not the "
        "member's own. Omit it and give external_name and external_region instead for a "
        "transfer leaving the system.",
    )
    external_name: str | None = Field(default=None, max_length=200)
    external_region: str | None = Field(default=None, max_length=100, examples=["浙江省杭州市"])
    dues_paid_until: str = Field(min_length=1, max_length=16, description=MONTH_DOC)
    issued_on: dt.date | None = Field(default=None, description="Default today (Asia/Shanghai).")
    valid_until: dt.date | None = Field(
        default=None, description="Default and at most three months after issued_on."
    )


class TransferDecision(Strict):
    on_date: dt.date | None = Field(default=None, description="Default today.")


class TransferReject(Strict):
    reason: str = Field(min_length=1, max_length=500)
    on_date: dt.date | None = Field(default=None, description="Default today.")


class TransferCancel(Strict):
    reason: str | None = Field(default=None, max_length=500)


class TransferReport(Strict):
    reported_on: dt.date | None = Field(default=None, description="Default today.")


class TransferReceipt(Strict):
    receipt_no: str = Field(min_length=1, max_length=64)
    receipt_on: dt.date | None = Field(default=None, description="Default today.")


class IncomingTransferCreate(MemberCreate):
    letter_no: str = Field(min_length=1, max_length=64)
    origin_name: str = Field(
        min_length=1, max_length=200, description="The issuing organisation outside the system."
    )
    origin_region: str = Field(min_length=1, max_length=100, examples=["浙江省杭州市"])
    dues_paid_until: str = Field(min_length=1, max_length=16, description=MONTH_DOC)
    issued_on: dt.date | None = Field(default=None, description="Default today.")
    valid_until: dt.date | None = Field(
        default=None, description="Default and at most three months after issued_on."
    )
    reported_on: dt.date | None = Field(
        default=None, description="The member reported here on (default today; within validity)."
    )
