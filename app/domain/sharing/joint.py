"""Use cases of the joint mechanism (双联): conference memberships of a park, the chair rota of
the monthly joint meeting (skips and swaps with reasons), and the meetings themselves. Park
staff with ``sharing:coordinate`` manage them within their subtree; ``sharing:read`` reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.orgs.model import Org, OrgKind
from app.domain.orgs.service import load_active_org_of_kind, load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.joint_model import (
    ROTA_CHAIRS_MAX,
    ROTA_HORIZON_MONTHS,
    SCHEDULE_MONTHS_MAX,
    ChairSlot,
    Meeting,
    Membership,
    MembershipKind,
    Rota,
    RotaChangeKind,
    month_index,
    month_of,
    parse_month,
    schedule,
)
from app.domain.sharing.requests import _root, _text

PARK_KINDS = frozenset({OrgKind.PARK})
BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})


async def load_park(
    uow: UnitOfWork, actor: Principal, park_id: int, *, pointer: str = "/park_id"
) -> Org:
    """An active park in the actor's subtree, locked while something is attached to it."""
    return await load_active_org_of_kind(
        uow,
        actor,
        park_id,
        kinds=PARK_KINDS,
        wrong_kind="joint.not_a_park",
        dissolved="joint.park_dissolved",
        pointer=pointer,
    )


def _in(path: str, root: str) -> bool:
    return path.startswith(root)


@dataclass(frozen=True)
class NewMembership:
    park_id: int
    kind: MembershipKind
    name: str
    branch_id: int | None = None
    enterprise_id: int | None = None
    joined_on: dt.date | None = None


