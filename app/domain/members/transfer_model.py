"""Transfers of the organisational relationship (组织关系接转): states, validity of the
introduction letter, the dues month and the work queues. Pure rules; the use cases in
transfers.py apply them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain.errors import Conflict, FieldError, InvalidInput, RuleViolation
from app.domain.orgs.model import add_months
from app.domain.pagination import Page, PageRequest

# An introduction letter is valid for at most three months (介绍信有效期一般不超过三个月).
MAX_VALIDITY_MONTHS = 3
EXPIRING_DAYS_DEFAULT = 30
EXPIRING_DAYS_MAX = 92

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class TransferKind(StrEnum):
    INTERNAL = "internal"  # to an organisation inside the system
    OUTGOING = "outgoing"  # leaving the system (another province): finished by the receipt
    INCOMING = "incoming"  # from outside the system, registered by the receiving organisation


class TransferState(StrEnum):
    ISSUED = "issued"  # letter issued, waiting for the destination's decision (or the receipt)
    ACCEPTED = "accepted"  # destination accepted; waiting for the member to report
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # reported (internal), receipt back (outgoing), registered (incoming)
    EXPIRED = "expired"  # the letter's validity passed without a report


OPEN_STATES = frozenset({TransferState.ISSUED, TransferState.ACCEPTED})
TERMINAL_STATES = frozenset(TransferState) - OPEN_STATES


class TransferQueue(StrEnum):
    AWAITING_DECISION = "awaiting_decision"  # issued to an org in the subtree, still valid
    OUTGOING_OPEN = "outgoing_open"  # issued from the subtree, not finished (overdue included)
    EXPIRING = "expiring"  # open, from or to the subtree, validity ends within N days
    OVERDUE = "overdue"  # from or to the subtree, ran out unreported, not yet replaced
    INCOMING_OPEN = "incoming_open"  # issued or accepted to the subtree, still valid
    HISTORY = "history"  # finished one way or another, newest first


@dataclass(frozen=True)
class Transfer:
    id: int
    member_id: int
    member_name: str
    kind: TransferKind
    state: TransferState  # as stored; see effective_state
    from_org_id: int | None
    from_path: str | None
    to_org_id: int | None
    to_path: str | None
    external_name: str | None
    external_region: str | None
    letter_no: str
    dues_paid_until: str
    issued_on: dt.date
    valid_until: dt.date
    decided_on: dt.date | None
    reason: str | None
    reported_on: dt.date | None
    receipt_no: str | None
    receipt_on: dt.date | None
    cancelled_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class TransferView:
    """A transfer as of a business date: its effective state and the days of validity left."""

    transfer: Transfer
    state: TransferState
    days_left: int | None  # None once finished; negative when overdue


def effective_state(t: Transfer, today: dt.date) -> TransferState:
    """An open transfer whose letter ran out without a report is expired, stored or not."""
    if t.state in OPEN_STATES and today > t.valid_until:
        return TransferState.EXPIRED
    return t.state


def view_of(t: Transfer, today: dt.date) -> TransferView:
    state = effective_state(t, today)
    left = (t.valid_until - today).days if t.state in OPEN_STATES else None
    return TransferView(transfer=t, state=state, days_left=left)


def check_month(value: str, *, pointer: str = "/dues_paid_until") -> str:
    """A calendar month as YYYY-MM (dues paid up to and including it)."""
    text = value.strip()
    m = _MONTH.fullmatch(text)
    if m is None or not (1900 <= int(m.group(1)) <= 2999):
        raise InvalidInput(
            "transfer.month_invalid", fields=[FieldError("transfer.month_invalid", pointer=pointer)]
        )
    return text


def letter_validity(
    issued_on: dt.date | None,
    valid_until: dt.date | None,
    *,
    today: dt.date,
    current: bool = True,
) -> tuple[dt.date, dt.date]:
    """Issue date (default today, never in the future) and validity (default and at most three
    months after issue, not before issue and, when ``current``, not already passed)."""
    issued = issued_on or today
    if issued > today:
        raise InvalidInput(
            "transfer.issued_in_future",
            fields=[FieldError("transfer.issued_in_future", pointer="/issued_on")],
        )
    longest = add_months(issued, MAX_VALIDITY_MONTHS)
    until = valid_until or longest
    if until > longest:
        raise RuleViolation(
            "transfer.validity_too_long",
            params={"months": MAX_VALIDITY_MONTHS, "latest": longest.isoformat()},
            fields=[FieldError("transfer.validity_too_long", pointer="/valid_until")],
        )
    if until < issued or (current and until < today):
        raise RuleViolation(
            "transfer.validity_passed",
            fields=[FieldError("transfer.validity_passed", pointer="/valid_until")],
        )
    return issued, until


def check_day(
    day: dt.date, *, not_before: dt.date, today: dt.date, pointer: str, code: str
) -> dt.date:
    """A date of something that happened: not before ``not_before``, not after today."""
    if day < not_before or day > today:
        raise InvalidInput(
            code,
            params={"earliest": not_before.isoformat(), "latest": today.isoformat()},
            fields=[FieldError(code, pointer=pointer)],
        )
    return day


def required_text(value: str | None, *, pointer: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(
            "transfer.value_required",
            fields=[FieldError("transfer.value_required", pointer=pointer)],
        )
    if len(text) > limit:
        raise InvalidInput(
            "transfer.value_too_long",
            params={"max": limit},
            fields=[FieldError("transfer.value_too_long", pointer=pointer)],
        )
    return text


def wrong_state(t: Transfer, state: TransferState, action: str) -> Conflict:
    return Conflict(
        "transfer.wrong_state",
        params={"id": t.id, "state": state.value, "action": action},
        extra={"state": state.value},
    )


class TransferAlreadyOpen(Conflict):
    """The member has a transfer under way; ``existing_id`` points at it."""

    def __init__(self, existing_id: int | None) -> None:
        super().__init__(
            "transfer.already_open",
            fields=[FieldError("transfer.already_open", pointer="/member_id")],
            extra={"existing_id": existing_id} if existing_id is not None else None,
        )


class TransferRepository(Protocol):
    async def get(self, transfer_id: int, *, lock: bool = False) -> Transfer | None: ...

    async def open_for_member(self, member_id: int) -> Transfer | None: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> Transfer:
        """Insert; raises TransferAlreadyOpen(None) when the member already has one open
        (the partial unique index, so a concurrent issue loses here)."""
        ...

    async def update(
        self,
        transfer_id: int,
        *,
        expected_state: TransferState,
        changes: dict[str, Any],
        now: dt.datetime,
    ) -> Transfer | None:
        """Apply ``changes`` if still in ``expected_state``; bump the version; None otherwise."""
        ...

    async def of_member(self, member_id: int, *, page: PageRequest) -> Page[Transfer]: ...

    async def queue(
        self,
        path: str,
        *,
        queue: TransferQueue,
        today: dt.date,
        within_days: int,
        page: PageRequest,
    ) -> Page[Transfer]: ...

    async def count_open_at(self, org_id: int, *, today: dt.date) -> int:
        """Open transfers from or to ``org_id`` whose letter is still valid on ``today``."""
        ...

    async def count_overdue(self, path: str, *, today: dt.date) -> int:
        """Transfers from or to the subtree at ``path`` whose letter ran out unreported and
        that no later letter replaced (the overdue queue's size)."""
        ...

    async def lapsed(self, *, today: dt.date, limit: int) -> list[tuple[int, int]]:
        """(transfer id, member id) of open transfers past their validity, by member id."""
        ...
