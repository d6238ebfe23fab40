"""Use cases of allocations: allocate part of a request, accept it, record delivered batches
with their quality check, settle. Each authorises the actor, applies the rules and commits once.

The allocated total of a request is raised by one conditional UPDATE on the request row, which
the use case has also locked (``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), and a CHECK constraint keeps it within the quantity: two allocations arriving at once
can never over-commit a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, Forbidden, NotFound, RuleViolation
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import (
    is_contact,
    load_allocation,
    load_request,
    require_poster_or_coordinator,
    sees_everything,
)
from app.domain.sharing.model import (
    TAKING,
    Allocation,
    AllocationStatus,
    AllocationView,
    Quality,
    RequestStatus,
    ShareRequest,
    check_not_past,
    check_quantity,
    format_fen,
    parse_price,
    settlement_fen,
    status_after_allocation,
)
from app.domain.sharing.requests import eligible_receiver


@dataclass(frozen=True)
class NewAllocation:
    quantity: int
    enterprise_id: int | None = None  # the receiving firm; default: the offer's
    offer_id: int | None = None
    unit_price: str | None = None  # default: the offer's price, else the request's
    due_on: dt.date | None = None  # default: the request's deadline


@dataclass(frozen=True)
class NewDelivery:
    quantity: int
    delivered_on: dt.date
    quality: Quality
    note: str | None = None


def _exceeds(req: ShareRequest, quantity: int) -> RuleViolation:
    return RuleViolation(
        "share.allocation_exceeds_remaining",
        params={"quantity": quantity, "remaining": req.remaining_quantity},
        fields=[FieldError("share.allocation_exceeds_remaining", pointer="/quantity")],
        extra={"remaining_quantity": req.remaining_quantity},
    )


async def allocate(
    uow: UnitOfWork, actor: Principal, *, request_id: int, new: NewAllocation
) -> AllocationView:
    """Give part of a request to a firm (the poster or the park's coordinator)."""
    actor.require(Scope.SHARING_WRITE)
    req = await load_request(uow, actor, request_id, lock=True)
    require_poster_or_coordinator(actor, req)
    quantity = check_quantity(new.quantity, pointer="/quantity")
    if req.status not in TAKING:
        raise RuleViolation(
            "share.request_not_taking", params={"id": req.id, "status": req.status.value}
        )
    offer = None
    if new.offer_id is not None:
        offer = await uow.sharing.get_offer(new.offer_id)
        if offer is None or offer.request_id != req.id:
            raise NotFound(
                "share.offer_not_found",
                params={"id": new.offer_id},
                fields=[FieldError("share.offer_not_found", pointer="/offer_id")],
            )
        if new.enterprise_id is not None and new.enterprise_id != offer.enterprise_id:
            raise RuleViolation(
                "share.offer_of_other_enterprise",
                fields=[FieldError("share.offer_of_other_enterprise", pointer="/enterprise_id")],
            )
    receiver_id = (
        new.enterprise_id
        if new.enterprise_id is not None
        else (offer.enterprise_id if offer else None)
    )
    if receiver_id is None:
        raise RuleViolation(
            "share.enterprise_required",
            fields=[FieldError("share.enterprise_required", pointer="/enterprise_id")],
        )
    receiver = await uow.enterprises.get(receiver_id)
    if receiver is None or not (
        actor.covers_path(receiver.org_path) or receiver.org_id == req.org_id
    ):
        raise NotFound(
            "enterprise.not_found",
            params={"id": receiver_id},
            fields=[FieldError("enterprise.not_found", pointer="/enterprise_id")],
        )
    if receiver.id == req.enterprise_id:
        raise RuleViolation(
            "share.allocation_to_requester",
            fields=[FieldError("share.allocation_to_requester", pointer="/enterprise_id")],
        )
    if not await eligible_receiver(uow, req, receiver):
        raise RuleViolation(
            "share.enterprise_not_eligible",
            params={"id": receiver.id},
            fields=[FieldError("share.enterprise_not_eligible", pointer="/enterprise_id")],
        )
    if new.unit_price is not None:
        price = parse_price(new.unit_price, pointer="/unit_price")
    elif offer is not None and offer.unit_price_fen is not None:
        price = offer.unit_price_fen
    else:
        price = req.unit_price_fen
    due_on = new.due_on or req.deadline
    check_not_past(due_on, uow.clock.today(), pointer="/due_on", code="share.date_past")
    if due_on > req.deadline:
        raise RuleViolation(
            "share.due_after_deadline",
            params={"deadline": req.deadline.isoformat()},
            fields=[FieldError("share.due_after_deadline", pointer="/due_on")],
        )
    if quantity > req.remaining_quantity:
        raise _exceeds(req, quantity)
    now = uow.clock.now()
    if not await uow.sharing.reserve(req.id, quantity, now=now):
        # Unreachable while the row lock holds; the conditional UPDATE is the last word.
        fresh = await uow.sharing.get_request(req.id)
        raise _exceeds(fresh or req, quantity)
    status = status_after_allocation(req)
    if status is not req.status:
        await uow.sharing.update_request(req.id, changes={"status": status}, now=now)
    allocation = await uow.sharing.add_allocation(
        fields={
            "request_id": req.id,
            "enterprise_id": receiver.id,
            "offer_id": offer.id if offer else None,
            "quantity": quantity,
            "unit_price_fen": price,
            "due_on": due_on,
            "status": AllocationStatus.PROPOSED,
        },
        now=now,
    )
    await uow.audit.record(
        actor,
        action="share_allocation.create",
        target_type="share_allocation",
        target_id=allocation.id,
        org_id=req.org_id,
        changes={
            "request_id": req.id,
            "enterprise_id": receiver.id,
            "offer_id": allocation.offer_id,
            "quantity": quantity,
            "unit_price": format_fen(price),
            "due_on": due_on.isoformat(),
            "request_allocated": {
                "from": req.allocated_quantity,
                "to": req.allocated_quantity + quantity,
            },
        },
    )
    updated = await uow.sharing.get_request(req.id)
    assert updated is not None
    await uow.commit()
    return AllocationView(allocation, updated, [])


async def _view(uow: UnitOfWork, allocation: Allocation) -> AllocationView:
    req = await uow.sharing.get_request(allocation.request_id)
    assert req is not None
    deliveries = await uow.sharing.deliveries_of([allocation.id])
    return AllocationView(allocation, req, deliveries[allocation.id])


async def accept_allocation(
    uow: UnitOfWork, actor: Principal, *, allocation_id: int
) -> AllocationView:
    """The receiving firm takes the allocation on (only that firm's contact may)."""
    actor.require(Scope.SHARING_WRITE)
    allocation, req = await load_allocation(uow, actor, allocation_id, lock=True)
    if not (is_contact(actor) and actor.enterprise_id == allocation.enterprise_id):
        raise Forbidden("share.not_receiver", params={"id": allocation.id})
    if allocation.status is not AllocationStatus.PROPOSED:
        raise RuleViolation(
            "share.allocation_not_proposed",
            params={"id": allocation.id, "status": allocation.status.value},
        )
    now = uow.clock.now()
    updated = await uow.sharing.update_allocation(
        allocation.id, changes={"status": AllocationStatus.ACCEPTED, "accepted_at": now}, now=now
    )
    changes: dict[str, object] = {"status": {"from": "proposed", "to": "accepted"}}
    if req.status is RequestStatus.ALLOCATED:
        await uow.sharing.update_request(
            req.id, changes={"status": RequestStatus.IN_PRODUCTION}, now=now
        )
        changes["request_status"] = {"from": req.status.value, "to": "in_production"}
    await uow.audit.record(
        actor,
        action="share_allocation.accept",
        target_type="share_allocation",
        target_id=allocation.id,
        org_id=req.org_id,
        changes=changes,
    )
    view = await _view(uow, updated)
    await uow.commit()
    return view


async def record_delivery(
    uow: UnitOfWork, actor: Principal, *, allocation_id: int, new: NewDelivery
) -> AllocationView:
    """Record a delivered batch and its quality check (the poster, who receives the goods, or
    the coordinator). Passed batches count; a failed batch is to be redone."""
    actor.require(Scope.SHARING_WRITE)
    allocation, req = await load_allocation(uow, actor, allocation_id, lock=True)
    require_poster_or_coordinator(actor, req)
    quantity = check_quantity(new.quantity, pointer="/quantity")
    if new.delivered_on > uow.clock.today():
        raise RuleViolation(
            "share.date_future",
            params={"date": new.delivered_on.isoformat()},
            fields=[FieldError("share.date_future", pointer="/delivered_on")],
        )
    if allocation.status is not AllocationStatus.ACCEPTED:
        raise RuleViolation(
            "share.allocation_not_accepted",
            params={"id": allocation.id, "status": allocation.status.value},
        )
    if quantity > allocation.outstanding_quantity:
        raise RuleViolation(
            "share.delivery_exceeds_allocation",
            params={"quantity": quantity, "outstanding": allocation.outstanding_quantity},
            fields=[FieldError("share.delivery_exceeds_allocation", pointer="/quantity")],
            extra={"outstanding_quantity": allocation.outstanding_quantity},
        )
    now = uow.clock.now()
    on_time = new.delivered_on <= allocation.due_on
    delivery = await uow.sharing.add_delivery(
        fields={
            "allocation_id": allocation.id,
            "quantity": quantity,
            "delivered_on": new.delivered_on,
            "quality": new.quality,
            "on_time": on_time,
            "note": (new.note or "").strip()[:500] or None,
        },
        now=now,
    )
    changes: dict[str, object] = {
        "delivery_id": delivery.id,
        "quantity": quantity,
        "delivered_on": new.delivered_on.isoformat(),
        "quality": new.quality.value,
        "on_time": on_time,
    }
    if new.quality is Quality.PASSED:
        passed = allocation.passed_quantity + quantity
        alloc_changes: dict[str, object] = {"passed_quantity": passed}
        if passed == allocation.quantity:
            alloc_changes["status"] = AllocationStatus.DELIVERED
            changes["status"] = {"from": "accepted", "to": "delivered"}
        await uow.sharing.update_allocation(allocation.id, changes=alloc_changes, now=now)
        accepted = req.accepted_quantity + quantity
        req_changes: dict[str, object] = {"accepted_quantity": accepted}
        if accepted == req.quantity:
            req_changes.update(status=RequestStatus.DELIVERED, fulfilled_on=new.delivered_on)
            changes["request_status"] = {"from": req.status.value, "to": "delivered"}
        await uow.sharing.update_request(req.id, changes=req_changes, now=now)
    else:
        await uow.sharing.update_allocation(
            allocation.id,
            changes={"failed_quantity": allocation.failed_quantity + quantity},
            now=now,
        )
    await uow.audit.record(
        actor,
        action="share_delivery.create",
        target_type="share_allocation",
        target_id=allocation.id,
        org_id=req.org_id,
        changes=changes,
    )
    fresh = await uow.sharing.get_allocation(allocation.id)
    assert fresh is not None
    view = await _view(uow, fresh)
    await uow.commit()
    return view


async def settle_allocation(
    uow: UnitOfWork, actor: Principal, *, allocation_id: int
) -> AllocationView:
    """Settle a fully delivered allocation: passed quantity × unit price, in fen. The request
    closes when it is delivered and every allocation is settled."""
    actor.require(Scope.SHARING_WRITE)
    allocation, req = await load_allocation(uow, actor, allocation_id, lock=True)
    require_poster_or_coordinator(actor, req)
    if allocation.status is not AllocationStatus.DELIVERED:
        raise RuleViolation(
            "share.allocation_not_delivered",
            params={"id": allocation.id, "status": allocation.status.value},
        )
    now = uow.clock.now()
    amount = settlement_fen(allocation)
    updated = await uow.sharing.update_allocation(
        allocation.id,
        changes={
            "status": AllocationStatus.SETTLED,
            "settled_amount_fen": amount,
            "settled_at": now,
        },
        now=now,
    )
    changes: dict[str, object] = {
        "status": {"from": "delivered", "to": "settled"},
        "amount": format_fen(amount),
        "passed_quantity": allocation.passed_quantity,
        "unit_price": format_fen(allocation.unit_price_fen),
    }
    if req.status is RequestStatus.DELIVERED:
        others = await uow.sharing.allocations_of(req.id)
        if all(a.status is AllocationStatus.SETTLED for a in others):
            await uow.sharing.update_request(
                req.id, changes={"status": RequestStatus.CLOSED}, now=now
            )
            changes["request_status"] = {"from": "delivered", "to": "closed"}
    await uow.audit.record(
        actor,
        action="share_allocation.settle",
        target_type="share_allocation",
        target_id=allocation.id,
        org_id=req.org_id,
        changes=changes,
    )
    view = await _view(uow, updated)
    await uow.commit()
    return view


async def get_allocation(
    uow: UnitOfWork, actor: Principal, *, allocation_id: int
) -> AllocationView:
    """One allocation with its deliveries (park staff, the poster or the receiving firm)."""
    actor.require(Scope.SHARING_READ)
    allocation, _ = await load_allocation(uow, actor, allocation_id)
    return await _view(uow, allocation)


async def list_allocations(
    uow: UnitOfWork, actor: Principal, *, request_id: int
) -> list[AllocationView]:
    """Allocations of a request with their deliveries: all for its poster and park staff,
    else those made to the caller's enterprise."""
    actor.require(Scope.SHARING_READ)
    req = await load_request(uow, actor, request_id)
    allocations = await uow.sharing.allocations_of(req.id)
    if not sees_everything(actor, req):
        allocations = [a for a in allocations if a.enterprise_id == actor.enterprise_id]
    deliveries = await uow.sharing.deliveries_of([a.id for a in allocations])
    return [AllocationView(a, req, deliveries[a.id]) for a in allocations]
