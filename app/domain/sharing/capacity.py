"""Use cases of capacity notices, park sites and suggestions of firms for a share request.
Each authorises the actor, applies the rules and commits once (writes) before returning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import (
    is_contact,
    is_coordinator,
    is_poster,
    load_request,
    own_enterprise,
)
from app.domain.sharing.capacity_model import (
    COORD_MAX,
    PERIOD_MAX_DAYS,
    Candidate,
    CapacityNotice,
    NoticeStatus,
    Site,
    Suggestion,
    rank,
    same_process,
)
from app.domain.sharing.model import check_quantity
from app.domain.sharing.requests import _root, _text, acting_enterprise, eligible_receiver

NOTICES_SCANNED_MAX = 500


@dataclass(frozen=True)
class NewCapacityNotice:
    process: str
    unit: str
    quantity_per_week: int
    available_from: dt.date
    available_to: dt.date
    enterprise_id: int | None = None  # default: the contact's own enterprise
    note: str | None = None


def _notice_snapshot(n: CapacityNotice) -> dict[str, Any]:
    return {
        "enterprise_id": n.enterprise_id,
        "org_id": n.org_id,
        "process": n.process,
        "unit": n.unit,
        "quantity_per_week": n.quantity_per_week,
        "available_from": n.available_from.isoformat(),
        "available_to": n.available_to.isoformat(),
        "status": n.status.value,
    }


async def create_notice(
    uow: UnitOfWork, actor: Principal, *, new: NewCapacityNotice
) -> CapacityNotice:
    """Advertise idle capacity: a process, a quantity per week, a period (not all past)."""
    actor.require(Scope.SHARING_WRITE)
    ent = await acting_enterprise(uow, actor, new.enterprise_id)
    fields: dict[str, Any] = {
        "enterprise_id": ent.id,
        "org_id": ent.org_id,
        "process": _text(new.process, pointer="/process", required=True, limit=64),
        "unit": _text(new.unit, pointer="/unit", required=True, limit=16),
        "quantity_per_week": check_quantity(new.quantity_per_week, pointer="/quantity_per_week"),
        "available_from": new.available_from,
        "available_to": new.available_to,
        "note": _text(new.note, pointer="/note", required=False, limit=500),
        "status": NoticeStatus.ACTIVE,
    }
    if new.available_to < new.available_from:
        raise RuleViolation(
            "capacity.period_reversed",
            fields=[FieldError("capacity.period_reversed", pointer="/available_to")],
        )
    today = uow.clock.today()
    if new.available_to < today:
        raise RuleViolation(
            "capacity.period_past",
            params={"today": today.isoformat()},
            fields=[FieldError("capacity.period_past", pointer="/available_to")],
        )
    if (new.available_to - new.available_from).days + 1 > PERIOD_MAX_DAYS:
        raise RuleViolation(
            "capacity.period_too_long",
            params={"max": PERIOD_MAX_DAYS},
            fields=[FieldError("capacity.period_too_long", pointer="/available_to")],
        )
    notice = await uow.capacity.add(fields=fields, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="capacity_notice.create",
        target_type="capacity_notice",
        target_id=notice.id,
        org_id=notice.org_id,
        changes=_notice_snapshot(notice),
    )
    await uow.commit()
    return notice


async def _may_see_notice(uow: UnitOfWork, actor: Principal, n: CapacityNotice) -> bool:
    if not is_contact(actor):
        return actor.covers_path(n.org_path)
    if n.enterprise_id == actor.enterprise_id:
        return True
    ent = await own_enterprise(uow, actor)
    return ent is not None and ent.org_id == n.org_id and n.status is NoticeStatus.ACTIVE


async def load_notice(
    uow: UnitOfWork, actor: Principal, notice_id: int, *, lock: bool = False
) -> CapacityNotice:
    """The notice, if the actor may see it (staff over its park, firms of that park while it
    is active, its own firm); otherwise NotFound."""
    n = await uow.capacity.get(notice_id, lock=lock)
    if n is None or not await _may_see_notice(uow, actor, n):
        raise NotFound("capacity.notice_not_found", params={"id": notice_id})
    return n


async def get_notice(uow: UnitOfWork, actor: Principal, *, notice_id: int) -> CapacityNotice:
    """One capacity notice the actor may see."""
    actor.require(Scope.SHARING_READ)
    return await load_notice(uow, actor, notice_id)


async def withdraw_notice(uow: UnitOfWork, actor: Principal, *, notice_id: int) -> CapacityNotice:
    """Withdraw a notice (its firm or the park's coordinator); withdrawing again changes nothing."""
    actor.require(Scope.SHARING_WRITE)
    n = await load_notice(uow, actor, notice_id, lock=True)
    own = is_contact(actor) and actor.enterprise_id == n.enterprise_id
    coordinates = (
        not is_contact(actor)
        and actor.has(Scope.SHARING_COORDINATE)
        and actor.covers_path(n.org_path)
    )
    if not (own or coordinates):
        raise Forbidden("capacity.not_owner_or_coordinator", params={"id": n.id})
    if n.status is NoticeStatus.WITHDRAWN:
        return n
    updated = await uow.capacity.set_status(n.id, NoticeStatus.WITHDRAWN, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="capacity_notice.withdraw",
        target_type="capacity_notice",
        target_id=n.id,
        org_id=n.org_id,
        changes={"status": {"from": "active", "to": "withdrawn"}},
    )
    await uow.commit()
    return updated


async def list_notices(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    process: str | None,
    enterprise_id: int | None,
    active_on: dt.date | None,
    page: PageRequest,
) -> Page[CapacityNotice]:
    """Capacity notices under the subtree of ``org_id``, newest first; an enterprise contact
    gets its own and the active ones of its park."""
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
    return await uow.capacity.subtree(
        root_path,
        process=process.strip() if process else None,
        enterprise_id=enterprise_id,
        active_on=active_on,
        viewer=viewer,
        page=page,
    )


def _coordinate(value: int, pointer: str) -> int:
    if isinstance(value, bool) or not 0 <= value <= COORD_MAX:
        raise InvalidInput(
            "capacity.coordinate_out_of_range",
            params={"max": COORD_MAX},
            fields=[FieldError("capacity.coordinate_out_of_range", pointer=pointer)],
        )
    return value


async def put_site(
    uow: UnitOfWork,
    actor: Principal,
    *,
    enterprise_id: int,
    zone: str | None,
    x_m: int,
    y_m: int,
) -> Site:
    """Record where a firm sits in its park: a zone and plan coordinates in metres."""
    actor.require(Scope.SHARING_WRITE)
    ent = await acting_enterprise(uow, actor, enterprise_id, lock=True)
    zone_text = _text(zone, pointer="/zone", required=False, limit=32)
    x, y = _coordinate(x_m, "/x_m"), _coordinate(y_m, "/y_m")
    before = await uow.capacity.get_site(ent.id)
    if before is not None and (before.zone, before.x_m, before.y_m) == (zone_text, x, y):
        return before
    site = await uow.capacity.put_site(ent.id, zone=zone_text, x_m=x, y_m=y, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="capacity_site.set",
        target_type="enterprise",
        target_id=ent.id,
        org_id=ent.org_id,
        changes={
            "from": None
            if before is None
            else {"zone": before.zone, "x_m": before.x_m, "y_m": before.y_m},
            "to": {"zone": zone_text, "x_m": x, "y_m": y},
        },
    )
    await uow.commit()
    return site


async def get_site(uow: UnitOfWork, actor: Principal, *, enterprise_id: int) -> Site | None:
    """Where a firm sits in its park (None when not recorded)."""
    actor.require(Scope.SHARING_READ)
    ent = await acting_enterprise(uow, actor, enterprise_id)
    return await uow.capacity.get_site(ent.id)


async def suggest(uow: UnitOfWork, actor: Principal, *, request_id: int) -> list[Suggestion]:
    """Firms of the request's park with free capacity for its process and unit between today
    and the deadline, nearest first among those that can take what remains, each explained
    (for the poster and the park's coordinator)."""
    actor.require(Scope.SHARING_READ)
    req = await load_request(uow, actor, request_id)
    if not (is_poster(actor, req) or is_coordinator(actor, req)):
        raise Forbidden("share.not_poster_or_coordinator", params={"id": req.id})
    today = uow.clock.today()
    if req.deadline < today:
        return []
    notices = [
        n
        for n in await uow.capacity.active_in_window(
            req.org_id, start=today, end=req.deadline, limit=NOTICES_SCANNED_MAX
        )
        if same_process(n.process, req.process) and n.unit == req.unit
    ]
    by_firm: dict[int, list[CapacityNotice]] = {}
    for n in notices:
        by_firm.setdefault(n.enterprise_id, []).append(n)
    firms = await uow.enterprises.get_many(list(by_firm))
    eligible = [f for f in firms.values() if await eligible_receiver(uow, req, f)]
    ids = [f.id for f in eligible]
    outstanding = await uow.capacity.outstanding(ids, process=req.process, due_from=today)
    sites = await uow.capacity.sites([*ids, req.enterprise_id])
    offered: dict[int, int] = {}
    for o in await uow.sharing.offers_of(req.id):
        offered[o.enterprise_id] = offered.get(o.enterprise_id, 0) + o.quantity
    candidates = [
        Candidate(
            enterprise_id=f.id,
            name=f.name,
            notices=by_firm[f.id],
            site=sites.get(f.id),
            outstanding=outstanding.get(f.id, 0),
            offered=offered.get(f.id, 0),
        )
        for f in eligible
    ]
    return rank(req, candidates, requester_site=sites.get(req.enterprise_id), today=today)
