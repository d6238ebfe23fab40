"""Organisation coverage (组织覆盖) of enterprises by branches, and the coverage report."""

from __future__ import annotations

from typing import Any

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.model import (
    CoverageMode,
    CoverageState,
    Enterprise,
    coverage_mode_for,
    current_coverage,
    next_coverage,
)
from app.domain.enterprises.report import CoverageReport, build_report
from app.domain.enterprises.service import load_enterprise, require_active
from app.domain.errors import Conflict, FieldError, PreconditionFailed, RuleViolation
from app.domain.orgs.model import COVERING_KINDS, OrgStatus
from app.domain.orgs.service import load_org
from app.domain.ports import UnitOfWork


async def refresh_coverage(
    uow: UnitOfWork,
    ent: Enterprise,
    *,
    covering_org_id: int | None,
    mode: CoverageMode | None,
) -> Enterprise:
    """Recompute and store the coverage columns after a change (no commit, no audit)."""
    active = await uow.assignments.active_for_enterprise(ent.id)
    before = current_coverage(ent)
    after = next_coverage(
        before,
        covering_org_id=covering_org_id,
        mode=mode,
        active_starts=[a.start_on for a in active],
        today=uow.clock.today(),
    )
    if after == before:
        return ent
    updated = await uow.enterprises.update(
        ent.id, expected_version=None, changes=after.columns(), now=uow.clock.now()
    )
    assert updated is not None
    return updated


def coverage_diff(before: CoverageState, after: CoverageState) -> dict[str, Any]:
    """Audit form of a coverage change: only the columns that changed."""

    def plain(state: CoverageState) -> dict[str, Any]:
        return {
            "coverage_status": state.status.value,
            "covering_org_id": state.covering_org_id,
            "coverage_mode": state.mode.value if state.mode else None,
            "covered_since": state.since.isoformat() if state.since else None,
        }

    b, a = plain(before), plain(after)
    return {k: {"from": b[k], "to": a[k]} for k in a if b[k] != a[k]}


async def set_coverage(
    uow: UnitOfWork,
    actor: Principal,
    *,
    enterprise_id: int,
    covering_org_id: int,
    expected_version: int | None = None,
) -> Enterprise:
    """Link an enterprise to the branch or general branch that covers it; the mode follows the
    branch's formation (standalone, joint, otherwise attached)."""
    actor.require(Scope.ENTERPRISES_WRITE)
    ent = await load_enterprise(uow, actor, enterprise_id, lock=True)
    if expected_version is not None and ent.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": ent.version})
    require_active(ent)
    # Locking the branch serialises two enterprises racing for one standalone branch.
    org = await load_org(uow, actor, covering_org_id, lock=True, pointer="/covering_org_id")
    if org.kind not in COVERING_KINDS:
        raise RuleViolation(
            "coverage.org_not_covering",
            params={"kind": org.kind.value},
            fields=[FieldError("coverage.org_not_covering", pointer="/covering_org_id")],
        )
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "coverage.org_dissolved",
            params={"id": org.id},
            fields=[FieldError("coverage.org_dissolved", pointer="/covering_org_id")],
        )
    mode = coverage_mode_for(org.formation)
    if mode is CoverageMode.STANDALONE:
        others = [i for i in await uow.enterprises.ids_covered_by(org.id, limit=2) if i != ent.id]
        if others:
            raise Conflict(
                "coverage.standalone_taken",
                params={"org_id": org.id, "enterprise_id": others[0]},
                fields=[FieldError("coverage.standalone_taken", pointer="/covering_org_id")],
                extra={"covered_enterprise_id": others[0]},
            )
    updated = await refresh_coverage(uow, ent, covering_org_id=org.id, mode=mode)
    if updated is ent:
        return ent  # already covered this way: nothing to write, nothing to audit
    await uow.audit.record(
        actor,
        action="enterprise.cover",
        target_type="enterprise",
        target_id=ent.id,
        org_id=ent.org_id,
        changes=coverage_diff(current_coverage(ent), current_coverage(updated)),
    )
    await uow.commit()
    return updated


async def remove_coverage(
    uow: UnitOfWork,
    actor: Principal,
    *,
    enterprise_id: int,
    expected_version: int | None = None,
) -> Enterprise:
    """Unlink an enterprise from its covering branch; it falls back to work coverage if an
    instructor is assigned, else to none."""
    actor.require(Scope.ENTERPRISES_WRITE)
    ent = await load_enterprise(uow, actor, enterprise_id, lock=True)
    if expected_version is not None and ent.version != expected_version:
        raise PreconditionFailed("request.stale", params={"current": ent.version})
    if ent.covering_org_id is None:
        return ent  # not covered: deleting again changes nothing
    updated = await refresh_coverage(uow, ent, covering_org_id=None, mode=None)
    await uow.audit.record(
        actor,
        action="enterprise.uncover",
        target_type="enterprise",
        target_id=ent.id,
        org_id=ent.org_id,
        changes=coverage_diff(current_coverage(ent), current_coverage(updated)),
    )
    await uow.commit()
    return updated


async def coverage_report(uow: UnitOfWork, actor: Principal, *, org_id: int) -> CoverageReport:
    """Organisation and work coverage of the enterprises in a subtree: counts and rates,
    overall, above-scale only and per industry."""
    actor.require(Scope.COVERAGE_READ)
    org = await load_org(uow, actor, org_id)
    return build_report(org.id, await uow.enterprises.coverage_counts(org.path))
