"""Use cases of coordination cases: raised by a firm, a member or a branch; put on a joint
meeting's agenda of the same park; assigned; noted; closed with an outcome; counted per
category with time to close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import is_contact, own_enterprise
from app.domain.sharing.joint import BRANCH_KINDS, PARK_KINDS, load_meeting, load_park
from app.domain.sharing.joint_model import (
    Case,
    CaseCategory,
    CaseStatus,
    CategoryCount,
    RaisedBy,
    tally,
)
from app.domain.sharing.requests import _root, _text

STATS_DAYS_MAX = 3660


@dataclass(frozen=True)
class NewCase:
    category: CaseCategory
    title: str
    raised_by: RaisedBy = RaisedBy.ENTERPRISE
    park_id: int | None = None  # default for a contact: their firm's park
    description: str | None = None
    enterprise_id: int | None = None
    member_id: int | None = None
    branch_id: int | None = None
    opened_on: dt.date | None = None


def _snapshot(c: Case) -> dict[str, Any]:
    return {
        "park_id": c.park_id,
        "category": c.category.value,
        "title": c.title,
        "raised_by": c.raised_by.value,
        "raised_by_enterprise_id": c.raised_by_enterprise_id,
        "raised_by_member_id": c.raised_by_member_id,
        "raised_by_branch_id": c.raised_by_branch_id,
        "opened_on": c.opened_on.isoformat(),
        "status": c.status.value,
    }


async def raise_case(uow: UnitOfWork, actor: Principal, *, new: NewCase) -> Case:
    """Raise a problem with the park's joint mechanism. An enterprise contact raises for their
    own firm; staff record cases raised by a firm, a member or a branch of the park."""
    actor.require(Scope.SHARING_WRITE)
    today = uow.clock.today()
    opened = new.opened_on or today
    if opened > today:
        raise RuleViolation(
            "share.date_future",
            params={"date": opened.isoformat()},
            fields=[FieldError("share.date_future", pointer="/opened_on")],
        )
    title = _text(new.title, pointer="/title", required=True, limit=200)
    description = _text(new.description, pointer="/description", required=False, limit=2000)
    fields: dict[str, Any] = {"raised_by_member_id": None, "raised_by_branch_id": None}
    if is_contact(actor):
        ent = await own_enterprise(uow, actor)
        if (
            ent is None
            or new.raised_by is not RaisedBy.ENTERPRISE
            or (new.enterprise_id not in (None, ent.id))
        ):
            raise NotFound(
                "enterprise.not_found",
                params={"id": new.enterprise_id},
                fields=[FieldError("enterprise.not_found", pointer="/enterprise_id")],
            )
        if new.park_id not in (None, ent.org_id):
            raise NotFound(
                "org.not_found",
                params={"id": new.park_id},
                fields=[FieldError("org.not_found", pointer="/park_id")],
            )
        park = await uow.orgs.get(ent.org_id, lock=True)
        assert park is not None  # an enterprise's host org exists (foreign key)
        if park.kind not in PARK_KINDS:
            raise RuleViolation(
                "joint.not_a_park",
                params={"kind": park.kind.value},
                fields=[FieldError("joint.not_a_park", pointer="/park_id")],
            )
        fields["raised_by_enterprise_id"] = ent.id
    else:
        if new.park_id is None:
            raise InvalidInput(
                "case.park_required", fields=[FieldError("case.park_required", pointer="/park_id")]
            )
        park = await load_park(uow, actor, new.park_id)
        fields["raised_by_enterprise_id"] = None
        if new.raised_by is RaisedBy.ENTERPRISE:
            ent = (
                await uow.enterprises.get(new.enterprise_id)
                if new.enterprise_id is not None
                else None
            )
            if ent is None or not actor.covers_path(ent.org_path):
                raise NotFound(
                    "enterprise.not_found",
                    params={"id": new.enterprise_id},
                    fields=[FieldError("enterprise.not_found", pointer="/enterprise_id")],
                )
            if not ent.org_path.startswith(park.path):
                raise RuleViolation(
                    "joint.enterprise_not_in_park",
                    params={"id": ent.id},
                    fields=[FieldError("joint.enterprise_not_in_park", pointer="/enterprise_id")],
                )
            fields["raised_by_enterprise_id"] = ent.id
        elif new.raised_by is RaisedBy.MEMBER:
            member = await uow.members.get(new.member_id) if new.member_id is not None else None
            if member is None or not actor.covers_path(member.org_path):
                raise NotFound(
                    "member.not_found",
                    params={"id": new.member_id},
                    fields=[FieldError("member.not_found", pointer="/member_id")],
                )
            fields["raised_by_member_id"] = member.id
        else:
            if new.branch_id is None:
                raise InvalidInput(
                    "case.branch_required",
                    fields=[FieldError("case.branch_required", pointer="/branch_id")],
                )
            branch = await load_org(uow, actor, new.branch_id, pointer="/branch_id")
            if branch.kind not in BRANCH_KINDS or not branch.path.startswith(park.path):
                raise RuleViolation(
                    "joint.branch_not_in_park",
                    params={"id": branch.id},
                    fields=[FieldError("joint.branch_not_in_park", pointer="/branch_id")],
                )
            fields["raised_by_branch_id"] = branch.id
    case = await uow.joint.add_case(
        fields={
            **fields,
            "park_id": park.id,
            "category": new.category,
            "title": title,
            "description": description,
            "raised_by": new.raised_by,
            "opened_on": opened,
            "status": CaseStatus.OPEN,
            "meeting_id": None,
            "assignee": None,
            "outcome": None,
            "closed_on": None,
        },
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="case.create",
        target_type="case",
        target_id=case.id,
        org_id=park.id,
        changes=_snapshot(case),
    )
    await uow.commit()
    return case


def _may_see(actor: Principal, c: Case) -> bool:
    if is_contact(actor):
        return c.raised_by_enterprise_id is not None and (
            c.raised_by_enterprise_id == actor.enterprise_id
        )
    return actor.covers_path(c.park_path)


async def load_case(uow: UnitOfWork, actor: Principal, case_id: int, *, lock: bool = False) -> Case:
    c = await uow.joint.get_case(case_id, lock=lock)
    if c is None or not _may_see(actor, c):
        raise NotFound("case.not_found", params={"id": case_id})
    return c


def _coordinates(actor: Principal, c: Case) -> None:
    if is_contact(actor) or not actor.has(Scope.SHARING_COORDINATE):
        raise Forbidden("auth.scope_missing", params={"scope": Scope.SHARING_COORDINATE.value})


def _open(c: Case) -> None:
    if c.status is CaseStatus.CLOSED:
        raise RuleViolation("case.closed", params={"id": c.id})


async def get_case(uow: UnitOfWork, actor: Principal, *, case_id: int) -> Case:
    """One case with its notes (staff over its park; the firm that raised it)."""
    actor.require(Scope.SHARING_READ)
    return await load_case(uow, actor, case_id)


async def _update(
    uow: UnitOfWork, actor: Principal, c: Case, *, changes: dict[str, Any], action: str
) -> Case:
    updated = await uow.joint.update_case(c.id, changes=changes, now=uow.clock.now())
    before, after = _snapshot(c), _snapshot(updated)
    diff: dict[str, Any] = {
        k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]
    }
    for k in ("meeting_id", "assignee", "outcome"):
        if k in changes:
            diff[k] = changes[k]
    await uow.audit.record(
        actor, action=action, target_type="case", target_id=c.id, org_id=c.park_id, changes=diff
    )
    await uow.commit()
    return updated


async def put_on_agenda(
    uow: UnitOfWork, actor: Principal, *, case_id: int, meeting_id: int
) -> Case:
    """Put a case on a joint meeting's agenda (a meeting of the same park only)."""
    actor.require(Scope.SHARING_COORDINATE)
    c = await load_case(uow, actor, case_id, lock=True)
    _coordinates(actor, c)
    _open(c)
    meeting = await load_meeting(uow, actor, meeting_id, pointer="/meeting_id")
    if meeting.park_id != c.park_id:
        raise RuleViolation(
            "case.meeting_other_park",
            params={"meeting_id": meeting.id},
            fields=[FieldError("case.meeting_other_park", pointer="/meeting_id")],
        )
    status = CaseStatus.ON_AGENDA if c.status is CaseStatus.OPEN else c.status
    return await _update(
        uow, actor, c, changes={"meeting_id": meeting.id, "status": status}, action="case.agenda"
    )


