"""What the order-sharing use cases need from storage."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from app.domain.pagination import Page, PageRequest
from app.domain.sharing.capacity_model import CapacityNotice, NoticeStatus, Site
from app.domain.sharing.joint_model import Case, CaseCategory, Meeting, Membership, Rota
from app.domain.sharing.lending_model import Loan, LoanOffer, LoanOfferStatus, LoanRequest
from app.domain.sharing.model import Allocation, Delivery, Offer, ShareRequest


class ShareRepository(Protocol):
    async def get_request(self, request_id: int, *, lock: bool = False) -> ShareRequest | None: ...

    async def add_request(
        self, *, fields: dict[str, Any], invitees: list[int], now: dt.datetime
    ) -> ShareRequest: ...

    async def update_request(
        self, request_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> ShareRequest: ...

    async def reserve(self, request_id: int, quantity: int, *, now: dt.datetime) -> bool:
        """Add ``quantity`` to the allocated total only if it stays within the request's
        quantity (one conditional UPDATE); False when it would not."""
        ...

    async def invitees(self, request_id: int) -> list[int]: ...

    async def is_invited(self, request_id: int, enterprise_id: int) -> bool: ...

    async def subtree(
        self,
        path: str,
        *,
        status: str | None,
        enterprise_id: int | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[ShareRequest]:
        """Requests posted under the subtree at ``path``, newest first. ``viewer`` (an
        enterprise id and its host org id) narrows to what that enterprise may see."""
        ...

    async def add_offer(self, *, fields: dict[str, Any], now: dt.datetime) -> Offer: ...

    async def get_offer(self, offer_id: int) -> Offer | None: ...

    async def offers_of(self, request_id: int) -> list[Offer]: ...

    async def add_allocation(self, *, fields: dict[str, Any], now: dt.datetime) -> Allocation: ...

    async def get_allocation(
        self, allocation_id: int, *, lock: bool = False
    ) -> Allocation | None: ...

    async def allocations_of(self, request_id: int) -> list[Allocation]: ...

    async def update_allocation(
        self, allocation_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> Allocation: ...

    async def add_delivery(self, *, fields: dict[str, Any], now: dt.datetime) -> Delivery: ...

    async def deliveries_of(self, allocation_ids: list[int]) -> dict[int, list[Delivery]]: ...

    async def delivery_totals(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> list[tuple[str, str, dt.date, str, bool, int, int, int]]: ...

    async def firms_helped(self, path: str, *, start: dt.date, end: dt.date) -> tuple[int, int]: ...


class CapacityRepository(Protocol):
    async def get(self, notice_id: int, *, lock: bool = False) -> CapacityNotice | None: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> CapacityNotice: ...

    async def set_status(
        self, notice_id: int, status: NoticeStatus, *, now: dt.datetime
    ) -> CapacityNotice: ...

    async def subtree(
        self,
        path: str,
        *,
        process: str | None,
        enterprise_id: int | None,
        active_on: dt.date | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[CapacityNotice]: ...

    async def active_in_window(
        self, org_id: int, *, start: dt.date, end: dt.date, limit: int
    ) -> list[CapacityNotice]: ...

    async def outstanding(
        self, enterprise_ids: list[int], *, process: str, due_from: dt.date
    ) -> dict[int, int]: ...

    async def get_site(self, enterprise_id: int) -> Site | None: ...

    async def sites(self, enterprise_ids: list[int]) -> dict[int, Site]: ...

    async def put_site(
        self, enterprise_id: int, *, zone: str | None, x_m: int, y_m: int, now: dt.datetime
    ) -> Site: ...


class LendingRepository(Protocol):
    async def get_request(self, request_id: int, *, lock: bool = False) -> LoanRequest | None: ...

    async def add_request(self, *, fields: dict[str, Any], now: dt.datetime) -> LoanRequest: ...

    async def update_request(
        self, request_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> LoanRequest: ...

    async def subtree(
        self,
        path: str,
        *,
        status: str | None,
        viewer: tuple[int, int] | None,
        page: PageRequest,
    ) -> Page[LoanRequest]: ...

    async def add_offer(self, *, fields: dict[str, Any], now: dt.datetime) -> LoanOffer: ...

    async def get_offer(self, offer_id: int, *, lock: bool = False) -> LoanOffer | None: ...

    async def set_offer_status(
        self, offer_id: int, status: LoanOfferStatus, *, now: dt.datetime
    ) -> None: ...

    async def offers_of(self, request_id: int) -> list[LoanOffer]: ...

    async def loans_of(self, request_id: int) -> list[Loan]: ...

    async def overlapping(
        self, lender_id: int, worker_refs: list[str], start: dt.date, end: dt.date
    ) -> list[Loan]:
        """Loans of these workers of ``lender_id`` meeting [start, end]."""
        ...

    async def add_loans(self, rows: list[dict[str, Any]], *, now: dt.datetime) -> None: ...

    async def loan_totals(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> tuple[int, int, int, int, int]: ...


class JointRepository(Protocol):
    async def add_membership(self, *, fields: dict[str, Any], now: dt.datetime) -> Membership: ...

    async def get_membership(self, membership_id: int) -> Membership | None: ...

    async def memberships_of(
        self, park_id: int, *, active_on: dt.date | None
    ) -> list[Membership]: ...

    async def end_membership(self, membership_id: int, left_on: dt.date) -> Membership: ...

    async def add_rota(self, *, fields: dict[str, Any], now: dt.datetime) -> Rota: ...

    async def get_rota(self, rota_id: int, *, lock: bool = False) -> Rota | None: ...

    async def rota_for_month(self, park_id: int, month: str) -> Rota | None: ...

    async def add_rota_change(
        self, rota_id: int, *, fields: dict[str, Any], now: dt.datetime
    ) -> None: ...

    async def add_meeting(self, *, fields: dict[str, Any], now: dt.datetime) -> Meeting: ...

    async def get_meeting(self, meeting_id: int) -> Meeting | None: ...

    async def meetings(self, path: str, *, page: PageRequest) -> Page[Meeting]: ...

    async def add_case(self, *, fields: dict[str, Any], now: dt.datetime) -> Case: ...

    async def get_case(self, case_id: int, *, lock: bool = False) -> Case | None: ...

    async def update_case(
        self, case_id: int, *, changes: dict[str, Any], now: dt.datetime
    ) -> Case: ...

    async def add_note(self, case_id: int, *, text: str, author: str, now: dt.datetime) -> None: ...

    async def cases(
        self,
        path: str,
        *,
        category: str | None,
        status: str | None,
        enterprise_id: int | None,
        page: PageRequest,
    ) -> Page[Case]: ...

    async def case_dates(
        self, path: str, *, start: dt.date, end: dt.date
    ) -> list[tuple[CaseCategory, dt.date, dt.date | None]]: ...
