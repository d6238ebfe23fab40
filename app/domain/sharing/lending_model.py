"""Worker lending (调剂员工"帮工"): requests for workers, offers, confirmed loans. Pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

WORKERS_MAX = 500
LOAN_DAYS_MAX = 366


class LoanRequestStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"  # confirmed workers reached the number asked
    CANCELLED = "cancelled"


class LoanOfferStatus(StrEnum):
    OFFERED = "offered"
    CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Worker:
    ref: str  # the lending firm's own staff reference (工号)
    name: str


@dataclass(frozen=True)
class LoanRequest:
    id: int
    enterprise_id: int  # the borrowing firm
    org_id: int
    org_path: str
    skill: str
    workers_needed: int
    start_on: dt.date
    end_on: dt.date
    note: str | None
    status: LoanRequestStatus
    confirmed_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class LoanOffer:
    id: int
    request_id: int
    enterprise_id: int  # the lending firm
    workers: list[Worker]
    start_on: dt.date
    end_on: dt.date
    status: LoanOfferStatus
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Loan:
    id: int
    request_id: int
    offer_id: int
    lender_id: int
    borrower_id: int
    org_id: int
    worker_ref: str
    worker_name: str
    skill: str
    start_on: dt.date
    end_on: dt.date
    days: int
    created_at: dt.datetime


@dataclass(frozen=True)
class LoanRequestView:
    request: LoanRequest
    offers: list[LoanOffer]
    loans: list[Loan]


def loan_days(start: dt.date, end: dt.date) -> int:
    """Calendar days lent, both ends included."""
    return (end - start).days + 1


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end