async def assign_case(uow: UnitOfWork, actor: Principal, *, case_id: int, assignee: str) -> Case:
    """Give the case to someone to follow up."""
    actor.require(Scope.SHARING_COORDINATE)
    c = await load_case(uow, actor, case_id, lock=True)
    _coordinates(actor, c)
    _open(c)
    who = _text(assignee, pointer="/assignee", required=True, limit=100)
    return await _update(
        uow,
        actor,
        c,
        changes={"assignee": who, "status": CaseStatus.ASSIGNED},
        action="case.assign",
    )


async def add_note(uow: UnitOfWork, actor: Principal, *, case_id: int, text: str) -> Case:
    """A note on the case's progress (staff over its park, or the firm that raised it)."""
    actor.require(Scope.SHARING_WRITE)
    c = await load_case(uow, actor, case_id, lock=True)
    _open(c)
    body = _text(text, pointer="/text", required=True, limit=2000)
    assert body is not None
    await uow.joint.add_note(c.id, text=body, author=actor.subject[:100], now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="case.note",
        target_type="case",
        target_id=c.id,
        org_id=c.park_id,
        changes={"text": body},
    )
    updated = await uow.joint.get_case(c.id)
    assert updated is not None
    await uow.commit()
    return updated


async def close_case(
    uow: UnitOfWork, actor: Principal, *, case_id: int, outcome: str, closed_on: dt.date | None
) -> Case:
    """Close a case with its outcome (dated between its opening and today)."""
    actor.require(Scope.SHARING_COORDINATE)
    c = await load_case(uow, actor, case_id, lock=True)
    _coordinates(actor, c)
    _open(c)
    result = _text(outcome, pointer="/outcome", required=True, limit=2000)
    day = closed_on or uow.clock.today()
    if day < c.opened_on or day > uow.clock.today():
        raise RuleViolation(
            "case.closed_on_invalid",
            params={"opened_on": c.opened_on.isoformat()},
            fields=[FieldError("case.closed_on_invalid", pointer="/closed_on")],
        )
    return await _update(
        uow,
        actor,
        c,
        changes={"outcome": result, "closed_on": day, "status": CaseStatus.CLOSED},
        action="case.close",
    )


