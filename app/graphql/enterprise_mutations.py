"""Mutations for enterprises, coverage and instructors: typed payloads over the use cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from app.domain.enterprises import coverage as coverage_cases
from app.domain.enterprises import instructors as instructor_cases
from app.domain.enterprises import service as enterprise_cases
from app.domain.enterprises.model import Enterprise, EnterpriseKind, InstructorLevel
from app.domain.enterprises.ports import NewEnterprise, NewInstructor
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.types.enterprises import AssignmentType, EnterpriseType, InstructorType


@strawberry.type
class EnterprisePayload:
    enterprise: EnterpriseType | None
    errors: list[UserError]


@strawberry.type
class InstructorPayload:
    instructor: InstructorType | None
    errors: list[UserError]


@strawberry.type
class AssignmentPayload:
    assignment: AssignmentType | None
    errors: list[UserError]


@strawberry.input
class CreateEnterpriseInput:
    name: str
    credit_code: str = strawberry.field(description="Unified social credit code (18 chars).")
    kind: EnterpriseKind
    industry: str
    above_scale: bool = False
    employee_count: int = 0
    address: str | None = None
    owner_name: str | None = None
    org_id: int = strawberry.field(description="The territorial organisation it sits under.")


@strawberry.input
class UpdateEnterpriseInput:
    name: str | None = strawberry.UNSET
    credit_code: str | None = strawberry.UNSET
    kind: EnterpriseKind | None = strawberry.UNSET
    industry: str | None = strawberry.UNSET
    above_scale: bool | None = strawberry.UNSET
    employee_count: int | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    owner_name: str | None = strawberry.UNSET


def _ent(payload: Enterprise | None, errors: list[UserError]) -> EnterprisePayload:
    return EnterprisePayload(
        enterprise=EnterpriseType.of(payload) if payload else None, errors=errors
    )


@strawberry.type
class EnterpriseMutations:
    @strawberry.mutation(description="Register an enterprise or social organisation.")
    async def create_enterprise(
        self, info: Info[Context, None], input: CreateEnterpriseInput
    ) -> EnterprisePayload:
        new = NewEnterprise(
            name=input.name,
            credit_code=input.credit_code,
            kind=input.kind,
            industry=input.industry,
            above_scale=input.above_scale,
            employee_count=input.employee_count,
            address=input.address,
            owner_name=input.owner_name,
            org_id=input.org_id,
        )
        ent, errors = await attempt(
            info, lambda ua: enterprise_cases.create_enterprise(ua[0], ua[1], new=new)
        )
        return _ent(ent, errors)

    @strawberry.mutation(description="Change an enterprise's fields; expectedVersion required.")
    async def update_enterprise(
        self,
        info: Info[Context, None],
        id: int,
        expected_version: int,
        input: UpdateEnterpriseInput,
    ) -> EnterprisePayload:
        changes = {k: v for k, v in vars(input).items() if v is not strawberry.UNSET}
        ent, errors = await attempt(
            info,
            lambda ua: enterprise_cases.update_enterprise(
                ua[0],
                ua[1],
                enterprise_id=id,
                expected_version=expected_version,
                changes=changes,
            ),
        )
        return _ent(ent, errors)

    @strawberry.mutation(description="Move an enterprise under another territorial org.")
    async def relocate_enterprise(
        self,
        info: Info[Context, None],
        id: int,
        org_id: int,
        expected_version: int | None = None,
    ) -> EnterprisePayload:
        ent, errors = await attempt(
            info,
            lambda ua: enterprise_cases.relocate_enterprise(
                ua[0],
                ua[1],
                enterprise_id=id,
                org_id=org_id,
                expected_version=expected_version,
            ),
        )
        return _ent(ent, errors)

    @strawberry.mutation(description="Cover an enterprise by a branch (organisation coverage).")
    async def set_coverage(
        self,
        info: Info[Context, None],
        enterprise_id: int,
        covering_org_id: int,
        expected_version: int | None = None,
    ) -> EnterprisePayload:
        ent, errors = await attempt(
            info,
            lambda ua: coverage_cases.set_coverage(
                ua[0],
                ua[1],
                enterprise_id=enterprise_id,
                covering_org_id=covering_org_id,
                expected_version=expected_version,
            ),
        )
        return _ent(ent, errors)

    @strawberry.mutation(description="Remove an enterprise's organisation coverage.")
    async def remove_coverage(
        self,
        info: Info[Context, None],
        enterprise_id: int,
        expected_version: int | None = None,
    ) -> EnterprisePayload:
        ent, errors = await attempt(
            info,
            lambda ua: coverage_cases.remove_coverage(
                ua[0], ua[1], enterprise_id=enterprise_id, expected_version=expected_version
            ),
        )
        return _ent(ent, errors)

    @strawberry.mutation(description="Appoint a Party-building instructor.")
    async def create_instructor(
        self,
        info: Info[Context, None],
        name: str,
        level: InstructorLevel,
        org_id: int,
        full_time: bool = False,
    ) -> InstructorPayload:
        new = NewInstructor(name=name, level=level, full_time=full_time, org_id=org_id)
        ins, errors = await attempt(
            info, lambda ua: instructor_cases.create_instructor(ua[0], ua[1], new=new)
        )
        return InstructorPayload(instructor=InstructorType.of(ins) if ins else None, errors=errors)

    @strawberry.mutation(description="Assign an instructor to an enterprise (work coverage).")
    async def assign_instructor(
        self,
        info: Info[Context, None],
        instructor_id: int,
        enterprise_id: int,
        start_on: dt.date,
    ) -> AssignmentPayload:
        async def run(ua: Any) -> AssignmentType:
            uow, actor = ua
            a = await instructor_cases.assign_instructor(
                uow,
                actor,
                instructor_id=instructor_id,
                enterprise_id=enterprise_id,
                start_on=start_on,
            )
            ins = await uow.instructors.get(a.instructor_id)
            return AssignmentType.of(a, ins)

        result, errors = await attempt(info, run)
        return AssignmentPayload(assignment=result, errors=errors)

    @strawberry.mutation(description="End an instructor assignment.")
    async def end_assignment(
        self, info: Info[Context, None], id: int, end_on: dt.date | None = None
    ) -> AssignmentPayload:
        async def run(ua: Any) -> AssignmentType:
            uow, actor = ua
            a = await instructor_cases.end_assignment(
                uow,
                actor,
                assignment_id=id,
                end_on=end_on,
            )
            ins = await uow.instructors.get(a.instructor_id)
            return AssignmentType.of(a, ins)

        result, errors = await attempt(info, run)
        return AssignmentPayload(assignment=result, errors=errors)
