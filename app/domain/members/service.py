"""Use cases of the member roster (党员名册): register with a first affiliation, read, edit,
list, look up by id number, history and composition. Each authorises the actor, applies the
rules and commits once before returning. Id and phone numbers are encrypted at rest, found by
their keyed hash, shown masked without ``pii:read`` and never logged or audited in clear."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from app.domain.members import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.members.model import (
    HOLDING_KINDS,
    NATIONAL_ID_CONTEXT,
    PHONE_CONTEXT,
    EventKind,
    Member,
    MemberHistory,
    MemberStats,
    MemberView,
    NationalIdTaken,
    band_birth_range,
    check_member_dates,
    fold_stats,
    mask_national_id,
    mask_phone,
    validate_national_id,
    validate_phone,
)
from app.domain.members.ports import MemberFilter, NewMember, PersonalDataCipher
from app.domain.orgs.model import MemberTotals, Org
from app.domain.orgs.service import load_active_org_of_kind, load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

# Fields a PATCH may change. Affiliation changes by transfer, status by its own events, the id
# number never (a wrong number is a new record plus a correction, not an edit).
UPDATABLE = frozenset(
    {
        "name",
        "gender",
        "ethnicity",
        "education",
        "specialty",
        "employer_enterprise_id",
        "phone",
    }
)
_NOT_NULL = frozenset({"name", "gender"})


def can_read_pii(actor: Principal) -> bool:
    return actor.has(Scope.PII_READ)


def present(member: Member, *, cipher: PersonalDataCipher, unmasked: bool) -> MemberView:
    """Decrypt the numbers and mask them unless the caller may read them in full."""
    national_id = cipher.decrypt(member.national_id_enc, context=NATIONAL_ID_CONTEXT)
    phone = cipher.decrypt(member.phone_enc, context=PHONE_CONTEXT) if member.phone_enc else None
    if not unmasked:
        national_id = mask_national_id(national_id)
        phone = mask_phone(phone) if phone else None
    return MemberView(member=member, national_id=national_id, phone=phone, masked=not unmasked)


def _view(actor: Principal, member: Member, cipher: PersonalDataCipher) -> MemberView:
    return present(member, cipher=cipher, unmasked=can_read_pii(actor))


async def load_member(
    uow: UnitOfWork,
    actor: Principal,
    member_id: int,
    *,
    lock: bool = False,
    pointer: str | None = None,
) -> Member:
    """The member, if affiliated inside the actor's subtree; otherwise NotFound."""
    member = await uow.members.get(member_id, lock=lock)
    if member is None or not actor.covers_path(member.org_path):
        fields = [FieldError("member.not_found", pointer=pointer)] if pointer else None
        raise NotFound("member.not_found", params={"id": member_id}, fields=fields)
    return member


