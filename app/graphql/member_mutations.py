"""Mutations of the member roster: typed payloads over the use cases."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.members import service as member_cases
from app.domain.members.model import Education, Gender, MemberStatus, MemberView
from app.domain.members.ports import NewMember
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.types.members import MemberType


@strawberry.type
class MemberPayload:
    member: MemberType | None
    errors: list[UserError]


@strawberry.input
class CreateMemberInput:
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str = strawberry.field(description="18-character resident id number.")
    join_date: dt.date
    status: MemberStatus
    org_id: int = strawberry.field(description="A branch or general branch in your subtree.")
    full_member_date: dt.date | None = None
    ethnicity: str | None = None
    education: Education | None = None
    specialty: str | None = None
    employer_enterprise_id: int | None = None
    phone: str | None = None


@strawberry.input
class UpdateMemberInput:
    name: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    ethnicity: str | None = strawberry.UNSET
    education: Education | None = strawberry.UNSET
    specialty: str | None = strawberry.UNSET
    employer_enterprise_id: int | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET


def _payload(view: MemberView | None, errors: list[UserError]) -> MemberPayload:
    return MemberPayload(member=MemberType.of(view) if view else None, errors=errors)


@strawberry.type
class MemberMutations:
    @strawberry.mutation(description="Register a member at a branch in your subtree.")
    async def create_member(
        self, info: Info[Context, None], input: CreateMemberInput
    ) -> MemberPayload:
        new = NewMember(**vars(input))
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info, lambda ua: member_cases.create_member(ua[0], ua[1], new=new, cipher=cipher)
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Change a member's descriptive fields; expectedVersion.")
    async def update_member(
        self,
        info: Info[Context, None],
        id: int,
        expected_version: int,
        input: UpdateMemberInput,
    ) -> MemberPayload:
        changes = {k: v for k, v in vars(input).items() if v is not strawberry.UNSET}
        cipher = info.context.container.cipher
        view, errors = await attempt(
            info,
            lambda ua: member_cases.update_member(
                ua[0],
                ua[1],
                member_id=id,
                expected_version=expected_version,
                changes=changes,
                cipher=cipher,
            ),
        )
        return _payload(view, errors)
