"""Reading the audit log."""

from __future__ import annotations

from app.domain.audit import AuditEntry
from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import InvalidInput
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


async def list_audit(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    page: PageRequest,
    action: str | None = None,
    target_type: str | None = None,
) -> Page[AuditEntry]:
    """Audit entries over a subtree (default: the actor's own), newest first."""
    actor.require(Scope.AUDIT_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await load_org(uow, actor, root_id)
    return await uow.audit.in_subtree(root.path, page=page, action=action, target_type=target_type)
