"""Findings and the thresholds of the rules. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Rule(StrEnum):
    BRANCH_TOO_FEW_FULL = "branch_too_few_full"  # fewer than 3 full members
    BRANCH_NEEDS_COMMITTEE = "branch_needs_committee"  # 7+ members without a committee
    GENERAL_BRANCH_TOO_SMALL = "general_branch_too_small"  # 50 or fewer members
    GENERAL_BRANCH_TOO_LARGE = "general_branch_too_large"  # more than 100 members
    JOINT_BRANCH_TOO_WIDE = "joint_branch_too_wide"  # covering more than 5 enterprises
    TERM_OVERDUE = "term_overdue"  # a current leader's term has ended
    TERM_EXPIRING = "term_expiring"  # a current leader's term ends within 3 months
    LOST_CONTACT_TOO_LONG = "lost_contact_too_long"  # out of contact 6+ months
    MANAGED_TOO_LONG = "managed_too_long"  # dual-managed 6+ months: should transfer
    TRANSFERS_OVERDUE = "transfers_overdue"  # letters issued here ran out without a report


@dataclass(frozen=True)
class Thresholds:
    """Numbers from the constitution and the branch work regulations."""

    branch_min_full: int = 3
    committee_from: int = 7
    general_branch_max_small: int = 50  # a general branch is set up where members exceed 50
    general_branch_max: int = 100  # above 100, a grassroots committee
    joint_max_enterprises: int = 5
    committee_min_size: int = 3  # secretary + at least one 委员, three people in all
    term_warning_months: int = 3
    lost_contact_months: int = 6
    managed_months: int = 6


@dataclass(frozen=True)
class OrgRef:
    id: int
    name: str
    kind: str
    path: str


@dataclass(frozen=True)
class Finding:
    rule: str
    org: OrgRef
    figures: dict[str, int | str]
    action_code: str  # a message code: the suggested action in zh and en


@dataclass(frozen=True)
class RuleResult:
    rule: str
    total: int  # orgs with this finding in the subtree
    findings: list[Finding]  # the first ``limit`` of them, by path


@dataclass(frozen=True)
class Report:
    org_id: int
    as_of: dt.date
    results: list[RuleResult] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return any(r.total > len(r.findings) for r in self.results)
