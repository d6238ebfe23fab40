"""Use cases of the ledger core: pools, contributions, reversals, entries and statements.

Every movement locks its pools (ascending id), checks the rules against the locked balances,
posts a balanced set of entries and commits once; the repository's conditional balance update
and the database's check constraint refuse a negative asset balance even if a rule were missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.service import load_enterprise
from app.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.funds import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.funds.model import (
    DEFAULT_CATEGORIES,
    NOT_REVERSIBLE,
    AccountKind,
    Category,
    Entry,
    Flow,
    Line,
    Pool,
    PoolPurpose,
    RequestStatus,
    SourceKind,
    Statement,
    Transaction,
    TxKind,
    check_balanced,
    format_money,
    parse_money,
)
from app.domain.funds.ports import NewTransaction
from app.domain.orgs.model import OrgStatus
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

POOL_REF = "pool"
LOANS_REF = "loans_receivable"
STATEMENT_MAX_DAYS = 3660
STATEMENT_MAX_ENTRIES = 10_000


def pool_fields(pool: Pool) -> dict[str, object]:
    return {
        "org_id": pool.org_id,
        "name": pool.name,
        "purpose": pool.purpose.value,
        "categories": [c.value for c in pool.categories],
    }


async def load_pool(
    uow: UnitOfWork, actor: Principal, pool_id: int, *, pointer: str | None = None
) -> Pool:
    """The pool, if its owner lies in the actor's subtree; otherwise NotFound."""
    pool = await uow.funds.get_pool(pool_id)
    if pool is None or not actor.covers_path(pool.org_path):
        fields = [FieldError("fund.pool_not_found", pointer=pointer)] if pointer else None
        raise NotFound("fund.pool_not_found", params={"id": pool_id}, fields=fields)
    return pool


async def lock_pool(uow: UnitOfWork, actor: Principal, pool_id: int) -> Pool:
    """Lock the pool row and read it under the lock; outside the subtree is NotFound (the
    lock is then released with the rollback)."""
    pool = await uow.funds.get_pool(pool_id, lock=True)
    if pool is None or not actor.covers_path(pool.org_path):
        raise NotFound("fund.pool_not_found", params={"id": pool_id})
    return pool


async def lock_pool_unchecked(uow: UnitOfWork, pool_id: int) -> None:
    """Lock a pool the caller has already authorised through another object (a request)."""
    await uow.funds.lock_pools([pool_id])


async def pool_account_id(uow: UnitOfWork, pool_id: int, ref: str = POOL_REF) -> int:
    account = await uow.funds.account(pool_id, ref)
    assert account is not None, f"pool {pool_id} lacks its {ref} account"
    return account.id


async def counter_account(
    uow: UnitOfWork,
    pool_id: int,
    *,
    kind: AccountKind,
    ref: str,
    label: str,
    enterprise_id: int | None = None,
) -> int:
    """The pool's account for a counterparty, opened on first use (under the pool's lock)."""
    account = await uow.funds.account(pool_id, ref)
    if account is None:
        account = await uow.funds.add_account(
            pool_id=pool_id,
            kind=kind,
            ref=ref,
            label=label,
            enterprise_id=enterprise_id,
            now=uow.clock.now(),
        )
    return account.id


def insufficient(available_fen: int, *, pointer: str = "/amount") -> RuleViolation:
    return RuleViolation(
        "fund.insufficient_balance",
        params={"available": format_money(available_fen)},
        fields=[FieldError("fund.insufficient_balance", pointer=pointer)],
        extra={"available": format_money(available_fen)},
    )


async def post(uow: UnitOfWork, tx: NewTransaction, lines: list[Line]) -> Transaction:
    """Post one balanced movement (pools already locked); an overdraw is a 422."""
    check_balanced(lines)
    posted = await uow.funds.post(tx, lines, now=uow.clock.now())
    if posted is None:
        pool = await uow.funds.get_pool(tx.pool_id)
        raise insufficient(pool.balance_fen if pool else 0)
    return posted


def _clean_text(value: str | None, code: str, pointer: str, *, required: bool) -> str | None:
    text = (value or "").strip() or None
    if text is None and required:
        raise InvalidInput(code, fields=[FieldError(code, pointer=pointer)])
    return text


async def create_pool(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    name: str,
    purpose: PoolPurpose,
    categories: list[Category] | None,
) -> Pool:
    """Open a pool owned by an active organisation in the actor's subtree."""
    actor.require(Scope.FUNDS_WRITE)
    clean_name = _clean_text(name, "fund.name_required", "/name", required=True)
    assert clean_name is not None
    if categories is not None and not categories:
        raise InvalidInput(
            "fund.categories_required",
            fields=[FieldError("fund.categories_required", pointer="/categories")],
        )
    chosen = tuple(dict.fromkeys(categories or DEFAULT_CATEGORIES[purpose]))
    org = await load_org(uow, actor, org_id, lock=True, pointer="/org_id")
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "fund.org_dissolved",
            params={"id": org.id},
            fields=[FieldError("fund.org_dissolved", pointer="/org_id")],
        )
    pool_id = await uow.funds.add_pool(
        org_id=org.id, name=clean_name, purpose=purpose, categories=chosen, now=uow.clock.now()
    )
    pool = await uow.funds.get_pool(pool_id)
    assert pool is not None
    await uow.audit.record(
        actor,
        action="fund.pool_create",
        target_type="fund_pool",
        target_id=pool.id,
        org_id=org.id,
        changes=pool_fields(pool),
    )
    await uow.commit()
    return pool


