"""The coverage report (覆盖率) over a subtree: a thin handler over
app.domain.enterprises.coverage."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CurrentPrincipal, ReadUow
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id
from app.api.v1.schemas.enterprises import CoverageReportOut
from app.domain.enterprises import coverage as coverage_cases

router = APIRouter(prefix="/api/v1", tags=["coverage"], route_class=StrictQueryRoute)


@router.get(
    "/orgs/{org_id}/coverage",
    response_model=CoverageReportOut,
    responses=problems(),
    summary="Coverage of the enterprises in a subtree",
)
async def coverage_report(org_id: Id, who: CurrentPrincipal, uow: ReadUow) -> CoverageReportOut:
    """How many enterprises under the organisation's subtree have organisation coverage (a
    branch), work coverage only (an instructor) or none, with rates: overall, above-scale only
    and per industry. Rates are percent strings with one decimal rounded half up (251 of 297 is
    `"84.5"`), null when there are no enterprises. Needs the `coverage:read` scope."""
    report = await coverage_cases.coverage_report(uow, who, org_id=org_id)
    return CoverageReportOut.of_report(report)