async def list_cases(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    category: CaseCategory | None,
    status: CaseStatus | None,
    page: PageRequest,
) -> Page[Case]:
    """Cases of the parks under ``org_id`` (default: your anchor), newest first; an enterprise
    contact gets its own firm's."""
    actor.require(Scope.SHARING_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    firm: int | None = None
    if is_contact(actor):
        ent = await own_enterprise(uow, actor)
        if ent is None:
            return Page([], None)
        firm = ent.id
        path = ent.org_path if org_id is None else (await _root(uow, actor, org_id)).path
    else:
        root_id = org_id if org_id is not None else actor.org_id
        if root_id is None:
            raise InvalidInput("org.root_required")
        path = (await _root(uow, actor, root_id)).path
    return await uow.joint.cases(
        path,
        category=category.value if category else None,
        status=status.value if status else None,
        enterprise_id=firm,
        page=page,
    )


async def case_stats(
    uow: UnitOfWork, actor: Principal, *, org_id: int | None, start: dt.date, end: dt.date
) -> list[CategoryCount]:
    """Per category: cases opened in [start, end] under ``org_id``, how many closed, and the
    median and mean days they took (staff only)."""
    actor.require(Scope.SHARING_READ)
    if is_contact(actor):
        raise Forbidden("case.stats_staff_only")
    if end < start or (end - start).days > STATS_DAYS_MAX:
        raise InvalidInput(
            "case.period_invalid",
            params={"max": STATS_DAYS_MAX},
            fields=[FieldError("case.period_invalid", parameter="to")],
        )
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await _root(uow, actor, root_id)
    return tally(await uow.joint.case_dates(root.path, start=start, end=end))
