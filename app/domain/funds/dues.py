"""Party dues (党费): monthly amounts from declared income, monthly bills per branch,
payments into the branch's dues pool (also on someone's behalf), arrears, and dues passed up to
the committee's pool and returned in full to the branches (德化), all as ledger movements."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.funds import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.funds.ledger import (
    counter_account,
    insufficient,
    load_pool,
    pool_account_id,
    post,
)
from app.domain.funds.model import (
    INCOME_CATEGORIES,
    AccountKind,
    Arrear,
    DuesBill,
    DuesCategory,
    DuesLine,
    DuesProfile,
    Line,
    Pool,
    PoolPurpose,
    ReturnBalance,
    Transaction,
    TxKind,
    arrears_of,
    format_money,
    monthly_dues_fen,
    parse_money,
)
from app.domain.funds.ports import NewTransaction
from app.domain.members.model import Member
from app.domain.orgs.model import OrgKind, OrgStatus, is_descendant_or_self
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

BILLING_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})


async def _member(
    uow: UnitOfWork, actor: Principal, member_id: int, *, pointer: str | None = None
) -> Member:
    member = await uow.members.get(member_id)
    if member is None or not actor.covers_path(member.org_path):
        fields = [FieldError("member.not_found", pointer=pointer)] if pointer else None
        raise NotFound("member.not_found", params={"id": member_id}, fields=fields)
    return member


async def set_profile(
    uow: UnitOfWork,
    actor: Principal,
    *,
    member_id: int,
    category: DuesCategory,
    monthly_income: str | None,
    override: str | None,
    override_reason: str | None,
) -> DuesProfile:
    """Set how a member's dues are computed; an override needs a reason."""
    actor.require(Scope.FUNDS_WRITE)
    income: int | None = None
    if category in INCOME_CATEGORIES:
        if monthly_income is None:
            raise InvalidInput(
                "dues.income_required",
                fields=[FieldError("dues.income_required", pointer="/monthly_income")],
            )
        income = parse_money(monthly_income, pointer="/monthly_income")
    elif monthly_income is not None:
        income = parse_money(monthly_income, pointer="/monthly_income")
    override_fen = parse_money(override, pointer="/override") if override is not None else None
    reason = (override_reason or "").strip()[:300] or None
    if override_fen is not None and reason is None:
        raise InvalidInput(
            "dues.override_reason_required",
            fields=[FieldError("dues.override_reason_required", pointer="/override_reason")],
        )
    if override_fen is None:
        reason = None
    member = await _member(uow, actor, member_id)
    computed = monthly_dues_fen(category, income)
    before = await uow.dues.profile(member.id)
    await uow.dues.save_profile(
        member.id,
        category=category,
        income_fen=income,
        computed_fen=computed,
        override_fen=override_fen,
        override_reason=reason,
        now=uow.clock.now(),
    )
    after = await uow.dues.profile(member.id)
    assert after is not None
    await uow.audit.record(
        actor,
        action="dues.profile_set",
        target_type="member",
        target_id=member.id,
        org_id=member.org_id,
        changes={
            "category": category.value,
            "computed": format_money(computed),
            "override": format_money(override_fen) if override_fen is not None else None,
            "override_reason": reason,
            "had_profile": before is not None,
        },
    )
    await uow.commit()
    return after


async def get_profile(uow: UnitOfWork, actor: Principal, *, member_id: int) -> DuesProfile:
    """A member's dues profile (the member must be in the actor's subtree)."""
    actor.require(Scope.FUNDS_READ)
    member = await _member(uow, actor, member_id)
    profile = await uow.dues.profile(member.id)
    if profile is None:
        raise NotFound("dues.profile_not_found", params={"id": member_id})
    return profile


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


async def create_bill(
    uow: UnitOfWork, actor: Principal, *, org_id: int, month: dt.date
) -> DuesBill:
    """Bill every member affiliated with a branch for a month (once per branch and month)."""
    actor.require(Scope.FUNDS_WRITE)
    month = first_of_month(month)
    if month > first_of_month(uow.clock.today()):
        raise InvalidInput(
            "dues.month_in_future", fields=[FieldError("dues.month_in_future", pointer="/month")]
        )
    org = await load_org(uow, actor, org_id, lock=True, pointer="/org_id")
    if org.kind not in BILLING_KINDS or org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "dues.org_not_branch",
            params={"kind": org.kind.value},
            fields=[FieldError("dues.org_not_branch", pointer="/org_id")],
        )
    existing = await uow.dues.bill_id(org.id, month)
    if existing is not None:
        raise Conflict(
            "dues.bill_exists",
            params={"month": month.isoformat()[:7]},
            extra={"existing_id": existing},
        )
    members = await uow.dues.billable_members(org.id)
    missing = [m for m, _, due in members if due is None]
    if missing:
        raise RuleViolation(
            "dues.profiles_missing",
            params={"count": len(missing)},
            fields=[FieldError("dues.profiles_missing", pointer="/org_id")],
            extra={"member_ids": missing[:100]},
        )
    if not members:
        raise RuleViolation(
            "dues.no_members", fields=[FieldError("dues.no_members", pointer="/org_id")]
        )
    bill_id = await uow.dues.add_bill(
        org.id, month, [(m, due) for m, _, due in members if due is not None], now=uow.clock.now()
    )
    bill = await uow.dues.get_bill(bill_id)
    assert bill is not None
    await uow.audit.record(
        actor,
        action="dues.bill_create",
        target_type="dues_bill",
        target_id=bill.id,
        org_id=org.id,
        changes={
            "month": month.isoformat()[:7],
            "members": len(bill.lines),
            "total": format_money(bill.total_fen),
        },
    )
    await uow.commit()
    return bill


