"""Status changes (standing) and dual management (一方隶属、双重管理): pure rules, the shapes
the use cases exchange and the repository protocols they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain.errors import FieldError, InvalidInput, RuleViolation
from app.domain.members.model import ON_ROLL, Affiliation, Standing
from app.domain.orgs.model import add_months
from app.domain.pagination import Page, PageRequest

# A member away this long at a fixed place should transfer their relationship (and a member
# out of contact this long is due for suspension).
AWAY_MONTHS = 6


class ChangeKind(StrEnum):
    BECAME_FULL = "became_full"  # 转正 (the pipeline's conversion rule)
    PROBATION_EXTENDED = "probation_extended"  # 延长预备期 (once, at most a year)
    LOST_CONTACT = "lost_contact"  # 失联
    CONTACT_RESTORED = "contact_restored"  # 恢复联系
    SUSPENDED = "suspended"  # 停止党籍
    STRUCK_OFF = "struck_off"  # 除名
    DIED = "died"  # 去世
    LEFT = "left"  # 退党


_A, _L, _S = Standing.ACTIVE, Standing.LOST_CONTACT, Standing.SUSPENDED
# From which standings each change may be made, and the standing it leads to (None: unchanged).
TRANSITIONS: dict[ChangeKind, tuple[frozenset[Standing], Standing | None]] = {
    ChangeKind.BECAME_FULL: (frozenset({_A}), None),
    ChangeKind.PROBATION_EXTENDED: (frozenset({_A}), None),
    ChangeKind.LOST_CONTACT: (frozenset({_A}), Standing.LOST_CONTACT),
    ChangeKind.CONTACT_RESTORED: (frozenset({_L}), Standing.ACTIVE),
    ChangeKind.SUSPENDED: (frozenset({_A, _L}), Standing.SUSPENDED),
    ChangeKind.STRUCK_OFF: (frozenset(ON_ROLL), Standing.STRUCK_OFF),
    ChangeKind.DIED: (frozenset(ON_ROLL), Standing.DIED),
    ChangeKind.LEFT: (frozenset(ON_ROLL), Standing.LEFT),
}


def check_transition(
    kind: ChangeKind, standing: Standing, *, pointer: str | None = "/kind"
) -> Standing | None:
    """The standing ``kind`` leads to, or a 422 naming the change and the current standing
    (pointing at the body's ``kind``, or at the path's member when ``pointer`` is None: the
    pipeline's own probation routes, which apply the same transitions)."""
    allowed, target = TRANSITIONS[kind]
    if standing not in allowed:
        code = "member.transition_not_allowed"
        where = (
            FieldError(code, pointer=pointer)
            if pointer
            else FieldError(code, parameter="member_id")
        )
        raise RuleViolation(
            code, params={"kind": kind.value, "standing": standing.value}, fields=[where]
        )
    return target


def leaves_roll(target: Standing | None) -> bool:
    return target is not None and target not in ON_ROLL


def check_change_date(on_date: dt.date, *, today: dt.date, earliest: dt.date) -> None:
    """Not in the future (Asia/Shanghai), not before the join date or the last change."""
    if on_date > today:
        raise InvalidInput(
            "member.status_date_in_future",
            fields=[FieldError("member.status_date_in_future", pointer="/on_date")],
        )
    if on_date < earliest:
        raise InvalidInput(
            "member.status_date_out_of_order",
            params={"earliest": earliest.isoformat()},
            fields=[FieldError("member.status_date_out_of_order", pointer="/on_date")],
        )


@dataclass(frozen=True)
class StatusChange:
    kind: ChangeKind
    on_date: dt.date
    reason: str | None = None
    months: int | None = None  # probation_extended only (1–12)
    deciding_body: str | None = None  # became_full: the branch meeting that decided


# ---------------------------------------------------------------- dual management


@dataclass(frozen=True)
class Management:
    id: int
    member_id: int
    org_id: int
    certificate_no: str | None
    from_date: dt.date
    to_date: dt.date | None
    ended_on: dt.date | None
    end_reason: str | None
    notes: str | None
    created_at: dt.datetime

    def current_on(self, day: dt.date) -> bool:
        return self.from_date <= day and (self.to_date is None or self.to_date >= day)


@dataclass(frozen=True)
class ManagementView:
    """A registration as listed: with the member's name, the managing org's name and path."""

    management: Management
    member_name: str
    org_name: str
    org_path: str
    months_away: int  # whole months since from_date (to the end, or today when current)
    current: bool


@dataclass(frozen=True)
class Participation:
    id: int
    management_id: int
    on_date: dt.date
    activity: str
    notes: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class NewManagement:
    org_id: int
    from_date: dt.date
    to_date: dt.date | None = None
    certificate_no: str | None = None
    notes: str | None = None


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def away_since(today: dt.date, months: int = AWAY_MONTHS) -> dt.date:
    """Registrations that began on or before this date have run ``months`` or more."""
    return add_months(today, -months)


def check_period(new: NewManagement, *, today: dt.date, joined: dt.date) -> None:
    if new.from_date > today:
        raise InvalidInput(
            "management.date_in_future",
            fields=[FieldError("management.date_in_future", pointer="/from_date")],
        )
    if new.from_date < joined:
        raise InvalidInput(
            "management.dates_out_of_order",
            fields=[FieldError("management.dates_out_of_order", pointer="/from_date")],
        )
    if new.to_date is not None and new.to_date < new.from_date:
        raise InvalidInput(
            "management.dates_out_of_order",
            fields=[FieldError("management.dates_out_of_order", pointer="/to_date")],
        )


def overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


class ManagementRepository(Protocol):
    async def get(self, management_id: int, *, lock: bool = False) -> Management | None: ...

    async def add(self, *, member_id: int, new: NewManagement, now: dt.datetime) -> Management: ...

    async def end(
        self, management_id: int, *, ended_on: dt.date, reason: str | None
    ) -> Management: ...

    async def end_open(
        self, member_id: int, *, ended_on: dt.date, reason: str, org_id: int | None = None
    ) -> list[int]:
        """End every registration of the member (at ``org_id`` only, when given) still open
        on ``ended_on``; their ids."""
        ...

    async def count_open_at(self, org_id: int, *, today: dt.date) -> int:
        """Registrations at ``org_id`` not ended and running on or after ``today``."""
        ...

    async def of_member(self, member_id: int) -> list[Management]: ...

    async def views(self, ids: list[int], *, today: dt.date) -> list[ManagementView]:
        """The registrations with names and paths, in the order of ``ids``."""
        ...

    async def managed_paths(self, member_id: int, *, today: dt.date) -> list[str]:
        """Paths of the orgs currently managing the member."""
        ...

    async def in_subtree(
        self,
        path: str,
        *,
        today: dt.date,
        started_by: dt.date | None,
        current_only: bool,
        page: PageRequest,
    ) -> Page[int]:
        """Ids of registrations at orgs in the subtree, by id; ``started_by`` keeps those that
        began on or before it."""
        ...

    async def add_participation(
        self,
        *,
        management_id: int,
        on_date: dt.date,
        activity: str,
        notes: str | None,
        now: dt.datetime,
    ) -> Participation: ...

    async def participations(self, management_id: int) -> list[Participation]: ...

    async def managed_here(
        self, path: str, member_ids: list[int], *, today: dt.date, org_id: int | None
    ) -> set[int]:
        """Which of ``member_ids`` are currently managed by an org of the subtree (or by
        ``org_id`` itself when given)."""
        ...


class StandingRepository(Protocol):
    async def close_current_affiliation(
        self, member_id: int, *, to_date: dt.date
    ) -> Affiliation: ...

    async def recount_members(self, path: str) -> dict[int, int]:
        """Per org of the subtree: members on the roll whose current affiliation is there,
        counted from the affiliation rows (not from orgs.member_count)."""
        ...

    async def stored_counts(self, path: str) -> dict[int, int]:
        """Per org of the subtree: the maintained orgs.member_count."""
        ...


def clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
