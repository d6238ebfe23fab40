"""Use cases of two-new organisations (非公企业, 社会组织): register, read, edit, relocate. Each
authorises the actor, applies the rules and commits once before returning."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.enterprises import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.enterprises.model import (
    HOST_KINDS,
    CoverageStatus,
    CreditCodeTaken,
    Enterprise,
    is_valid_credit_code,
)
from app.domain.enterprises.ports import EnterpriseFilter, NewEnterprise
from app.domain.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    RuleViolation,
)
from app.domain.orgs.model import Org
from app.domain.orgs.service import load_active_org_of_kind, load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

# Fields a PATCH may change. The territorial org changes by relocation, coverage by its own
# use cases.
UPDATABLE = frozenset(
    {
        "name",
        "credit_code",
        "kind",
        "industry",
        "above_scale",
        "employee_count",
        "address",
        "owner_name",
    }
)
_NOT_NULL = frozenset(
    {"name", "credit_code", "kind", "industry", "above_scale", "employee_count", "org_id"}
)
ACTIVE = "active"


def is_contact(actor: Principal) -> bool:
    return actor.role is Role.ENTERPRISE_CONTACT


def can_see(actor: Principal, ent: Enterprise) -> bool:
    """Inside the actor's subtree; an enterprise contact sees only their own enterprise."""
    if is_contact(actor) and ent.id != actor.enterprise_id:
        return False
    return actor.covers_path(ent.org_path)


async def load_enterprise(
    uow: UnitOfWork,
    actor: Principal,
    enterprise_id: int,
    *,
    lock: bool = False,
    pointer: str | None = None,
) -> Enterprise:
    """The enterprise, if the actor may see it; otherwise NotFound (never Forbidden)."""
    ent = await uow.enterprises.get(enterprise_id, lock=lock)
    if ent is None or not can_see(actor, ent):
        fields = [FieldError("enterprise.not_found", pointer=pointer)] if pointer else None
        raise NotFound("enterprise.not_found", params={"id": enterprise_id}, fields=fields)
    return ent


def require_active(ent: Enterprise) -> None:
    if ent.status != ACTIVE:
        raise RuleViolation("enterprise.closed", params={"id": ent.id})


