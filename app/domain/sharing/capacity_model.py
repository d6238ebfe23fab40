"""Capacity notices, park sites and suggestions of firms for a request. Pure rules."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from app.domain.sharing.model import ShareRequest

PERIOD_MAX_DAYS = 366
COORD_MAX = 1_000_000  # metres on the park's plan


class NoticeStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class CapacityNotice:
    id: int
    enterprise_id: int
    org_id: int  # the firm's host organisation (park) when advertised
    org_path: str
    process: str
    unit: str
    quantity_per_week: int
    available_from: dt.date
    available_to: dt.date
    note: str | None
    status: NoticeStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Site:
    """Where a firm sits in its park: a zone name and plan coordinates in metres."""

    enterprise_id: int
    zone: str | None
    x_m: int
    y_m: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class Reason:
    code: str  # a message code: the edges render it in the caller's language
    params: dict[str, object]


@dataclass(frozen=True)
class Suggestion:
    enterprise_id: int
    enterprise_name: str
    free_quantity: int  # in the request's unit, within [today, deadline]
    notice_ids: list[int]
    outstanding_quantity: int  # already allocated to it for this process, not yet delivered
    distance_m: int | None
    same_zone: bool
    offered_quantity: int
    covers_remaining: bool
    reasons: list[Reason]


def same_process(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def overlap_days(notice: CapacityNotice, start: dt.date, end: dt.date) -> int:
    lo, hi = max(notice.available_from, start), min(notice.available_to, end)
    return max(0, (hi - lo).days + 1)


def capacity_in_window(notice: CapacityNotice, start: dt.date, end: dt.date) -> int:
    """Weekly capacity × overlapping days / 7, rounded down (whole units)."""
    return notice.quantity_per_week * overlap_days(notice, start, end) // 7


def distance_m(a: Site | None, b: Site | None) -> int | None:
    if a is None or b is None:
        return None
    return round(math.hypot(a.x_m - b.x_m, a.y_m - b.y_m))


@dataclass(frozen=True)
class Candidate:
    enterprise_id: int
    name: str
    notices: list[CapacityNotice]
    site: Site | None
    outstanding: int
    offered: int


def rank(
    req: ShareRequest,
    candidates: list[Candidate],
    *,
    requester_site: Site | None,
    today: dt.date,
) -> list[Suggestion]:
    """Firms with free capacity for the request's process and unit in [today, deadline], best
    first: those that can take all that remains, then the nearest, then the most capacity."""
    remaining = req.remaining_quantity or req.quantity
    out: list[Suggestion] = []
    for c in candidates:
        reasons: list[Reason] = []
        gross = 0
        ids = []
        for n in c.notices:
            part = capacity_in_window(n, today, req.deadline)
            if part <= 0:
                continue
            gross += part
            ids.append(n.id)
            reasons.append(
                Reason(
                    "suggest.notice",
                    {
                        "notice_id": n.id,
                        "process": n.process,
                        "per_week": n.quantity_per_week,
                        "unit": n.unit,
                        "start": max(n.available_from, today).isoformat(),
                        "end": min(n.available_to, req.deadline).isoformat(),
                        "quantity": part,
                    },
                )
            )
        free = max(0, gross - c.outstanding)
        if free <= 0:
            continue
        if c.outstanding:
            reasons.append(
                Reason("suggest.outstanding", {"quantity": c.outstanding, "unit": req.unit})
            )
        covers = free >= remaining
        reasons.append(
            Reason(
                "suggest.covers" if covers else "suggest.covers_part",
                {"free": free, "remaining": remaining, "unit": req.unit},
            )
        )
        dist = distance_m(requester_site, c.site)
        zone = (
            requester_site is not None
            and c.site is not None
            and requester_site.zone is not None
            and requester_site.zone == c.site.zone
        )
        if dist is not None:
            reasons.append(Reason("suggest.distance", {"metres": dist}))
        else:
            reasons.append(Reason("suggest.distance_unknown", {}))
        if zone and requester_site is not None:
            reasons.append(Reason("suggest.same_zone", {"zone": requester_site.zone}))
        if c.offered:
            reasons.append(Reason("suggest.offered", {"quantity": c.offered, "unit": req.unit}))
        out.append(
            Suggestion(
                enterprise_id=c.enterprise_id,
                enterprise_name=c.name,
                free_quantity=free,
                notice_ids=ids,
                outstanding_quantity=c.outstanding,
                distance_m=dist,
                same_zone=zone,
                offered_quantity=c.offered,
                covers_remaining=covers,
                reasons=reasons,
            )
        )
    out.sort(
        key=lambda s: (
            not s.covers_remaining,
            s.distance_m if s.distance_m is not None else math.inf,
            -s.free_quantity,
            s.enterprise_id,
        )
    )
    return out