async def add_membership(uow: UnitOfWork, actor: Principal, *, new: NewMembership) -> Membership:
    """Add a branch secretary to the joint conference or a firm to the enterprise association
    of a park."""
    actor.require(Scope.SHARING_COORDINATE)
    park = await load_park(uow, actor, new.park_id)
    name = _text(new.name, pointer="/name", required=True, limit=100)
    joined = new.joined_on or uow.clock.today()
    if new.kind is MembershipKind.SECRETARY:
        if new.branch_id is None or new.enterprise_id is not None:
            raise InvalidInput(
                "joint.secretary_needs_branch",
                fields=[FieldError("joint.secretary_needs_branch", pointer="/branch_id")],
            )
        branch = await load_org(uow, actor, new.branch_id, pointer="/branch_id")
        if branch.kind not in BRANCH_KINDS or not _in(branch.path, park.path):
            raise RuleViolation(
                "joint.branch_not_in_park",
                params={"id": branch.id},
                fields=[FieldError("joint.branch_not_in_park", pointer="/branch_id")],
            )
    else:
        if new.enterprise_id is None or new.branch_id is not None:
            raise InvalidInput(
                "joint.association_needs_enterprise",
                fields=[FieldError("joint.association_needs_enterprise", pointer="/enterprise_id")],
            )
        ent = await uow.enterprises.get(new.enterprise_id)
        if ent is None or not actor.covers_path(ent.org_path):
            raise NotFound(
                "enterprise.not_found",
                params={"id": new.enterprise_id},
                fields=[FieldError("enterprise.not_found", pointer="/enterprise_id")],
            )
        if not _in(ent.org_path, park.path):
            raise RuleViolation(
                "joint.enterprise_not_in_park",
                params={"id": ent.id},
                fields=[FieldError("joint.enterprise_not_in_park", pointer="/enterprise_id")],
            )
    m = await uow.joint.add_membership(
        fields={
            "park_id": park.id,
            "kind": new.kind,
            "name": name,
            "branch_id": new.branch_id,
            "enterprise_id": new.enterprise_id,
            "joined_on": joined,
            "left_on": None,
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="joint_membership.create",
        target_type="joint_membership",
        target_id=m.id,
        org_id=park.id,
        changes={
            "kind": m.kind.value,
            "name": m.name,
            "branch_id": m.branch_id,
            "enterprise_id": m.enterprise_id,
            "joined_on": joined.isoformat(),
        },
    )
    await uow.commit()
    return m


async def _membership(uow: UnitOfWork, actor: Principal, membership_id: int) -> Membership:
    m = await uow.joint.get_membership(membership_id)
    if m is None or not actor.covers_path(m.park_path):
        raise NotFound("joint.membership_not_found", params={"id": membership_id})
    return m


async def end_membership(
    uow: UnitOfWork, actor: Principal, *, membership_id: int, left_on: dt.date | None
) -> Membership:
    """Record that a member left the conference or association."""
    actor.require(Scope.SHARING_COORDINATE)
    m = await _membership(uow, actor, membership_id)
    await load_park(uow, actor, m.park_id)  # locks the park: memberships change one at a time
    left = left_on or uow.clock.today()
    if m.left_on is not None:
        raise RuleViolation("joint.membership_ended", params={"id": m.id})
    if left < m.joined_on:
        raise RuleViolation(
            "joint.left_before_joined",
            fields=[FieldError("joint.left_before_joined", pointer="/left_on")],
        )
    ended = await uow.joint.end_membership(m.id, left)
    await uow.audit.record(
        actor,
        action="joint_membership.end",
        target_type="joint_membership",
        target_id=m.id,
        org_id=m.park_id,
        changes={"left_on": left.isoformat()},
    )
    await uow.commit()
    return ended


async def list_memberships(
    uow: UnitOfWork, actor: Principal, *, park_id: int, active_on: dt.date | None
) -> list[Membership]:
    """The joint conference and association of a park (active on a date, or all)."""
    actor.require(Scope.SHARING_READ)
    park = await _root(uow, actor, park_id)
    return await uow.joint.memberships_of(park.id, active_on=active_on)


async def create_rota(
    uow: UnitOfWork, actor: Principal, *, park_id: int, start_month: str, chair_ids: list[int]
) -> Rota:
    """The chairs of the monthly joint meeting in rotation order from a month (e.g. the
    secretaries of the six larger firms' branches); a later rota takes over from its month."""
    actor.require(Scope.SHARING_COORDINATE)
    park = await load_park(uow, actor, park_id)
    parse_month(start_month, pointer="/start_month")
    ids = list(chair_ids)
    if not ids or len(ids) > ROTA_CHAIRS_MAX or len(set(ids)) != len(ids):
        raise InvalidInput(
            "joint.rota_chairs_invalid",
            params={"max": ROTA_CHAIRS_MAX},
            fields=[FieldError("joint.rota_chairs_invalid", pointer="/chair_ids")],
        )
    members = {m.id: m for m in await uow.joint.memberships_of(park.id, active_on=None)}
    for i, mid in enumerate(ids):
        m = members.get(mid)
        if m is None or m.kind is not MembershipKind.SECRETARY or m.left_on is not None:
            raise RuleViolation(
                "joint.chair_not_secretary",
                params={"id": mid},
                fields=[FieldError("joint.chair_not_secretary", pointer=f"/chair_ids/{i}")],
            )
    rota = await uow.joint.add_rota(
        fields={"park_id": park.id, "start_month": start_month.strip(), "chair_ids": ids},
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="joint_rota.create",
        target_type="joint_rota",
        target_id=rota.id,
        org_id=park.id,
        changes={"start_month": rota.start_month, "chair_ids": ids},
    )
    await uow.commit()
    return rota


async def _rota(uow: UnitOfWork, actor: Principal, rota_id: int, *, lock: bool = False) -> Rota:
    rota = await uow.joint.get_rota(rota_id, lock=lock)
    if rota is None or not actor.covers_path(rota.park_path):
        raise NotFound("joint.rota_not_found", params={"id": rota_id})
    return rota


async def change_rota(
    uow: UnitOfWork,
    actor: Principal,
    *,
    rota_id: int,
    kind: RotaChangeKind,
    month: str,
    other_month: str | None,
    reason: str,
) -> Rota:
    """Skip a month's chair (the next chairs; the rota shifts) or swap two months' chairs,
    always with a reason."""
    actor.require(Scope.SHARING_COORDINATE)
    rota = await _rota(uow, actor, rota_id, lock=True)
    why = _text(reason, pointer="/reason", required=True, limit=300)
    start = month_index(parse_month(rota.start_month, pointer="/month"))
    a = month_index(parse_month(month, pointer="/month"))
    if a < start or a >= start + ROTA_HORIZON_MONTHS:
        raise RuleViolation(
            "joint.month_before_rota",
            params={"start": rota.start_month},
            fields=[FieldError("joint.month_before_rota", pointer="/month")],
        )
    if kind is RotaChangeKind.SWAP:
        if other_month is None:
            raise InvalidInput(
                "joint.swap_needs_two_months",
                fields=[FieldError("joint.swap_needs_two_months", pointer="/other_month")],
            )
        b = month_index(parse_month(other_month, pointer="/other_month"))
        if b < start or b == a or b >= start + ROTA_HORIZON_MONTHS:
            raise RuleViolation(
                "joint.swap_needs_two_months",
                fields=[FieldError("joint.swap_needs_two_months", pointer="/other_month")],
            )
    elif other_month is not None:
        raise InvalidInput(
            "joint.other_month_not_applicable",
            fields=[FieldError("joint.other_month_not_applicable", pointer="/other_month")],
        )
    elif any(c.kind is RotaChangeKind.SKIP and c.month == month.strip() for c in rota.changes):
        raise RuleViolation("joint.month_already_skipped", params={"month": month})
    await uow.joint.add_rota_change(
        rota.id,
        fields={
            "kind": kind,
            "month": month.strip(),
            "other_month": other_month.strip() if other_month else None,
            "reason": why,
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action=f"joint_rota.{kind.value}",
        target_type="joint_rota",
        target_id=rota.id,
        org_id=rota.park_id,
        changes={"month": month, "other_month": other_month, "reason": why},
    )
    updated = await uow.joint.get_rota(rota.id)
    assert updated is not None
    await uow.commit()
    return updated


async def rota_schedule(
    uow: UnitOfWork, actor: Principal, *, rota_id: int, first: str | None, months: int
) -> tuple[Rota, list[ChairSlot]]:
    """Who chairs which month, from ``first`` (default: this month) for ``months`` months."""
    actor.require(Scope.SHARING_READ)
    rota = await _rota(uow, actor, rota_id)
    if not 1 <= months <= SCHEDULE_MONTHS_MAX:
        raise InvalidInput(
            "joint.months_out_of_range",
            params={"max": SCHEDULE_MONTHS_MAX},
            fields=[FieldError("joint.months_out_of_range", parameter="months")],
        )
    first_month = first or month_of(uow.clock.today())
    try:
        lo = month_index(parse_month(first_month, pointer=""))
    except InvalidInput:
        raise InvalidInput(
            "joint.month_invalid",
            params={"value": first_month[:20]},
            fields=[FieldError("joint.month_invalid", parameter="from_month")],
        ) from None
    if lo >= month_index(parse_month(rota.start_month, pointer="")) + ROTA_HORIZON_MONTHS:
        raise InvalidInput(
            "joint.months_out_of_range",
            params={"max": SCHEDULE_MONTHS_MAX},
            fields=[FieldError("joint.months_out_of_range", parameter="from_month")],
        )
    return rota, schedule(rota, first=first_month, months=months)


async def create_meeting(
    uow: UnitOfWork,
    actor: Principal,
    *,
    park_id: int,
    held_on: dt.date,
    title: str,
    notes: str | None,
    chair_membership_id: int | None,
) -> Meeting:
    """Record a monthly joint meeting (双联工作会议); its chair is the rota's for that month
    unless named."""
    actor.require(Scope.SHARING_COORDINATE)
    park = await load_park(uow, actor, park_id)
    name = _text(title, pointer="/title", required=True, limit=200)
    chair = chair_membership_id
    if chair is not None:
        m = await uow.joint.get_membership(chair)
        if m is None or m.park_id != park.id:
            raise RuleViolation(
                "joint.chair_not_member",
                params={"id": chair},
                fields=[FieldError("joint.chair_not_member", pointer="/chair_membership_id")],
            )
    else:
        month = month_of(held_on)
        rota = await uow.joint.rota_for_month(park.id, month)
        if rota is not None:
            slots = schedule(rota, first=month, months=1)
            chair = slots[0].membership_id if slots else None
    meeting = await uow.joint.add_meeting(
        fields={
            "park_id": park.id,
            "held_on": held_on,
            "title": name,
            "chair_membership_id": chair,
            "notes": _text(notes, pointer="/notes", required=False, limit=2000),
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="joint_meeting.create",
        target_type="joint_meeting",
        target_id=meeting.id,
        org_id=park.id,
        changes={"held_on": held_on.isoformat(), "title": name, "chair_membership_id": chair},
    )
    await uow.commit()
    return meeting


async def load_meeting(
    uow: UnitOfWork, actor: Principal, meeting_id: int, *, pointer: str | None = None
) -> Meeting:
    m = await uow.joint.get_meeting(meeting_id)
    if m is None or not actor.covers_path(m.park_path):
        fields = [FieldError("joint.meeting_not_found", pointer=pointer)] if pointer else None
        raise NotFound("joint.meeting_not_found", params={"id": meeting_id}, fields=fields)
    return m


async def get_meeting(uow: UnitOfWork, actor: Principal, *, meeting_id: int) -> Meeting:
    """One joint meeting."""
    actor.require(Scope.SHARING_READ)
    return await load_meeting(uow, actor, meeting_id)


async def list_meetings(
    uow: UnitOfWork, actor: Principal, *, org_id: int | None, page: PageRequest
) -> Page[Meeting]:
    """Joint meetings of the parks under ``org_id`` (default: your anchor), latest first."""
    actor.require(Scope.SHARING_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await _root(uow, actor, root_id)
    return await uow.joint.meetings(root.path, page=page)
