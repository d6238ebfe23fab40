"""Dual management (一方隶属、双重管理): a member affiliated in one organisation may be
registered as managed by another (the park branch where they work) for a period, with an
activity-certificate number. The managing side sees the member (read only, marked managed
here), lists them, records their participation and ends the registration; affiliation, dues
and status stay with the affiliation's subtree, whose use cases never look at managements."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.members import management_messages as _messages  # noqa: F401  (error texts)
from app.domain.members.management_model import (
    Management,
    ManagementView,
    NewManagement,
    Participation,
    away_since,
    check_period,
    clean_text,
    overlaps,
)
from app.domain.members.model import (
    HOLDING_KINDS,
    NATIONAL_ID_CONTEXT,
    ON_ROLL,
    Member,
    Standing,
    validate_national_id,
)
from app.domain.members.ports import PersonalDataCipher
from app.domain.members.service import load_member, my_member_id
from app.domain.orgs.service import load_active_org_of_kind, load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


def _not_found(management_id: int) -> NotFound:
    return NotFound("management.not_found", params={"id": management_id})


async def _member_by_number(
    uow: UnitOfWork, actor: Principal, national_id: str, cipher: PersonalDataCipher
) -> Member:
    # The managing side usually cannot see the member (affiliated in another district): it
    # names them by the id number on the documents they present, matched by its keyed hash.
    actor.require(Scope.PII_READ)
    value = validate_national_id(national_id)
    found = await uow.members.by_national_id_hash(
        cipher.lookup_hash(value, context=NATIONAL_ID_CONTEXT)
    )
    member = await uow.members.get(found.id, lock=True) if found else None
    if member is None:
        raise NotFound(
            "member.not_found",
            params={"id": "?"},
            fields=[FieldError("member.not_found", pointer="/national_id")],
        )
    return member


async def register_management(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int | None,
    national_id: str | None,
    new: NewManagement,
    cipher: PersonalDataCipher,
) -> ManagementView:
    """Register a member as managed by an org in the caller's subtree (by id or id number)."""
    actor.require(Scope.MEMBERS_WRITE)
    if member_id is not None:
        member = await load_member(uow, actor, member_id, lock=True)
    elif national_id is not None:
        member = await _member_by_number(uow, actor, national_id, cipher)
    else:
        raise InvalidInput(
            "management.member_required",
            fields=[FieldError("management.member_required", pointer="/national_id")],
        )
    org = await load_active_org_of_kind(
        uow,
        actor,
        new.org_id,
        kinds=HOLDING_KINDS,
        wrong_kind="management.org_cannot_manage",
        dissolved="member.org_dissolved",
    )
    if Standing(member.standing) not in ON_ROLL:
        raise RuleViolation(
            "management.member_not_on_roll",
            params={"standing": member.standing},
            fields=[FieldError("management.member_not_on_roll", pointer="/member")],
        )
    if org.id == member.org_id:
        raise RuleViolation(
            "management.own_org",
            params={"org_id": org.id},
            fields=[FieldError("management.own_org", pointer="/org_id")],
        )
    today = uow.clock.today()
    check_period(new, today=today, joined=member.join_date)
    for existing in await uow.managements.of_member(member.id):
        if existing.org_id == org.id and overlaps(
            existing.from_date, existing.to_date, new.from_date, new.to_date
        ):
            raise Conflict(
                "management.overlap",
                params={"id": existing.id},
                fields=[FieldError("management.overlap", pointer="/from_date")],
                extra={"existing_id": existing.id},
            )
    cleaned = NewManagement(
        org_id=org.id,
        from_date=new.from_date,
        to_date=new.to_date,
        certificate_no=clean_text(new.certificate_no),
        notes=clean_text(new.notes),
    )
    m = await uow.managements.add(member_id=member.id, new=cleaned, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="management.register",
        target_type="member_management",
        target_id=m.id,
        org_id=org.id,
        changes={
            "member_id": member.id,
            "org_id": org.id,
            "affiliation_org_id": member.org_id,
            "from_date": new.from_date.isoformat(),
            "to_date": new.to_date.isoformat() if new.to_date else None,
            "certificate_no": cleaned.certificate_no,
        },
    )
    await uow.commit()
    return (await uow.managements.views([m.id], today=today))[0]


async def _visible(
    uow: UnitOfWork, actor: Principal, management_id: int, *, lock: bool = False
) -> tuple[Management, bool]:
    """The registration and whether the caller sees it from the managing side; NotFound unless
    the caller's subtree holds the managing org or the member's affiliation."""
    m = await uow.managements.get(management_id, lock=lock)
    if m is None:
        raise _not_found(management_id)
    org = await uow.orgs.get(m.org_id)
    if org is not None and actor.covers_path(org.path):
        return m, True
    member = await uow.members.get(m.member_id)
    if member is not None and actor.covers_path(member.org_path):
        return m, False
    raise _not_found(management_id)


