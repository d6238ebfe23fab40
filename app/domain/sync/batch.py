"""Bulk upserts keyed by a machine client's external ids. Validate every row first with the
owning area's rules, then write the good rows with a few batch statements; a bad row is
reported and never aborts the others. Unchanged rows write nothing (no audit, no outbox)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from app.domain.audit import AuditItem
from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import DomainError, FieldError, InvalidInput
from app.domain.members.model import (
    HOLDING_KINDS,
    NATIONAL_ID_CONTEXT,
    PHONE_CONTEXT,
    Education,
    EventKind,
    Gender,
    Member,
    MemberStatus,
    Standing,
    check_member_dates,
    validate_national_id,
    validate_phone,
)
from app.domain.members.ports import PersonalDataCipher
from app.domain.members.service import snapshot
from app.domain.orgs.model import Org
from app.domain.orgs.service import load_active_org_of_kind
from app.domain.ports import UnitOfWork
from app.domain.sync.clients import acting_client
from app.domain.sync.model import (
    BATCH_MAX,
    BatchResult,
    Entity,
    RowProblem,
    RowResult,
    RowStatus,
)
from app.domain.sync.ports import SyncedMember
from app.domain.sync.rows import Field, attempt, external_id_field, parse_row, row_problems

MEMBER_FIELDS = (
    external_id_field(),
    Field("name", "str", required=True, max_length=100),
    Field("gender", Gender, required=True),
    Field("birth_date", "date", required=True),
    Field("national_id", "str", required=True, max_length=32),
    Field("join_date", "date", required=True),
    Field("status", MemberStatus, required=True),
    Field("full_member_date", "date"),
    Field("ethnicity", "str", max_length=32),
    Field("education", Education),
    Field("specialty", "str", max_length=100),
    Field("phone", "str", max_length=32),
    Field("org_id", "int"),
    Field("org_external_id", "str", max_length=100),
)
# Descriptive fields a sync may change; the others change by their own actions (transfer,
# conversion) and a differing value is refused for that row.
MEMBER_SYNCED = ("name", "gender", "ethnicity", "education", "specialty")
MEMBER_FIXED = ("birth_date", "join_date", "status", "full_member_date", "org_id")


ROW_CONTEXT = "sync.row"


def row_fingerprint(raw: dict[str, Any], cipher: PersonalDataCipher) -> str:
    """A keyed hash of a row as sent (it holds id numbers, so a plain hash would not do)."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return cipher.lookup_hash(text, context=ROW_CONTEXT)


def check_batch_size(rows: list[Any]) -> None:
    if not rows:
        raise InvalidInput(
            "sync.batch_empty", fields=[FieldError("sync.batch_empty", pointer="/rows")]
        )
    if len(rows) > BATCH_MAX:
        raise InvalidInput(
            "sync.batch_too_large",
            params={"max": BATCH_MAX},
            fields=[FieldError("sync.batch_too_large", pointer="/rows", params={"max": BATCH_MAX})],
        )


@dataclass
class _MemberRow:
    index: int
    external_id: str
    values: dict[str, Any]
    national_id: str
    digest: str
    phone: str | None
    phone_digest: str | None
    org_ref: tuple[str, Any]  # ("id", 12) or ("external", "ORG-7")


def _reject(index: int, external_id: Any, problems: list[RowProblem]) -> RowResult:
    ext = external_id if isinstance(external_id, str) else None
    return RowResult(index, ext, RowStatus.REJECTED, problems=tuple(problems))


def _one(index: int, code: str, pointer: str, **params: Any) -> list[RowProblem]:
    return [RowProblem(code, f"/rows/{index}/{pointer}", params)]


