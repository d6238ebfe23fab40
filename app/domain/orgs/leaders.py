"""Use cases for leaders (书记, 副书记, 委员) and their terms."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.orgs.model import (
    Leader,
    LeaderRole,
    Org,
    OrgStatus,
    add_months,
    add_years,
    term_years,
)
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


def term_end_for(uow: UnitOfWork, org: Org, start: dt.date) -> dt.date:
    p = uow.policy
    years = term_years(
        org.kind,
        branch=p.term_years_branch,
        general_branch=p.term_years_general_branch,
        committee=p.term_years_committee,
    )
    return add_years(start, years)


async def add_leader(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    name: str,
    role: LeaderRole,
    term_start: dt.date,
    member_id: int | None = None,
) -> Leader:
    """Record an elected leader; the term ends after the term length of the org's kind."""
    actor.require(Scope.ORGS_WRITE)
    org = await load_org(uow, actor, org_id, lock=True)
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation("org.dissolved", params={"id": org.id})
    if not name.strip():
        raise InvalidInput(
            "leader.name_required", fields=[FieldError("leader.name_required", pointer="/name")]
        )
    if term_start > uow.clock.today():
        raise InvalidInput(
            "leader.term_start_future",
            fields=[FieldError("leader.term_start_future", pointer="/term_start")],
        )
    if role is LeaderRole.SECRETARY:
        current = await uow.leaders.current_of(org.id)
        if any(leader.role is LeaderRole.SECRETARY for leader in current):
            raise Conflict(
                "leader.secretary_exists",
                params={"org_id": org.id},
                fields=[FieldError("leader.secretary_exists", pointer="/role")],
            )
    leader = await uow.leaders.add(
        org_id=org.id,
        name=name.strip(),
        role=role.value,
        term_start=term_start,
        term_end=term_end_for(uow, org, term_start),
        member_id=member_id,
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="leader.add",
        target_type="leader",
        target_id=leader.id,
        org_id=org.id,
        changes={
            "name": leader.name,
            "role": role.value,
            "term_start": term_start.isoformat(),
            "term_end": leader.term_end.isoformat(),
        },
    )
    await uow.commit()
    return leader


async def end_leader(
    uow: UnitOfWork, actor: Principal, *, leader_id: int, ended_on: dt.date | None = None
) -> Leader:
    """End a leader's service (re-election, resignation, transfer)."""
    actor.require(Scope.ORGS_WRITE)
    leader = await uow.leaders.get(leader_id)
    if leader is None:
        raise NotFound("leader.not_found", params={"id": leader_id})
    try:
        await load_org(uow, actor, leader.org_id, lock=True)
    except NotFound:
        raise NotFound("leader.not_found", params={"id": leader_id}) from None
    if leader.ended_on is not None:
        raise Conflict("leader.already_ended", params={"id": leader_id})
    day = ended_on or uow.clock.today()
    if day < leader.term_start or day > uow.clock.today():
        raise InvalidInput(
            "leader.ended_on_out_of_range",
            fields=[FieldError("leader.ended_on_out_of_range", pointer="/ended_on")],
        )
    ended = await uow.leaders.end(leader_id, day)
    await uow.audit.record(
        actor,
        action="leader.end",
        target_type="leader",
        target_id=leader_id,
        org_id=leader.org_id,
        changes={"ended_on": day.isoformat()},
    )
    await uow.commit()
    return ended


async def list_leaders(
    uow: UnitOfWork, actor: Principal, *, org_id: int, include_ended: bool = False
) -> list[Leader]:
    """Leaders of one organisation, current ones by default."""
    actor.require(Scope.ORGS_READ)
    org = await load_org(uow, actor, org_id)
    return await uow.leaders.of_org(org.id, include_ended=include_ended)


async def expiring_terms(
    uow: UnitOfWork, actor: Principal, *, org_id: int, within_months: int, page: PageRequest
) -> Page[tuple[Leader, Org]]:
    """Current leaders in a subtree whose term ends within N months (overdue ones included),
    soonest first."""
    actor.require(Scope.ORGS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    if within_months < 0 or within_months > 60:
        raise InvalidInput(
            "leader.within_months_out_of_range",
            fields=[FieldError("leader.within_months_out_of_range", parameter="within_months")],
        )
    org = await load_org(uow, actor, org_id)
    until = add_months(uow.clock.today(), within_months)
    return await uow.leaders.expiring(org.path, until=until, page=page)
