"""Mutations of status changes and dual management: typed payloads over the use cases."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.members import managements as cases
from app.domain.members import standing as standing_cases
from app.domain.members.management_model import (
    ChangeKind,
    ManagementView,
    NewManagement,
    StatusChange,
)
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.types.managements import ManagementType, MemberEventType, ParticipationType
from app.graphql.types.members import MemberType


@strawberry.type
class StatusChangePayload:
    member: MemberType | None
    event: MemberEventType | None
    errors: list[UserError]


@strawberry.type
class ManagementPayload:
    management: ManagementType | None
    errors: list[UserError]


@strawberry.type
class ParticipationPayload:
    participation: ParticipationType | None
    errors: list[UserError]


@strawberry.input
class StatusChangeInput:
    kind: ChangeKind
    on_date: dt.date
    reason: str | None = None
    months: int | None = strawberry.field(default=None, description="probationExtended: 1–12.")
    deciding_body: str | None = None


@strawberry.input
class ManagementInput:
    org_id: int = strawberry.field(description="The managing branch, in your subtree.")
    from_date: dt.date
    to_date: dt.date | None = None
    certificate_no: str | None = None
    notes: str | None = None
    member_id: int | None = strawberry.field(
        default=None, description="A member affiliated in your subtree…"
    )
    national_id: str | None = strawberry.field(
        default=None, description="…or any member, by id number (needs pii:read)."
    )


def _management(view: ManagementView | None, errors: list[UserError]) -> ManagementPayload:
    return ManagementPayload(management=ManagementType.of(view) if view else None, errors=errors)


@strawberry.type
class ManagementMutations:
    @strawberry.mutation(description="Record a status change (an event in the history).")
    async def change_member_status(
        self,
        info: Info[Context, None],
        member_id: int,
        input: StatusChangeInput,
        expected_version: int | None = None,
    ) -> StatusChangePayload:
        change = StatusChange(
            kind=input.kind,
            on_date=input.on_date,
            reason=input.reason,
            months=input.months,
            deciding_body=input.deciding_body,
        )
        cipher = info.context.container.cipher
        done, errors = await attempt(
            info,
            lambda ua: standing_cases.change_status(
                ua[0],
                ua[1],
                member_id=member_id,
                change=change,
                expected_version=expected_version,
                cipher=cipher,
            ),
        )
        return StatusChangePayload(
            member=MemberType.of(done.member) if done else None,
            event=MemberEventType.of(done.event) if done else None,
            errors=errors,
        )

    @strawberry.mutation(description="Register dual management (by memberId or nationalId).")
    async def register_management(
        self, info: Info[Context, None], input: ManagementInput
    ) -> ManagementPayload:
        new = NewManagement(
            org_id=input.org_id,
            from_date=input.from_date,
            to_date=input.to_date,
            certificate_no=input.certificate_no,
            notes=input.notes,
        )
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: cases.register_management(
                ua[0],
                ua[1],
                member_id=input.member_id,
                national_id=input.national_id,
                new=new,
                cipher=cipher,
            ),
        )
        return _management(view, errors)

    @strawberry.mutation(description="End a dual-management registration.")
    async def end_management(
        self,
        info: Info[Context, None],
        id: int,
        ended_on: dt.date | None = None,
        reason: str | None = None,
    ) -> ManagementPayload:
        view, errors = await attempt(
            info,
            lambda ua: cases.end_management(
                ua[0], ua[1], management_id=id, ended_on=ended_on, reason=reason
            ),
        )
        return _management(view, errors)

    @strawberry.mutation(description="Record a managed member's participation in an activity.")
    async def record_participation(
        self,
        info: Info[Context, None],
        management_id: int,
        on_date: dt.date,
        activity: str,
        notes: str | None = None,
    ) -> ParticipationPayload:
        p, errors = await attempt(
            info,
            lambda ua: cases.record_participation(
                ua[0],
                ua[1],
                management_id=management_id,
                on_date=on_date,
                activity=activity,
                notes=notes,
            ),
        )
        return ParticipationPayload(
            participation=ParticipationType.of(p) if p else None, errors=errors
        )
