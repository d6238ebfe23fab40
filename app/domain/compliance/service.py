"""The compliance report of a subtree: every rule of ``RULES``, each capped at ``limit``
findings (ordered by path) with the total count beside it."""

from __future__ import annotations

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.compliance import messages as _messages  # noqa: F401  (texts)
from app.domain.compliance.model import Report, Thresholds
from app.domain.compliance.rules import RULE_CODES, RULES, RuleContext
from app.domain.errors import FieldError, InvalidInput
from app.domain.orgs.service import load_org
from app.domain.pagination import check_limit
from app.domain.ports import UnitOfWork

DEFAULT_LIMIT = 50


async def compliance_report(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    rules: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    thresholds: Thresholds | None = None,
) -> Report:
    """Findings over a subtree from maintained counts, leaders and registrations."""
    actor.require(Scope.MEMBERS_READ)
    check_limit(limit, maximum=uow.policy.page_size_max)
    unknown = sorted(set(rules or []) - set(RULE_CODES))
    if unknown:
        raise InvalidInput(
            "compliance.unknown_rule",
            params={"rules": ", ".join(unknown)},
            fields=[FieldError("compliance.unknown_rule", parameter="rule")],
        )
    org = await load_org(uow, actor, org_id)
    ctx = RuleContext(
        uow=uow,
        path=org.path,
        today=uow.clock.today(),
        limit=limit,
        thresholds=thresholds or Thresholds(),
    )
    wanted = set(rules) if rules else set(RULE_CODES)
    results = [await fn(ctx) for code, fn in RULES if code in wanted]
    return Report(org_id=org.id, as_of=ctx.today, results=results)
