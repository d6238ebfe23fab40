"""Use cases of transfers (组织关系接转): issue an introduction letter, accept or reject it at
the destination, cancel it at the sender, record the member's report (which moves the
affiliation in the same transaction), record receipts (回执), register letters from outside the
system, and read transfers and the work queues. Each authorises the actor, applies the rules
and commits once before returning.

Locks are always taken in the same order: member row, then transfer row, then organisations by
id, so concurrent issues, decisions and reports on one member serialise without deadlocks; the
partial unique index on open transfers backs the one-open-transfer rule in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    RuleViolation,
)
from app.domain.members import transfer_messages as _messages  # noqa: F401  (error texts)
from app.domain.members.follow_ups import end_managements
from app.domain.members.model import (
    HOLDING_KINDS,
    NATIONAL_ID_CONTEXT,
    ON_ROLL,
    EventKind,
    Member,
    MemberStatus,
    NationalIdTaken,
    Standing,
    validate_national_id,
)
from app.domain.members.ports import NewMember, PersonalDataCipher
from app.domain.members.service import (
    insert_member,
    load_holder,
    load_member,
    my_member_id,
    snapshot,
)
from app.domain.members.transfer_model import (
    EXPIRING_DAYS_DEFAULT,
    EXPIRING_DAYS_MAX,
    OPEN_STATES,
    Transfer,
    TransferAlreadyOpen,
    TransferKind,
    TransferQueue,
    TransferState,
    TransferView,
    check_day,
    check_month,
    effective_state,
    letter_validity,
    required_text,
    view_of,
    wrong_state,
)
from app.domain.orgs.model import Org, OrgStatus
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


@dataclass(frozen=True)
class NewTransfer:
    """An introduction letter: to an org inside the system (``to_org_id``) or outside it
    (``external_name`` and ``external_region``)."""

    member_id: int
    letter_no: str
    dues_paid_until: str
    to_org_id: int | None = None
    external_name: str | None = None
    external_region: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class IncomingLetter:
    """A letter from outside the system presented at a receiving org in the subtree; the
    member is registered there (or a record that transferred out is re-admitted)."""

    member: NewMember
    letter_no: str
    dues_paid_until: str
    origin_name: str
    origin_region: str
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    reported_on: dt.date | None = None

    def __repr__(self) -> str:  # never log the number
        return f"IncomingLetter(org_id={self.member.org_id})"


def _text(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def sees(actor: Principal, t: Transfer) -> bool:
    """Staff see a transfer when its sending or receiving org lies in their subtree."""
    return any(p is not None and actor.covers_path(p) for p in (t.from_path, t.to_path))


def _not_found(transfer_id: int) -> NotFound:
    return NotFound("transfer.not_found", params={"id": transfer_id})


async def load_transfer(uow: UnitOfWork, actor: Principal, transfer_id: int) -> Transfer:
    """The transfer if the actor's subtree holds its sender or destination, or (a member's own
    token) if it is the actor's own; otherwise NotFound."""
    t = await uow.transfers.get(transfer_id)
    if t is None:
        raise _not_found(transfer_id)
    if actor.has(Scope.MEMBERS_READ):
        if not sees(actor, t):
            raise _not_found(transfer_id)
    elif actor.has(Scope.SELF):
        if await my_member_id(uow, actor) != t.member_id:
            raise _not_found(transfer_id)
    else:
        actor.require(Scope.MEMBERS_READ)
    return t


async def _lock(
    uow: UnitOfWork, actor: Principal, transfer_id: int, expected_version: int | None
) -> tuple[Transfer, Member]:
    """Lock the member, then the transfer (the fixed order), and re-check both."""
    first = await load_transfer(uow, actor, transfer_id)
    member = await uow.members.get(first.member_id, lock=True)
    t = await uow.transfers.get(transfer_id, lock=True)
    if t is None or member is None:  # pragma: no cover - transfers and members are never deleted
        raise _not_found(transfer_id)
    if expected_version is not None and t.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": t.version})
    return t, member


def _require_destination(actor: Principal, t: Transfer) -> None:
    if t.to_path is None or not actor.covers_path(t.to_path):
        raise RuleViolation("transfer.not_destination", params={"id": t.id})


