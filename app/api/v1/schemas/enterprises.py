"""Request and response shapes of enterprises, instructors, assignments and coverage."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.domain.enterprises.model import (
    Assignment,
    CoverageMode,
    CoverageStatus,
    Enterprise,
    EnterpriseKind,
    Instructor,
    InstructorLevel,
)
from app.domain.enterprises.report import CoverageReport, Tally

CREDIT_CODE_DOC = (
    "Unified social credit code (统一社会信用代码): 18 characters with a check character "
    "(GB 32100-2015); lower case is accepted and stored upper case."
)


class EnterpriseOut(BaseModel):
    id: int
    name: str
    credit_code: str
    kind: EnterpriseKind
    industry: str
    above_scale: bool = Field(description="规模以上: an above-scale enterprise.")
    employee_count: int
    address: str | None
    owner_name: str | None
    org_id: int = Field(description="The territorial organisation it sits under.")
    org_path: str = Field(description="Path of that organisation, e.g. `/1/5/23/`.")
    coverage_status: CoverageStatus = Field(
        description="organisation (a branch covers it), work (an instructor only) or none."
    )
    covering_org_id: int | None = Field(description="The branch or general branch covering it.")
    coverage_mode: CoverageMode | None = Field(
        description="standalone, joint or attached: from the covering branch's formation."
    )
    covered_since: dt.date | None = Field(
        description="When the current kind of coverage began (null when uncovered)."
    )
    status: str
    version: int = Field(description="Also sent as the ETag; send it back in If-Match.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, e: Enterprise) -> EnterpriseOut:
        return cls(
            id=e.id,
            name=e.name,
            credit_code=e.credit_code,
            kind=e.kind,
            industry=e.industry,
            above_scale=e.above_scale,
            employee_count=e.employee_count,
            address=e.address,
            owner_name=e.owner_name,
            org_id=e.org_id,
            org_path=e.org_path,
            coverage_status=e.coverage_status,
            covering_org_id=e.covering_org_id,
            coverage_mode=e.coverage_mode,
            covered_since=e.covered_since,
            status=e.status,
            version=e.version,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class EnterpriseCreate(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["同鑫陶瓷有限公司"])
    credit_code: str = Field(
        min_length=1, max_length=64, description=CREDIT_CODE_DOC, examples=["91350526MA2Y0TX83T"]
    )
    kind: EnterpriseKind = Field(default=EnterpriseKind.ENTERPRISE, examples=["enterprise"])
    industry: str = Field(min_length=1, max_length=64, examples=["陶瓷"])
    above_scale: bool = False
    employee_count: int = Field(default=0, ge=0, examples=[120])
    address: str | None = Field(default=None, max_length=300)
    owner_name: str | None = Field(default=None, max_length=100)
    org_id: Id = Field(
        description="The street, community, park, two-new committee or district it sits under.",
        examples=[5],
    )


class EnterpriseUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    credit_code: str | None = Field(
        default=None, min_length=1, max_length=64, description=CREDIT_CODE_DOC
    )
    kind: EnterpriseKind | None = None
    industry: str | None = Field(default=None, min_length=1, max_length=64)
    above_scale: bool | None = None
    employee_count: int | None = Field(default=None, ge=0)
    address: str | None = Field(default=None, max_length=300)
    owner_name: str | None = Field(default=None, max_length=100)


class EnterpriseRelocate(Strict):
    org_id: Id = Field(description="The territorial organisation to move it under.")


class CoverageSet(Strict):
    covering_org_id: Id = Field(description="A branch or general branch in your subtree.")


class InstructorOut(BaseModel):
    id: int
    name: str
    level: InstructorLevel
    full_time: bool
    org_id: int = Field(description="The organisation that appointed the instructor.")
    active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, i: Instructor) -> InstructorOut:
        return cls(
            id=i.id,
            name=i.name,
            level=i.level,
            full_time=i.full_time,
            org_id=i.org_id,
            active=i.active,
            version=i.version,
            created_at=i.created_at,
            updated_at=i.updated_at,
        )


class InstructorCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["陈指导员"])
    level: InstructorLevel = Field(examples=["park"])
    full_time: bool = Field(default=False, description="A full-time Party-building worker.")
    org_id: Id = Field(description="The appointing organisation, in your subtree.")


class AssignmentOut(BaseModel):
    id: int
    instructor_id: int
    enterprise_id: int
    start_on: dt.date
    end_on: dt.date | None
    active: bool = Field(description="True until the assignment is ended.")

    @classmethod
    def of(cls, a: Assignment) -> AssignmentOut:
        return cls(
            id=a.id,
            instructor_id=a.instructor_id,
            enterprise_id=a.enterprise_id,
            start_on=a.start_on,
            end_on=a.end_on,
            active=a.end_on is None,
        )


class EnterpriseAssignmentOut(AssignmentOut):
    instructor_name: str
    instructor_level: InstructorLevel
    instructor_full_time: bool

    @classmethod
    def of_pair(cls, a: Assignment, i: Instructor) -> EnterpriseAssignmentOut:
        return cls(
            **AssignmentOut.of(a).model_dump(),
            instructor_name=i.name,
            instructor_level=i.level,
            instructor_full_time=i.full_time,
        )


class AssignmentCreate(Strict):
    enterprise_id: Id
    start_on: dt.date = Field(description="Not in the future.", examples=["2024-03-01"])


class AssignmentEnd(Strict):
    end_on: dt.date | None = Field(
        default=None, description="Defaults to today; not before the start, not in the future."
    )


class TallyOut(BaseModel):
    total: int
    organisation: int = Field(description="Covered by a branch (组织覆盖).")
    work_only: int = Field(description="Only an instructor assigned (工作覆盖).")
    uncovered: int
    organisation_rate: str | None = Field(
        description='Percent with one decimal, half up, e.g. "84.5"; null when total is 0.'
    )
    work_rate: str | None
    coverage_rate: str | None = Field(description="Organisation plus work coverage, percent.")

    @classmethod
    def fields_of(cls, t: Tally) -> dict[str, int | str | None]:
        return {
            "total": t.total,
            "organisation": t.organisation,
            "work_only": t.work_only,
            "uncovered": t.uncovered,
            "organisation_rate": t.organisation_rate,
            "work_rate": t.work_rate,
            "coverage_rate": t.coverage_rate,
        }

    @classmethod
    def of(cls, t: Tally) -> TallyOut:
        return cls.model_validate(cls.fields_of(t))


class IndustryTallyOut(TallyOut):
    industry: str


class CoverageReportOut(TallyOut):
    org_id: int
    above_scale: TallyOut = Field(description="Above-scale enterprises only (规模以上).")
    by_industry: list[IndustryTallyOut] = Field(description="One entry per industry, sorted.")

    @classmethod
    def of_report(cls, r: CoverageReport) -> CoverageReportOut:
        return cls.model_validate(
            {
                "org_id": r.org_id,
                **TallyOut.fields_of(r.overall),
                "above_scale": TallyOut.of(r.above_scale),
                "by_industry": [
                    IndustryTallyOut.model_validate({"industry": name, **TallyOut.fields_of(t)})
                    for name, t in r.by_industry
                ],
            }
        )