async def load_holder(uow: UnitOfWork, actor: Principal, org_id: int) -> Org:
    """An active branch or general branch in the subtree, locked so its count stays right."""
    return await load_active_org_of_kind(
        uow,
        actor,
        org_id,
        kinds=HOLDING_KINDS,
        wrong_kind="member.org_cannot_hold_members",
        dissolved="member.org_dissolved",
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None and name in _NOT_NULL:
            raise InvalidInput(
                "member.value_required",
                fields=[FieldError("member.value_required", pointer=f"/{name}")],
            )
        if isinstance(value, str):
            value = value.strip() or None
        out[name] = value
    if "name" in out and out["name"] is None:
        raise InvalidInput(
            "member.name_required", fields=[FieldError("member.name_required", pointer="/name")]
        )
    return out


async def _check_employer(uow: UnitOfWork, actor: Principal, enterprise_id: int | None) -> None:
    if enterprise_id is None:
        return
    ent = await uow.enterprises.get(enterprise_id)
    if ent is None or not actor.covers_path(ent.org_path):
        raise NotFound(
            "member.employer_not_found",
            params={"id": enterprise_id},
            fields=[FieldError("member.employer_not_found", pointer="/employer_enterprise_id")],
        )


def _phone_columns(phone: str | None, cipher: PersonalDataCipher) -> dict[str, Any]:
    if phone is None:
        return {"phone_enc": None, "phone_hash": None}
    value = validate_phone(phone)
    return {
        "phone_enc": cipher.encrypt(value, context=PHONE_CONTEXT),
        "phone_hash": cipher.lookup_hash(value, context=PHONE_CONTEXT),
    }


def _taken(actor: Principal, existing: Member) -> NationalIdTaken:
    # Point at the existing record only when the caller could open it.
    return NationalIdTaken(existing.id if actor.covers_path(existing.org_path) else None)


async def create_member(
    uow: UnitOfWork, actor: Principal, *, new: NewMember, cipher: PersonalDataCipher
) -> MemberView:
    """Register a member with a first affiliation at a branch or general branch in the subtree."""
    actor.require(Scope.MEMBERS_WRITE)
    member = await insert_member(uow, actor, new=new, cipher=cipher)
    await uow.audit.record(
        actor,
        action="member.create",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes=snapshot(member),
    )
    await uow.commit()
    return _view(actor, member, cipher)


async def insert_member(
    uow: UnitOfWork,
    actor: Principal,
    *,
    new: NewMember,
    cipher: PersonalDataCipher,
    affiliated_on: dt.date | None = None,
    affiliation_reason: str = "registered",
) -> Member:
    """The roster's create path without audit or commit (the caller does both): validation,
    encryption, uniqueness, first affiliation (from ``affiliated_on``, default the join date),
    the org's member_count and the joined event."""
    fields = _clean(asdict(new))
    national_id = validate_national_id(new.national_id, birth_date=new.birth_date)
    check_member_dates(
        birth_date=new.birth_date,
        join_date=new.join_date,
        status=new.status,
        full_member_date=new.full_member_date,
        today=uow.clock.today(),
    )
    digest = cipher.lookup_hash(national_id, context=NATIONAL_ID_CONTEXT)
    existing = await uow.members.by_national_id_hash(digest)
    if existing is not None:
        raise _taken(actor, existing)
    holder = await load_holder(uow, actor, new.org_id)
    await _check_employer(uow, actor, new.employer_enterprise_id)
    del fields["national_id"], fields["phone"]
    fields.update(
        national_id_enc=cipher.encrypt(national_id, context=NATIONAL_ID_CONTEXT),
        national_id_hash=digest,
        org_id=holder.id,
        org_path=holder.path,
        **_phone_columns(new.phone, cipher),
    )
    try:
        member = await uow.members.add(fields=fields, now=uow.clock.now())
    except NationalIdTaken:
        # Lost a race to a concurrent insert of the same number.
        raced = await uow.members.by_national_id_hash(digest)
        raise _taken(actor, raced) if raced else NationalIdTaken(None) from None
    await uow.members.add_affiliation(
        member_id=member.id,
        org_id=holder.id,
        from_date=affiliated_on or new.join_date,
        reason=affiliation_reason,
    )
    await uow.orgs.adjust_member_count(holder.id, +1)
    await uow.members.add_event(
        member_id=member.id,
        kind=EventKind.JOINED.value,
        on_date=new.join_date,
        reason=None,
        details={"status": member.status, "org_id": holder.id},
        now=uow.clock.now(),
    )
    return member


async def get_member(
    uow: UnitOfWork, actor: Principal, *, member_id: int, cipher: PersonalDataCipher
) -> MemberView:
    """One member affiliated in the actor's subtree, or managed by an org of it (read only)."""
    actor.require(Scope.MEMBERS_READ)
    member = await uow.members.get(member_id)
    paths = (
        await uow.managements.managed_paths(member_id, today=uow.clock.today()) if member else []
    )
    here = any(actor.covers_path(p) for p in paths)
    if member is None or not (here or actor.covers_path(member.org_path)):
        raise NotFound("member.not_found", params={"id": member_id})
    return replace(_view(actor, member, cipher), managed_here=here)


async def get_my_member(
    uow: UnitOfWork, actor: Principal, *, cipher: PersonalDataCipher
) -> MemberView:
    """The caller's own member record (a member-role account linked to it), unmasked."""
    actor.require(Scope.SELF)
    member = await uow.members.get(await my_member_id(uow, actor))
    assert member is not None  # my_member_id checked it
    return present(member, cipher=cipher, unmasked=True)


async def my_member_id(uow: UnitOfWork, actor: Principal) -> int:
    """The member linked to the caller's own account (users.member_id); NotFound otherwise.
    The one place every self-service read (profile, history, transfers, managements, stage)
    finds "me"."""
    member_id = (
        await uow.members.linked_to_user(actor.user_id) if actor.user_id is not None else None
    )
    if member_id is None or await uow.members.get(member_id) is None:
        raise NotFound("member.not_linked")
    return member_id


async def update_member(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int,
    expected_version: int,
    changes: dict[str, Any],
    cipher: PersonalDataCipher,
) -> MemberView:
    """Change a member's descriptive fields (optimistic concurrency by version)."""
    actor.require(Scope.MEMBERS_WRITE)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(
            "request.unknown_field",
            fields=[FieldError("request.unknown_field", pointer=f"/{f}") for f in sorted(unknown)],
        )
    member = await load_member(uow, actor, member_id, lock=True)
    if member.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": member.version})
    cleaned = _clean(changes)
    columns: dict[str, Any] = {k: v for k, v in cleaned.items() if k != "phone"}
    before = snapshot(member)
    diff = {k: v for k, v in columns.items() if before.get(k) != _plain(v)}
    phone_changed = False
    if "phone" in cleaned:
        old = cipher.decrypt(member.phone_enc, context=PHONE_CONTEXT) if member.phone_enc else None
        new_phone = validate_phone(cleaned["phone"]) if cleaned["phone"] else None
        if new_phone != old:
            diff.update(_phone_columns(new_phone, cipher))
            phone_changed = True
    if "employer_enterprise_id" in diff:
        await _check_employer(uow, actor, diff["employer_enterprise_id"])
    if not diff:
        return _view(actor, member, cipher)  # nothing changes: no write, no audit
    updated = await uow.members.update(
        member.id, expected_version=expected_version, changes=diff, now=uow.clock.now()
    )
    if updated is None:
        raise PreconditionFailed("request.stale", params={"current": member.version})
    after = snapshot(updated)
    audit: dict[str, Any] = {
        k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]
    }
    if phone_changed:
        audit["phone"] = "changed"  # the number itself is never audited
    await uow.audit.record(
        actor,
        action="member.update",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes=audit,
    )
    await uow.commit()
    return _view(actor, updated, cipher)


