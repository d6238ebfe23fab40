"""The enterprises' mutual-aid pool (企业互助资金池): emergency loans between firms.

An enterprise applies (amount, purpose, repayment schedule, guarantees by other enterprises),
the pool owner's staff or an organisation above approves, the loan is disbursed from the pool
to loans receivable, repayments bring it back. What one borrower owes (approved plus
outstanding) stays within the exposure limit, and a loan never exceeds the pool's available
balance (its contributions minus what is lent out, i.e. the pool account's balance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.enterprises.model import Enterprise
from app.domain.enterprises.service import load_enterprise
from app.domain.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from app.domain.funds import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.funds.ledger import (
    LOANS_REF,
    insufficient,
    load_pool,
    lock_pool_unchecked,
    pool_account_id,
    post,
)
from app.domain.funds.model import (
    Category,
    Installment,
    Line,
    Loan,
    LoanStatus,
    Pool,
    PoolPurpose,
    TxKind,
    format_money,
    next_due,
    parse_money,
)
from app.domain.funds.ports import NewLoan, NewTransaction
from app.domain.orgs.model import Org, is_descendant_or_self
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

MAX_INSTALLMENTS = 60


@dataclass(frozen=True)
class NewInstallment:
    due_on: dt.date
    amount: str


@dataclass(frozen=True)
class NewGuarantee:
    enterprise_id: int
    amount: str


@dataclass(frozen=True)
class LoanApplication:
    pool_id: int
    enterprise_id: int
    amount: str
    purpose: str
    schedule: list[NewInstallment]
    guarantees: list[NewGuarantee]


def _snapshot(loan: Loan) -> dict[str, object]:
    return {
        "pool_id": loan.pool_id,
        "enterprise_id": loan.enterprise_id,
        "amount": format_money(loan.amount_fen),
        "status": loan.status.value,
        "repaid": format_money(loan.repaid_fen),
    }


def _invalid(code: str, pointer: str, **params: object) -> InvalidInput:
    return InvalidInput(code, params=params, fields=[FieldError(code, pointer=pointer)])


def check_schedule(
    schedule: list[NewInstallment], amount_fen: int, today: dt.date
) -> tuple[Installment, ...]:
    """Instalments in strictly increasing date order, after today, summing to the loan."""
    if not schedule or len(schedule) > MAX_INSTALLMENTS:
        raise _invalid("fund.schedule_required", "/schedule", max=MAX_INSTALLMENTS)
    out: list[Installment] = []
    for n, item in enumerate(schedule):
        fen = parse_money(item.amount, pointer=f"/schedule/{n}/amount")
        if item.due_on <= today or (out and item.due_on <= out[-1].due_on):
            raise _invalid("fund.schedule_dates", f"/schedule/{n}/due_on")
        out.append(Installment(item.due_on, fen))
    total = sum(i.amount_fen for i in out)
    if total != amount_fen:
        raise _invalid(
            "fund.schedule_sum_mismatch",
            "/schedule",
            total=format_money(total),
            amount=format_money(amount_fen),
        )
    return tuple(out)


def _require_mutual_aid(pool: Pool) -> None:
    if pool.purpose is not PoolPurpose.MUTUAL_AID or Category.LOANS not in pool.categories:
        raise RuleViolation(
            "fund.pool_not_mutual_aid",
            params={"id": pool.id},
            fields=[FieldError("fund.pool_not_mutual_aid", pointer="/pool_id")],
        )


async def _check_limits(
    uow: UnitOfWork, pool: Pool, enterprise_id: int, amount_fen: int, *, except_id: int | None
) -> None:
    """The borrower's exposure and the pool's available balance both allow ``amount_fen``."""
    owed = sum(
        loan.exposure_fen()
        for loan in await uow.loans.of_borrower(pool.id, enterprise_id)
        if loan.id != except_id
    )
    limit = uow.policy.loan_exposure_limit_fen
    if owed + amount_fen > limit:
        raise RuleViolation(
            "fund.exposure_limit_exceeded",
            params={"limit": format_money(limit), "owed": format_money(owed)},
            fields=[FieldError("fund.exposure_limit_exceeded", pointer="/amount")],
            extra={"limit": format_money(limit), "owed": format_money(owed)},
        )
    if pool.balance_fen < amount_fen:
        raise insufficient(pool.balance_fen)


def is_contact(actor: Principal) -> bool:
    """An enterprise contact acts for its own enterprise (the token's ``ent``) only."""
    return actor.role is Role.ENTERPRISE_CONTACT


def _enterprise_not_found(enterprise_id: int, pointer: str) -> NotFound:
    return NotFound(
        "enterprise.not_found",
        params={"id": enterprise_id},
        fields=[FieldError("enterprise.not_found", pointer=pointer)],
    )


async def _enterprise_under_pool(
    uow: UnitOfWork, actor: Principal, pool: Pool, enterprise_id: int, pointer: str
) -> Enterprise:
    """An enterprise under the pool's owner. Staff see by their subtree; a contact names its
    own enterprise as borrower and any enterprise under the pool's owner as guarantor."""
    if is_contact(actor):
        ent = await uow.enterprises.get(enterprise_id)
        if ent is None:
            raise _enterprise_not_found(enterprise_id, pointer)
    else:
        ent = await load_enterprise(uow, actor, enterprise_id, pointer=pointer)
    if not is_descendant_or_self(ent.org_path, pool.org_path):
        raise _enterprise_not_found(ent.id, pointer)
    return ent


async def _pool_for_applicant(uow: UnitOfWork, actor: Principal, new: LoanApplication) -> Pool:
    """Staff: a pool in their subtree. A contact: any pool above its own enterprise, and
    the borrower must be that enterprise (another enterprise is NotFound, as if absent)."""
    if not is_contact(actor):
        actor.require(Scope.FUNDS_WRITE)
        return await load_pool(uow, actor, new.pool_id, pointer="/pool_id")
    actor.require(Scope.FUNDS_APPLY)
    if actor.enterprise_id is None or new.enterprise_id != actor.enterprise_id:
        raise _enterprise_not_found(new.enterprise_id, "/enterprise_id")
    own = await uow.enterprises.get(actor.enterprise_id)
    pool = await uow.funds.get_pool(new.pool_id)
    if own is None:
        raise _enterprise_not_found(new.enterprise_id, "/enterprise_id")
    if pool is None or not is_descendant_or_self(own.org_path, pool.org_path):
        raise NotFound(
            "fund.pool_not_found",
            params={"id": new.pool_id},
            fields=[FieldError("fund.pool_not_found", pointer="/pool_id")],
        )
    return pool


async def apply_for_loan(uow: UnitOfWork, actor: Principal, *, new: LoanApplication) -> Loan:
    """Record an enterprise's application for an emergency loan from a mutual-aid pool."""
    if not (actor.has(Scope.FUNDS_WRITE) or actor.has(Scope.FUNDS_APPLY)):
        actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(new.amount, pointer="/amount")
    purpose = (new.purpose or "").strip()
    if not purpose:
        raise _invalid("fund.purpose_required", "/purpose")
    installments = check_schedule(new.schedule, fen, uow.clock.today())
    pool = await _pool_for_applicant(uow, actor, new)
    _require_mutual_aid(pool)
    borrower = await _enterprise_under_pool(uow, actor, pool, new.enterprise_id, "/enterprise_id")
    guarantees: list[tuple[int, int]] = []
    for n, g in enumerate(new.guarantees):
        pointer = f"/guarantees/{n}"
        g_fen = parse_money(g.amount, pointer=f"{pointer}/amount")
        if g.enterprise_id == borrower.id:
            raise _invalid("fund.guarantor_is_borrower", f"{pointer}/enterprise_id")
        if any(e == g.enterprise_id for e, _ in guarantees):
            raise _invalid("fund.guarantor_duplicate", f"{pointer}/enterprise_id")
        if g_fen > fen:
            raise _invalid("fund.guarantee_exceeds_loan", f"{pointer}/amount")
        await _enterprise_under_pool(uow, actor, pool, g.enterprise_id, f"{pointer}/enterprise_id")
        guarantees.append((g.enterprise_id, g_fen))
    await lock_pool_unchecked(uow, pool.id)
    pool = await _pool_for_applicant(uow, actor, new)  # again, under the lock
    await _check_limits(uow, pool, borrower.id, fen, except_id=None)
    loan_id = await uow.loans.add(
        NewLoan(
            pool_id=pool.id,
            enterprise_id=borrower.id,
            amount_fen=fen,
            purpose=purpose[:500],
            applied_by=actor.subject,
            installments=installments,
            guarantees=tuple(guarantees),
        ),
        now=uow.clock.now(),
    )
    loan = await uow.loans.get(loan_id)
    assert loan is not None
    await uow.audit.record(
        actor,
        action="fund.loan_apply",
        target_type="fund_loan",
        target_id=loan.id,
        org_id=pool.org_id,
        changes={
            **_snapshot(loan),
            "guarantees": [[e, format_money(f)] for e, f in guarantees],
            "schedule": [[i.due_on.isoformat(), format_money(i.amount_fen)] for i in installments],
        },
    )
    await uow.commit()
    return loan


async def load_loan(uow: UnitOfWork, actor: Principal, loan_id: int) -> Loan:
    """The loan, if its pool's owner lies in the actor's subtree (a contact: if it is its
    own enterprise's loan)."""
    loan = await uow.loans.get(loan_id)
    if loan is None or not _sees(actor, loan):
        raise NotFound("fund.loan_not_found", params={"id": loan_id})
    return loan


def _sees(actor: Principal, loan: Loan) -> bool:
    if is_contact(actor):
        return actor.enterprise_id is not None and actor.enterprise_id == loan.enterprise_id
    return actor.covers_path(loan.pool_org_path)


def _require_reader(actor: Principal) -> None:
    """Staff read with funds:read; a contact reads its own loans with funds:apply."""
    if is_contact(actor) and actor.has(Scope.FUNDS_APPLY):
        return
    actor.require(Scope.FUNDS_READ)


async def _locked(
    uow: UnitOfWork, actor: Principal, loan_id: int, expected: LoanStatus
) -> tuple[Loan, Pool]:
    loan = await load_loan(uow, actor, loan_id)
    await lock_pool_unchecked(uow, loan.pool_id)
    loan = await load_loan(uow, actor, loan_id)
    if loan.status is not expected:
        raise Conflict(
            "fund.loan_status",
            params={"id": loan.id, "status": loan.status.value, "expected": expected.value},
            extra={"status": loan.status.value},
        )
    pool = await uow.funds.get_pool(loan.pool_id)
    assert pool is not None
    return loan, pool


async def _save(
    uow: UnitOfWork,
    actor: Principal,
    loan: Loan,
    pool: Pool,
    *,
    action: str,
    changes: dict[str, object],
    extra: dict[str, object] | None = None,
) -> Loan:
    ok = await uow.loans.update(loan.id, expected=loan.status, changes=changes, now=uow.clock.now())
    assert ok, "a loan changed while its pool was locked"
    after = await uow.loans.get(loan.id)
    assert after is not None
    await uow.audit.record(
        actor,
        action=action,
        target_type="fund_loan",
        target_id=loan.id,
        org_id=pool.org_id,
        changes={**_snapshot(after), **(extra or {})},
    )
    await uow.commit()
    return after


async def approve_loan(uow: UnitOfWork, actor: Principal, *, loan_id: int) -> Loan:
    """The coordinating committee (the pool owner's staff or above) approves an application."""
    actor.require(Scope.FUNDS_APPROVE)
    loan, pool = await _locked(uow, actor, loan_id, LoanStatus.APPLIED)
    if actor.subject == loan.applied_by:
        raise RuleViolation("fund.self_approval", params={"id": loan.id})
    await _check_limits(uow, pool, loan.enterprise_id, loan.amount_fen, except_id=loan.id)
    return await _save(
        uow,
        actor,
        loan,
        pool,
        action="fund.loan_approve",
        changes={"status": LoanStatus.APPROVED, "approved_by": actor.subject[:100]},
    )


async def reject_loan(uow: UnitOfWork, actor: Principal, *, loan_id: int, reason: str) -> Loan:
    """The coordinating committee rejects an application, with a reason; no money moves."""
    actor.require(Scope.FUNDS_APPROVE)
    why = (reason or "").strip()[:500]
    if not why:
        raise _invalid("fund.loan_reject_reason_required", "/reason")
    loan, pool = await _locked(uow, actor, loan_id, LoanStatus.APPLIED)
    if actor.subject == loan.applied_by:
        raise RuleViolation("fund.self_approval", params={"id": loan.id})
    return await _save(
        uow,
        actor,
        loan,
        pool,
        action="fund.loan_reject",
        changes={"status": LoanStatus.REJECTED},
        extra={"reason": why},
    )


async def disburse_loan(uow: UnitOfWork, actor: Principal, *, loan_id: int) -> Loan:
    """Pay an approved loan out of the pool into loans receivable."""
    actor.require(Scope.FUNDS_APPROVE)
    loan, pool = await _locked(uow, actor, loan_id, LoanStatus.APPROVED)
    await _check_limits(uow, pool, loan.enterprise_id, loan.amount_fen, except_id=loan.id)
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool.id,
            kind=TxKind.DISBURSEMENT,
            amount_fen=loan.amount_fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            category=Category.LOANS,
            memo=f"loan {loan.id}: {loan.enterprise_name}"[:500],
        ),
        [
            Line(await pool_account_id(uow, pool.id), -loan.amount_fen),
            Line(await pool_account_id(uow, pool.id, LOANS_REF), loan.amount_fen),
        ],
    )
    return await _save(
        uow,
        actor,
        loan,
        pool,
        action="fund.loan_disburse",
        changes={
            "status": LoanStatus.DISBURSED,
            "disbursed_on": tx.on_date,
            "disbursement_id": tx.id,
            "next_due_on": next_due(loan.installments, 0),
        },
        extra={"transaction_id": tx.id},
    )


