"""Mutations of transfers: typed payloads over the same use cases as REST."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.members import transfers as cases
from app.domain.members.model import Education, Gender, MemberStatus
from app.domain.members.ports import NewMember
from app.domain.members.transfer_model import TransferView
from app.domain.members.transfers import IncomingLetter, NewTransfer
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.transfer_types import TransferType


@strawberry.type
class TransferPayload:
    transfer: TransferType | None
    errors: list[UserError]


@strawberry.input
class IssueTransferInput:
    member_id: int
    letter_no: str
    dues_paid_until: str = strawberry.field(description="YYYY-MM.")
    to_org_id: int | None = strawberry.field(
        default=None, description="A branch in the system; or give externalName/Region."
    )
    external_name: str | None = None
    external_region: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = strawberry.field(
        default=None, description="Default and at most three months after issuedOn."
    )


@strawberry.input
class RegisterIncomingTransferInput:
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str = strawberry.field(description="18-character resident id number.")
    join_date: dt.date
    status: MemberStatus
    org_id: int = strawberry.field(description="The receiving branch in your subtree.")
    letter_no: str
    origin_name: str
    origin_region: str
    dues_paid_until: str = strawberry.field(description="YYYY-MM.")
    full_member_date: dt.date | None = None
    ethnicity: str | None = None
    education: Education | None = None
    specialty: str | None = None
    employer_enterprise_id: int | None = None
    phone: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    reported_on: dt.date | None = None


_LETTER = ("letter_no", "origin_name", "origin_region", "dues_paid_until")
_LETTER_DATES = ("issued_on", "valid_until", "reported_on")


def _payload(view: TransferView | None, errors: list[UserError]) -> TransferPayload:
    return TransferPayload(transfer=TransferType.of(view) if view else None, errors=errors)


@strawberry.type
class TransferMutations:
    @strawberry.mutation(description="Issue an introduction letter for a member in your subtree.")
    async def issue_transfer(
        self, info: Info[Context, None], input: IssueTransferInput
    ) -> TransferPayload:
        new = NewTransfer(**vars(input))
        view, errors = await attempt(info, lambda ua: cases.issue_transfer(ua[0], ua[1], new=new))
        return _payload(view, errors)

    @strawberry.mutation(description="Accept a transfer as its destination.")
    async def accept_transfer(
        self,
        info: Info[Context, None],
        id: int,
        on_date: dt.date | None = None,
        expected_version: int | None = None,
    ) -> TransferPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.accept_transfer(
                ua[0], ua[1], transfer_id=id, on_date=on_date, expected_version=expected_version
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Reject a transfer as its destination, with a reason.")
    async def reject_transfer(
        self,
        info: Info[Context, None],
        id: int,
        reason: str,
        on_date: dt.date | None = None,
        expected_version: int | None = None,
    ) -> TransferPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.reject_transfer(
                ua[0],
                ua[1],
                transfer_id=id,
                reason=reason,
                on_date=on_date,
                expected_version=expected_version,
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Record the member's report; the affiliation moves.")
    async def report_transfer(
        self,
        info: Info[Context, None],
        id: int,
        reported_on: dt.date | None = None,
        expected_version: int | None = None,
    ) -> TransferPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.report_transfer(
                ua[0],
                ua[1],
                transfer_id=id,
                reported_on=reported_on,
                expected_version=expected_version,
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Cancel a transfer not yet accepted, as its sender.")
    async def cancel_transfer(
        self,
        info: Info[Context, None],
        id: int,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TransferPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.cancel_transfer(
                ua[0], ua[1], transfer_id=id, reason=reason, expected_version=expected_version
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Record the receipt (回执); completes a transfer out.")
    async def record_transfer_receipt(
        self,
        info: Info[Context, None],
        id: int,
        receipt_no: str,
        receipt_on: dt.date | None = None,
        expected_version: int | None = None,
    ) -> TransferPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.record_receipt(
                ua[0],
                ua[1],
                transfer_id=id,
                receipt_no=receipt_no,
                receipt_on=receipt_on,
                expected_version=expected_version,
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Register a letter from outside the system at a branch.")
    async def register_incoming_transfer(
        self, info: Info[Context, None], input: RegisterIncomingTransferInput
    ) -> TransferPayload:
        values = dict(vars(input))
        letter = {k: values.pop(k) for k in (*_LETTER, *_LETTER_DATES)}
        incoming = IncomingLetter(member=NewMember(**values), **letter)
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: cases.register_incoming(ua[0], ua[1], letter=incoming, cipher=cipher),
        )
        return _payload(view, errors)
