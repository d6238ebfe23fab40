"""Use cases of the development pipeline (发展党员): apply, advance a stage, extend probation,
convert to full membership, read entries and the funnel. Admission to probation creates the
member through the roster's own create path, in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.members import pipeline_messages as _messages  # noqa: F401  (error texts)
from app.domain.members.management_model import ChangeKind, check_transition
from app.domain.members.model import (
    NATIONAL_ID_CONTEXT,
    Gender,
    Member,
    MemberStatus,
    MemberView,
    Standing,
    mask_national_id,
    validate_national_id,
)
from app.domain.members.pipeline import (
    CONVERTED_EVENT,
    EXTENDED_EVENT,
    WAITING,
    EntryTaken,
    EntryView,
    Funnel,
    FunnelStage,
    MemberStage,
    PipelineEntry,
    Stage,
    StageRecord,
    check_advance,
    check_application,
    check_conversion,
    check_extension,
    funnel_stage,
    probation_end,
)
from app.domain.members.ports import NewMember, PersonalDataCipher
from app.domain.members.service import (
    can_read_pii,
    insert_member,
    load_holder,
    load_member,
    my_member_id,
    present,
    snapshot,
)
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


@dataclass(frozen=True)
class NewApplication:
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str
    org_id: int
    applied_on: dt.date
    notes: str | None = None

    def __repr__(self) -> str:  # never log the number
        return f"NewApplication(org_id={self.org_id})"


def _text(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


async def _view(
    uow: UnitOfWork, actor: Principal, entry: PipelineEntry, cipher: PersonalDataCipher
) -> EntryView:
    stages = (await uow.pipeline.stages_of([entry.id]))[entry.id]
    return _present(actor, entry, cipher, stages)


def _present(
    actor: Principal,
    entry: PipelineEntry,
    cipher: PersonalDataCipher,
    stages: list[StageRecord],
) -> EntryView:
    number = cipher.decrypt(entry.national_id_enc, context=NATIONAL_ID_CONTEXT)
    unmasked = can_read_pii(actor)
    return EntryView(
        entry=entry,
        national_id=number if unmasked else mask_national_id(number),
        masked=not unmasked,
        stages=stages,
    )


async def load_entry(
    uow: UnitOfWork, actor: Principal, entry_id: int, *, lock: bool = False
) -> PipelineEntry:
    """The entry, if its organisation is in the actor's subtree; otherwise NotFound."""
    entry = await uow.pipeline.get(entry_id, lock=lock)
    if entry is None or not actor.covers_path(entry.org_path):
        raise NotFound("pipeline.not_found", params={"id": entry_id})
    return entry


async def apply_to_join(
    uow: UnitOfWork, actor: Principal, *, new: NewApplication, cipher: PersonalDataCipher
) -> EntryView:
    """Record an application to join (入党申请) at a branch or general branch in the subtree."""
    actor.require(Scope.MEMBERS_WRITE)
    name = _text(new.name)
    if name is None:
        raise InvalidInput(
            "member.name_required", fields=[FieldError("member.name_required", pointer="/name")]
        )
    national_id = validate_national_id(new.national_id, birth_date=new.birth_date)
    check_application(birth_date=new.birth_date, applied_on=new.applied_on, today=uow.clock.today())
    digest = cipher.lookup_hash(national_id, context=NATIONAL_ID_CONTEXT)
    member = await uow.members.by_national_id_hash(digest)
    if member is not None:
        seen = member.id if actor.covers_path(member.org_path) else None
        raise EntryTaken("pipeline.already_member", seen)
    existing = await uow.pipeline.active_by_national_id_hash(digest)
    if existing is not None:
        seen = existing.id if actor.covers_path(existing.org_path) else None
        raise EntryTaken("pipeline.entry_taken", seen)
    holder = await load_holder(uow, actor, new.org_id)
    now = uow.clock.now()
    entry = await uow.pipeline.add(
        fields={
            "name": name,
            "gender": new.gender,
            "birth_date": new.birth_date,
            "national_id_enc": cipher.encrypt(national_id, context=NATIONAL_ID_CONTEXT),
            "national_id_hash": digest,
            "org_id": holder.id,
            "stage": Stage.APPLICANT,
            "stage_date": new.applied_on,
        },
        now=now,
    )
    record = await uow.pipeline.add_stage(
        entry_id=entry.id,
        stage=Stage.APPLICANT,
        on_date=new.applied_on,
        deciding_body=None,
        notes=_text(new.notes),
        now=now,
    )
    await uow.audit.record(
        actor,
        action="pipeline.apply",
        target_type="pipeline_entry",
        target_id=entry.id,
        org_id=holder.id,
        changes={
            "name": name,
            "stage": Stage.APPLICANT.value,
            "on_date": new.applied_on.isoformat(),
        },
    )
    await uow.commit()
    return _present(actor, entry, cipher, [record])