async def repay_loan(
    uow: UnitOfWork, actor: Principal, *, loan_id: int, amount: str, voucher: str | None
) -> Loan:
    """Record money repaid on a disbursed loan; it returns to the pool."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(amount, pointer="/amount")
    loan, pool = await _locked(uow, actor, loan_id, LoanStatus.DISBURSED)
    if fen > loan.outstanding_fen:
        raise RuleViolation(
            "fund.repayment_exceeds_outstanding",
            params={"outstanding": format_money(loan.outstanding_fen)},
            fields=[FieldError("fund.repayment_exceeds_outstanding", pointer="/amount")],
            extra={"outstanding": format_money(loan.outstanding_fen)},
        )
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool.id,
            kind=TxKind.REPAYMENT,
            amount_fen=fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            category=Category.LOANS,
            voucher=(voucher or "").strip()[:100] or None,
            memo=f"loan {loan.id}: {loan.enterprise_name}"[:500],
        ),
        [
            Line(await pool_account_id(uow, pool.id, LOANS_REF), -fen),
            Line(await pool_account_id(uow, pool.id), fen),
        ],
    )
    await uow.loans.add_repayment(loan.id, transaction_id=tx.id, amount_fen=fen, on_date=tx.on_date)
    repaid = loan.repaid_fen + fen
    return await _save(
        uow,
        actor,
        loan,
        pool,
        action="fund.loan_repay",
        changes={
            "repaid_fen": repaid,
            "next_due_on": next_due(loan.installments, repaid),
            "status": LoanStatus.REPAID if repaid == loan.amount_fen else LoanStatus.DISBURSED,
        },
        extra={"transaction_id": tx.id, "amount": format_money(fen)},
    )


async def get_loan(uow: UnitOfWork, actor: Principal, *, loan_id: int) -> Loan:
    """One loan of a pool in the actor's subtree (a contact: of its own enterprise)."""
    _require_reader(actor)
    return await load_loan(uow, actor, loan_id)


async def list_loans(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    pool_id: int | None,
    status: LoanStatus | None,
    overdue: bool,
    page: PageRequest,
) -> Page[Loan]:
    """Loans of pools owned in the subtree of ``org_id``; ``overdue`` keeps those with an
    instalment past due and not repaid (Asia/Shanghai business dates). A contact sees its
    own enterprise's loans only (of pools owned under ``org_id`` when given)."""
    _require_reader(actor)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    due_before = uow.clock.today() if overdue else None
    if is_contact(actor):
        if actor.enterprise_id is None:
            return Page([], None)
        path: str | None = None
        if org_id is not None:
            org: Org | None = await uow.orgs.get(org_id)
            if org is None:
                raise NotFound(
                    "org.not_found",
                    params={"id": org_id},
                    fields=[FieldError("org.not_found", parameter="org_id")],
                )
            path = org.path
        return await uow.loans.in_subtree(
            path,
            pool_id=pool_id,
            status=status,
            due_before=due_before,
            page=page,
            enterprise_id=actor.enterprise_id,
        )
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
    return await uow.loans.in_subtree(
        root.path,
        pool_id=pool_id,
        status=status,
        due_before=due_before,
        page=page,
    )
