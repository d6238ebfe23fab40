"""Two-new organisations (非公企业, 社会组织), instructors and coverage. Pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


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