async def get_entry(
    uow: UnitOfWork, actor: Principal, *, entry_id: int, cipher: PersonalDataCipher
) -> EntryView:
    """One pipeline entry in the actor's subtree, with its stage history."""
    actor.require(Scope.MEMBERS_READ)
    return await _view(uow, actor, await load_entry(uow, actor, entry_id), cipher)


async def list_entries(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    stage: Stage | None,
    page: PageRequest,
    cipher: PersonalDataCipher,
) -> Page[EntryView]:
    """Pipeline entries in the subtree of ``org_id`` (default: the actor's anchor), by id."""
    actor.require(Scope.MEMBERS_READ)
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
    result = await uow.pipeline.subtree(root.path, stage=stage, page=page)
    stages = await uow.pipeline.stages_of([e.id for e in result.items])
    return Page([_present(actor, e, cipher, stages[e.id]) for e in result.items], result.next_after)


async def advance_stage(
    uow: UnitOfWork,
    actor: Principal,
    *,
    entry_id: int,
    stage: Stage,
    on_date: dt.date,
    deciding_body: str | None,
    notes: str | None,
    cipher: PersonalDataCipher,
) -> EntryView:
    """Move an entry to its next stage; admission (probationary) creates the member record."""
    actor.require(Scope.MEMBERS_WRITE)
    entry = await load_entry(uow, actor, entry_id, lock=True)
    history = (await uow.pipeline.stages_of([entry.id]))[entry.id]
    activist = next((r.on_date for r in history if r.stage is Stage.ACTIVIST), None)
    today = uow.clock.today()
    check_advance(
        current=entry.stage,
        current_date=entry.stage_date,
        target=stage,
        on_date=on_date,
        today=today,
        activist_date=activist,
    )
    member_id: int | None = None
    if stage is Stage.PROBATIONARY:
        member = await insert_member(
            uow,
            actor,
            new=NewMember(
                name=entry.name,
                gender=entry.gender,
                birth_date=entry.birth_date,
                national_id=cipher.decrypt(entry.national_id_enc, context=NATIONAL_ID_CONTEXT),
                join_date=on_date,
                status=MemberStatus.PROBATIONARY,
                org_id=entry.org_id,
            ),
            cipher=cipher,
        )
        member_id = member.id
        await uow.audit.record(
            actor,
            action="member.create",
            target_type="member",
            target_id=member.id,
            org_id=member.org_id,
            changes={**snapshot(member), "pipeline_entry_id": entry.id},
        )
    elif stage is Stage.FULL:
        if entry.member_id is None:  # pragma: no cover - admission always links the member
            raise NotFound("member.not_found", params={"id": "?"})
        member = await load_member(uow, actor, entry.member_id, lock=True)
        await _convert(uow, actor, member, on_date=on_date, deciding_body=deciding_body)
    updated, record = await _move(
        uow,
        entry,
        stage=stage,
        on_date=on_date,
        deciding_body=deciding_body,
        notes=notes,
        member_id=member_id,
    )
    await uow.audit.record(
        actor,
        action="pipeline.advance",
        target_type="pipeline_entry",
        target_id=entry.id,
        org_id=entry.org_id,
        changes={
            "stage": {"from": entry.stage.value, "to": stage.value},
            "on_date": on_date.isoformat(),
            "deciding_body": _text(deciding_body),
        },
    )
    await uow.commit()
    return _present(actor, updated, cipher, [*history, record])