async def list_members(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    filters: MemberFilter,
    page: PageRequest,
    cipher: PersonalDataCipher,
) -> Page[MemberView]:
    """Members affiliated in the subtree of ``org_id`` (default: the actor's anchor) or
    dual-managed by an org of it (marked managed_here), on the roll unless a standing is
    asked for, by id."""
    actor.require(Scope.MEMBERS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root = await _root(uow, actor, org_id)
    today = uow.clock.today()
    birth_range = band_birth_range(filters.age_band, today) if filters.age_band else (None, None)
    result = await uow.members.subtree(
        root.path,
        org_id=root.id,
        filters=filters,
        birth_range=birth_range,
        page=page,
        today=today,
    )
    managed = await uow.managements.managed_here(
        root.path,
        [m.id for m in result.items],
        today=today,
        org_id=root.id if filters.direct_only else None,
    )
    return Page(
        [replace(_view(actor, m, cipher), managed_here=m.id in managed) for m in result.items],
        result.next_after,
    )


async def lookup_member(
    uow: UnitOfWork, actor: Principal, *, national_id: str, cipher: PersonalDataCipher
) -> MemberView:
    """The member with this id number, found by its keyed hash (nothing is decrypted to search).
    Needs ``pii:read``: confirming who is a member is personal data in itself."""
    actor.require(Scope.MEMBERS_READ)
    actor.require(Scope.PII_READ)
    value = validate_national_id(national_id)
    member = await uow.members.by_national_id_hash(
        cipher.lookup_hash(value, context=NATIONAL_ID_CONTEXT)
    )
    if member is None or not actor.covers_path(member.org_path):
        raise NotFound("member.not_found", params={"id": "?"})
    return _view(actor, member, cipher)


async def member_history(uow: UnitOfWork, actor: Principal, *, member_id: int) -> MemberHistory:
    """Status events and every affiliation (where, from, to) of one member, oldest first."""
    actor.require(Scope.MEMBERS_READ)
    member = await load_member(uow, actor, member_id)
    return MemberHistory(
        member_id=member.id,
        events=await uow.members.events_of(member.id),
        affiliations=await uow.members.affiliations_of(member.id),
    )


async def member_stats(uow: UnitOfWork, actor: Principal, *, org_id: int) -> MemberStats:
    """Counts by status, age band and education over a subtree: aggregates, no personal data."""
    actor.require(Scope.MEMBERS_READ)
    org = await load_org(uow, actor, org_id)
    rows = await uow.members.stats(org.path, today=uow.clock.today())
    return fold_stats(org.id, rows)


async def member_totals(uow: UnitOfWork, actor: Principal, *, org_id: int) -> MemberTotals:
    """How many members are on the roll in a subtree, from the counts every affiliation change
    maintains in its own transaction: one indexed range sum, however many members there are."""
    actor.require(Scope.MEMBERS_READ)
    org = await load_org(uow, actor, org_id)
    total, holding, empty = await uow.orgs.member_totals(org.path)
    return MemberTotals(
        org_id=org.id,
        total=total,
        direct=org.member_count,
        holding_orgs=holding,
        empty_holding_orgs=empty,
    )


async def _root(uow: UnitOfWork, actor: Principal, org_id: int | None) -> Org:
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    try:
        return await load_org(uow, actor, root_id)
    except NotFound:
        raise NotFound(
            "org.not_found",
            params={"id": root_id},
            fields=[FieldError("org.not_found", parameter="org_id")],
        ) from None


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(m: Member) -> dict[str, Any]:
    """The audited fields: no id or phone number, not even encrypted."""
    return {
        "name": m.name,
        "gender": m.gender.value,
        "birth_date": m.birth_date.isoformat(),
        "ethnicity": m.ethnicity,
        "education": m.education.value if m.education else None,
        "specialty": m.specialty,
        "employer_enterprise_id": m.employer_enterprise_id,
        "join_date": m.join_date.isoformat(),
        "full_member_date": m.full_member_date.isoformat() if m.full_member_date else None,
        "status": m.status,
        "org_id": m.org_id,
    }