async def upsert_members(
    uow: UnitOfWork,
    actor: Principal,
    *,
    rows: list[Any],
    dry_run: bool,
    cipher: PersonalDataCipher,
) -> BatchResult:
    """Create or update members keyed by the client's external ids (then by id number)."""
    actor.require(Scope.SYNC_WRITE)
    actor.require(Scope.MEMBERS_WRITE)
    check_batch_size(rows)
    # One batch at a time per client, so two batches never race for the same external ids.
    client = await acting_client(uow, actor, lock=not dry_run)
    today = uow.clock.today()
    results: dict[int, RowResult] = {}
    parsed: list[_MemberRow] = []
    seen_ext: dict[str, int] = {}
    seen_digest: dict[str, int] = {}
    # Rows sent again exactly as last applied, to a member still at that version, are
    # unchanged without being checked again (the fast path of a re-sync).
    prints = {
        i: row_fingerprint(raw, cipher)
        for i, raw in enumerate(rows)
        if isinstance(raw, dict) and isinstance(raw.get("external_id"), str)
    }
    states = await uow.sync.mapping_states(
        client.id, Entity.MEMBER.value, sorted({rows[i]["external_id"] for i in prints})
    )
    versions = await uow.sync.member_versions(
        sorted({s[0] for s in states.values() if s[1] is not None})
    )
    for i, raw in enumerate(rows):
        if i in prints and raw["external_id"] not in seen_ext:
            state = states.get(raw["external_id"])
            now_at = versions.get(state[0]) if state else None
            if (
                state is not None
                and now_at is not None
                and state[1] == prints[i]
                and state[2] == now_at[0]
                and actor.covers_path(now_at[1])
            ):
                seen_ext[raw["external_id"]] = i
                results[i] = RowResult(i, raw["external_id"], RowStatus.UNCHANGED, id=state[0])
                continue
        values, problems = parse_row(i, raw, MEMBER_FIELDS)
        ext = values.get("external_id")
        if problems or not isinstance(ext, str):
            results[i] = _reject(i, ext, problems)
            continue
        if ext in seen_ext:
            results[i] = _reject(
                i, ext, _one(i, "sync.duplicate_external_id", "external_id", first=seen_ext[ext])
            )
            continue
        seen_ext[ext] = i
        row, problems = _check_member(i, values, today, cipher)
        if row is None:
            results[i] = _reject(i, ext, problems)
            continue
        if row.digest in seen_digest:
            results[i] = _reject(
                i,
                ext,
                _one(i, "sync.duplicate_in_batch", "national_id", first=seen_digest[row.digest]),
            )
            continue
        seen_digest[row.digest] = i
        parsed.append(row)

    # Orgs named by the client's external ids, then every holder checked once.
    org_map = await uow.sync.mapped(
        client.id,
        Entity.ORG.value,
        sorted({r.org_ref[1] for r in parsed if r.org_ref[0] == "external"}),
    )
    good: list[tuple[_MemberRow, int]] = []
    for row in parsed:
        kind, ref = row.org_ref
        org_id = org_map.get(ref) if kind == "external" else ref
        if org_id is None:
            pointer = "org_external_id" if kind == "external" else "org_id"
            results[row.index] = _reject(
                row.index, row.external_id, _one(row.index, "sync.org_external_id_unknown", pointer)
            )
            continue
        good.append((row, org_id))

    mapped = {r.external_id: states[r.external_id][0] for r, _ in good if r.external_id in states}
    known = await uow.sync.members_for_sync(
        ids=sorted(set(mapped.values())),
        hashes=[r.digest for r, _ in good if r.external_id not in mapped],
    )
    by_id = {k.member.id: k for k in known}
    by_digest = {k.national_id_hash: k for k in known}
    linked_back = await uow.sync.mapped_back(
        client.id,
        Entity.MEMBER.value,
        [k.member.id for k in known if k.member.id not in set(mapped.values())],
    )

    creates: list[tuple[_MemberRow, int]] = []
    updates: list[tuple[_MemberRow, SyncedMember, dict[str, Any], dict[str, Any]]] = []
    links: list[tuple[str, int]] = []
    for row, holder_id in good:
        i, ext = row.index, row.external_id
        target_id = mapped.get(ext)
        if target_id is not None:
            current = by_id.get(target_id)
            if current is None or not actor.covers_path(current.member.org_path):
                results[i] = _reject(
                    i, ext, _one(i, "sync.external_id_outside_subtree", "external_id")
                )
                continue
            if current.national_id_hash != row.digest:
                results[i] = _reject(i, ext, _one(i, "sync.national_id_mismatch", "national_id"))
                continue
        else:
            found = by_digest.get(row.digest)
            if found is None:
                creates.append((row, holder_id))
                continue
            if not actor.covers_path(found.member.org_path):
                results[i] = _reject(i, ext, _one(i, "member.national_id_taken", "national_id"))
                continue
            if found.member.id in linked_back:
                results[i] = _reject(i, ext, _one(i, "sync.external_id_conflict", "external_id"))
                continue
            current = found
            links.append((ext, current.member.id))
        problems, diff, audit = _member_diff(i, row, holder_id, current, cipher)
        if problems:
            results[i] = _reject(i, ext, problems)
            if links and links[-1] == (ext, current.member.id):
                links.pop()
            continue
        if diff:
            updates.append((row, current, diff, audit))
        else:
            results[i] = RowResult(i, ext, RowStatus.UNCHANGED, id=current.member.id)

    # Where new members go: each holder checked (and locked) once by the members' own rule.
    holders: dict[int, Org | DomainError] = {}
    checked: list[tuple[_MemberRow, int]] = []
    for row, org_id in creates:
        if org_id not in holders:
            holders[org_id] = await _holder(uow, actor, org_id)
        holder = holders[org_id]
        if isinstance(holder, DomainError):
            pointer = "org_external_id" if row.org_ref[0] == "external" else "org_id"
            results[row.index] = _reject(
                row.index,
                row.external_id,
                [
                    RowProblem(p.code, f"/rows/{row.index}/{pointer}", p.params)
                    for p in row_problems(row.index, holder)
                ],
            )
            continue
        checked.append((row, org_id))
    creates = checked

    if dry_run:
        for row, _ in creates:
            results[row.index] = RowResult(row.index, row.external_id, RowStatus.CREATED)
        for row, current, _, _ in updates:
            results[row.index] = RowResult(
                row.index, row.external_id, RowStatus.UPDATED, id=current.member.id
            )
        return BatchResult(Entity.MEMBER, True, [results[i] for i in range(len(rows))])

    now = uow.clock.now()
    audit_items: list[AuditItem] = []
    applied: dict[str, tuple[str, int]] = {}  # external id → (fingerprint, version after)
    if creates:
        new_rows = [
            _insert_values(row, holder, cipher)
            for row, holder_id in creates
            if isinstance(holder := holders[holder_id], Org)
        ]
        ids = await uow.sync.insert_members(
            new_rows, reason="registered", event=EventKind.JOINED.value, now=now
        )
        per_org: dict[int, int] = {}
        for (row, holder_id), member_id, values in zip(creates, ids, new_rows, strict=True):
            per_org[holder_id] = per_org.get(holder_id, 0) + 1
            links.append((row.external_id, member_id))
            applied[row.external_id] = (prints[row.index], 1)
            results[row.index] = RowResult(
                row.index, row.external_id, RowStatus.CREATED, id=member_id
            )
            audit_items.append(
                AuditItem(
                    "member.create",
                    "member",
                    member_id,
                    holder_id,
                    snapshot(_as_member(member_id, values, now)),
                )
            )
        for org_id in sorted(per_org):
            await uow.orgs.adjust_member_count(org_id, per_org[org_id])
    for row, current, diff, audit in updates:
        await uow.members.update(current.member.id, expected_version=None, changes=diff, now=now)
        applied[row.external_id] = (prints[row.index], current.member.version + 1)
        results[row.index] = RowResult(
            row.index, row.external_id, RowStatus.UPDATED, id=current.member.id
        )
        audit_items.append(
            AuditItem("member.update", "member", current.member.id, current.member.org_id, audit)
        )
    if links:
        for ext, member_id in links:
            if ext not in applied:  # linked by id number and unchanged
                applied[ext] = (prints[seen_ext[ext]], by_id[member_id].member.version)
        await uow.sync.link(client.id, Entity.MEMBER.value, links, now=now, states=applied)
        audit_items.append(
            AuditItem(
                "sync.link",
                "sync_client",
                client.id,
                client.org_id,
                {"entity": Entity.MEMBER.value, "linked": len(links)},
            )
        )
    await uow.sync.remember(
        client.id, Entity.MEMBER.value, {e: v for e, v in applied.items() if e in mapped}
    )
    if audit_items:
        await uow.audit.record_many(actor, audit_items)
        await uow.commit()
    return BatchResult(Entity.MEMBER, False, [results[i] for i in range(len(rows))])


