"""Two-new organisations (非公企业, 社会组织), instructors and coverage. Pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import Conflict, FieldError
from app.domain.orgs.model import Formation, OrgKind


class EnterpriseKind(StrEnum):
    ENTERPRISE = "enterprise"  # 非公企业
    SOCIAL_ORG = "social_org"  # 社会组织


class CoverageStatus(StrEnum):
    ORGANISATION = "organisation"  # 组织覆盖: has, shares or is attached to a branch
    WORK = "work"  # 工作覆盖: no branch, but an instructor is assigned
    NONE = "none"


class CoverageMode(StrEnum):
    STANDALONE = "standalone"
    JOINT = "joint"
    ATTACHED = "attached"


class InstructorLevel(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    PARK = "park"


# GB 32100-2015: 18 characters from this alphabet; the last is a check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """Unified social credit code (统一社会信用代码): charset and check character."""
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def coverage_status(*, covered_by_org: bool, active_assignments: int) -> CoverageStatus:
    if covered_by_org:
        return CoverageStatus.ORGANISATION
    if active_assignments > 0:
        return CoverageStatus.WORK
    return CoverageStatus.NONE


# Territorial organisations an enterprise may sit under (属地为主); never a branch.
HOST_KINDS = frozenset(
    {OrgKind.DISTRICT, OrgKind.TWO_NEW_COMMITTEE, OrgKind.STREET, OrgKind.COMMUNITY, OrgKind.PARK}
)


def coverage_mode_for(formation: Formation | None) -> CoverageMode:
    """How a branch covers an enterprise follows from how the branch was formed."""
    if formation is Formation.STANDALONE:
        return CoverageMode.STANDALONE
    if formation is Formation.JOINT:
        return CoverageMode.JOINT
    return CoverageMode.ATTACHED


@dataclass(frozen=True)
class CoverageState:
    """The denormalised coverage columns of an enterprise."""

    status: CoverageStatus
    covering_org_id: int | None
    mode: CoverageMode | None
    since: dt.date | None

    def columns(self) -> dict[str, object]:
        return {
            "coverage_status": self.status,
            "covering_org_id": self.covering_org_id,
            "coverage_mode": self.mode,
            "covered_since": self.since,
        }


def current_coverage(ent: Enterprise) -> CoverageState:
    return CoverageState(
        ent.coverage_status, ent.covering_org_id, ent.coverage_mode, ent.covered_since
    )


def next_coverage(
    current: CoverageState,
    *,
    covering_org_id: int | None,
    mode: CoverageMode | None,
    active_starts: list[dt.date],
    today: dt.date,
) -> CoverageState:
    """Coverage after a change: organisation if a branch covers it, else work if an instructor
    is assigned, else none. ``since`` is when the current kind of coverage began: kept while an
    enterprise stays under organisation coverage (even when it changes branch), the earliest
    active assignment's start under work coverage."""
    status = coverage_status(
        covered_by_org=covering_org_id is not None, active_assignments=len(active_starts)
    )
    if status is CoverageStatus.ORGANISATION:
        kept = current.status is CoverageStatus.ORGANISATION and current.since is not None
        return CoverageState(status, covering_org_id, mode, current.since if kept else today)
    if status is CoverageStatus.WORK:
        return CoverageState(status, None, None, min(active_starts))
    return CoverageState(status, None, None, None)


class CreditCodeTaken(Conflict):
    """The unified social credit code already belongs to another enterprise."""

    def __init__(self, code: str, existing_id: int) -> None:
        super().__init__(
            "enterprise.credit_code_taken",
            params={"code": code},
            fields=[FieldError("enterprise.credit_code_taken", pointer="/credit_code")],
            extra={"existing_id": existing_id},
        )


@dataclass
class Enterprise:
    id: int
    name: str
    credit_code: str
    kind: EnterpriseKind
    industry: str
    above_scale: bool
    employee_count: int
    address: str | None
    owner_name: str | None
    org_id: int
    org_path: str
    coverage_status: CoverageStatus
    covering_org_id: int | None
    coverage_mode: CoverageMode | None
    covered_since: dt.date | None
    status: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class Instructor:
    id: int
    name: str
    level: InstructorLevel
    full_time: bool
    org_id: int
    active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class Assignment:
    id: int
    instructor_id: int
    enterprise_id: int
    start_on: dt.date
    end_on: dt.date | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CoverageCount:
    """One group of the coverage report: how many enterprises of an industry and size class
    have each coverage status."""

    industry: str
    above_scale: bool
    status: CoverageStatus
    count: int
