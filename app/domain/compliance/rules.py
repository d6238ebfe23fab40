"""The compliance rules: independent async functions over a RuleContext, each one set-based
query. ``RULES`` is the one list the report runs; a new rule (e.g. transfers overdue) is one
more function appended there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.domain.compliance.model import Finding, Rule, RuleResult, Thresholds
from app.domain.compliance.ports import Rows
from app.domain.orgs.model import add_months


@dataclass(frozen=True)
class RuleContext:
    uow: Any  # the UnitOfWork (Any: this module is imported by app.domain.ports' users)
    path: str  # the subtree root's path
    today: dt.date
    limit: int
    thresholds: Thresholds


RuleFn = Callable[[RuleContext], Awaitable[RuleResult]]


def _result(rule: Rule, rows: Rows, action: str | None = None) -> RuleResult:
    total, found = rows
    code = action or f"compliance.{rule.value}.action"
    return RuleResult(
        rule=rule.value,
        total=total,
        findings=[Finding(rule.value, org, figures, code) for org, figures in found],
    )


async def branch_too_few_full(ctx: RuleContext) -> RuleResult:
    t = ctx.thresholds
    rows = await ctx.uow.compliance.branches_few_full(
        ctx.path, minimum=t.branch_min_full, limit=ctx.limit
    )
    return _result(Rule.BRANCH_TOO_FEW_FULL, rows)


async def branch_needs_committee(ctx: RuleContext) -> RuleResult:
    t = ctx.thresholds
    rows = await ctx.uow.compliance.branches_without_committee(
        ctx.path,
        size=t.committee_from,
        committee_min=t.committee_min_size,
        today=ctx.today,
        limit=ctx.limit,
    )
    return _result(Rule.BRANCH_NEEDS_COMMITTEE, rows)


async def general_branch_too_small(ctx: RuleContext) -> RuleResult:
    rows = await ctx.uow.compliance.general_branch_sizes(
        ctx.path, at_most=ctx.thresholds.general_branch_max_small, above=None, limit=ctx.limit
    )
    return _result(Rule.GENERAL_BRANCH_TOO_SMALL, rows)


async def general_branch_too_large(ctx: RuleContext) -> RuleResult:
    rows = await ctx.uow.compliance.general_branch_sizes(
        ctx.path, at_most=None, above=ctx.thresholds.general_branch_max, limit=ctx.limit
    )
    return _result(Rule.GENERAL_BRANCH_TOO_LARGE, rows)


async def joint_branch_too_wide(ctx: RuleContext) -> RuleResult:
    rows = await ctx.uow.compliance.joint_branches_wide(
        ctx.path, above=ctx.thresholds.joint_max_enterprises, limit=ctx.limit
    )
    return _result(Rule.JOINT_BRANCH_TOO_WIDE, rows)


async def term_overdue(ctx: RuleContext) -> RuleResult:
    rows = await ctx.uow.compliance.terms_due(
        ctx.path, after=None, until=ctx.today - dt.timedelta(days=1), limit=ctx.limit
    )
    return _result(Rule.TERM_OVERDUE, rows)


async def term_expiring(ctx: RuleContext) -> RuleResult:
    until = add_months(ctx.today, ctx.thresholds.term_warning_months)
    rows = await ctx.uow.compliance.terms_due(
        ctx.path, after=ctx.today - dt.timedelta(days=1), until=until, limit=ctx.limit
    )
    return _result(Rule.TERM_EXPIRING, rows)


async def lost_contact_too_long(ctx: RuleContext) -> RuleResult:
    since = add_months(ctx.today, -ctx.thresholds.lost_contact_months)
    rows = await ctx.uow.compliance.lost_contact(ctx.path, since=since, limit=ctx.limit)
    return _result(Rule.LOST_CONTACT_TOO_LONG, rows)


async def managed_too_long(ctx: RuleContext) -> RuleResult:
    started_by = add_months(ctx.today, -ctx.thresholds.managed_months)
    rows = await ctx.uow.compliance.managed_long(
        ctx.path, started_by=started_by, today=ctx.today, limit=ctx.limit
    )
    return _result(Rule.MANAGED_TOO_LONG, rows)


async def transfers_overdue(ctx: RuleContext) -> RuleResult:
    rows = await ctx.uow.compliance.transfers_overdue(ctx.path, today=ctx.today, limit=ctx.limit)
    return _result(Rule.TRANSFERS_OVERDUE, rows)


# The report runs these in order. To add a rule: write `async def my_rule(ctx) -> RuleResult`
# (one set-based query over ctx.path), register its action text in messages.py, append it here.
RULES: tuple[tuple[str, RuleFn], ...] = (
    (Rule.BRANCH_TOO_FEW_FULL.value, branch_too_few_full),
    (Rule.BRANCH_NEEDS_COMMITTEE.value, branch_needs_committee),
    (Rule.GENERAL_BRANCH_TOO_SMALL.value, general_branch_too_small),
    (Rule.GENERAL_BRANCH_TOO_LARGE.value, general_branch_too_large),
    (Rule.JOINT_BRANCH_TOO_WIDE.value, joint_branch_too_wide),
    (Rule.TERM_OVERDUE.value, term_overdue),
    (Rule.TERM_EXPIRING.value, term_expiring),
    (Rule.LOST_CONTACT_TOO_LONG.value, lost_contact_too_long),
    (Rule.MANAGED_TOO_LONG.value, managed_too_long),
    (Rule.TRANSFERS_OVERDUE.value, transfers_overdue),
)

RULE_CODES: tuple[str, ...] = tuple(code for code, _ in RULES)
