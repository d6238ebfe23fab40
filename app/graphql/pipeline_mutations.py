"""Mutations of the development pipeline: typed payloads over the use cases."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.members import pipeline_service as cases
from app.domain.members.model import Gender
from app.domain.members.pipeline import EntryView, Stage
from app.domain.members.pipeline_service import NewApplication
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.member_mutations import MemberPayload, _payload
from app.graphql.mutations import attempt
from app.graphql.types.pipeline import PipelineEntryType


@strawberry.type
class PipelineEntryPayload:
    entry: PipelineEntryType | None
    errors: list[UserError]


@strawberry.input
class ApplyToJoinInput:
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str = strawberry.field(description="18-character resident id number.")
    org_id: int = strawberry.field(description="A branch or general branch in your subtree.")
    applied_on: dt.date
    notes: str | None = None


def _entry(view: EntryView | None, errors: list[UserError]) -> PipelineEntryPayload:
    return PipelineEntryPayload(entry=PipelineEntryType.of(view) if view else None, errors=errors)


@strawberry.type
class PipelineMutations:
    @strawberry.mutation(description="Record an application to join (入党申请).")
    async def apply_to_join(
        self, info: Info[Context, None], input: ApplyToJoinInput
    ) -> PipelineEntryPayload:
        new = NewApplication(**vars(input))
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info, lambda ua: cases.apply_to_join(ua[0], ua[1], new=new, cipher=cipher)
        )
        return _entry(view, errors)

    @strawberry.mutation(description="Move an entry to its next stage; admission makes a member.")
    async def advance_stage(
        self,
        info: Info[Context, None],
        id: int,
        stage: Stage,
        on_date: dt.date,
        deciding_body: str | None = None,
        notes: str | None = None,
    ) -> PipelineEntryPayload:
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: cases.advance_stage(
                ua[0],
                ua[1],
                entry_id=id,
                stage=stage,
                on_date=on_date,
                deciding_body=deciding_body,
                notes=notes,
                cipher=cipher,
            ),
        )
        return _entry(view, errors)

    @strawberry.mutation(description="Extend probation once, by 1 to 12 months.")
    async def extend_probation(
        self,
        info: Info[Context, None],
        member_id: int,
        months: int,
        on_date: dt.date,
        reason: str | None = None,
    ) -> MemberPayload:
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: cases.extend_probation(
                ua[0],
                ua[1],
                member_id=member_id,
                months=months,
                on_date=on_date,
                reason=reason,
                cipher=cipher,
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Convert a probationary member to full membership (转正).")
    async def convert_to_full(
        self,
        info: Info[Context, None],
        member_id: int,
        on_date: dt.date,
        deciding_body: str | None = None,
    ) -> MemberPayload:
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: cases.convert_to_full(
                ua[0],
                ua[1],
                member_id=member_id,
                on_date=on_date,
                deciding_body=deciding_body,
                cipher=cipher,
            ),
        )
        return _payload(view, errors)