async def get_pool(uow: UnitOfWork, actor: Principal, *, pool_id: int) -> Pool:
    """One pool whose owner lies in the actor's subtree."""
    actor.require(Scope.FUNDS_READ)
    return await load_pool(uow, actor, pool_id)


async def list_pools(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    purpose: PoolPurpose | None,
    page: PageRequest,
) -> Page[Pool]:
    """Pools owned by organisations in the subtree of ``org_id`` (default: the actor's)."""
    actor.require(Scope.FUNDS_READ)
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
    return await uow.funds.pools_in_subtree(root.path, purpose=purpose, page=page)


@dataclass(frozen=True)
class NewContribution:
    amount: str
    source_kind: SourceKind
    voucher: str
    enterprise_id: int | None = None
    source_name: str | None = None
    memo: str | None = None


_SOURCE_LABELS = {
    SourceKind.STREET_FINANCE: "街道财政",
    SourceKind.PARK_OPERATOR: "园区",
    SourceKind.OWNER_DONATION: "业主捐助",
}


async def contribute(
    uow: UnitOfWork, actor: Principal, *, pool_id: int, new: NewContribution
) -> Transaction:
    """Record money entering a pool from a named outside source, with its voucher."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(new.amount, pointer="/amount")
    voucher = _clean_text(new.voucher, "fund.voucher_required", "/voucher", required=True)
    memo = _clean_text(new.memo, "", "/memo", required=False)
    name = _clean_text(new.source_name, "", "/source_name", required=False)
    enterprise = None
    if new.source_kind is SourceKind.ENTERPRISE:
        if new.enterprise_id is None:
            raise InvalidInput(
                "fund.enterprise_required",
                fields=[FieldError("fund.enterprise_required", pointer="/enterprise_id")],
            )
        enterprise = await load_enterprise(uow, actor, new.enterprise_id, pointer="/enterprise_id")
    elif new.enterprise_id is not None:
        raise InvalidInput(
            "fund.enterprise_not_applicable",
            fields=[FieldError("fund.enterprise_not_applicable", pointer="/enterprise_id")],
        )
    pool = await lock_pool(uow, actor, pool_id)
    if enterprise is not None:
        ref, label = f"enterprise:{enterprise.id}", enterprise.name
    else:
        ref = f"source:{new.source_kind.value}:{name or ''}"[:64]
        label = name or _SOURCE_LABELS[new.source_kind]
    source = await counter_account(
        uow,
        pool.id,
        kind=AccountKind.ENTERPRISE if enterprise else AccountKind.SOURCE,
        ref=ref,
        label=label,
        enterprise_id=enterprise.id if enterprise else None,
    )
    target = pool.cash_account_id
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool.id,
            kind=TxKind.CONTRIBUTION,
            amount_fen=fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            source_kind=new.source_kind,
            voucher=voucher,
            memo=memo,
        ),
        [Line(source, -fen), Line(target, fen)],
    )
    await uow.audit.record(
        actor,
        action="fund.contribute",
        target_type="fund_transaction",
        target_id=tx.id,
        org_id=pool.org_id,
        changes={
            "pool_id": pool.id,
            "amount": format_money(fen),
            "source_kind": new.source_kind.value,
            "enterprise_id": enterprise.id if enterprise else None,
            "voucher": voucher,
        },
    )
    await uow.commit()
    return tx


async def load_transaction(uow: UnitOfWork, actor: Principal, tx_id: int) -> Transaction:
    tx = await uow.funds.get_transaction(tx_id)
    pool = await uow.funds.get_pool(tx.pool_id) if tx else None
    if tx is None or pool is None or not actor.covers_path(pool.org_path):
        raise NotFound("fund.transaction_not_found", params={"id": tx_id})
    return tx


async def get_transaction(uow: UnitOfWork, actor: Principal, *, transaction_id: int) -> Transaction:
    """One ledger transaction with its entries."""
    actor.require(Scope.FUNDS_READ)
    return await load_transaction(uow, actor, transaction_id)


async def reverse_transaction(
    uow: UnitOfWork, actor: Principal, *, transaction_id: int, reason: str
) -> Transaction:
    """Correct a posted transaction by posting its exact opposite (entries are append-only)."""
    actor.require(Scope.FUNDS_APPROVE)
    why = _clean_text(reason, "fund.reason_required", "/reason", required=True)
    original = await load_transaction(uow, actor, transaction_id)
    await lock_pool(uow, actor, original.pool_id)
    original = await load_transaction(uow, actor, transaction_id)  # again, under the lock
    if original.kind in NOT_REVERSIBLE:
        raise RuleViolation(
            "fund.reversal_not_reversible", params={"id": original.id, "kind": original.kind.value}
        )
    if original.reversed_by_id is not None:
        raise Conflict(
            "fund.already_reversed",
            params={"id": original.id},
            extra={"reversed_by_id": original.reversed_by_id},
        )
    lines = [Line(e.account_id, -e.amount_fen) for e in original.entries]
    try:
        tx = await post(
            uow,
            NewTransaction(
                pool_id=original.pool_id,
                kind=TxKind.REVERSAL,
                amount_fen=original.amount_fen,
                on_date=uow.clock.today(),
                actor=actor.subject,
                category=original.category,
                memo=why,
                reverses_id=original.id,
            ),
            lines,
        )
    except RuleViolation as exc:  # the money has been spent since
        raise RuleViolation(
            "fund.reversal_overdraws", params={"id": original.id, **exc.params}
        ) from None
    pool = await uow.funds.get_pool(original.pool_id)
    assert pool is not None
    await uow.audit.record(
        actor,
        action="fund.reverse",
        target_type="fund_transaction",
        target_id=tx.id,
        org_id=pool.org_id,
        changes={"reverses_id": original.id, "reason": why},
    )
    # A spending request paid out by the original is no longer approved: mark it reversed
    # in the same transaction (under the pool's lock, which every request change holds).
    request = await uow.spending.of_transaction(original.id)
    if request is not None:
        ok = await uow.spending.mark_reversed(request.id, now=uow.clock.now())
        assert ok, "a paid-out request is approved until its payout is reversed"
        await uow.audit.record(
            actor,
            action="fund.spending_reversed",
            target_type="fund_spending_request",
            target_id=request.id,
            org_id=request.org_id,
            changes={
                "status": RequestStatus.REVERSED.value,
                "transaction_id": original.id,
                "reversal_id": tx.id,
                "reason": why,
            },
        )
    await uow.commit()
    return tx


async def list_entries(
    uow: UnitOfWork, actor: Principal, *, pool_id: int, page: PageRequest
) -> Page[Entry]:
    """Movements of the pool's money, oldest first, each with the balance after it."""
    actor.require(Scope.FUNDS_READ)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    pool = await load_pool(uow, actor, pool_id)
    return await uow.funds.entries(await pool_account_id(uow, pool.id), page=page)


