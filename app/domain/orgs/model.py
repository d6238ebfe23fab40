"""The organisation tree: kinds, what may sit under what, paths and terms. Pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class OrgKind(StrEnum):
    DISTRICT = "district"  # 区委
    TWO_NEW_COMMITTEE = "two_new_committee"  # 两新工委
    STREET = "street"  # 街道党工委 / 镇党委
    COMMUNITY = "community"  # 社区党委
    PARK = "park"  # 园区党委 / 区域党委
    GENERAL_BRANCH = "general_branch"  # 党总支
    BRANCH = "branch"  # 党支部


class Formation(StrEnum):
    STANDALONE = "standalone"  # 单独组建
    JOINT = "joint"  # 联合组建
    ATTACHED = "attached"  # 挂靠组建
    FLOATING = "floating"  # 流动党员党支部
    INDUSTRY = "industry"  # 行业协会党组织


@dataclass(frozen=True)
class MemberTotals:
    """Members on the roll in a subtree, summed from the maintained per-org counts."""

    org_id: int
    total: int  # anywhere in the subtree
    direct: int  # affiliated to the org itself
    holding_orgs: int  # active branches and general branches in the subtree
    empty_holding_orgs: int  # of which with no member


class OrgStatus(StrEnum):
    ACTIVE = "active"
    DISSOLVED = "dissolved"


class LeaderRole(StrEnum):
    SECRETARY = "secretary"  # 书记
    DEPUTY = "deputy"  # 副书记
    COMMITTEE_MEMBER = "committee_member"  # 委员


K = OrgKind
_COMMITTEES = {K.DISTRICT, K.TWO_NEW_COMMITTEE, K.STREET, K.COMMUNITY, K.PARK}

# Which kinds a parent of each kind may hold. A district is always a root.
ALLOWED_CHILDREN: dict[OrgKind, frozenset[OrgKind]] = {
    K.DISTRICT: frozenset({K.TWO_NEW_COMMITTEE, K.STREET, K.PARK, K.GENERAL_BRANCH, K.BRANCH}),
    K.TWO_NEW_COMMITTEE: frozenset({K.PARK, K.GENERAL_BRANCH, K.BRANCH}),
    K.STREET: frozenset({K.COMMUNITY, K.PARK, K.GENERAL_BRANCH, K.BRANCH}),
    K.COMMUNITY: frozenset({K.PARK, K.GENERAL_BRANCH, K.BRANCH}),
    K.PARK: frozenset({K.GENERAL_BRANCH, K.BRANCH}),
    K.GENERAL_BRANCH: frozenset({K.BRANCH}),
    K.BRANCH: frozenset(),
}

# Kinds that carry a formation (组建方式); a branch must state one.
FORMATION_KINDS = frozenset({K.BRANCH, K.GENERAL_BRANCH})

# Organisations that can give an enterprise organisation coverage.
COVERING_KINDS = frozenset({K.BRANCH, K.GENERAL_BRANCH})


def may_hold(parent: OrgKind, child: OrgKind) -> bool:
    return child in ALLOWED_CHILDREN[parent]


def term_years(kind: OrgKind, *, branch: int, general_branch: int, committee: int) -> int:
    """Term of a leadership body: branch and general branch 3 years, committees 5 (settable)."""
    if kind is K.BRANCH:
        return branch
    if kind is K.GENERAL_BRANCH:
        return general_branch
    return committee


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def child_path(parent_path: str | None, org_id: int) -> str:
    return f"{parent_path or '/'}{org_id}/"


def subtree_bounds(path: str) -> tuple[str, str]:
    """Half-open range [lo, hi) holding ``path`` and every descendant under byte ordering.

    '/' is 0x2F and '0' is 0x30, so every string that starts with "/1/5/" sorts at or after
    it and before "/1/50", and nothing else does: one indexed range scan on both databases.
    """
    return path, path[:-1] + "0"


def root_of(path: str) -> int:
    """Id of the root of the tree holding ``path`` ("/1/5/23/" → 1)."""
    return int(path.split("/")[1])


def is_descendant_or_self(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


@dataclass
class Org:
    id: int
    parent_id: int | None
    path: str
    depth: int
    kind: OrgKind
    formation: Formation | None
    name: str
    short_name: str | None
    code: str | None
    address: str | None
    established_on: dt.date | None
    status: OrgStatus
    dissolved_on: dt.date | None
    contact_leader: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    child_count: int = 0
    member_count: int = 0  # members whose current affiliation is this org


@dataclass
class Leader:
    id: int
    org_id: int
    name: str
    role: LeaderRole
    term_start: dt.date
    term_end: dt.date
    ended_on: dt.date | None
    member_id: int | None
    created_at: dt.datetime
