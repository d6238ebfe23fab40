"""Order sharing: share requests, offers, allocations and deliveries. Pure rules.

Quantities are whole numbers of the request's unit (pieces, sets, kilograms ...); prices are
integer fen, written as decimal strings at the edges ("3.50"). An amount is quantity × price in
fen, exact.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import FieldError, InvalidInput, RuleViolation

# Bounds keep quantity × price (≤ 10^9 × 10^9 fen) inside a signed 64-bit integer.
QUANTITY_MAX = 1_000_000_000
PRICE_FEN_MAX = 999_999_999  # 9,999,999.99 yuan per unit
_PRICE = re.compile(r"^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?$")


class RequestStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ALLOCATED = "allocated"  # at least one allocation made
    IN_PRODUCTION = "in_production"  # at least one allocation accepted
    DELIVERED = "delivered"  # accepted (quality-passed) deliveries reached the quantity
    CLOSED = "closed"  # delivered and every allocation settled
    CANCELLED = "cancelled"


class Visibility(StrEnum):
    PARK = "park"  # every enterprise under the same park (the requester's host organisation)
    CHOSEN = "chosen"  # only the invited enterprises


class AllocationStatus(StrEnum):
    PROPOSED = "proposed"  # made by the poster or coordinator, awaiting the receiver
    ACCEPTED = "accepted"  # the receiving firm took it on
    DELIVERED = "delivered"  # quality-passed deliveries reached its quantity
    SETTLED = "settled"  # paid: amount = passed quantity × unit price


class Quality(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


# Statuses in which a request takes offers and allocations.
TAKING = frozenset({RequestStatus.OPEN, RequestStatus.ALLOCATED, RequestStatus.IN_PRODUCTION})


def parse_price(text: str, *, pointer: str) -> int:
    """A positive decimal string with at most two decimals ("12", "3.5", "3.50") → fen."""
    raw = text.strip() if isinstance(text, str) else ""
    m = _PRICE.match(raw)
    if m is None:
        raise InvalidInput(
            "share.price_invalid",
            params={"value": raw[:40]},
            fields=[FieldError("share.price_invalid", pointer=pointer)],
        )
    whole, frac = m.group(1), (m.group(2) or ".")[1:]
    fen = int(whole) * 100 + int((frac + "00")[:2])
    if fen <= 0 or fen > PRICE_FEN_MAX:
        raise InvalidInput(
            "share.price_not_positive",
            fields=[FieldError("share.price_not_positive", pointer=pointer)],
        )
    return fen


def format_fen(fen: int) -> str:
    """Integer fen → decimal string with two decimals ("8500000.00")."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(fen), 100)
    return f"{sign}{q}.{r:02d}"


def check_quantity(value: int, *, pointer: str, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= QUANTITY_MAX:
        code = "share.quantity_out_of_range"
        raise InvalidInput(
            code,
            params={"min": low, "max": QUANTITY_MAX},
            fields=[FieldError(code, pointer=pointer, params={"min": low, "max": QUANTITY_MAX})],
        )
    return value


def check_not_past(day: dt.date, today: dt.date, *, pointer: str, code: str) -> None:
    if day < today:
        raise RuleViolation(
            code,
            params={"date": day.isoformat(), "today": today.isoformat()},
            fields=[FieldError(code, pointer=pointer)],
        )


@dataclass(frozen=True)
class ShareRequest:
    id: int
    enterprise_id: int  # the requesting firm
    org_id: int  # its host organisation (the park) when posted
    org_path: str  # that organisation's current path (joined at read time)
    process: str  # 彩绘, 上釉, 修坯 ...
    product: str | None
    unit: str
    quantity: int  # the part shared out
    kept_quantity: int  # the part of the order the requester keeps making itself
    unit_price_fen: int
    quality_standard: str
    deadline: dt.date
    visibility: Visibility
    status: RequestStatus
    allocated_quantity: int
    accepted_quantity: int  # quality-passed deliveries over all allocations
    fulfilled_on: dt.date | None
    note: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.allocated_quantity


@dataclass(frozen=True)
class Offer:
    id: int
    request_id: int
    enterprise_id: int
    quantity: int
    available_on: dt.date  # by when the firm can deliver
    unit_price_fen: int | None  # when different from the request's
    note: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Delivery:
    id: int
    allocation_id: int
    quantity: int
    delivered_on: dt.date
    quality: Quality
    on_time: bool
    note: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Allocation:
    id: int
    request_id: int
    enterprise_id: int  # the receiving firm
    offer_id: int | None
    quantity: int
    unit_price_fen: int
    due_on: dt.date
    status: AllocationStatus
    passed_quantity: int  # delivered and quality-passed
    failed_quantity: int  # delivered and refused (to be redone; not counted)
    accepted_at: dt.datetime | None
    settled_amount_fen: int | None
    settled_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def outstanding_quantity(self) -> int:
        return self.quantity - self.passed_quantity


@dataclass(frozen=True)
class AllocationView:
    allocation: Allocation
    request: ShareRequest
    deliveries: list[Delivery]


def settlement_fen(allocation: Allocation) -> int:
    """What the requester owes the receiving firm: passed quantity × unit price, in fen."""
    return allocation.passed_quantity * allocation.unit_price_fen


def status_after_allocation(req: ShareRequest) -> RequestStatus:
    return RequestStatus.ALLOCATED if req.status is RequestStatus.OPEN else req.status
