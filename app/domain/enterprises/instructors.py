"""Work coverage (工作覆盖): Party-building instructors (党建指导员) and their assignments to
enterprises that have no branch of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.coverage import coverage_diff, refresh_coverage
from app.domain.enterprises.model import Assignment, Instructor, current_coverage
from app.domain.enterprises.ports import NewInstructor
from app.domain.enterprises.service import is_contact, load_enterprise, require_active
from app.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from app.domain.orgs.model import OrgStatus
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


def _refuse_contacts(actor: Principal) -> None:
    # Contacts read their own enterprise (and its assignments), not the instructor roster.
    if is_contact(actor):
        raise Forbidden("enterprise.contact_restricted")


async def load_instructor(uow: UnitOfWork, actor: Principal, instructor_id: int) -> Instructor:
    """The instructor, if appointed by an org in the actor's subtree; otherwise NotFound."""
    inst = await uow.instructors.get(instructor_id)
    org = await uow.orgs.get(inst.org_id) if inst else None
    if inst is None or org is None or not actor.covers_path(org.path):
        raise NotFound("instructor.not_found", params={"id": instructor_id})
    return inst


async def create_instructor(uow: UnitOfWork, actor: Principal, *, new: NewInstructor) -> Instructor:
    """Register an instructor appointed by an organisation in the subtree."""
    actor.require(Scope.ENTERPRISES_WRITE)
    name = new.name.strip()
    if not name:
        raise InvalidInput(
            "instructor.name_required",
            fields=[FieldError("instructor.name_required", pointer="/name")],
        )
    org = await load_org(uow, actor, new.org_id, lock=True, pointer="/org_id")
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "instructor.org_dissolved",
            params={"id": org.id},
            fields=[FieldError("instructor.org_dissolved", pointer="/org_id")],
        )
    fields = {**asdict(new), "name": name, "active": True}
    inst = await uow.instructors.add(fields=fields, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="instructor.create",
        target_type="instructor",
        target_id=inst.id,
        org_id=org.id,
        changes={
            "name": inst.name,
            "level": inst.level.value,
            "full_time": inst.full_time,
            "org_id": inst.org_id,
        },
    )
    await uow.commit()
    return inst


async def get_instructor(uow: UnitOfWork, actor: Principal, *, instructor_id: int) -> Instructor:
    """One instructor appointed inside the actor's subtree."""
    actor.require(Scope.ENTERPRISES_READ)
    _refuse_contacts(actor)
    return await load_instructor(uow, actor, instructor_id)


async def list_instructors(
    uow: UnitOfWork, actor: Principal, *, org_id: int | None, page: PageRequest
) -> Page[Instructor]:
    """Instructors appointed by organisations in the subtree of ``org_id`` (default: anchor)."""
    actor.require(Scope.ENTERPRISES_READ)
    _refuse_contacts(actor)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    try:
        root = await load_org(uow, actor, root_id)
    except NotFound:
        raise NotFound(
            "org.not_found",
            params={"id": root_id},
            fields=[FieldError("org.not_found", parameter="org_id")],
        ) from None
    return await uow.instructors.subtree(root.path, page=page)


async def assign_instructor(
    uow: UnitOfWork,
    actor: Principal,
    *,
    instructor_id: int,
    enterprise_id: int,
    start_on: dt.date,
) -> Assignment:
    """Assign an instructor to an enterprise; without a covering branch it gains work coverage.
    One active assignment per instructor and enterprise."""
    actor.require(Scope.ENTERPRISES_WRITE)
    if start_on > uow.clock.today():
        raise InvalidInput(
            "assignment.start_on_future",
            fields=[FieldError("assignment.start_on_future", pointer="/start_on")],
        )
    inst = await load_instructor(uow, actor, instructor_id)
    if not inst.active:
        raise RuleViolation("instructor.inactive", params={"id": inst.id})
    # The enterprise row lock serialises assignments and coverage changes of one enterprise.
    ent = await load_enterprise(uow, actor, enterprise_id, lock=True, pointer="/enterprise_id")
    require_active(ent)
    active = await uow.assignments.active_for_enterprise(ent.id)
    same = next((a for a in active if a.instructor_id == inst.id), None)
    if same is not None:
        raise Conflict(
            "assignment.already_active",
            params={"instructor_id": inst.id, "enterprise_id": ent.id},
            fields=[FieldError("assignment.already_active", pointer="/enterprise_id")],
            extra={"existing_id": same.id},
        )
    assignment = await uow.assignments.add(
        instructor_id=inst.id, enterprise_id=ent.id, start_on=start_on, now=uow.clock.now()
    )
    updated = await refresh_coverage(
        uow, ent, covering_org_id=ent.covering_org_id, mode=ent.coverage_mode
    )
    await uow.audit.record(
        actor,
        action="assignment.create",
        target_type="assignment",
        target_id=assignment.id,
        org_id=ent.org_id,
        changes={
            "instructor_id": inst.id,
            "enterprise_id": ent.id,
            "start_on": start_on.isoformat(),
            "coverage": coverage_diff(current_coverage(ent), current_coverage(updated)),
        },
    )
    await uow.commit()
    return assignment


async def end_assignment(
    uow: UnitOfWork,
    actor: Principal,
    *,
    assignment_id: int,
    end_on: dt.date | None = None,
) -> Assignment:
    """End an assignment (default today); the enterprise loses work coverage with its last one."""
    actor.require(Scope.ENTERPRISES_WRITE)
    found = await uow.assignments.get(assignment_id)
    if found is None:
        raise NotFound("assignment.not_found", params={"id": assignment_id})
    try:
        ent = await load_enterprise(uow, actor, found.enterprise_id, lock=True)
    except NotFound:
        raise NotFound("assignment.not_found", params={"id": assignment_id}) from None
    # Read again under the enterprise lock: a concurrent end may have committed meanwhile.
    current = await uow.assignments.get(assignment_id)
    assert current is not None
    if current.end_on is not None:
        raise Conflict("assignment.already_ended", params={"id": assignment_id})
    today = uow.clock.today()
    day = end_on or today
    if day < current.start_on or day > today:
        raise InvalidInput(
            "assignment.end_on_out_of_range",
            params={"start_on": current.start_on.isoformat()},
            fields=[FieldError("assignment.end_on_out_of_range", pointer="/end_on")],
        )
    ended = await uow.assignments.end(assignment_id, day)
    updated = await refresh_coverage(
        uow, ent, covering_org_id=ent.covering_org_id, mode=ent.coverage_mode
    )
    await uow.audit.record(
        actor,
        action="assignment.end",
        target_type="assignment",
        target_id=assignment_id,
        org_id=ent.org_id,
        changes={
            "end_on": day.isoformat(),
            "coverage": coverage_diff(current_coverage(ent), current_coverage(updated)),
        },
    )
    await uow.commit()
    return ended


async def list_assignments(
    uow: UnitOfWork, actor: Principal, *, enterprise_id: int, active_only: bool = False
) -> list[tuple[Assignment, Instructor]]:
    """Assignments of one enterprise with their instructors, earliest first."""
    actor.require(Scope.ENTERPRISES_READ)
    ent = await load_enterprise(uow, actor, enterprise_id)
    assignments = await uow.assignments.of_enterprise(ent.id, active_only=active_only)
    instructors = await uow.instructors.get_many(sorted({a.instructor_id for a in assignments}))
    return [(a, instructors[a.instructor_id]) for a in assignments]