def _require_sender(actor: Principal, t: Transfer) -> None:
    if t.from_path is None or not actor.covers_path(t.from_path):
        raise RuleViolation("transfer.not_sender", params={"id": t.id})


def _require_state(t: Transfer, today: dt.date, wanted: TransferState, action: str) -> None:
    state = effective_state(t, today)
    if state is wanted:
        return
    if state is TransferState.EXPIRED and t.state is wanted:
        raise RuleViolation(
            "transfer.expired", params={"id": t.id, "valid_until": t.valid_until.isoformat()}
        )
    raise wrong_state(t, state, action)


def _require_internal(t: Transfer, action: str) -> None:
    if t.kind is not TransferKind.INTERNAL:
        raise RuleViolation(
            "transfer.not_internal", params={"id": t.id, "kind": t.kind.value, "action": action}
        )


async def _record(
    uow: UnitOfWork,
    actor: Principal,
    t: Transfer,
    action: str,
    changes: dict[str, Any],
    org_id: int | None = None,
) -> None:
    await uow.audit.record(
        actor,
        action=f"transfer.{action}",
        target_type="member_transfer",
        target_id=t.id,
        org_id=org_id if org_id is not None else (t.from_org_id or t.to_org_id),
        changes={"member_id": t.member_id, **changes},
    )


async def _apply(
    uow: UnitOfWork, t: Transfer, *, expected: TransferState, changes: dict[str, Any]
) -> Transfer:
    updated = await uow.transfers.update(
        t.id, expected_state=expected, changes=changes, now=uow.clock.now()
    )
    if updated is None:  # pragma: no cover - the row is locked; only a programming error
        raise Conflict("transfer.wrong_state", params={"id": t.id, "state": "?", "action": "?"})
    return updated


async def _destination(uow: UnitOfWork, org_id: int, member: Member) -> Org:
    """Any active branch or general branch in the system other than the member's own."""
    org = await uow.orgs.get(org_id)
    pointer = "/to_org_id"
    if org is None:
        raise NotFound(
            "transfer.destination_not_found",
            params={"id": org_id},
            fields=[FieldError("transfer.destination_not_found", pointer=pointer)],
        )
    if org.kind not in HOLDING_KINDS:
        raise RuleViolation(
            "transfer.destination_cannot_hold",
            params={"kind": org.kind.value},
            fields=[FieldError("transfer.destination_cannot_hold", pointer=pointer)],
        )
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "transfer.destination_dissolved",
            params={"id": org.id},
            fields=[FieldError("transfer.destination_dissolved", pointer=pointer)],
        )
    if org.id == member.org_id:
        raise RuleViolation(
            "transfer.same_org", fields=[FieldError("transfer.same_org", pointer=pointer)]
        )
    return org


def _require_active(member: Member) -> None:
    """Only an active member moves: a gone one (struck off, died, left, transferred out) is
    off the roll; a lost-contact or suspended one stays on the roll but cannot present or
    report a letter until their standing is restored (docs/api.md, Transfers)."""
    if member.standing not in ON_ROLL:
        raise RuleViolation(
            "transfer.member_not_on_roll",
            params={"standing": member.standing},
            fields=[FieldError("transfer.member_not_on_roll", pointer="/member_id")],
        )
    if member.standing != Standing.ACTIVE.value:
        raise RuleViolation(
            "transfer.member_not_active",
            params={"standing": member.standing},
            fields=[FieldError("transfer.member_not_active", pointer="/member_id")],
        )


