"""Use cases of the organisation tree. Each authorises the actor, applies the rules and commits
once before returning."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from app.domain.audit import AuditEntry
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
from app.domain.orgs.model import (
    FORMATION_KINDS,
    Formation,
    Org,
    OrgKind,
    OrgStatus,
    child_path,
    is_descendant_or_self,
    may_hold,
    root_of,
)
from app.domain.orgs.ports import NewOrg, OrgFilter, OrgSort
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

# Fields a PATCH may change. Kind and parent change only through their own use cases.
UPDATABLE = frozenset(
    {"name", "short_name", "code", "address", "established_on", "contact_leader", "formation"}
)


async def load_org(
    uow: UnitOfWork,
    actor: Principal,
    org_id: int,
    *,
    lock: bool = False,
    pointer: str | None = None,
) -> Org:
    """The org, if it exists inside the actor's subtree; otherwise NotFound (never Forbidden)."""
    org = await uow.orgs.get(org_id, lock=lock)
    if org is None or not actor.covers_path(org.path):
        fields = [FieldError("org.not_found", pointer=pointer)] if pointer else None
        raise NotFound("org.not_found", params={"id": org_id}, fields=fields)
    return org


async def load_active_org_of_kind(
    uow: UnitOfWork,
    actor: Principal,
    org_id: int,
    *,
    kinds: frozenset[OrgKind],
    wrong_kind: str,
    dissolved: str,
    pointer: str = "/org_id",
) -> Org:
    """An active org of one of ``kinds`` in the actor's subtree, locked so that it can neither
    be dissolved nor have its counts drift while the caller attaches something to it.
    ``wrong_kind`` and ``dissolved`` are the caller's own error codes."""
    org = await load_org(uow, actor, org_id, lock=True, pointer=pointer)
    if org.kind not in kinds:
        raise RuleViolation(
            wrong_kind,
            params={"kind": org.kind.value},
            fields=[FieldError(wrong_kind, pointer=pointer)],
        )
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            dissolved, params={"id": org.id}, fields=[FieldError(dissolved, pointer=pointer)]
        )
    return org


def _check_formation(kind: OrgKind, formation: Formation | None) -> None:
    if kind is OrgKind.BRANCH and formation is None:
        raise InvalidInput(
            "org.formation_required",
            fields=[FieldError("org.formation_required", pointer="/formation")],
        )
    if formation is not None and kind not in FORMATION_KINDS:
        raise InvalidInput(
            "org.formation_not_applicable",
            params={"kind": kind.value},
            fields=[FieldError("org.formation_not_applicable", pointer="/formation")],
        )


def _check_may_hold(parent: Org, kind: OrgKind, *, pointer: str) -> None:
    if not may_hold(parent.kind, kind):
        raise RuleViolation(
            "org.kind_not_allowed_under_parent",
            params={"kind": kind.value, "parent_kind": parent.kind.value},
            fields=[FieldError("org.kind_not_allowed_under_parent", pointer=pointer)],
        )


def _require_active(org: Org, *, pointer: str) -> None:
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "org.parent_dissolved",
            params={"id": org.id},
            fields=[FieldError("org.parent_dissolved", pointer=pointer)],
        )


async def _check_code_free(uow: UnitOfWork, code: str | None, *, except_id: int | None) -> None:
    if code and await uow.orgs.code_taken(code, except_id=except_id):
        raise Conflict(
            "org.code_taken",
            params={"code": code},
            fields=[FieldError("org.code_taken", pointer="/code")],
        )


async def create_org(uow: UnitOfWork, actor: Principal, *, new: NewOrg) -> Org:
    """Create an organisation under a parent inside the actor's subtree."""
    actor.require(Scope.ORGS_WRITE)
    _check_formation(new.kind, new.formation)
    parent: Org | None = None
    if new.parent_id is None:
        # Roots (districts) are made by the system (CLI, seed), never through a scoped token.
        if actor.org_id is not None or new.kind is not OrgKind.DISTRICT:
            raise InvalidInput(
                "org.parent_required",
                fields=[FieldError("org.parent_required", pointer="/parent_id")],
            )
    else:
        try:
            parent = await load_org(uow, actor, new.parent_id, lock=True, pointer="/parent_id")
        except NotFound:
            raise NotFound(
                "org.parent_not_found",
                params={"id": new.parent_id},
                fields=[FieldError("org.parent_not_found", pointer="/parent_id")],
            ) from None
        _require_active(parent, pointer="/parent_id")
        _check_may_hold(parent, new.kind, pointer="/kind")
    await _check_code_free(uow, new.code, except_id=None)
    now = uow.clock.now()
    org = await uow.orgs.add(new, parent=parent, now=now)
    if parent is not None:
        await uow.orgs.adjust_child_count(parent.id, +1)
    await uow.audit.record(
        actor,
        action="org.create",
        target_type="org",
        target_id=org.id,
        org_id=org.id,
        changes=_snapshot(org),
    )
    await uow.commit()
    return org


