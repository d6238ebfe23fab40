"""The park's joint mechanism (双联): conference memberships, a chair rota for the monthly joint
meeting, coordination cases. Pure rules."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.errors import FieldError, InvalidInput

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SCHEDULE_MONTHS_MAX = 36
ROTA_HORIZON_MONTHS = 1200  # a rota is read and changed within a hundred years of its start
ROTA_CHAIRS_MAX = 24


class MembershipKind(StrEnum):
    SECRETARY = "secretary"  # a branch secretary in the joint conference (党支部联席会)
    ASSOCIATION = "association"  # a firm in the enterprise association (企业联谊会)


class CaseCategory(StrEnum):
    LABOUR_DISPUTE = "labour_dispute"
    MONEY_LENDING = "money_lending"
    RECRUITMENT = "recruitment"
    PERMITS = "permits"
    SERVICES = "services"
    OTHER = "other"


class RaisedBy(StrEnum):
    ENTERPRISE = "enterprise"
    MEMBER = "member"
    BRANCH = "branch"


class CaseStatus(StrEnum):
    OPEN = "open"
    ON_AGENDA = "on_agenda"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class RotaChangeKind(StrEnum):
    SKIP = "skip"  # the scheduled chair cannot: the next in the list chairs, the rota shifts
    SWAP = "swap"  # two months exchange their chairs


def parse_month(text: str, *, pointer: str) -> tuple[int, int]:
    m = _MONTH.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise InvalidInput(
            "joint.month_invalid",
            params={"value": str(text)[:20]},
            fields=[FieldError("joint.month_invalid", pointer=pointer)],
        )
    return int(m.group(1)), int(m.group(2))


def month_index(ym: tuple[int, int]) -> int:
    return ym[0] * 12 + ym[1] - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Membership:
    id: int
    park_id: int
    park_path: str
    kind: MembershipKind
    name: str  # the secretary's or the firm's name as shown in the conference
    branch_id: int | None
    enterprise_id: int | None
    joined_on: dt.date
    left_on: dt.date | None
    created_at: dt.datetime


@dataclass(frozen=True)
class RotaChange:
    id: int
    kind: RotaChangeKind
    month: str
    other_month: str | None  # the second month of a swap
    reason: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Rota:
    id: int
    park_id: int
    park_path: str
    start_month: str
    chair_ids: list[int]  # membership ids, in rotation order
    changes: list[RotaChange]
    created_at: dt.datetime


@dataclass(frozen=True)
class ChairSlot:
    month: str
    membership_id: int
    note: str | None  # why it differs from plain rotation


def schedule(rota: Rota, *, first: str, months: int) -> list[ChairSlot]:
    """Who chairs which month: the chairs in rotation from the start month; a skip gives the
    month to the next chair and shifts the rest; a swap exchanges two months' chairs."""
    start = month_index(parse_month(rota.start_month, pointer="/start_month"))
    lo = month_index(parse_month(first, pointer="/from"))
    hi = lo + months
    skips = {c.month: c for c in rota.changes if c.kind is RotaChangeKind.SKIP}
    n = len(rota.chair_ids)
    slots: dict[int, ChairSlot] = {}
    pointer = 0
    top = hi
    for c in rota.changes:
        if c.kind is RotaChangeKind.SWAP and c.other_month:
            top = max(top, month_index(parse_month(c.other_month, pointer="")) + 1)
            top = max(top, month_index(parse_month(c.month, pointer="")) + 1)
    for idx in range(start, top):
        text = month_text(idx)
        note = None
        skip = skips.get(text)
        if skip is not None:
            skipped = rota.chair_ids[pointer % n]
            pointer += 1
            note = f"skip #{skipped}: {skip.reason}"
        slots[idx] = ChairSlot(text, rota.chair_ids[pointer % n], note)
        pointer += 1
    for c in sorted(rota.changes, key=lambda c: c.id):
        if c.kind is not RotaChangeKind.SWAP or c.other_month is None:
            continue
        a = month_index(parse_month(c.month, pointer=""))
        b = month_index(parse_month(c.other_month, pointer=""))
        if a in slots and b in slots:
            sa, sb = slots[a], slots[b]
            slots[a] = ChairSlot(sa.month, sb.membership_id, f"swap with {sb.month}: {c.reason}")
            slots[b] = ChairSlot(sb.month, sa.membership_id, f"swap with {sa.month}: {c.reason}")
    return [slots[i] for i in range(max(lo, start), hi) if i in slots]


@dataclass(frozen=True)
class Meeting:
    id: int
    park_id: int
    park_path: str
    held_on: dt.date
    title: str
    chair_membership_id: int | None
    notes: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CaseNote:
    id: int
    text: str
    author: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Case:
    id: int
    park_id: int
    park_path: str
    category: CaseCategory
    title: str
    description: str | None
    raised_by: RaisedBy
    raised_by_enterprise_id: int | None
    raised_by_member_id: int | None
    raised_by_branch_id: int | None
    opened_on: dt.date
    status: CaseStatus
    meeting_id: int | None
    assignee: str | None
    outcome: str | None
    closed_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    notes: list[CaseNote] = field(default_factory=list)

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.opened_on).days if self.closed_on else None


@dataclass(frozen=True)
class CategoryCount:
    category: CaseCategory
    opened: int
    closed: int
    median_days_to_close: float | None
    mean_days_to_close: float | None


def tally(cases: list[tuple[CaseCategory, dt.date, dt.date | None]]) -> list[CategoryCount]:
    """Per category: cases opened in the period, of them closed, and days to close."""
    out = []
    for cat in CaseCategory:
        mine = [c for c in cases if c[0] is cat]
        if not mine:
            continue
        days = [(closed - opened).days for _, opened, closed in mine if closed is not None]
        out.append(
            CategoryCount(
                category=cat,
                opened=len(mine),
                closed=len(days),
                median_days_to_close=float(statistics.median(days)) if days else None,
                mean_days_to_close=round(sum(days) / len(days), 1) if days else None,
            )
        )
    return out
