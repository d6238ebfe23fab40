"""Use cases of share requests and offers: post, publish, cancel, read, offer capacity.
Each authorises the actor, applies the rules and commits once before returning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.model import Enterprise
from app.domain.enterprises.service import load_enterprise, require_active
from app.domain.errors import FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.orgs.model import Org
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import (
    is_contact,
    load_request,
    own_enterprise,
    require_poster_or_coordinator,
    sees_everything,
)
from app.domain.sharing.model import (
    TAKING,
    Offer,
    RequestStatus,
    ShareRequest,
    Visibility,
    check_not_past,
    check_quantity,
    format_fen,
    parse_price,
)

INVITEES_MAX = 50


@dataclass(frozen=True)
class NewShareRequest:
    process: str
    unit: str
    quantity: int
    unit_price: str
    quality_standard: str
    deadline: dt.date
    enterprise_id: int | None = None  # default: the contact's own enterprise
    product: str | None = None
    kept_quantity: int = 0
    visibility: Visibility = Visibility.PARK
    invited_enterprise_ids: tuple[int, ...] = ()
    note: str | None = None
    publish: bool = True


@dataclass(frozen=True)
class NewOffer:
    quantity: int
    available_on: dt.date
    enterprise_id: int | None = None  # default: the contact's own enterprise
    unit_price: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RequestView:
    request: ShareRequest
    invitees: list[int]  # shown to the poster and park staff only


def _text(value: str | None, *, pointer: str, required: bool, limit: int) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise InvalidInput(
                "share.value_required", fields=[FieldError("share.value_required", pointer=pointer)]
            )
        return None
    if len(cleaned) > limit:
        raise InvalidInput(
            "share.value_too_long",
            params={"max": limit},
            fields=[FieldError("share.value_too_long", pointer=pointer, params={"max": limit})],
        )
    return cleaned


async def acting_enterprise(
    uow: UnitOfWork, actor: Principal, enterprise_id: int | None, *, lock: bool = False
) -> Enterprise:
    """The enterprise the actor acts for: a contact only for their own, staff for one in
    their subtree (named explicitly)."""
    pointer = "/enterprise_id"
    if enterprise_id is None:
        if not is_contact(actor) or actor.enterprise_id is None:
            raise InvalidInput(
                "share.enterprise_required",
                fields=[FieldError("share.enterprise_required", pointer=pointer)],
            )
        enterprise_id = actor.enterprise_id
    if is_contact(actor) and enterprise_id == actor.enterprise_id:
        # The token's enterprise was checked when the account was made; the contact may be
        # anchored at the branch covering it rather than above it.
        own = await uow.enterprises.get(enterprise_id, lock=lock)
        if own is None:
            raise NotFound(
                "enterprise.not_found",
                params={"id": enterprise_id},
                fields=[FieldError("enterprise.not_found", pointer=pointer)],
            )
        ent = own
    else:
        ent = await load_enterprise(uow, actor, enterprise_id, lock=lock, pointer=pointer)
    require_active(ent)
    return ent


def snapshot(req: ShareRequest) -> dict[str, Any]:
    return {
        "enterprise_id": req.enterprise_id,
        "org_id": req.org_id,
        "process": req.process,
        "product": req.product,
        "unit": req.unit,
        "quantity": req.quantity,
        "kept_quantity": req.kept_quantity,
        "unit_price": format_fen(req.unit_price_fen),
        "quality_standard": req.quality_standard,
        "deadline": req.deadline.isoformat(),
        "visibility": req.visibility.value,
        "status": req.status.value,
    }


async def _check_invitees(
    uow: UnitOfWork, requester: Enterprise, new: NewShareRequest
) -> list[int]:
    ids = list(dict.fromkeys(new.invited_enterprise_ids))
    if new.visibility is Visibility.PARK:
        if ids:
            raise InvalidInput(
                "share.invitees_not_applicable",
                fields=[
                    FieldError("share.invitees_not_applicable", pointer="/invited_enterprise_ids")
                ],
            )
        return []
    if not ids or len(ids) > INVITEES_MAX:
        raise InvalidInput(
            "share.invitees_required",
            params={"max": INVITEES_MAX},
            fields=[FieldError("share.invitees_required", pointer="/invited_enterprise_ids")],
        )
    found = await uow.enterprises.get_many(ids)
    for i, ent_id in enumerate(ids):
        ent = found.get(ent_id)
        if (
            ent is None
            or ent.id == requester.id
            or ent.org_id != requester.org_id
            or ent.status != "active"
        ):
            raise RuleViolation(
                "share.invitee_not_in_park",
                params={"id": ent_id},
                fields=[
                    FieldError("share.invitee_not_in_park", pointer=f"/invited_enterprise_ids/{i}")
                ],
            )
    return ids


async def create_request(uow: UnitOfWork, actor: Principal, *, new: NewShareRequest) -> RequestView:
    """Post work for other firms of the park (二次发单), published at once or kept as a draft."""
    actor.require(Scope.SHARING_WRITE)
    requester = await acting_enterprise(uow, actor, new.enterprise_id, lock=True)
    fields: dict[str, Any] = {
        "enterprise_id": requester.id,
        "org_id": requester.org_id,
        "process": _text(new.process, pointer="/process", required=True, limit=64),
        "product": _text(new.product, pointer="/product", required=False, limit=200),
        "unit": _text(new.unit, pointer="/unit", required=True, limit=16),
        "quantity": check_quantity(new.quantity, pointer="/quantity"),
        "kept_quantity": check_quantity(
            new.kept_quantity, pointer="/kept_quantity", allow_zero=True
        ),
        "unit_price_fen": parse_price(new.unit_price, pointer="/unit_price"),
        "quality_standard": _text(
            new.quality_standard, pointer="/quality_standard", required=True, limit=500
        ),
        "deadline": new.deadline,
        "visibility": new.visibility,
        "status": RequestStatus.OPEN if new.publish else RequestStatus.DRAFT,
        "note": _text(new.note, pointer="/note", required=False, limit=500),
        "fulfilled_on": None,
    }
    check_not_past(new.deadline, uow.clock.today(), pointer="/deadline", code="share.deadline_past")
    invitees = await _check_invitees(uow, requester, new)
    req = await uow.sharing.add_request(fields=fields, invitees=invitees, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="share_request.create",
        target_type="share_request",
        target_id=req.id,
        org_id=req.org_id,
        changes={**snapshot(req), "invited_enterprise_ids": invitees},
    )
    await uow.commit()
    return RequestView(req, invitees)


async def _view(uow: UnitOfWork, actor: Principal, req: ShareRequest) -> RequestView:
    shown = sees_everything(actor, req) and req.visibility is Visibility.CHOSEN
    return RequestView(req, await uow.sharing.invitees(req.id) if shown else [])


async def get_request(uow: UnitOfWork, actor: Principal, *, request_id: int) -> RequestView:
    """One share request the actor may see."""
    actor.require(Scope.SHARING_READ)
    req = await load_request(uow, actor, request_id)
    return await _view(uow, actor, req)


async def _root(uow: UnitOfWork, actor: Principal, org_id: int) -> Org:
    try:
        return await load_org(uow, actor, org_id)
    except NotFound:
        raise NotFound(
            "org.not_found",
            params={"id": org_id},
            fields=[FieldError("org.not_found", parameter="org_id")],
        ) from None


async def list_requests(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    status: RequestStatus | None,
    enterprise_id: int | None,
    page: PageRequest,
) -> Page[ShareRequest]:
    """Share requests posted under the subtree of ``org_id``, newest first; an enterprise
    contact gets those their enterprise may see (default root: its park)."""
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
    return await uow.sharing.subtree(
        root_path,
        status=status.value if status else None,
        enterprise_id=enterprise_id,
        viewer=viewer,
        page=page,
    )


async def _transition(
    uow: UnitOfWork,
    actor: Principal,
    *,
    request_id: int,
    allowed: frozenset[RequestStatus],
    to: RequestStatus,
    refused: str,
    action: str,
) -> RequestView:
    actor.require(Scope.SHARING_WRITE)
    req = await load_request(uow, actor, request_id, lock=True)
    require_poster_or_coordinator(actor, req)
    if req.status not in allowed or (to is RequestStatus.CANCELLED and req.allocated_quantity):
        raise RuleViolation(refused, params={"id": req.id, "status": req.status.value})
    if to is RequestStatus.OPEN:
        check_not_past(req.deadline, uow.clock.today(), pointer="", code="share.deadline_past")
    updated = await uow.sharing.update_request(req.id, changes={"status": to}, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action=action,
        target_type="share_request",
        target_id=req.id,
        org_id=req.org_id,
        changes={"status": {"from": req.status.value, "to": to.value}},
    )
    view = await _view(uow, actor, updated)
    await uow.commit()
    return view


async def publish_request(uow: UnitOfWork, actor: Principal, *, request_id: int) -> RequestView:
    """Open a draft to offers (its deadline must not have passed)."""
    return await _transition(
        uow,
        actor,
        request_id=request_id,
        allowed=frozenset({RequestStatus.DRAFT}),
        to=RequestStatus.OPEN,
        refused="share.request_not_draft",
        action="share_request.publish",
    )


async def cancel_request(uow: UnitOfWork, actor: Principal, *, request_id: int) -> RequestView:
    """Withdraw a draft or open request before anything was allocated."""
    return await _transition(
        uow,
        actor,
        request_id=request_id,
        allowed=frozenset({RequestStatus.DRAFT, RequestStatus.OPEN}),
        to=RequestStatus.CANCELLED,
        refused="share.request_not_cancellable",
        action="share_request.cancel",
    )


async def eligible_receiver(uow: UnitOfWork, req: ShareRequest, ent: Enterprise) -> bool:
    """A firm other than the requester, active, in the request's park, invited if chosen."""
    if ent.id == req.enterprise_id or ent.status != "active" or ent.org_id != req.org_id:
        return False
    if req.visibility is Visibility.CHOSEN:
        return await uow.sharing.is_invited(req.id, ent.id)
    return True