async def issue_transfer(uow: UnitOfWork, actor: Principal, *, new: NewTransfer) -> TransferView:
    """Issue an introduction letter for a member affiliated in the actor's subtree."""
    actor.require(Scope.MEMBERS_WRITE)
    today = uow.clock.today()
    letter_no = required_text(new.letter_no, pointer="/letter_no", limit=64)
    dues = check_month(new.dues_paid_until)
    ext_name, ext_region = _text(new.external_name), _text(new.external_region)
    internal = new.to_org_id is not None
    if internal == bool(ext_name or ext_region) or (not internal and not (ext_name and ext_region)):
        raise InvalidInput(
            "transfer.destination_required",
            fields=[
                FieldError("transfer.destination_required", pointer=p)
                for p in ("/to_org_id", "/external_name", "/external_region")
            ],
        )
    if ext_name and ext_region:
        ext_name = required_text(ext_name, pointer="/external_name", limit=200)
        ext_region = required_text(ext_region, pointer="/external_region", limit=100)
    issued_on, valid_until = letter_validity(new.issued_on, new.valid_until, today=today)
    member = await load_member(uow, actor, new.member_id, lock=True, pointer="/member_id")
    _require_active(member)
    current = [a for a in await uow.members.affiliations_of(member.id) if a.to_date is None]
    if current and issued_on < current[0].from_date:
        raise InvalidInput(
            "transfer.issued_before_affiliation",
            params={"since": current[0].from_date.isoformat()},
            fields=[FieldError("transfer.issued_before_affiliation", pointer="/issued_on")],
        )
    existing = await uow.transfers.open_for_member(member.id)
    if existing is not None:
        if effective_state(existing, today) is not TransferState.EXPIRED:
            raise TransferAlreadyOpen(existing.id)
        # The old letter ran out unreported: it is expired for good before a new one is issued.
        await _apply(
            uow, existing, expected=existing.state, changes={"state": TransferState.EXPIRED}
        )
        await _record(uow, actor, existing, "expire", {"state": {"from": existing.state.value}})
    dest = await _destination(uow, new.to_org_id, member) if new.to_org_id is not None else None
    fields: dict[str, Any] = {
        "member_id": member.id,
        "kind": TransferKind.INTERNAL if dest else TransferKind.OUTGOING,
        "state": TransferState.ISSUED,
        "from_org_id": member.org_id,
        "from_path": member.org_path,
        "to_org_id": dest.id if dest else None,
        "to_path": dest.path if dest else None,
        "external_name": ext_name,
        "external_region": ext_region,
        "letter_no": letter_no,
        "dues_paid_until": dues,
        "issued_on": issued_on,
        "valid_until": valid_until,
    }
    try:
        t = await uow.transfers.add(fields=fields, now=uow.clock.now())
    except TransferAlreadyOpen:
        # Lost a race the member lock did not see (the partial unique index decided).
        raced = await uow.transfers.open_for_member(member.id)
        raise TransferAlreadyOpen(raced.id if raced else None) from None
    await _record(
        uow,
        actor,
        t,
        "issue",
        {
            "kind": t.kind.value,
            "from_org_id": t.from_org_id,
            "to_org_id": t.to_org_id,
            "external_name": ext_name,
            "external_region": ext_region,
            "letter_no": letter_no,
            "dues_paid_until": dues,
            "issued_on": issued_on.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    await uow.commit()
    return view_of(t, today)


async def accept_transfer(
    uow: UnitOfWork,
    actor: Principal,
    *,
    transfer_id: int,
    on_date: dt.date | None = None,
    expected_version: int | None = None,
) -> TransferView:
    """The destination (or an org above it) accepts a transfer that is still valid."""
    actor.require(Scope.MEMBERS_WRITE)
    t, member = await _lock(uow, actor, transfer_id, expected_version)
    today = uow.clock.today()
    _require_internal(t, "accept")
    _require_destination(actor, t)
    _require_state(t, today, TransferState.ISSUED, "accept")
    _require_active(member)
    dest = await uow.orgs.get(t.to_org_id) if t.to_org_id is not None else None
    if dest is None or dest.status is not OrgStatus.ACTIVE:
        raise RuleViolation("transfer.destination_dissolved", params={"id": t.to_org_id})
    day = check_day(
        on_date or today,
        not_before=t.issued_on,
        today=today,
        pointer="/on_date",
        code="transfer.date_out_of_range",
    )
    updated = await _apply(
        uow,
        t,
        expected=TransferState.ISSUED,
        changes={"state": TransferState.ACCEPTED, "decided_on": day},
    )
    await _record(uow, actor, t, "accept", {"decided_on": day.isoformat()}, org_id=t.to_org_id)
    await uow.commit()
    return view_of(updated, today)


async def reject_transfer(
    uow: UnitOfWork,
    actor: Principal,
    *,
    transfer_id: int,
    reason: str,
    on_date: dt.date | None = None,
    expected_version: int | None = None,
) -> TransferView:
    """The destination refuses a transfer, giving its reason; the member stays where they are."""
    actor.require(Scope.MEMBERS_WRITE)
    text = required_text(reason, pointer="/reason", limit=500)
    t, _ = await _lock(uow, actor, transfer_id, expected_version)
    today = uow.clock.today()
    _require_internal(t, "reject")
    _require_destination(actor, t)
    _require_state(t, today, TransferState.ISSUED, "reject")
    day = check_day(
        on_date or today,
        not_before=t.issued_on,
        today=today,
        pointer="/on_date",
        code="transfer.date_out_of_range",
    )
    updated = await _apply(
        uow,
        t,
        expected=TransferState.ISSUED,
        changes={"state": TransferState.REJECTED, "decided_on": day, "reason": text},
    )
    await _record(
        uow,
        actor,
        t,
        "reject",
        {"decided_on": day.isoformat(), "reason": text},
        org_id=t.to_org_id,
    )
    await uow.commit()
    return view_of(updated, today)


async def cancel_transfer(
    uow: UnitOfWork,
    actor: Principal,
    *,
    transfer_id: int,
    reason: str | None = None,
    expected_version: int | None = None,
) -> TransferView:
    """The sender withdraws a letter the destination has not accepted yet."""
    actor.require(Scope.MEMBERS_WRITE)
    t, _ = await _lock(uow, actor, transfer_id, expected_version)
    today = uow.clock.today()
    _require_sender(actor, t)
    _require_state(t, today, TransferState.ISSUED, "cancel")
    text = _text(reason)
    if text is not None and len(text) > 500:
        raise InvalidInput(
            "transfer.value_too_long",
            params={"max": 500},
            fields=[FieldError("transfer.value_too_long", pointer="/reason")],
        )
    updated = await _apply(
        uow,
        t,
        expected=TransferState.ISSUED,
        changes={"state": TransferState.CANCELLED, "cancelled_on": today, "reason": text},
    )
    await _record(uow, actor, t, "cancel", {"cancelled_on": today.isoformat(), "reason": text})
    await uow.commit()
    return view_of(updated, today)


async def _lock_orgs(uow: UnitOfWork, ids: list[int]) -> dict[int, Org]:
    out: dict[int, Org] = {}
    for org_id in sorted(set(ids)):
        org = await uow.orgs.get(org_id, lock=True)
        if org is not None:
            out[org_id] = org
    return out


async def report_transfer(
    uow: UnitOfWork,
    actor: Principal,
    *,
    transfer_id: int,
    reported_on: dt.date | None = None,
    expected_version: int | None = None,
) -> TransferView:
    """The member reported (报到) to the destination of an accepted, still valid transfer: the
    affiliation moves there in this transaction. Recorded by the destination's side, or
    confirmed by the member with their own token."""
    if not actor.has(Scope.MEMBERS_WRITE):
        actor.require(Scope.SELF)
    t, member = await _lock(uow, actor, transfer_id, expected_version)
    today = uow.clock.today()
    _require_internal(t, "report")
    if actor.has(Scope.MEMBERS_WRITE):
        _require_destination(actor, t)
    _require_state(t, today, TransferState.ACCEPTED, "report")
    day = check_day(
        reported_on or today,
        not_before=t.decided_on or t.issued_on,
        today=today,
        pointer="/reported_on",
        code="transfer.date_out_of_range",
    )
    if day > t.valid_until:  # pragma: no cover - today <= valid_until was checked above
        raise RuleViolation("transfer.expired", params={"id": t.id})
    _require_active(member)
    assert t.to_org_id is not None
    orgs = await _lock_orgs(uow, [member.org_id, t.to_org_id])
    dest = orgs.get(t.to_org_id)
    if dest is None or dest.status is not OrgStatus.ACTIVE:
        raise RuleViolation("transfer.destination_dissolved", params={"id": t.to_org_id})
    now = uow.clock.now()
    await uow.standing.close_current_affiliation(member.id, to_date=day)
    await uow.members.add_affiliation(
        member_id=member.id, org_id=dest.id, from_date=day, reason="transferred_in"
    )
    await uow.orgs.adjust_member_count(member.org_id, -1)
    await uow.orgs.adjust_member_count(dest.id, +1)
    await uow.members.update(
        member.id,
        expected_version=None,
        changes={"org_id": dest.id, "org_path": dest.path},
        now=now,
    )
    details: dict[str, Any] = {"transfer_id": t.id, "from_org_id": member.org_id}
    await uow.members.add_event(
        member_id=member.id,
        kind=EventKind.TRANSFERRED_OUT.value,
        on_date=day,
        reason=None,
        details={**details, "to_org_id": dest.id},
        now=now,
    )
    await uow.members.add_event(
        member_id=member.id,
        kind=EventKind.TRANSFERRED_IN.value,
        on_date=day,
        reason=None,
        details={**details, "to_org_id": dest.id},
        now=now,
    )
    # The destination cannot also manage the member it now holds (management.own_org).
    ended = await end_managements(
        uow, actor, member.id, on=day, reason=EventKind.TRANSFERRED_IN.value, org_id=dest.id
    )
    updated = await _apply(
        uow,
        t,
        expected=TransferState.ACCEPTED,
        changes={"state": TransferState.COMPLETED, "reported_on": day},
    )
    await _record(
        uow,
        actor,
        t,
        "report",
        {"reported_on": day.isoformat(), "by_member": not actor.has(Scope.MEMBERS_WRITE)},
        org_id=dest.id,
    )
    await uow.audit.record(
        actor,
        action="member.transfer",
        target_type="member",
        target_id=member.id,
        org_id=dest.id,
        changes={
            "org_id": {"from": member.org_id, "to": dest.id},
            "transfer_id": t.id,
            "managements_ended": ended,
        },
    )
    await uow.commit()
    return view_of(updated, today)


async def record_receipt(
    uow: UnitOfWork,
    actor: Principal,
    *,
    transfer_id: int,
    receipt_no: str,
    receipt_on: dt.date | None = None,
    expected_version: int | None = None,
) -> TransferView:
    """Record the receipt (回执). For a member leaving the system it completes the transfer:
    the affiliation ends and the member's standing becomes transferred_out. For a completed
    transfer inside the system (or a registered incoming one) it records number and date."""
    actor.require(Scope.MEMBERS_WRITE)
    number = required_text(receipt_no, pointer="/receipt_no", limit=64)
    t, member = await _lock(uow, actor, transfer_id, expected_version)
    today = uow.clock.today()
    if t.kind is TransferKind.OUTGOING:
        _require_sender(actor, t)
        if t.state is not TransferState.ISSUED:
            raise wrong_state(t, effective_state(t, today), "receipt")
        day = check_day(
            receipt_on or today,
            not_before=t.issued_on,
            today=today,
            pointer="/receipt_on",
            code="transfer.date_out_of_range",
        )
        _require_active(member)
        await _lock_orgs(uow, [member.org_id])
        now = uow.clock.now()
        await uow.standing.close_current_affiliation(member.id, to_date=day)
        await uow.orgs.adjust_member_count(member.org_id, -1)
        await uow.members.update(
            member.id,
            expected_version=None,
            changes={"standing": Standing.TRANSFERRED_OUT.value, "standing_since": day},
            now=now,
        )
        await uow.members.add_event(
            member_id=member.id,
            kind=EventKind.TRANSFERRED_OUT.value,
            on_date=day,
            reason=None,
            details={
                "from": member.standing,
                "to": Standing.TRANSFERRED_OUT.value,
                "transfer_id": t.id,
                "from_org_id": member.org_id,
                "external_name": t.external_name,
                "external_region": t.external_region,
            },
            now=now,
        )
        # Gone from the system: no organisation in it manages the member any more.
        ended = await end_managements(
            uow, actor, member.id, on=day, reason=EventKind.TRANSFERRED_OUT.value
        )
        updated = await _apply(
            uow,
            t,
            expected=TransferState.ISSUED,
            changes={
                "state": TransferState.COMPLETED,
                "receipt_no": number,
                "receipt_on": day,
            },
        )
        await uow.audit.record(
            actor,
            action="member.transfer_out",
            target_type="member",
            target_id=member.id,
            org_id=member.org_id,
            changes={
                "standing": {"from": member.standing, "to": Standing.TRANSFERRED_OUT.value},
                "transfer_id": t.id,
                "managements_ended": ended,
            },
        )
    else:
        if t.state is not TransferState.COMPLETED:
            raise wrong_state(t, effective_state(t, today), "receipt")
        if t.receipt_no is not None:
            raise Conflict("transfer.receipt_recorded", params={"id": t.id})
        day = check_day(
            receipt_on or today,
            not_before=t.reported_on or t.issued_on,
            today=today,
            pointer="/receipt_on",
            code="transfer.date_out_of_range",
        )
        updated = await _apply(
            uow,
            t,
            expected=TransferState.COMPLETED,
            changes={"receipt_no": number, "receipt_on": day},
        )
    await _record(uow, actor, t, "receipt", {"receipt_no": number, "receipt_on": day.isoformat()})
    await uow.commit()
    return view_of(updated, today)


async def register_incoming(
    uow: UnitOfWork, actor: Principal, *, letter: IncomingLetter, cipher: PersonalDataCipher
) -> TransferView:
    """Register a letter from outside the system at a branch in the subtree: the member is
    registered there (or their record, if they once transferred out, is re-admitted) and the
    transfer is recorded as completed, reported on ``reported_on``."""
    actor.require(Scope.MEMBERS_WRITE)
    today = uow.clock.today()
    letter_no = required_text(letter.letter_no, pointer="/letter_no", limit=64)
    dues = check_month(letter.dues_paid_until)
    origin = required_text(letter.origin_name, pointer="/origin_name", limit=200)
    region = required_text(letter.origin_region, pointer="/origin_region", limit=100)
    issued_on, valid_until = letter_validity(
        letter.issued_on, letter.valid_until, today=today, current=False
    )
    day = check_day(
        letter.reported_on or today,
        not_before=issued_on,
        today=today,
        pointer="/reported_on",
        code="transfer.date_out_of_range",
    )
    if day > valid_until:
        raise RuleViolation(
            "transfer.reported_after_expiry",
            params={"valid_until": valid_until.isoformat()},
            fields=[FieldError("transfer.reported_after_expiry", pointer="/reported_on")],
        )
    new = letter.member
    national_id = validate_national_id(new.national_id, birth_date=new.birth_date)
    digest = cipher.lookup_hash(national_id, context=NATIONAL_ID_CONTEXT)
    existing = await uow.members.by_national_id_hash(digest)
    if existing is not None:
        existing = await uow.members.get(existing.id, lock=True)
    now = uow.clock.now()
    if existing is None:
        member = await insert_member(
            uow,
            actor,
            new=new,
            cipher=cipher,
            affiliated_on=day,
            affiliation_reason="transferred_in",
        )
        readmitted = False
    elif existing.standing == Standing.TRANSFERRED_OUT.value:
        member = await _readmit(uow, actor, existing, new=new, on=day)
        readmitted = True
    else:
        seen = existing.id if actor.covers_path(existing.org_path) else None
        raise NationalIdTaken(seen)
    details: dict[str, Any] = {
        "to_org_id": member.org_id,
        "origin_name": origin,
        "origin_region": region,
    }
    if readmitted:  # a standing change, told like the status changes tell theirs
        details.update({"from": Standing.TRANSFERRED_OUT.value, "to": Standing.ACTIVE.value})
    await uow.members.add_event(
        member_id=member.id,
        kind=EventKind.TRANSFERRED_IN.value,
        on_date=day,
        reason=None,
        details=details,
        now=now,
    )
    t = await uow.transfers.add(
        fields={
            "member_id": member.id,
            "kind": TransferKind.INCOMING,
            "state": TransferState.COMPLETED,
            "from_org_id": None,
            "from_path": None,
            "to_org_id": member.org_id,
            "to_path": member.org_path,
            "external_name": origin,
            "external_region": region,
            "letter_no": letter_no,
            "dues_paid_until": dues,
            "issued_on": issued_on,
            "valid_until": valid_until,
            "reported_on": day,
        },
        now=now,
    )
    await uow.audit.record(
        actor,
        action="member.readmit" if readmitted else "member.create",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes={**snapshot(member), "transfer_id": t.id},
    )
    await _record(
        uow,
        actor,
        t,
        "register_incoming",
        {
            "to_org_id": member.org_id,
            "origin_name": origin,
            "origin_region": region,
            "letter_no": letter_no,
            "reported_on": day.isoformat(),
            "readmitted": readmitted,
        },
        org_id=member.org_id,
    )
    await uow.commit()
    return view_of(t, today)


async def _readmit(
    uow: UnitOfWork, actor: Principal, member: Member, *, new: NewMember, on: dt.date
) -> Member:
    """Bring a member who once transferred out of the system back onto a roll in the subtree."""
    if (new.status is MemberStatus.FULL) != (new.full_member_date is not None):
        raise InvalidInput(
            "member.full_member_date_required",
            fields=[FieldError("member.full_member_date_required", pointer="/full_member_date")],
        )
    holder = await load_holder(uow, actor, new.org_id)
    await uow.members.add_affiliation(
        member_id=member.id, org_id=holder.id, from_date=on, reason="transferred_in"
    )
    await uow.orgs.adjust_member_count(holder.id, +1)
    updated = await uow.members.update(
        member.id,
        expected_version=None,
        changes={
            "org_id": holder.id,
            "org_path": holder.path,
            "standing": Standing.ACTIVE.value,
            "standing_since": on,
            "status": new.status.value,
            "full_member_date": new.full_member_date,
        },
        now=uow.clock.now(),
    )
    assert updated is not None
    return updated


async def expire_lapsed(uow: UnitOfWork, actor: Principal, *, limit: int = 500) -> list[int]:
    """Store as expired up to ``limit`` open transfers whose letter ran out unreported (the
    `lianjian expire-transfers` sweep); reads already show them expired, this makes it a fact
    for the database's own consumers. They stay in the overdue queue until a new letter."""
    actor.require(Scope.MEMBERS_WRITE)
    today = uow.clock.today()
    done: list[int] = []
    for transfer_id, member_id in await uow.transfers.lapsed(today=today, limit=limit):
        await uow.members.get(member_id, lock=True)  # the fixed order: member, then transfer
        t = await uow.transfers.get(transfer_id, lock=True)
        if t is None or t.state not in OPEN_STATES or t.valid_until >= today:
            continue  # reported, cancelled or replaced meanwhile
        await _apply(uow, t, expected=t.state, changes={"state": TransferState.EXPIRED})
        await _record(
            uow,
            actor,
            t,
            "expire",
            {"state": {"from": t.state.value}, "valid_until": t.valid_until.isoformat()},
        )
        done.append(t.id)
    if done:
        await uow.commit()
    return done


async def get_transfer(uow: UnitOfWork, actor: Principal, *, transfer_id: int) -> TransferView:
    """One transfer whose sender or destination lies in the subtree (or the member's own)."""
    t = await load_transfer(uow, actor, transfer_id)
    return view_of(t, uow.clock.today())


async def member_transfers(
    uow: UnitOfWork, actor: Principal, *, member_id: int, page: PageRequest
) -> Page[TransferView]:
    """Every transfer of a member affiliated in the subtree, newest first."""
    actor.require(Scope.MEMBERS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    member = await load_member(uow, actor, member_id)
    return await _views(uow, await uow.transfers.of_member(member.id, page=page))


async def my_transfers(
    uow: UnitOfWork, actor: Principal, *, page: PageRequest
) -> Page[TransferView]:
    """The transfers of the member linked to the caller's own account, newest first."""
    actor.require(Scope.SELF)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    member_id = await my_member_id(uow, actor)
    return await _views(uow, await uow.transfers.of_member(member_id, page=page))


async def org_transfer_queue(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    queue: TransferQueue,
    within_days: int | None,
    page: PageRequest,
) -> Page[TransferView]:
    """A work queue over the subtree of ``org_id`` (see TransferQueue)."""
    actor.require(Scope.MEMBERS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    if within_days is not None and queue is not TransferQueue.EXPIRING:
        raise InvalidInput(
            "transfer.within_days_not_applicable",
            fields=[FieldError("transfer.within_days_not_applicable", parameter="within_days")],
        )
    days = within_days if within_days is not None else EXPIRING_DAYS_DEFAULT
    if not 1 <= days <= EXPIRING_DAYS_MAX:
        raise InvalidInput(
            "transfer.within_days_out_of_range",
            params={"max": EXPIRING_DAYS_MAX},
            fields=[FieldError("transfer.within_days_out_of_range", parameter="within_days")],
        )
    org = await load_org(uow, actor, org_id)
    result = await uow.transfers.queue(
        org.path, queue=queue, today=uow.clock.today(), within_days=days, page=page
    )
    return await _views(uow, result)


async def _views(uow: UnitOfWork, page: Page[Transfer]) -> Page[TransferView]:
    today = uow.clock.today()
    return Page([view_of(t, today) for t in page.items], page.next_after)
