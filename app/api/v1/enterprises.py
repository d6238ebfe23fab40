"""Two-new organisation endpoints (enterprises, social organisations) and their organisation
coverage: thin handlers over app.domain.enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import (
    CurrentPrincipal,
    IfMatch,
    IfMatchOptional,
    Paging,
    ReadUow,
    WriteUow,
    etag,
    make_page,
)
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.enterprises import (
    CoverageSet,
    EnterpriseAssignmentOut,
    EnterpriseCreate,
    EnterpriseOut,
    EnterpriseRelocate,
    EnterpriseUpdate,
)
from app.domain.enterprises import coverage as coverage_cases
from app.domain.enterprises import instructors as instructor_cases
from app.domain.enterprises import service as enterprise_cases
from app.domain.enterprises.model import CoverageStatus, Enterprise, EnterpriseKind
from app.domain.enterprises.ports import EnterpriseFilter, NewEnterprise
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["enterprises"], route_class=StrictQueryRoute)


def _response(ent: Enterprise, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = EnterpriseOut.of(ent)
    headers = {"ETag": etag(out.version)}
    if location:
        headers["Location"] = f"/api/v1/enterprises/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/enterprises",
    status_code=201,
    response_model=EnterpriseOut,
    responses=problems(409),
    summary="Register an enterprise or social organisation",
)
async def create_enterprise(
    body: EnterpriseCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Register a two-new organisation under a territorial organisation in your subtree (a
    district, two-new committee, street, community or park; never a branch). The credit code is
    checked (422) and unique (409 `enterprise.credit_code_taken` with `existing_id`). It starts
    uncovered. Honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        ent = await enterprise_cases.create_enterprise(
            uow, who, new=NewEnterprise(**body.model_dump())
        )
        return _response(ent, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/enterprises",
    response_model=PageOut[EnterpriseOut],
    responses=problems(),
    summary="List enterprises in a subtree",
)
async def list_enterprises(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    industry: Annotated[str | None, Query(max_length=64, description="Exact industry.")] = None,
    kind: Annotated[EnterpriseKind | None, Query(description="enterprise or social_org.")] = None,
    above_scale: Annotated[bool | None, Query(description="Above-scale (规模以上) or not.")] = None,
    coverage_status: Annotated[
        CoverageStatus | None, Query(description="organisation, work or none.")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="Name contains this text.")] = None,
) -> PageOut[EnterpriseOut]:
    """Enterprises sitting under the subtree of `org_id`, oldest first. An enterprise contact
    sees only their own enterprise."""
    after = decode_cursor(paging[1], kind="enterprises", sort="id", arity=2)
    page = await enterprise_cases.list_enterprises(
        uow,
        who,
        org_id=org_id,
        page=make_page(paging, after),
        filters=EnterpriseFilter(
            industry=industry,
            kind=kind,
            above_scale=above_scale,
            coverage_status=coverage_status,
            name_contains=q,
        ),
    )
    return PageOut[EnterpriseOut](
        items=[EnterpriseOut.of(e) for e in page.items],
        next_cursor=encode_cursor("enterprises", "id", page.next_after),
    )


@router.get(
    "/enterprises/{enterprise_id}",
    response_model=EnterpriseOut,
    responses=problems(),
    summary="Get an enterprise",
)
async def get_enterprise(enterprise_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """One enterprise. The `ETag` header carries its version for `If-Match`."""
    ent = await enterprise_cases.get_enterprise(uow, who, enterprise_id=enterprise_id)
    return _response(ent)


@router.patch(
    "/enterprises/{enterprise_id}",
    response_model=EnterpriseOut,
    responses=problems(409, 412, 428),
    summary="Update an enterprise",
)
async def update_enterprise(
    enterprise_id: Id,
    body: EnterpriseUpdate,
    who: CurrentPrincipal,
    uow: WriteUow,
    version: IfMatch,
) -> Response:
    """Change descriptive fields. Requires `If-Match` with the current ETag (412 when stale,
    428 when missing). The organisation changes by relocation, coverage by its own endpoints."""
    ent = await enterprise_cases.update_enterprise(
        uow,
        who,
        enterprise_id=enterprise_id,
        expected_version=version,
        changes=body.model_dump(exclude_unset=True),
    )
    return _response(ent)


@router.post(
    "/enterprises/{enterprise_id}/relocate",
    response_model=EnterpriseOut,
    responses=problems(412),
    summary="Move an enterprise under another organisation",
)
async def relocate_enterprise(
    enterprise_id: Id,
    body: EnterpriseRelocate,
    who: CurrentPrincipal,
    uow: WriteUow,
    version: IfMatchOptional,
) -> Response:
    """Move an enterprise under another territorial organisation in your subtree (it moved to
    another park, or the street took it over). Its coverage is kept. `If-Match` is optional."""
    ent = await enterprise_cases.relocate_enterprise(
        uow, who, enterprise_id=enterprise_id, org_id=body.org_id, expected_version=version
    )
    return _response(ent)


@router.put(
    "/enterprises/{enterprise_id}/coverage",
    response_model=EnterpriseOut,
    responses=problems(409, 412),
    summary="Set the branch that covers an enterprise",
)
async def set_coverage(
    enterprise_id: Id,
    body: CoverageSet,
    who: CurrentPrincipal,
    uow: WriteUow,
    version: IfMatchOptional,
) -> Response:
    """Organisation coverage (组织覆盖): link the enterprise to a branch or general branch in
    your subtree. The mode follows the branch's formation: standalone (one enterprise only; a
    second is 409 `coverage.standalone_taken`), joint (several neighbouring enterprises), or
    attached. Setting the same branch again changes nothing. `If-Match` is optional."""
    ent = await coverage_cases.set_coverage(
        uow,
        who,
        enterprise_id=enterprise_id,
        covering_org_id=body.covering_org_id,
        expected_version=version,
    )
    return _response(ent)


@router.delete(
    "/enterprises/{enterprise_id}/coverage",
    response_model=EnterpriseOut,
    responses=problems(412),
    summary="Remove an enterprise's organisation coverage",
)
async def remove_coverage(
    enterprise_id: Id, who: CurrentPrincipal, uow: WriteUow, version: IfMatchOptional
) -> Response:
    """Unlink the covering branch. The enterprise falls back to work coverage when an instructor
    is assigned, else to none. Answers with the enterprise; deleting again changes nothing."""
    ent = await coverage_cases.remove_coverage(
        uow, who, enterprise_id=enterprise_id, expected_version=version
    )
    return _response(ent)


@router.get(
    "/enterprises/{enterprise_id}/assignments",
    response_model=list[EnterpriseAssignmentOut],
    responses=problems(),
    summary="Instructors assigned to an enterprise",
)
async def list_enterprise_assignments(
    enterprise_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    active_only: Annotated[bool, Query(description="Only assignments not yet ended.")] = False,
) -> list[EnterpriseAssignmentOut]:
    """Work coverage of one enterprise: every instructor assignment, earliest first, with the
    instructor's name and level. An enterprise contact may read their own."""
    pairs = await instructor_cases.list_assignments(
        uow, who, enterprise_id=enterprise_id, active_only=active_only
    )
    return [EnterpriseAssignmentOut.of_pair(a, i) for a, i in pairs]