async def load_bill(
    uow: UnitOfWork, actor: Principal, bill_id: int, *, pointer: str | None = None
) -> DuesBill:
    bill = await uow.dues.get_bill(bill_id)
    if bill is None or not actor.covers_path(bill.org_path):
        fields = [FieldError("dues.bill_not_found", pointer=pointer)] if pointer else None
        raise NotFound("dues.bill_not_found", params={"id": bill_id}, fields=fields)
    return bill


async def get_bill(uow: UnitOfWork, actor: Principal, *, bill_id: int) -> DuesBill:
    """One dues bill with its lines."""
    actor.require(Scope.FUNDS_READ)
    return await load_bill(uow, actor, bill_id)


async def _root_path(uow: UnitOfWork, actor: Principal, org_id: int | None) -> str:
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    try:
        return (await load_org(uow, actor, root_id)).path
    except NotFound:
        raise NotFound(
            "org.not_found",
            params={"id": root_id},
            fields=[FieldError("org.not_found", parameter="org_id")],
        ) from None


async def list_bills(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    month: dt.date | None,
    page: PageRequest,
) -> Page[DuesBill]:
    """Dues bills of branches in the subtree of ``org_id`` (default: the actor's)."""
    actor.require(Scope.FUNDS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    path = await _root_path(uow, actor, org_id)
    return await uow.dues.bills_in_subtree(
        path, month=first_of_month(month) if month else None, page=page
    )


async def pay(
    uow: UnitOfWork,
    actor: Principal,
    *,
    bill_id: int,
    member_id: int,
    amount: str,
    paid_by_member_id: int | None,
) -> DuesLine:
    """Record a member's dues for a month (paid by them or on their behalf) into the branch's
    dues pool."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(amount, pointer="/amount")
    bill = await load_bill(uow, actor, bill_id, pointer="/bill_id")
    line = next((x for x in bill.lines if x.member_id == member_id), None)
    if line is None:
        raise NotFound(
            "dues.line_not_found",
            params={"id": member_id},
            fields=[FieldError("dues.line_not_found", pointer="/member_id")],
        )
    payer = None
    if paid_by_member_id is not None and paid_by_member_id != member_id:
        payer = await _member(uow, actor, paid_by_member_id, pointer="/paid_by_member_id")
    pool_id = await uow.funds.pool_of(bill.org_id, PoolPurpose.DUES)
    if pool_id is None:
        raise RuleViolation(
            "dues.pool_missing", params={"org_id": bill.org_id}, extra={"org_id": bill.org_id}
        )
    await uow.funds.lock_pools([pool_id])
    line = await uow.dues.line(bill.id, member_id)
    assert line is not None
    if line.paid:
        raise Conflict(
            "dues.already_paid",
            params={"month": bill.month.isoformat()[:7]},
            extra={"transaction_id": line.transaction_id},
        )
    if fen != line.amount_fen:
        raise RuleViolation(
            "dues.amount_mismatch",
            params={"due": format_money(line.amount_fen)},
            fields=[FieldError("dues.amount_mismatch", pointer="/amount")],
            extra={"due": format_money(line.amount_fen)},
        )
    source_id = payer.id if payer else member_id
    source = await counter_account(
        uow,
        pool_id,
        kind=AccountKind.MEMBER,
        ref=f"member:{source_id}",
        label=payer.name if payer else line.member_name,
    )
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool_id,
            kind=TxKind.DUES_PAYMENT,
            amount_fen=fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            memo=f"{bill.month.isoformat()[:7]} {line.member_name}"[:500],
        ),
        [Line(source, -fen), Line(await pool_account_id(uow, pool_id), fen)],
    )
    paid = await uow.dues.mark_paid(
        line.id, paid_on=tx.on_date, paid_by=payer.id if payer else None, transaction_id=tx.id
    )
    assert paid, "a dues line changed while its pool was locked"
    after = await uow.dues.line(bill.id, member_id)
    assert after is not None
    await uow.audit.record(
        actor,
        action="dues.pay",
        target_type="dues_bill",
        target_id=bill.id,
        org_id=bill.org_id,
        changes={
            "member_id": member_id,
            "paid_by_member_id": payer.id if payer else None,
            "amount": format_money(fen),
            "transaction_id": tx.id,
        },
    )
    await uow.commit()
    return after


async def arrears(uow: UnitOfWork, actor: Principal, *, org_id: int | None) -> list[Arrear]:
    """Members with unpaid dues for months before this one, with the longest unpaid run; six
    months or more in a row is a finding for the branch."""
    actor.require(Scope.FUNDS_READ)
    path = await _root_path(uow, actor, org_id)
    lines = await uow.dues.unpaid_in_subtree(path, before=first_of_month(uow.clock.today()))
    return arrears_of(lines, finding_months=uow.policy.dues_arrears_finding_months)


def _require_dues_pool(pool: Pool, pointer: str) -> None:
    if pool.purpose is not PoolPurpose.DUES:
        raise RuleViolation(
            "dues.pool_not_dues",
            params={"id": pool.id},
            fields=[FieldError("dues.pool_not_dues", pointer=pointer)],
        )


async def _move_between(
    uow: UnitOfWork,
    actor: Principal,
    *,
    kind: TxKind,
    source: Pool,
    target: Pool,
    fen: int,
    action: str,
) -> Transaction:
    await uow.funds.lock_pools([source.id, target.id])
    fresh = await uow.funds.get_pool(source.id)
    assert fresh is not None
    if fresh.balance_fen < fen:
        raise insufficient(fresh.balance_fen)
    tx = await post(
        uow,
        NewTransaction(
            pool_id=source.id,
            kind=kind,
            amount_fen=fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            counter_pool_id=target.id,
        ),
        [
            Line(await pool_account_id(uow, source.id), -fen),
            Line(await pool_account_id(uow, target.id), fen),
        ],
    )
    await uow.audit.record(
        actor,
        action=action,
        target_type="fund_transaction",
        target_id=tx.id,
        org_id=source.org_id,
        changes={"from_pool_id": source.id, "to_pool_id": target.id, "amount": format_money(fen)},
    )
    await uow.commit()
    return tx


async def remit(
    uow: UnitOfWork, actor: Principal, *, from_pool_id: int, to_pool_id: int, amount: str
) -> Transaction:
    """A branch passes dues up from its dues pool to the dues pool of a committee above it."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(amount, pointer="/amount")
    source = await load_pool(uow, actor, from_pool_id, pointer="/from_pool_id")
    _require_dues_pool(source, "/from_pool_id")
    target = await uow.funds.get_pool(to_pool_id)
    if (
        target is None
        or target.org_id == source.org_id
        or not is_descendant_or_self(source.org_path, target.org_path)
    ):
        raise NotFound(
            "fund.pool_not_found",
            params={"id": to_pool_id},
            fields=[FieldError("fund.pool_not_found", pointer="/to_pool_id")],
        )
    _require_dues_pool(target, "/to_pool_id")
    return await _move_between(
        uow,
        actor,
        kind=TxKind.DUES_REMITTANCE,
        source=source,
        target=target,
        fen=fen,
        action="dues.remit",
    )


async def return_dues(
    uow: UnitOfWork,
    actor: Principal,
    *,
    from_pool_id: int,
    to_pool_id: int,
    amount: str | None,
) -> Transaction:
    """The committee returns dues a branch passed up: by default all not yet returned."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(amount, pointer="/amount") if amount is not None else None
    source = await load_pool(uow, actor, from_pool_id, pointer="/from_pool_id")
    _require_dues_pool(source, "/from_pool_id")
    target = await load_pool(uow, actor, to_pool_id, pointer="/to_pool_id")
    if target.org_id == source.org_id or not is_descendant_or_self(
        target.org_path, source.org_path
    ):
        raise NotFound(
            "fund.pool_not_found",
            params={"id": to_pool_id},
            fields=[FieldError("fund.pool_not_found", pointer="/to_pool_id")],
        )
    _require_dues_pool(target, "/to_pool_id")
    await uow.funds.lock_pools([source.id, target.id])
    balance = await uow.dues.return_balances(source.id, branch_pool_id=target.id)
    outstanding = balance[0].outstanding_fen if balance else 0
    if outstanding <= 0:
        raise RuleViolation(
            "dues.nothing_to_return",
            fields=[FieldError("dues.nothing_to_return", pointer="/to_pool_id")],
        )
    if fen is not None and fen > outstanding:
        raise RuleViolation(
            "dues.return_exceeds_remitted",
            params={"outstanding": format_money(outstanding)},
            fields=[FieldError("dues.return_exceeds_remitted", pointer="/amount")],
            extra={"outstanding": format_money(outstanding)},
        )
    return await _move_between(
        uow,
        actor,
        kind=TxKind.DUES_RETURN,
        source=source,
        target=target,
        fen=fen if fen is not None else outstanding,
        action="dues.return",
    )


async def return_balances(
    uow: UnitOfWork, actor: Principal, *, pool_id: int
) -> list[ReturnBalance]:
    """Per branch pool: dues passed up to this committee pool, returned, still to return."""
    actor.require(Scope.FUNDS_READ)
    pool = await load_pool(uow, actor, pool_id)
    _require_dues_pool(pool, "/pool_id")
    return await uow.dues.return_balances(pool.id)