async def member_managements(
    uow: UnitOfWork, actor: Principal, *, member_id: int
) -> list[ManagementView]:
    """A member's registrations: all of them for the affiliation's subtree, those at orgs of
    the caller's subtree for a managing side; oldest first."""
    actor.require(Scope.MEMBERS_READ)
    member = await uow.members.get(member_id)
    if member is None:
        raise NotFound("member.not_found", params={"id": member_id})
    today = uow.clock.today()
    views = await uow.managements.views(
        [m.id for m in await uow.managements.of_member(member.id)], today=today
    )
    if actor.covers_path(member.org_path):
        return views
    mine = [v for v in views if actor.covers_path(v.org_path)]
    if not any(v.current for v in mine):
        # Only a current registration makes the member visible to the managing side.
        raise NotFound("member.not_found", params={"id": member_id})
    return mine


async def end_management(
    uow: UnitOfWork,
    actor: Principal,
    *,
    management_id: int,
    ended_on: dt.date | None,
    reason: str | None,
) -> ManagementView:
    """End a registration (the member moved on, or transferred): from either side."""
    actor.require(Scope.MEMBERS_WRITE)
    m, _ = await _visible(uow, actor, management_id, lock=True)
    if m.ended_on is not None:
        raise Conflict("management.already_ended", params={"id": m.id})
    today = uow.clock.today()
    day = ended_on or today
    if day > today:
        raise InvalidInput(
            "management.date_in_future",
            fields=[FieldError("management.date_in_future", pointer="/ended_on")],
        )
    if day < m.from_date:
        raise InvalidInput(
            "management.dates_out_of_order",
            fields=[FieldError("management.dates_out_of_order", pointer="/ended_on")],
        )
    ended = await uow.managements.end(m.id, ended_on=day, reason=clean_text(reason))
    await uow.audit.record(
        actor,
        action="management.end",
        target_type="member_management",
        target_id=m.id,
        org_id=m.org_id,
        changes={
            "ended_on": day.isoformat(),
            "to_date": ended.to_date.isoformat() if ended.to_date else None,
            "reason": clean_text(reason),
        },
    )
    await uow.commit()
    return (await uow.managements.views([m.id], today=today))[0]


async def record_participation(
    uow: UnitOfWork,
    actor: Principal,
    *,
    management_id: int,
    on_date: dt.date,
    activity: str,
    notes: str | None,
) -> Participation:
    """Record an activity the managed member took part in (managing side only)."""
    actor.require(Scope.MEMBERS_WRITE)
    m, managing = await _visible(uow, actor, management_id, lock=True)
    if not managing:
        raise _not_found(management_id)
    text = clean_text(activity)
    if text is None:
        raise InvalidInput(
            "management.activity_required",
            fields=[FieldError("management.activity_required", pointer="/activity")],
        )
    if on_date > uow.clock.today():
        raise InvalidInput(
            "management.date_in_future",
            fields=[FieldError("management.date_in_future", pointer="/on_date")],
        )
    if not m.current_on(on_date):
        raise RuleViolation(
            "management.outside_period",
            params={
                "from": m.from_date.isoformat(),
                "to": m.to_date.isoformat() if m.to_date else "-",
            },
            fields=[FieldError("management.outside_period", pointer="/on_date")],
        )
    p = await uow.managements.add_participation(
        management_id=m.id,
        on_date=on_date,
        activity=text,
        notes=clean_text(notes),
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="management.participation",
        target_type="member_management",
        target_id=m.id,
        org_id=m.org_id,
        changes={"on_date": on_date.isoformat(), "activity": text, "participation_id": p.id},
    )
    await uow.commit()
    return p


async def participations(
    uow: UnitOfWork, actor: Principal, *, management_id: int
) -> list[Participation]:
    """Activities recorded under one registration, oldest first (either side may read)."""
    actor.require(Scope.MEMBERS_READ)
    m, _ = await _visible(uow, actor, management_id)
    return await uow.managements.participations(m.id)


async def org_managements(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    away_over_months: int | None,
    current_only: bool,
    page: PageRequest,
) -> Page[ManagementView]:
    """Registrations at orgs of a subtree; ``away_over_months`` keeps current ones that have
    run that long (six months or more: the member should transfer)."""
    actor.require(Scope.MEMBERS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    if away_over_months is not None and not 1 <= away_over_months <= 120:
        raise InvalidInput(
            "management.months_out_of_range",
            fields=[FieldError("management.months_out_of_range", parameter="away_over_months")],
        )
    org = await load_org(uow, actor, org_id)
    today = uow.clock.today()
    started_by = away_since(today, away_over_months) if away_over_months is not None else None
    ids = await uow.managements.in_subtree(
        org.path,
        today=today,
        started_by=started_by,
        current_only=current_only or away_over_months is not None,
        page=page,
    )
    return Page(await uow.managements.views(ids.items, today=today), ids.next_after)


async def my_managements(uow: UnitOfWork, actor: Principal) -> list[ManagementView]:
    """The caller's own registrations (member accounts, scope self), oldest first."""
    actor.require(Scope.SELF)
    member_id = await my_member_id(uow, actor)
    return await uow.managements.views(
        [m.id for m in await uow.managements.of_member(member_id)], today=uow.clock.today()
    )
