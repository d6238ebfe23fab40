"""Mutations: typed payloads carrying the result or the domain errors, never a raw exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from app.domain.errors import DomainError, ErrorKind
from app.domain.orgs import leaders as leader_cases
from app.domain.orgs import service as org_cases
from app.domain.orgs.model import Formation, LeaderRole, OrgKind
from app.domain.orgs.ports import NewOrg
from app.graphql.context import Context
from app.graphql.errors import UserError, user_errors
from app.graphql.types.orgs import LeaderType, OrgType

R = TypeVar("R")


async def attempt(
    info: Info[Context, None], run: Callable[[Any], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run one use case in a write unit of work; domain errors become payload errors.
    An unauthenticated caller is a top-level error, not a payload error."""
    actor = info.context.actor
    try:
        async with info.context.uow(readonly=False) as uow:
            return await run((uow, actor)), []
    except DomainError as exc:
        if exc.kind is ErrorKind.UNAUTHENTICATED:
            raise
        return None, user_errors(exc, info.context.language)


@strawberry.type
class OrgPayload:
    org: OrgType | None
    errors: list[UserError]


@strawberry.type
class LeaderPayload:
    leader: LeaderType | None
    errors: list[UserError]


@strawberry.input
class CreateOrgInput:
    parent_id: int
    kind: OrgKind
    formation: Formation | None = None
    name: str
    short_name: str | None = None
    code: str | None = None
    address: str | None = None
    established_on: dt.date | None = None
    contact_leader: str | None = None


@strawberry.input
class UpdateOrgInput:
    name: str | None = strawberry.UNSET
    short_name: str | None = strawberry.UNSET
    code: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    established_on: dt.date | None = strawberry.UNSET
    contact_leader: str | None = strawberry.UNSET
    formation: Formation | None = strawberry.UNSET


@strawberry.type
class OrgMutations:
    @strawberry.mutation(description="Create an organisation under a parent in your subtree.")
    async def create_org(self, info: Info[Context, None], input: CreateOrgInput) -> OrgPayload:
        new = NewOrg(
            parent_id=input.parent_id,
            kind=input.kind,
            formation=input.formation,
            name=input.name.strip(),
            short_name=input.short_name,
            code=input.code,
            address=input.address,
            established_on=input.established_on,
            contact_leader=input.contact_leader,
        )
        org, errors = await attempt(info, lambda ua: org_cases.create_org(ua[0], ua[1], new=new))
        return OrgPayload(org=OrgType.of(org) if org else None, errors=errors)

    @strawberry.mutation(description="Change descriptive fields; expectedVersion is required.")
    async def update_org(
        self, info: Info[Context, None], id: int, expected_version: int, input: UpdateOrgInput
    ) -> OrgPayload:
        changes = {k: v for k, v in vars(input).items() if v is not strawberry.UNSET}
        org, errors = await attempt(
            info,
            lambda ua: org_cases.update_org(
                ua[0], ua[1], org_id=id, expected_version=expected_version, changes=changes
            ),
        )
        return OrgPayload(org=OrgType.of(org) if org else None, errors=errors)

    @strawberry.mutation(description="Move an organisation with its whole subtree.")
    async def move_org(
        self,
        info: Info[Context, None],
        id: int,
        parent_id: int,
        expected_version: int | None = None,
    ) -> OrgPayload:
        org, errors = await attempt(
            info,
            lambda ua: org_cases.move_org(
                ua[0],
                ua[1],
                org_id=id,
                new_parent_id=parent_id,
                expected_version=expected_version,
            ),
        )
        return OrgPayload(org=OrgType.of(org) if org else None, errors=errors)

    @strawberry.mutation(description="Dissolve an empty organisation.")
    async def dissolve_org(
        self,
        info: Info[Context, None],
        id: int,
        expected_version: int | None = None,
        dissolved_on: dt.date | None = None,
    ) -> OrgPayload:
        org, errors = await attempt(
            info,
            lambda ua: org_cases.dissolve_org(
                ua[0],
                ua[1],
                org_id=id,
                expected_version=expected_version,
                dissolved_on=dissolved_on,
            ),
        )
        return OrgPayload(org=OrgType.of(org) if org else None, errors=errors)

    @strawberry.mutation(description="Record an elected leader.")
    async def add_leader(
        self,
        info: Info[Context, None],
        org_id: int,
        name: str,
        role: LeaderRole,
        term_start: dt.date,
        member_id: int | None = None,
    ) -> LeaderPayload:
        leader, errors = await attempt(
            info,
            lambda ua: leader_cases.add_leader(
                ua[0],
                ua[1],
                org_id=org_id,
                name=name,
                role=role,
                term_start=term_start,
                member_id=member_id,
            ),
        )
        return LeaderPayload(leader=LeaderType.of(leader) if leader else None, errors=errors)

    @strawberry.mutation(description="End a leader's service.")
    async def end_leader(
        self, info: Info[Context, None], id: int, ended_on: dt.date | None = None
    ) -> LeaderPayload:
        leader, errors = await attempt(
            info,
            lambda ua: leader_cases.end_leader(ua[0], ua[1], leader_id=id, ended_on=ended_on),
        )
        return LeaderPayload(leader=LeaderType.of(leader) if leader else None, errors=errors)