async def _move(
    uow: UnitOfWork,
    entry: PipelineEntry,
    *,
    stage: Stage,
    on_date: dt.date,
    deciding_body: str | None,
    notes: str | None,
    member_id: int | None,
) -> tuple[PipelineEntry, StageRecord]:
    now = uow.clock.now()
    updated = await uow.pipeline.set_stage(
        entry.id, stage=stage, on_date=on_date, member_id=member_id, now=now
    )
    record = await uow.pipeline.add_stage(
        entry_id=entry.id,
        stage=stage,
        on_date=on_date,
        deciding_body=_text(deciding_body),
        notes=_text(notes),
        now=now,
    )
    return updated, record


def _require_probationary(member: Member) -> None:
    if member.status != MemberStatus.PROBATIONARY.value:
        raise RuleViolation(
            "pipeline.not_probationary",
            fields=[FieldError("pipeline.not_probationary", parameter="member_id")],
        )


async def _extension_months(uow: UnitOfWork, member_id: int) -> tuple[bool, int]:
    events = await uow.members.events_of(member_id)
    extended = [e for e in events if e.kind == EXTENDED_EVENT]
    return bool(extended), sum(int(str(e.details.get("months", 0))) for e in extended)


async def _convert(
    uow: UnitOfWork,
    actor: Principal,
    member: Member,
    *,
    on_date: dt.date,
    deciding_body: str | None,
) -> Member:
    _require_probationary(member)
    _, months = await _extension_months(uow, member.id)
    check_conversion(
        admitted=member.join_date, extension_months=months, on_date=on_date, today=uow.clock.today()
    )
    now = uow.clock.now()
    updated = await uow.members.update(
        member.id,
        expected_version=None,
        changes={"status": MemberStatus.FULL.value, "full_member_date": on_date},
        now=now,
    )
    assert updated is not None
    await uow.members.add_event(
        member_id=member.id,
        kind=CONVERTED_EVENT,
        on_date=on_date,
        reason=_text(deciding_body),
        details={"deciding_body": _text(deciding_body), "extension_months": months},
        now=now,
    )
    await uow.audit.record(
        actor,
        action="member.convert",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes={
            "status": {"from": MemberStatus.PROBATIONARY.value, "to": MemberStatus.FULL.value},
            "full_member_date": on_date.isoformat(),
        },
    )
    return updated


async def convert_to_full(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int,
    on_date: dt.date,
    deciding_body: str | None,
    cipher: PersonalDataCipher,
) -> MemberView:
    """Convert a probationary member to full membership (转正) once probation is over."""
    actor.require(Scope.MEMBERS_WRITE)
    member = await load_member(uow, actor, member_id, lock=True)
    # The status-change route's transitions hold here too: a gone or suspended member is not
    # converted (nor extended) by the back door.
    check_transition(ChangeKind.BECAME_FULL, Standing(member.standing), pointer=None)
    updated = await convert_member(uow, actor, member, on_date=on_date, deciding_body=deciding_body)
    await uow.commit()
    return present(updated, cipher=cipher, unmasked=can_read_pii(actor))