async def statement(
    uow: UnitOfWork,
    actor: Principal,
    *,
    pool_id: int,
    start: dt.date | None,
    end: dt.date | None,
    with_entries: bool = False,
) -> Statement:
    """Opening balance, movements by kind and category, and closing balance for a period of
    business dates (default: this month up to today)."""
    actor.require(Scope.FUNDS_READ)
    today = uow.clock.today()
    end = end or today
    start = start or end.replace(day=1)
    if start > end:
        raise InvalidInput(
            "fund.period_invalid", fields=[FieldError("fund.period_invalid", parameter="from")]
        )
    if (end - start).days > STATEMENT_MAX_DAYS:
        raise InvalidInput(
            "fund.period_too_long",
            params={"days": STATEMENT_MAX_DAYS},
            fields=[FieldError("fund.period_too_long", parameter="to")],
        )
    pool = await load_pool(uow, actor, pool_id)
    account = await pool_account_id(uow, pool.id)
    opening = await uow.funds.balance_before(account, start)
    movements = await uow.funds.movements(account, start, end)
    inflow = sum(m.inflow_fen for m in movements)
    outflow = sum(m.outflow_fen for m in movements)
    entries = (
        await uow.funds.entries_between(account, start, end, limit=STATEMENT_MAX_ENTRIES + 1)
        if with_entries
        else []
    )
    if len(entries) > STATEMENT_MAX_ENTRIES:  # never a silently cut export
        raise InvalidInput(
            "fund.statement_too_large",
            params={"max": STATEMENT_MAX_ENTRIES},
            fields=[FieldError("fund.statement_too_large", parameter="from")],
        )
    return Statement(
        pool=pool,
        from_date=start,
        to_date=end,
        opening_fen=opening,
        closing_fen=opening + inflow - outflow,
        inflow_fen=inflow,
        outflow_fen=outflow,
        movements=movements,
        entries=entries,
    )


async def money_flows(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
) -> list[Flow]:
    """Money in and out of every pool owned in a subtree, by purpose, kind and category, for
    business dates ``start``..``end`` (default: this year up to today)."""
    actor.require(Scope.FUNDS_READ)
    end = end or uow.clock.today()
    start = start or end.replace(month=1, day=1)
    if start > end:
        raise InvalidInput(
            "fund.period_invalid", fields=[FieldError("fund.period_invalid", parameter="from")]
        )
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await load_org(uow, actor, root_id)
    return await uow.funds.flows(root.path, start, end)