async def get_org(uow: UnitOfWork, actor: Principal, *, org_id: int) -> Org:
    """One organisation inside the actor's subtree."""
    actor.require(Scope.ORGS_READ)
    return await load_org(uow, actor, org_id)


async def update_org(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Org:
    """Change an organisation's descriptive fields (optimistic concurrency by version)."""
    actor.require(Scope.ORGS_WRITE)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(
            "request.unknown_field",
            fields=[FieldError("request.unknown_field", pointer=f"/{f}") for f in sorted(unknown)],
        )
    org = await load_org(uow, actor, org_id, lock=True)
    if org.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": org.version})
    if "formation" in changes:
        _check_formation(org.kind, changes["formation"])
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidInput(
            "org.name_required", fields=[FieldError("org.name_required", pointer="/name")]
        )
    if changes.get("code"):
        await _check_code_free(uow, changes["code"], except_id=org.id)
    before = _snapshot(org)
    updated = await uow.orgs.update(
        org_id, expected_version=expected_version, changes=changes, now=uow.clock.now()
    )
    if updated is None:
        raise PreconditionFailed("request.stale", params={"current": org.version})
    after = _snapshot(updated)
    diff = {k: {"from": before[k], "to": after[k]} for k in after if before.get(k) != after[k]}
    await uow.audit.record(
        actor,
        action="org.update",
        target_type="org",
        target_id=org.id,
        org_id=org.id,
        changes=diff,
    )
    await uow.commit()
    return updated


async def move_org(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    new_parent_id: int,
    expected_version: int | None = None,
) -> Org:
    """Re-parent an organisation with its whole subtree; paths rewritten in one transaction."""
    actor.require(Scope.ORGS_WRITE)
    org = await load_org(uow, actor, org_id)
    # Moves within one tree are serialised on its root row: two crossing moves (A under B,
    # B under A) cannot both pass the cycle check, and no two moves deadlock. Everything is
    # read again after the lock, as another move may have changed the paths meanwhile.
    await uow.orgs.get(root_of(org.path), lock=True)
    org = await load_org(uow, actor, org_id, lock=True)
    if expected_version is not None and org.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": org.version})
    if org.parent_id is None or org.id == actor.org_id:
        raise RuleViolation("org.cannot_move_anchor", params={"id": org.id})
    try:
        target = await load_org(uow, actor, new_parent_id, lock=True, pointer="/parent_id")
    except NotFound:
        raise NotFound(
            "org.parent_not_found",
            params={"id": new_parent_id},
            fields=[FieldError("org.parent_not_found", pointer="/parent_id")],
        ) from None
    if is_descendant_or_self(target.path, org.path):
        raise RuleViolation(
            "org.move_into_own_subtree",
            params={"id": org.id, "parent_id": target.id},
            fields=[FieldError("org.move_into_own_subtree", pointer="/parent_id")],
        )
    _require_active(target, pointer="/parent_id")
    _check_may_hold(target, org.kind, pointer="/parent_id")
    if target.id == org.parent_id:
        return org  # already there: nothing to write, nothing to audit
    await uow.orgs.lock_subtree(org.path)
    old_parent_id = org.parent_id
    new_path = child_path(target.path, org.id)
    moved = await uow.orgs.rewrite_subtree_paths(
        org.path, new_path, depth_delta=(target.depth + 1) - org.depth
    )
    await uow.orgs.adjust_child_count(old_parent_id, -1)
    await uow.orgs.adjust_child_count(target.id, +1)
    updated = await uow.orgs.update(
        org.id, expected_version=None, changes={"parent_id": target.id}, now=uow.clock.now()
    )
    assert updated is not None
    await uow.audit.record(
        actor,
        action="org.move",
        target_type="org",
        target_id=org.id,
        org_id=org.id,
        changes={
            "parent_id": {"from": old_parent_id, "to": target.id},
            "path": {"from": org.path, "to": new_path},
            "orgs_moved": moved,
        },
    )
    await uow.commit()
    return updated


async def dissolve_org(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    expected_version: int | None,
    dissolved_on: dt.date | None = None,
) -> Org:
    """Dissolve an empty organisation: no active children, no members, no enterprises under or
    covered by it. The record stays, with its history."""
    actor.require(Scope.ORGS_WRITE)
    org = await load_org(uow, actor, org_id, lock=True)
    if expected_version is not None and org.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": org.version})
    if org.status is OrgStatus.DISSOLVED:
        raise Conflict("org.already_dissolved", params={"id": org.id})
    if org.parent_id is None or org.id == actor.org_id:
        raise RuleViolation("org.cannot_dissolve_anchor", params={"id": org.id})
    if org.child_count > 0:
        raise RuleViolation("org.has_children", params={"id": org.id, "count": org.child_count})
    if org.member_count > 0:
        raise RuleViolation("org.has_members", params={"id": org.id, "count": org.member_count})
    enterprises = await uow.enterprises.count_in_org(org.id)
    if enterprises > 0:
        raise RuleViolation("org.has_enterprises", params={"id": org.id, "count": enterprises})
    today = uow.clock.today()
    # Members managed here and letters under way to or from here would be left pointing at an
    # organisation that no longer acts: end or finish them first.
    managed = await uow.managements.count_open_at(org.id, today=today)
    if managed > 0:
        raise RuleViolation("org.has_managed_members", params={"id": org.id, "count": managed})
    letters = await uow.transfers.count_open_at(org.id, today=today)
    if letters > 0:
        raise RuleViolation("org.has_open_transfers", params={"id": org.id, "count": letters})
    day = dissolved_on or today
    if day > today:
        raise InvalidInput(
            "org.dissolved_on_future",
            fields=[FieldError("org.dissolved_on_future", pointer="/dissolved_on")],
        )
    updated = await uow.orgs.update(
        org.id,
        expected_version=None,
        changes={"status": OrgStatus.DISSOLVED.value, "dissolved_on": day},
        now=uow.clock.now(),
    )
    assert updated is not None
    assert org.parent_id is not None
    await uow.orgs.adjust_child_count(org.parent_id, -1)
    await uow.audit.record(
        actor,
        action="org.dissolve",
        target_type="org",
        target_id=org.id,
        org_id=org.id,
        changes={
            "status": {"from": org.status.value, "to": "dissolved"},
            "dissolved_on": day.isoformat(),
        },
    )
    await uow.commit()
    return updated


async def list_subtree(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    filters: OrgFilter,
    sort: OrgSort,
    page: PageRequest,
) -> Page[Org]:
    """Organisations in the subtree of ``org_id`` (default: the actor's anchor), root included."""
    actor.require(Scope.ORGS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await load_org(uow, actor, root_id)
    return await uow.orgs.subtree(
        root.path, filters=filters, sort=sort, page=page, base_depth=root.depth
    )


async def list_children(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    filters: OrgFilter,
    sort: OrgSort,
    page: PageRequest,
) -> Page[Org]:
    """Direct children of an organisation."""
    actor.require(Scope.ORGS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root = await load_org(uow, actor, org_id)
    filters = replace(filters, min_depth=1, max_depth=1)
    return await uow.orgs.subtree(
        root.path, filters=filters, sort=sort, page=page, base_depth=root.depth
    )


async def org_history(
    uow: UnitOfWork, actor: Principal, *, org_id: int, page: PageRequest
) -> Page[AuditEntry]:
    """Every recorded change of one organisation, newest first."""
    actor.require(Scope.ORGS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    org = await load_org(uow, actor, org_id)
    return await uow.audit.for_target("org", str(org.id), page=page)


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "parent_id": org.parent_id,
        "kind": org.kind.value,
        "formation": org.formation.value if org.formation else None,
        "name": org.name,
        "short_name": org.short_name,
        "code": org.code,
        "address": org.address,
        "established_on": org.established_on.isoformat() if org.established_on else None,
        "contact_leader": org.contact_leader,
        "status": org.status.value,
    }
