"""Party-building instructors (党建指导员) and their assignments: thin handlers over
app.domain.enterprises.instructors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, etag, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.enterprises import (
    AssignmentCreate,
    AssignmentEnd,
    AssignmentOut,
    InstructorCreate,
    InstructorOut,
)
from app.domain.enterprises import instructors as instructor_cases
from app.domain.enterprises.ports import NewInstructor
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["instructors"], route_class=StrictQueryRoute)


@router.post(
    "/instructors",
    status_code=201,
    response_model=InstructorOut,
    responses=problems(),
    summary="Register an instructor",
)
async def create_instructor(
    body: InstructorCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Register a Party-building instructor appointed by an organisation in your subtree.
    Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        inst = await instructor_cases.create_instructor(
            uow, who, new=NewInstructor(**body.model_dump())
        )
        out = InstructorOut.of(inst)
        return JSONResponse(
            out.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/api/v1/instructors/{out.id}", "ETag": etag(out.version)},
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/instructors",
    response_model=PageOut[InstructorOut],
    responses=problems(),
    summary="List instructors in a subtree",
)
async def list_instructors(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
) -> PageOut[InstructorOut]:
    """Instructors appointed by organisations in the subtree of `org_id`, oldest first."""
    after = decode_cursor(paging[1], kind="instructors", sort="id", arity=2)
    page = await instructor_cases.list_instructors(
        uow, who, org_id=org_id, page=make_page(paging, after)
    )
    return PageOut[InstructorOut](
        items=[InstructorOut.of(i) for i in page.items],
        next_cursor=encode_cursor("instructors", "id", page.next_after),
    )


@router.get(
    "/instructors/{instructor_id}",
    response_model=InstructorOut,
    responses=problems(),
    summary="Get an instructor",
)
async def get_instructor(instructor_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One instructor appointed inside your subtree."""
    inst = await instructor_cases.get_instructor(uow, who, instructor_id=instructor_id)
    out = InstructorOut.of(inst)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.post(
    "/instructors/{instructor_id}/assignments",
    status_code=201,
    response_model=AssignmentOut,
    responses=problems(409),
    summary="Assign an instructor to an enterprise",
)
async def assign_instructor(
    instructor_id: Id,
    body: AssignmentCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Work coverage (工作覆盖): assign the instructor to an enterprise in your subtree. An
    enterprise without a covering branch then counts as work-covered. One active assignment per
    instructor and enterprise (409 `assignment.already_active` with `existing_id`); the start
    may not be in the future. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        assignment = await instructor_cases.assign_instructor(
            uow,
            who,
            instructor_id=instructor_id,
            enterprise_id=body.enterprise_id,
            start_on=body.start_on,
        )
        return JSONResponse(AssignmentOut.of(assignment).model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/assignments/{assignment_id}/end",
    response_model=AssignmentOut,
    responses=problems(409),
    summary="End an assignment",
)
async def end_assignment(
    assignment_id: Id, who: CurrentPrincipal, uow: WriteUow, body: AssignmentEnd | None = None
) -> AssignmentOut:
    """End an assignment on a date (default today; not before its start, not in the future).
    With its last active assignment gone, an enterprise without a branch becomes uncovered."""
    assignment = await instructor_cases.end_assignment(
        uow, who, assignment_id=assignment_id, end_on=body.end_on if body else None
    )
    return AssignmentOut.of(assignment)