async def make_offer(uow: UnitOfWork, actor: Principal, *, request_id: int, new: NewOffer) -> Offer:
    """Offer capacity against an open request (never by the requesting firm itself)."""
    actor.require(Scope.SHARING_WRITE)
    req = await load_request(uow, actor, request_id, lock=True)
    offerer = await acting_enterprise(uow, actor, new.enterprise_id)
    if offerer.id == req.enterprise_id:
        raise RuleViolation(
            "share.offer_by_requester",
            params={"id": req.id},
            fields=[FieldError("share.offer_by_requester", pointer="/enterprise_id")],
        )
    if req.status not in TAKING:
        raise RuleViolation(
            "share.request_not_taking", params={"id": req.id, "status": req.status.value}
        )
    if not await eligible_receiver(uow, req, offerer):
        raise RuleViolation(
            "share.enterprise_not_eligible",
            params={"id": offerer.id},
            fields=[FieldError("share.enterprise_not_eligible", pointer="/enterprise_id")],
        )
    quantity = check_quantity(new.quantity, pointer="/quantity")
    check_not_past(
        new.available_on, uow.clock.today(), pointer="/available_on", code="share.date_past"
    )
    price = (
        parse_price(new.unit_price, pointer="/unit_price") if new.unit_price is not None else None
    )
    offer = await uow.sharing.add_offer(
        fields={
            "request_id": req.id,
            "enterprise_id": offerer.id,
            "quantity": quantity,
            "available_on": new.available_on,
            "unit_price_fen": price,
            "note": _text(new.note, pointer="/note", required=False, limit=500),
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="share_offer.create",
        target_type="share_offer",
        target_id=offer.id,
        org_id=req.org_id,
        changes={
            "request_id": req.id,
            "enterprise_id": offerer.id,
            "quantity": quantity,
            "available_on": new.available_on.isoformat(),
            "unit_price": format_fen(price) if price is not None else None,
        },
    )
    await uow.commit()
    return offer


async def list_offers(uow: UnitOfWork, actor: Principal, *, request_id: int) -> list[Offer]:
    """Offers on a request: all of them for its poster and park staff, else the caller's own."""
    actor.require(Scope.SHARING_READ)
    req = await load_request(uow, actor, request_id)
    offers = await uow.sharing.offers_of(req.id)
    if sees_everything(actor, req):
        return offers
    return [o for o in offers if o.enterprise_id == actor.enterprise_id]
