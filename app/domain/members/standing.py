"""Status changes (党员状态变化) as dated events with reasons: conversion and extension of
probation (the pipeline's own rules, called from here), lost contact and its restoration,
suspension, and the changes that take a member off the roll (struck off, died, left). A member
who leaves the roll keeps their record: the current affiliation is closed, the org's
member_count goes down, open dual-management registrations end and an open transfer is
cancelled (follow_ups.py), all in one transaction."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, InvalidInput, PreconditionFailed
from app.domain.members import management_messages as _messages  # noqa: F401  (error texts)
from app.domain.members.follow_ups import cancel_open_transfer, end_managements
from app.domain.members.management_model import (
    ChangeKind,
    StatusChange,
    check_change_date,
    check_transition,
    clean_text,
    leaves_roll,
)
from app.domain.members.model import MemberEvent, MemberHistory, MemberView, Standing
from app.domain.members.pipeline_service import convert_member, extend_member
from app.domain.members.ports import PersonalDataCipher
from app.domain.members.service import can_read_pii, load_member, my_member_id, present
from app.domain.ports import UnitOfWork


@dataclasses.dataclass(frozen=True)
class StatusChanged:
    member: MemberView
    event: MemberEvent


async def change_status(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int,
    change: StatusChange,
    expected_version: int | None,
    cipher: PersonalDataCipher,
) -> StatusChanged:
    """Record a status change of a member affiliated in the subtree (If-Match optional)."""
    actor.require(Scope.MEMBERS_WRITE)
    member = await load_member(uow, actor, member_id, lock=True)
    if expected_version is not None and member.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": member.version})
    standing = Standing(member.standing)
    target = check_transition(change.kind, standing)
    now = uow.clock.now()
    if change.kind is ChangeKind.BECAME_FULL:
        updated = await convert_member(
            uow,
            actor,
            member,
            on_date=change.on_date,
            deciding_body=clean_text(change.deciding_body or change.reason),
        )
        event = await _last_event(uow, member.id, ChangeKind.BECAME_FULL)
    elif change.kind is ChangeKind.PROBATION_EXTENDED:
        if change.months is None:
            raise InvalidInput(
                "member.months_required",
                fields=[FieldError("member.months_required", pointer="/months")],
            )
        await extend_member(
            uow,
            actor,
            member,
            months=change.months,
            on_date=change.on_date,
            reason=clean_text(change.reason),
        )
        bumped = await uow.members.update(member.id, expected_version=None, changes={}, now=now)
        assert bumped is not None
        updated = bumped
        event = await _last_event(uow, member.id, ChangeKind.PROBATION_EXTENDED)
    else:
        assert target is not None
        affiliations = await uow.members.affiliations_of(member.id)
        current = next((a for a in affiliations if a.to_date is None), None)
        earliest = max(
            d
            for d in (
                member.join_date,
                member.standing_since,
                current.from_date if current else None,
            )
            if d is not None
        )
        check_change_date(change.on_date, today=uow.clock.today(), earliest=earliest)
        changed = await uow.members.update(
            member.id,
            expected_version=None,
            changes={"standing": target.value, "standing_since": change.on_date},
            now=now,
        )
        assert changed is not None
        updated = changed
        details: dict[str, Any] = {"from": standing.value, "to": target.value}
        if leaves_roll(target):
            closed = await uow.standing.close_current_affiliation(member.id, to_date=change.on_date)
            await uow.orgs.adjust_member_count(closed.org_id, -1)
            ended = await end_managements(
                uow, actor, member.id, on=change.on_date, reason=change.kind.value
            )
            cancelled = await cancel_open_transfer(uow, actor, member, kind=change.kind.value)
            details.update(org_id=closed.org_id, managements_ended=len(ended))
            if cancelled is not None:
                details.update(transfer_cancelled=cancelled)
        event = await uow.members.add_event(
            member_id=member.id,
            kind=change.kind.value,
            on_date=change.on_date,
            reason=clean_text(change.reason),
            details=details,
            now=now,
        )
        await uow.audit.record(
            actor,
            action="member.status_change",
            target_type="member",
            target_id=member.id,
            org_id=member.org_id,
            changes={
                "kind": change.kind.value,
                "on_date": change.on_date.isoformat(),
                "standing": {"from": standing.value, "to": target.value},
                "reason": clean_text(change.reason),
            },
        )
    await uow.commit()
    view = present(updated, cipher=cipher, unmasked=can_read_pii(actor))
    return StatusChanged(member=view, event=event)


async def _last_event(uow: UnitOfWork, member_id: int, kind: ChangeKind) -> MemberEvent:
    events = [e for e in await uow.members.events_of(member_id) if e.kind == kind.value]
    return max(events, key=lambda e: e.id)


async def my_history(uow: UnitOfWork, actor: Principal) -> MemberHistory:
    """The caller's own status events and affiliations (member accounts, scope self)."""
    actor.require(Scope.SELF)
    member_id = await my_member_id(uow, actor)
    return MemberHistory(
        member_id=member_id,
        events=await uow.members.events_of(member_id),
        affiliations=await uow.members.affiliations_of(member_id),
    )


async def count_mismatches(uow: UnitOfWork, path: str) -> dict[int, tuple[int, int]]:
    """Orgs of the subtree whose maintained member_count differs from a recount of the
    current affiliations of members on the roll: {org_id: (stored, recounted)}."""
    stored = await uow.standing.stored_counts(path)
    recount = await uow.standing.recount_members(path)
    return {
        org_id: (stored.get(org_id, 0), recount.get(org_id, 0))
        for org_id in set(stored) | set(recount)
        if stored.get(org_id, 0) != recount.get(org_id, 0)
    }