async def load_host(uow: UnitOfWork, actor: Principal, org_id: int) -> Org:
    """The territorial organisation an enterprise may sit under, locked against dissolution."""
    return await load_active_org_of_kind(
        uow,
        actor,
        org_id,
        kinds=HOST_KINDS,
        wrong_kind="enterprise.org_not_territorial",
        dissolved="enterprise.org_dissolved",
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Strip text, upper-case the credit code, refuse nulls and empty or negative values."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None and name in _NOT_NULL:
            raise InvalidInput(
                "enterprise.value_required",
                fields=[FieldError("enterprise.value_required", pointer=f"/{name}")],
            )
        if isinstance(value, str):
            value = value.strip() or None
        out[name] = value
    if "credit_code" in out:
        code = (out["credit_code"] or "").upper()
        if not is_valid_credit_code(code):
            raise InvalidInput(
                "enterprise.credit_code_invalid",
                params={"code": code},
                fields=[FieldError("enterprise.credit_code_invalid", pointer="/credit_code")],
            )
        out["credit_code"] = code
    for name in ("name", "industry"):
        if name in out and out[name] is None:
            code = f"enterprise.{name}_required"
            raise InvalidInput(code, fields=[FieldError(code, pointer=f"/{name}")])
    if "employee_count" in out and out["employee_count"] < 0:
        raise InvalidInput(
            "enterprise.employee_count_negative",
            fields=[FieldError("enterprise.employee_count_negative", pointer="/employee_count")],
        )
    return out


async def _check_code_free(uow: UnitOfWork, code: str, *, except_id: int | None) -> None:
    owner = await uow.enterprises.credit_code_owner(code)
    if owner is not None and owner != except_id:
        raise CreditCodeTaken(code, owner)


async def create_enterprise(uow: UnitOfWork, actor: Principal, *, new: NewEnterprise) -> Enterprise:
    """Register an enterprise or social organisation under a territorial org in the subtree."""
    actor.require(Scope.ENTERPRISES_WRITE)
    fields = _clean(asdict(new))
    host = await load_host(uow, actor, new.org_id)
    await _check_code_free(uow, fields["credit_code"], except_id=None)
    fields.update(
        org_id=host.id,
        coverage_status=CoverageStatus.NONE,
        covering_org_id=None,
        coverage_mode=None,
        covered_since=None,
        status=ACTIVE,
    )
    ent = await uow.enterprises.add(fields=fields, org_path=host.path, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="enterprise.create",
        target_type="enterprise",
        target_id=ent.id,
        org_id=host.id,
        changes=snapshot(ent),
    )
    await uow.commit()
    return ent


async def get_enterprise(uow: UnitOfWork, actor: Principal, *, enterprise_id: int) -> Enterprise:
    """One enterprise the actor may see."""
    actor.require(Scope.ENTERPRISES_READ)
    return await load_enterprise(uow, actor, enterprise_id)


async def list_enterprises(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    filters: EnterpriseFilter,
    page: PageRequest,
) -> Page[Enterprise]:
    """Enterprises under the subtree of ``org_id`` (default: the actor's anchor), by id."""
    actor.require(Scope.ENTERPRISES_READ)
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
    wanted: dict[str, Any] = asdict(filters)
    if is_contact(actor):
        wanted["id"] = actor.enterprise_id or 0  # 0 matches nothing
    return await uow.enterprises.subtree(root.path, filters=wanted, page=page)


async def update_enterprise(
    uow: UnitOfWork,
    actor: Principal,
    *,
    enterprise_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Enterprise:
    """Change an enterprise's descriptive fields (optimistic concurrency by version)."""
    actor.require(Scope.ENTERPRISES_WRITE)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(
            "request.unknown_field",
            fields=[FieldError("request.unknown_field", pointer=f"/{f}") for f in sorted(unknown)],
        )
    ent = await load_enterprise(uow, actor, enterprise_id, lock=True)
    if ent.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": ent.version})
    cleaned = _clean(changes)
    before = snapshot(ent)
    diff_in = {k: v for k, v in cleaned.items() if before.get(k) != _plain(v)}
    if not diff_in:
        return ent  # nothing changes: no write, no audit, same version
    if "credit_code" in diff_in:
        await _check_code_free(uow, diff_in["credit_code"], except_id=ent.id)
    updated = await uow.enterprises.update(
        ent.id, expected_version=expected_version, changes=diff_in, now=uow.clock.now()
    )
    if updated is None:
        raise PreconditionFailed("request.stale", params={"current": ent.version})
    after = snapshot(updated)
    await uow.audit.record(
        actor,
        action="enterprise.update",
        target_type="enterprise",
        target_id=ent.id,
        org_id=ent.org_id,
        changes={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
    )
    await uow.commit()
    return updated


async def relocate_enterprise(
    uow: UnitOfWork,
    actor: Principal,
    *,
    enterprise_id: int,
    org_id: int,
    expected_version: int | None = None,
) -> Enterprise:
    """Move an enterprise under another territorial organisation in the subtree."""
    actor.require(Scope.ENTERPRISES_WRITE)
    ent = await load_enterprise(uow, actor, enterprise_id, lock=True)
    if expected_version is not None and ent.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": ent.version})
    require_active(ent)
    host = await load_host(uow, actor, org_id)
    if host.id == ent.org_id:
        return ent  # already there: nothing to write, nothing to audit
    updated = await uow.enterprises.update(
        ent.id,
        expected_version=None,
        changes={"org_id": host.id, "org_path": host.path},
        now=uow.clock.now(),
    )
    assert updated is not None
    await uow.audit.record(
        actor,
        action="enterprise.relocate",
        target_type="enterprise",
        target_id=ent.id,
        org_id=host.id,
        changes={
            "org_id": {"from": ent.org_id, "to": host.id},
            "org_path": {"from": ent.org_path, "to": host.path},
        },
    )
    await uow.commit()
    return updated


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def snapshot(ent: Enterprise) -> dict[str, Any]:
    return {
        "name": ent.name,
        "credit_code": ent.credit_code,
        "kind": ent.kind.value,
        "industry": ent.industry,
        "above_scale": ent.above_scale,
        "employee_count": ent.employee_count,
        "address": ent.address,
        "owner_name": ent.owner_name,
        "org_id": ent.org_id,
        "coverage_status": ent.coverage_status.value,
        "covering_org_id": ent.covering_org_id,
        "coverage_mode": ent.coverage_mode.value if ent.coverage_mode else None,
        "covered_since": ent.covered_since.isoformat() if ent.covered_since else None,
        "status": ent.status,
    }