async def _holder(uow: UnitOfWork, actor: Principal, org_id: int) -> Org | DomainError:
    try:
        return await load_active_org_of_kind(
            uow,
            actor,
            org_id,
            kinds=HOLDING_KINDS,
            wrong_kind="member.org_cannot_hold_members",
            dissolved="member.org_dissolved",
            pointer="",
        )
    except DomainError as e:
        return e


def _check_member(
    i: int, values: dict[str, Any], today: dt.date, cipher: PersonalDataCipher
) -> tuple[_MemberRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    national_id, found = attempt(
        i, lambda: validate_national_id(values["national_id"], birth_date=values["birth_date"])
    )
    problems += found
    _, found = attempt(
        i,
        lambda: check_member_dates(
            birth_date=values["birth_date"],
            join_date=values["join_date"],
            status=values["status"],
            full_member_date=values["full_member_date"],
            today=today,
        ),
    )
    problems += found
    phone = None
    if values["phone"] is not None:
        phone, found = attempt(i, lambda: validate_phone(values["phone"]))
        problems += found
    if (values["org_id"] is None) == (values["org_external_id"] is None):
        problems += _one(i, "sync.org_reference_required", "org_id")
    if problems:
        return None, problems
    org_ref: tuple[str, Any] = (
        ("id", values["org_id"])
        if values["org_id"] is not None
        else ("external", values["org_external_id"])
    )
    return (
        _MemberRow(
            index=i,
            external_id=values["external_id"],
            values=values,
            national_id=national_id,
            digest=cipher.lookup_hash(national_id, context=NATIONAL_ID_CONTEXT),
            phone=phone,
            phone_digest=cipher.lookup_hash(phone, context=PHONE_CONTEXT) if phone else None,
            org_ref=org_ref,
        ),
        [],
    )


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _member_diff(
    i: int,
    row: _MemberRow,
    holder_id: int,
    current: SyncedMember,
    cipher: PersonalDataCipher,
) -> tuple[list[RowProblem], dict[str, Any], dict[str, Any]]:
    m = current.member
    incoming = {**row.values, "org_id": holder_id}
    problems: list[RowProblem] = []
    for name in MEMBER_FIXED:
        if _plain(getattr(m, name)) != _plain(incoming[name]):
            pointer = "org_id" if name == "org_id" and row.org_ref[0] == "id" else name
            if name == "org_id" and row.org_ref[0] == "external":
                pointer = "org_external_id"
            problems += _one(i, "sync.field_not_synced", pointer, field=name)
    if problems:
        return problems, {}, {}
    diff: dict[str, Any] = {}
    audit: dict[str, Any] = {}
    for name in MEMBER_SYNCED:
        old, new = _plain(getattr(m, name)), _plain(incoming[name])
        if old != new:
            diff[name] = new
            audit[name] = {"from": old, "to": new}
    if row.phone_digest != current.phone_hash:
        diff["phone_enc"] = (
            cipher.encrypt(row.phone, context=PHONE_CONTEXT) if row.phone is not None else None
        )
        diff["phone_hash"] = row.phone_digest
        audit["phone"] = "changed"
    return [], diff, audit


def _insert_values(row: _MemberRow, holder: Org, cipher: PersonalDataCipher) -> dict[str, Any]:
    v = row.values
    return {
        "name": v["name"],
        "gender": v["gender"].value,
        "birth_date": v["birth_date"],
        "ethnicity": v["ethnicity"],
        "education": v["education"].value if v["education"] else None,
        "specialty": v["specialty"],
        "employer_enterprise_id": None,
        "join_date": v["join_date"],
        "full_member_date": v["full_member_date"],
        "status": v["status"].value,
        "national_id_enc": cipher.encrypt(row.national_id, context=NATIONAL_ID_CONTEXT),
        "national_id_hash": row.digest,
        "phone_enc": cipher.encrypt(row.phone, context=PHONE_CONTEXT) if row.phone else None,
        "phone_hash": row.phone_digest,
        "org_id": holder.id,
        "org_path": holder.path,
    }


def _as_member(member_id: int, values: dict[str, Any], now: dt.datetime) -> Member:
    return Member(
        id=member_id,
        name=values["name"],
        gender=Gender(values["gender"]),
        birth_date=values["birth_date"],
        ethnicity=values["ethnicity"],
        education=Education(values["education"]) if values["education"] else None,
        specialty=values["specialty"],
        employer_enterprise_id=None,
        join_date=values["join_date"],
        full_member_date=values["full_member_date"],
        status=values["status"],
        standing=Standing.ACTIVE.value,  # a created member starts on the roll
        standing_since=None,
        national_id_enc="",
        phone_enc=None,
        org_id=values["org_id"],
        org_path="",
        version=1,
        created_at=now,
        updated_at=now,
    )