async def convert_member(
    uow: UnitOfWork,
    actor: Principal,
    member: Member,
    *,
    on_date: dt.date,
    deciding_body: str | None,
) -> Member:
    """Conversion without the commit (the caller commits): the rule, the status, the
    became_full event, the audit entry and the pipeline entry's completion. Also used by the
    status-change use case, so conversion has one rule in one place."""
    updated = await _convert(uow, actor, member, on_date=on_date, deciding_body=deciding_body)
    entry = await uow.pipeline.by_member(member.id)
    if entry is not None and entry.stage is Stage.PROBATIONARY:
        await _move(
            uow,
            entry,
            stage=Stage.FULL,
            on_date=on_date,
            deciding_body=deciding_body,
            notes=None,
            member_id=None,
        )
    return updated


async def extend_probation(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int,
    months: int,
    on_date: dt.date,
    reason: str | None,
    cipher: PersonalDataCipher,
) -> MemberView:
    """Extend a probationary member's probation once, by one to twelve months (延长预备期)."""
    actor.require(Scope.MEMBERS_WRITE)
    member = await load_member(uow, actor, member_id, lock=True)
    check_transition(ChangeKind.PROBATION_EXTENDED, Standing(member.standing), pointer=None)
    await extend_member(uow, actor, member, months=months, on_date=on_date, reason=reason)
    await uow.commit()
    return present(member, cipher=cipher, unmasked=can_read_pii(actor))


async def extend_member(
    uow: UnitOfWork,
    actor: Principal,
    member: Member,
    *,
    months: int,
    on_date: dt.date,
    reason: str | None,
) -> None:
    """Extension without the commit (the caller commits): the rule, the probation_extended
    event and the audit entry. Also used by the status-change use case."""
    _require_probationary(member)
    already, _ = await _extension_months(uow, member.id)
    check_extension(
        admitted=member.join_date,
        months=months,
        on_date=on_date,
        today=uow.clock.today(),
        already=already,
    )
    until = probation_end(member.join_date, months)
    await uow.members.add_event(
        member_id=member.id,
        kind=EXTENDED_EVENT,
        on_date=on_date,
        reason=_text(reason),
        details={"months": months, "until": until.isoformat()},
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="member.extend_probation",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes={"months": months, "on_date": on_date.isoformat(), "until": until.isoformat()},
    )


async def pipeline_funnel(uow: UnitOfWork, actor: Principal, *, org_id: int) -> Funnel:
    """Per stage over a subtree: how many wait there, median and longest wait in days."""
    actor.require(Scope.MEMBERS_READ)
    org = await load_org(uow, actor, org_id)
    today = uow.clock.today()
    waits: dict[Stage, list[int]] = {s: [] for s in WAITING}
    for stage, since in await uow.pipeline.waiting(org.path):
        waits[stage].append((today - since).days)
    stages = [funnel_stage(s, waits[s]) for s in WAITING]
    stages.append(FunnelStage(Stage.FULL, await uow.pipeline.completed(org.path), None, None))
    return Funnel(org_id=org.id, stages=stages)


async def my_stage(uow: UnitOfWork, actor: Principal, *, cipher: PersonalDataCipher) -> MemberStage:
    """The caller's own pipeline stage (member accounts, scope self), unmasked to themselves."""
    actor.require(Scope.SELF)
    member = await uow.members.get(await my_member_id(uow, actor))
    assert member is not None  # my_member_id checked it
    _, months = await _extension_months(uow, member.id)
    full = member.status == MemberStatus.FULL.value
    entry = await uow.pipeline.by_member(member.id)
    view = None
    if entry is not None:
        stages = (await uow.pipeline.stages_of([entry.id]))[entry.id]
        number = cipher.decrypt(entry.national_id_enc, context=NATIONAL_ID_CONTEXT)
        view = EntryView(entry=entry, national_id=number, masked=False, stages=stages)
    return MemberStage(
        member_id=member.id,
        stage=Stage.FULL if full else Stage.PROBATIONARY,
        since=(member.full_member_date or member.join_date) if full else member.join_date,
        probation_ends=None if full else probation_end(member.join_date, months),
        extension_months=months,
        entry=view,
    )
