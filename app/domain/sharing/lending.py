"""Use cases of worker lending (调剂员工"帮工"): a firm asks for N workers with a skill for a
period, another firm of the park offers named workers, the park's coordinator confirms and the
loans are recorded (who, from which firm, to which, from–to, days). A worker is never lent twice
for overlapping days: confirming locks the lending firm's row first, so two confirmations for
the same firm's workers run one after the other (PostgreSQL ``FOR UPDATE``; SQLite
``BEGIN IMMEDIATE``) and the second sees the first's loans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import is_contact, own_enterprise
from app.domain.sharing.lending_model import (
    LOAN_DAYS_MAX,
    WORKERS_MAX,
    LoanOfferStatus,
    LoanRequest,
    LoanRequestStatus,
    LoanRequestView,
    Worker,
    loan_days,
    overlaps,
)
from app.domain.sharing.model import check_not_past
from app.domain.sharing.requests import _root, _text, acting_enterprise


@dataclass(frozen=True)
class NewLoanRequest:
    skill: str
    workers_needed: int
    start_on: dt.date
    end_on: dt.date
    enterprise_id: int | None = None  # the borrowing firm; a contact's own by default
    note: str | None = None


@dataclass(frozen=True)
class NewLoanOffer:
    workers: tuple[Worker, ...]
    enterprise_id: int | None = None  # the lending firm; a contact's own by default
    start_on: dt.date | None = None  # default: the request's period
    end_on: dt.date | None = None


def _not_found(request_id: int) -> NotFound:
    return NotFound("worker_loan.not_found", params={"id": request_id})


async def _may_see(uow: UnitOfWork, actor: Principal, req: LoanRequest) -> bool:
    if not is_contact(actor):
        return actor.covers_path(req.org_path)
    if req.enterprise_id == actor.enterprise_id:
        return True
    ent = await own_enterprise(uow, actor)
    return ent is not None and ent.org_id == req.org_id


async def load_loan_request(
    uow: UnitOfWork, actor: Principal, request_id: int, *, lock: bool = False
) -> LoanRequest:
    """The request, if the actor may see it (staff over its park, firms of that park);
    otherwise NotFound."""
    req = await uow.lending.get_request(request_id, lock=lock)
    if req is None or not await _may_see(uow, actor, req):
        raise _not_found(request_id)
    return req


def _is_coordinator(actor: Principal, req: LoanRequest) -> bool:
    return (
        not is_contact(actor)
        and actor.has(Scope.SHARING_COORDINATE)
        and actor.covers_path(req.org_path)
    )


def _check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    if end < start:
        raise RuleViolation(
            "worker_loan.period_reversed",
            fields=[FieldError("worker_loan.period_reversed", pointer="/end_on")],
        )
    check_not_past(start, today, pointer="/start_on", code="share.date_past")
    if loan_days(start, end) > LOAN_DAYS_MAX:
        raise RuleViolation(
            "worker_loan.period_too_long",
            params={"max": LOAN_DAYS_MAX},
            fields=[FieldError("worker_loan.period_too_long", pointer="/end_on")],
        )


async def create_loan_request(
    uow: UnitOfWork, actor: Principal, *, new: NewLoanRequest
) -> LoanRequestView:
    """Ask the park for N workers with a skill for a period (not starting in the past)."""
    actor.require(Scope.SHARING_WRITE)
    ent = await acting_enterprise(uow, actor, new.enterprise_id)
    if isinstance(new.workers_needed, bool) or not 1 <= new.workers_needed <= WORKERS_MAX:
        raise InvalidInput(
            "worker_loan.workers_out_of_range",
            params={"max": WORKERS_MAX},
            fields=[FieldError("worker_loan.workers_out_of_range", pointer="/workers_needed")],
        )
    skill = _text(new.skill, pointer="/skill", required=True, limit=64)
    note = _text(new.note, pointer="/note", required=False, limit=500)
    _check_period(new.start_on, new.end_on, uow.clock.today())
    req = await uow.lending.add_request(
        fields={
            "enterprise_id": ent.id,
            "org_id": ent.org_id,
            "skill": skill,
            "workers_needed": new.workers_needed,
            "start_on": new.start_on,
            "end_on": new.end_on,
            "note": note,
            "status": LoanRequestStatus.OPEN,
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="worker_loan_request.create",
        target_type="worker_loan_request",
        target_id=req.id,
        org_id=req.org_id,
        changes={
            "enterprise_id": ent.id,
            "skill": skill,
            "workers_needed": new.workers_needed,
            "start_on": new.start_on.isoformat(),
            "end_on": new.end_on.isoformat(),
        },
    )
    await uow.commit()
    return LoanRequestView(req, [], [])


async def _view(uow: UnitOfWork, actor: Principal, req: LoanRequest) -> LoanRequestView:
    offers = await uow.lending.offers_of(req.id)
    loans = await uow.lending.loans_of(req.id)
    if is_contact(actor) and actor.enterprise_id != req.enterprise_id:
        offers = [o for o in offers if o.enterprise_id == actor.enterprise_id]
        loans = [x for x in loans if x.lender_id == actor.enterprise_id]
    return LoanRequestView(req, offers, loans)


async def get_loan_request(
    uow: UnitOfWork, actor: Principal, *, request_id: int
) -> LoanRequestView:
    """A request with its offers and confirmed loans (another firm sees only its own)."""
    actor.require(Scope.SHARING_READ)
    return await _view(uow, actor, await load_loan_request(uow, actor, request_id))


async def list_loan_requests(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    status: LoanRequestStatus | None,
    page: PageRequest,
) -> Page[LoanRequest]:
    """Requests for workers under the subtree of ``org_id``, newest first; an enterprise
    contact gets those of its park."""
    actor.require(Scope.SHARING_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    viewer: tuple[int, int] | None = None
    if is_contact(actor):
        ent = await own_enterprise(uow, actor)
        if ent is None:
            return Page([], None)
        viewer = (ent.id, ent.org_id)
        root_path = ent.org_path if org_id is None else (await _root(uow, actor, org_id)).path
    else:
        root_id = org_id if org_id is not None else actor.org_id
        if root_id is None:
            raise InvalidInput("org.root_required")
        root_path = (await _root(uow, actor, root_id)).path
    return await uow.lending.subtree(
        root_path, status=status.value if status else None, viewer=viewer, page=page
    )


def _clean_workers(workers: tuple[Worker, ...], needed: int) -> list[Worker]:
    if not workers or len(workers) > needed:
        raise InvalidInput(
            "worker_loan.workers_count",
            params={"max": needed},
            fields=[FieldError("worker_loan.workers_count", pointer="/workers")],
        )
    out: list[Worker] = []
    seen: set[str] = set()
    for i, w in enumerate(workers):
        ref = _text(w.ref, pointer=f"/workers/{i}/ref", required=True, limit=64)
        name = _text(w.name, pointer=f"/workers/{i}/name", required=True, limit=100)
        assert ref is not None and name is not None
        if ref in seen:
            raise InvalidInput(
                "worker_loan.worker_repeated",
                params={"ref": ref},
                fields=[FieldError("worker_loan.worker_repeated", pointer=f"/workers/{i}/ref")],
            )
        seen.add(ref)
        out.append(Worker(ref=ref, name=name))
    return out


async def offer_workers(
    uow: UnitOfWork, actor: Principal, *, request_id: int, new: NewLoanOffer
) -> LoanRequestView:
    """Offer named workers (by the lending firm's staff reference) for the request's period
    or part of it (a firm of the same park, never the borrower itself)."""
    actor.require(Scope.SHARING_WRITE)
    req = await load_loan_request(uow, actor, request_id, lock=True)
    lender = await acting_enterprise(uow, actor, new.enterprise_id)
    if lender.id == req.enterprise_id:
        raise RuleViolation(
            "worker_loan.offer_by_borrower",
            fields=[FieldError("worker_loan.offer_by_borrower", pointer="/enterprise_id")],
        )
    if lender.org_id != req.org_id:
        raise RuleViolation(
            "share.enterprise_not_eligible",
            params={"id": lender.id},
            fields=[FieldError("share.enterprise_not_eligible", pointer="/enterprise_id")],
        )
    if req.status is not LoanRequestStatus.OPEN:
        raise RuleViolation(
            "worker_loan.not_open", params={"id": req.id, "status": req.status.value}
        )
    workers = _clean_workers(new.workers, req.workers_needed - req.confirmed_count)
    start, end = new.start_on or req.start_on, new.end_on or req.end_on
    if start < req.start_on or end > req.end_on or end < start:
        raise RuleViolation(
            "worker_loan.period_outside_request",
            params={"start": req.start_on.isoformat(), "end": req.end_on.isoformat()},
            fields=[FieldError("worker_loan.period_outside_request", pointer="/start_on")],
        )
    check_not_past(start, uow.clock.today(), pointer="/start_on", code="share.date_past")
    offer = await uow.lending.add_offer(
        fields={
            "request_id": req.id,
            "enterprise_id": lender.id,
            "workers": [{"ref": w.ref, "name": w.name} for w in workers],
            "start_on": start,
            "end_on": end,
            "status": LoanOfferStatus.OFFERED,
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="worker_loan_offer.create",
        target_type="worker_loan_offer",
        target_id=offer.id,
        org_id=req.org_id,
        changes={
            "request_id": req.id,
            "enterprise_id": lender.id,
            "workers": [w.ref for w in workers],
            "start_on": start.isoformat(),
            "end_on": end.isoformat(),
        },
    )
    view = await _view(uow, actor, req)
    await uow.commit()
    return view


async def confirm_offer(
    uow: UnitOfWork, actor: Principal, *, request_id: int, offer_id: int
) -> LoanRequestView:
    """The park's coordinator confirms an offer: each worker becomes a loan (who, from, to,
    days). Refused when a worker is already lent for overlapping days, or when the request
    would get more workers than it asked for."""
    actor.require(Scope.SHARING_COORDINATE)
    req = await load_loan_request(uow, actor, request_id, lock=True)
    if not _is_coordinator(actor, req):
        raise Forbidden("worker_loan.not_coordinator", params={"id": req.id})
    offer = await uow.lending.get_offer(offer_id, lock=True)
    if offer is None or offer.request_id != req.id:
        raise NotFound("worker_loan.offer_not_found", params={"id": offer_id})
    if offer.status is not LoanOfferStatus.OFFERED:
        raise Conflict("worker_loan.offer_confirmed", params={"id": offer.id})
    if req.status is not LoanRequestStatus.OPEN:
        raise RuleViolation(
            "worker_loan.not_open", params={"id": req.id, "status": req.status.value}
        )
    total = req.confirmed_count + len(offer.workers)
    if total > req.workers_needed:
        raise RuleViolation(
            "worker_loan.too_many_workers",
            params={"needed": req.workers_needed, "confirmed": req.confirmed_count},
        )
    # Serialise every confirmation for this lender's workers on the lender's row.
    await uow.enterprises.get(offer.enterprise_id, lock=True)
    refs = [w.ref for w in offer.workers]
    clash = [
        x
        for x in await uow.lending.overlapping(
            offer.enterprise_id, refs, offer.start_on, offer.end_on
        )
        if overlaps(x.start_on, x.end_on, offer.start_on, offer.end_on)
    ]
    if clash:
        first = clash[0]
        raise Conflict(
            "worker_loan.worker_overlaps",
            params={
                "ref": first.worker_ref,
                "start": first.start_on.isoformat(),
                "end": first.end_on.isoformat(),
            },
            extra={"loan_id": first.id},
        )
    now = uow.clock.now()
    days = loan_days(offer.start_on, offer.end_on)
    rows: list[dict[str, Any]] = [
        {
            "request_id": req.id,
            "offer_id": offer.id,
            "lender_id": offer.enterprise_id,
            "borrower_id": req.enterprise_id,
            "org_id": req.org_id,
            "worker_ref": w.ref,
            "worker_name": w.name,
            "skill": req.skill,
            "start_on": offer.start_on,
            "end_on": offer.end_on,
            "days": days,
        }
        for w in offer.workers
    ]
    await uow.lending.add_loans(rows, now=now)
    await uow.lending.set_offer_status(offer.id, LoanOfferStatus.CONFIRMED, now=now)
    changes: dict[str, Any] = {"confirmed_count": total}
    if total == req.workers_needed:
        changes["status"] = LoanRequestStatus.FILLED
    updated = await uow.lending.update_request(req.id, changes=changes, now=now)
    await uow.audit.record(
        actor,
        action="worker_loan_offer.confirm",
        target_type="worker_loan_offer",
        target_id=offer.id,
        org_id=req.org_id,
        changes={
            "request_id": req.id,
            "lender_id": offer.enterprise_id,
            "borrower_id": req.enterprise_id,
            "workers": refs,
            "start_on": offer.start_on.isoformat(),
            "end_on": offer.end_on.isoformat(),
            "days": days,
            "confirmed_count": {"from": req.confirmed_count, "to": total},
        },
    )
    view = await _view(uow, actor, updated)
    await uow.commit()
    return view


async def cancel_loan_request(
    uow: UnitOfWork, actor: Principal, *, request_id: int
) -> LoanRequestView:
    """Withdraw an open request before any worker was confirmed (the borrower or the
    coordinator)."""
    actor.require(Scope.SHARING_WRITE)
    req = await load_loan_request(uow, actor, request_id, lock=True)
    borrower = is_contact(actor) and actor.enterprise_id == req.enterprise_id
    if not (borrower or _is_coordinator(actor, req)):
        raise Forbidden("worker_loan.not_borrower_or_coordinator", params={"id": req.id})
    if req.status is not LoanRequestStatus.OPEN or req.confirmed_count:
        raise RuleViolation(
            "worker_loan.not_cancellable", params={"id": req.id, "status": req.status.value}
        )
    updated = await uow.lending.update_request(
        req.id, changes={"status": LoanRequestStatus.CANCELLED}, now=uow.clock.now()
    )
    await uow.audit.record(
        actor,
        action="worker_loan_request.cancel",
        target_type="worker_loan_request",
        target_id=req.id,
        org_id=req.org_id,
        changes={"status": {"from": "open", "to": "cancelled"}},
    )
    view = await _view(uow, actor, updated)
    await uow.commit()
    return view
