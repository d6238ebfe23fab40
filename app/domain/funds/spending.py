"""Spending requests (支部负责、党委把关): an organisation in a pool owner's subtree asks the pool
for an amount in an allowed category; the pool owner's staff or an organisation above decides;
approval pays out in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.funds import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.funds.ledger import (
    counter_account,
    insufficient,
    lock_pool_unchecked,
    pool_account_id,
    post,
)
from app.domain.funds.model import (
    AccountKind,
    Category,
    Line,
    RequestStatus,
    SpendingRequest,
    TxKind,
    format_money,
    parse_money,
)
from app.domain.funds.ports import NewSpendingRequest, NewTransaction
from app.domain.orgs.model import OrgStatus, is_descendant_or_self
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


@dataclass(frozen=True)
class NewRequest:
    pool_id: int
    org_id: int
    category: Category
    purpose: str
    amount: str


def _snapshot(r: SpendingRequest) -> dict[str, object]:
    return {
        "pool_id": r.pool_id,
        "org_id": r.org_id,
        "category": r.category.value,
        "amount": format_money(r.amount_fen),
        "status": r.status.value,
        "transaction_id": r.transaction_id,
    }


async def load_request(uow: UnitOfWork, actor: Principal, request_id: int) -> SpendingRequest:
    """The request, if its requesting organisation lies in the actor's subtree."""
    req = await uow.spending.get(request_id)
    if req is None or not actor.covers_path(req.org_path):
        raise NotFound("fund.request_not_found", params={"id": request_id})
    return req


async def request_spending(
    uow: UnitOfWork, actor: Principal, *, new: NewRequest
) -> SpendingRequest:
    """Ask a pool owned by the requesting organisation or one above it for money."""
    actor.require(Scope.FUNDS_WRITE)
    fen = parse_money(new.amount, pointer="/amount")
    purpose = (new.purpose or "").strip()
    if not purpose:
        raise InvalidInput(
            "fund.purpose_required",
            fields=[FieldError("fund.purpose_required", pointer="/purpose")],
        )
    org = await load_org(uow, actor, new.org_id, pointer="/org_id")
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "fund.org_dissolved",
            params={"id": org.id},
            fields=[FieldError("fund.org_dissolved", pointer="/org_id")],
        )
    # The pool must be the requesting organisation's own or one above it: a pool elsewhere
    # answers exactly like an absent one.
    pool = await uow.funds.get_pool(new.pool_id)
    if pool is None or not is_descendant_or_self(org.path, pool.org_path):
        raise NotFound(
            "fund.pool_not_found",
            params={"id": new.pool_id},
            fields=[FieldError("fund.pool_not_found", pointer="/pool_id")],
        )
    if new.category not in pool.categories:
        raise RuleViolation(
            "fund.category_not_allowed",
            params={
                "category": new.category.value,
                "allowed": ", ".join(c.value for c in pool.categories),
            },
            fields=[FieldError("fund.category_not_allowed", pointer="/category")],
        )
    request_id = await uow.spending.add(
        NewSpendingRequest(
            pool_id=pool.id,
            org_id=org.id,
            category=new.category,
            purpose=purpose[:500],
            amount_fen=fen,
            requested_by=actor.subject,
        ),
        now=uow.clock.now(),
    )
    req = await uow.spending.get(request_id)
    assert req is not None
    await uow.audit.record(
        actor,
        action="fund.spending_request",
        target_type="fund_spending_request",
        target_id=req.id,
        org_id=org.id,
        changes=_snapshot(req),
    )
    await uow.commit()
    return req


async def get_request(uow: UnitOfWork, actor: Principal, *, request_id: int) -> SpendingRequest:
    """One spending request of an organisation in the actor's subtree."""
    actor.require(Scope.FUNDS_READ)
    return await load_request(uow, actor, request_id)


async def list_requests(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    pool_id: int | None,
    status: RequestStatus | None,
    page: PageRequest,
) -> Page[SpendingRequest]:
    """Requests made by organisations in the subtree of ``org_id`` (default: the actor's)."""
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
    return await uow.spending.in_subtree(root.path, pool_id=pool_id, status=status, page=page)


async def _pending_under_lock(
    uow: UnitOfWork, actor: Principal, request_id: int
) -> SpendingRequest:
    """Load, lock the pool (every change of its requests and money holds this lock), reload."""
    req = await load_request(uow, actor, request_id)
    await lock_pool_unchecked(uow, req.pool_id)
    req = await load_request(uow, actor, request_id)
    if req.status is not RequestStatus.PENDING:
        raise Conflict(
            "fund.request_decided",
            params={"id": req.id, "status": req.status.value},
            extra={"status": req.status.value},
        )
    return req


def _check_decider(actor: Principal, req: SpendingRequest) -> None:
    """The pool owner's staff or an organisation above it decides, never the requester."""
    if not actor.covers_path(req.pool_org_path):
        raise RuleViolation("fund.approver_not_above", params={"id": req.id})
    if actor.subject == req.requested_by:
        raise RuleViolation("fund.self_approval", params={"id": req.id})


async def approve_request(
    uow: UnitOfWork, actor: Principal, *, request_id: int, note: str | None
) -> SpendingRequest:
    """Approve a pending request within the actor's approval limit and pay it out."""
    actor.require(Scope.FUNDS_APPROVE)
    req = await _pending_under_lock(uow, actor, request_id)
    _check_decider(actor, req)
    limit = uow.policy.spending_approval_limits_fen.get(actor.role.value if actor.role else "")
    if limit is not None and req.amount_fen > limit:
        raise RuleViolation(
            "fund.approval_limit_exceeded",
            params={"limit": format_money(limit), "amount": format_money(req.amount_fen)},
            extra={"limit": format_money(limit)},
        )
    pool = await uow.funds.get_pool(req.pool_id)
    assert pool is not None
    if pool.balance_fen < req.amount_fen:
        raise insufficient(pool.balance_fen, pointer="")
    org = await uow.orgs.get(req.org_id)
    payee = await counter_account(
        uow,
        pool.id,
        kind=AccountKind.PAYEE,
        ref=f"org:{req.org_id}",
        label=org.name if org else f"org {req.org_id}",
    )
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool.id,
            kind=TxKind.SPENDING,
            amount_fen=req.amount_fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            category=req.category,
            memo=req.purpose,
        ),
        [Line(await pool_account_id(uow, pool.id), -req.amount_fen), Line(payee, req.amount_fen)],
    )
    return await _decide(uow, actor, req, RequestStatus.APPROVED, note, tx.id)


async def reject_request(
    uow: UnitOfWork, actor: Principal, *, request_id: int, note: str | None
) -> SpendingRequest:
    """Reject a pending request; no money moves."""
    actor.require(Scope.FUNDS_APPROVE)
    req = await _pending_under_lock(uow, actor, request_id)
    _check_decider(actor, req)
    return await _decide(uow, actor, req, RequestStatus.REJECTED, note, None)


async def withdraw_request(
    uow: UnitOfWork, actor: Principal, *, request_id: int
) -> SpendingRequest:
    """The requesting side takes back a request that has not been decided."""
    actor.require(Scope.FUNDS_WRITE)
    req = await _pending_under_lock(uow, actor, request_id)
    return await _decide(uow, actor, req, RequestStatus.WITHDRAWN, None, None)


async def _decide(
    uow: UnitOfWork,
    actor: Principal,
    req: SpendingRequest,
    status: RequestStatus,
    note: str | None,
    transaction_id: int | None,
) -> SpendingRequest:
    clean = (note or "").strip()[:500] or None
    changed = await uow.spending.decide(
        req.id,
        status=status,
        decided_by=actor.subject,
        note=clean,
        transaction_id=transaction_id,
        now=uow.clock.now(),
    )
    assert changed, "a pending request changed while its pool was locked"
    after = await uow.spending.get(req.id)
    assert after is not None
    await uow.audit.record(
        actor,
        action=f"fund.spending_{status.value}",
        target_type="fund_spending_request",
        target_id=req.id,
        org_id=req.org_id,
        changes={**_snapshot(after), "note": clean},
    )
    await uow.commit()
    return after
