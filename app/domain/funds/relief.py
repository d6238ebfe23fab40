"""Hardship relief (困难救助): quarterly surveys list members and workers in difficulty; relief
payments are spending from a relief pool against a survey entry."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.service import load_enterprise
from app.domain.errors import FieldError, InvalidInput, NotFound, RuleViolation
from app.domain.funds import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.funds.ledger import (
    counter_account,
    insufficient,
    load_pool,
    pool_account_id,
    post,
)
from app.domain.funds.model import (
    AccountKind,
    Category,
    Line,
    ReliefKind,
    ReliefSurvey,
    Transaction,
    TxKind,
    format_money,
    parse_money,
)
from app.domain.funds.ports import NewReliefEntry, NewTransaction
from app.domain.orgs.model import OrgStatus, is_descendant_or_self
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork

MAX_ENTRIES = 500


@dataclass(frozen=True)
class EntryIn:
    kind: ReliefKind
    name: str
    hardship: str
    member_id: int | None = None
    enterprise_id: int | None = None
    suggested_amount: str | None = None


def _invalid(code: str, pointer: str) -> InvalidInput:
    return InvalidInput(code, fields=[FieldError(code, pointer=pointer)])


async def create_survey(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    year: int,
    quarter: int,
    title: str,
    entries: list[EntryIn],
) -> ReliefSurvey:
    """Record a quarterly relief survey of an organisation in the actor's subtree."""
    actor.require(Scope.FUNDS_WRITE)
    if not 1 <= quarter <= 4:
        raise _invalid("relief.quarter_invalid", "/quarter")
    if not 2000 <= year <= 2100:
        raise _invalid("relief.year_invalid", "/year")
    clean_title = (title or "").strip()[:200]
    if not clean_title:
        raise _invalid("relief.title_required", "/title")
    if not entries or len(entries) > MAX_ENTRIES:
        raise _invalid("relief.entries_required", "/entries")
    org = await load_org(uow, actor, org_id, lock=True, pointer="/org_id")
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "fund.org_dissolved",
            params={"id": org.id},
            fields=[FieldError("fund.org_dissolved", pointer="/org_id")],
        )
    rows: list[NewReliefEntry] = []
    for n, e in enumerate(entries):
        at = f"/entries/{n}"
        name = (e.name or "").strip()[:100]
        hardship = (e.hardship or "").strip()[:500]
        if not name:
            raise _invalid("relief.name_required", f"{at}/name")
        if not hardship:
            raise _invalid("relief.hardship_required", f"{at}/hardship")
        if e.kind is ReliefKind.MEMBER and e.member_id is None:
            raise _invalid("relief.member_required", f"{at}/member_id")
        if e.member_id is not None:
            member = await uow.members.get(e.member_id)
            if member is None or not is_descendant_or_self(member.org_path, org.path):
                raise NotFound(
                    "member.not_found",
                    params={"id": e.member_id},
                    fields=[FieldError("member.not_found", pointer=f"{at}/member_id")],
                )
        if e.enterprise_id is not None:
            await load_enterprise(uow, actor, e.enterprise_id, pointer=f"{at}/enterprise_id")
        suggested = (
            parse_money(e.suggested_amount, pointer=f"{at}/suggested_amount")
            if e.suggested_amount is not None
            else None
        )
        rows.append(
            NewReliefEntry(
                kind=e.kind,
                name=name,
                member_id=e.member_id,
                enterprise_id=e.enterprise_id,
                hardship=hardship,
                suggested_fen=suggested,
            )
        )
    survey_id = await uow.relief.add_survey(
        org_id=org.id,
        year=year,
        quarter=quarter,
        title=clean_title,
        entries=rows,
        now=uow.clock.now(),
    )
    survey = await uow.relief.get(survey_id)
    assert survey is not None
    await uow.audit.record(
        actor,
        action="relief.survey_create",
        target_type="relief_survey",
        target_id=survey.id,
        org_id=org.id,
        changes={"year": year, "quarter": quarter, "entries": len(rows)},
    )
    await uow.commit()
    return survey


async def load_survey(
    uow: UnitOfWork, actor: Principal, survey_id: int, *, pointer: str | None = None
) -> ReliefSurvey:
    survey = await uow.relief.get(survey_id)
    if survey is None or not actor.covers_path(survey.org_path):
        fields = [FieldError("relief.survey_not_found", pointer=pointer)] if pointer else None
        raise NotFound("relief.survey_not_found", params={"id": survey_id}, fields=fields)
    return survey


async def get_survey(uow: UnitOfWork, actor: Principal, *, survey_id: int) -> ReliefSurvey:
    """One relief survey with its entries and what each has received."""
    actor.require(Scope.FUNDS_READ)
    return await load_survey(uow, actor, survey_id)


async def list_surveys(
    uow: UnitOfWork, actor: Principal, *, org_id: int | None, year: int | None, page: PageRequest
) -> Page[ReliefSurvey]:
    """Relief surveys of organisations in the subtree of ``org_id`` (default: the actor's)."""
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
    return await uow.relief.in_subtree(root.path, year=year, page=page)


async def pay_relief(
    uow: UnitOfWork,
    actor: Principal,
    *,
    pool_id: int,
    survey_id: int,
    entry_id: int,
    amount: str,
    voucher: str | None,
) -> Transaction:
    """Pay relief to a surveyed person from a pool that allows relief spending."""
    actor.require(Scope.FUNDS_APPROVE)
    fen = parse_money(amount, pointer="/amount")
    pool = await load_pool(uow, actor, pool_id, pointer="/pool_id")
    if Category.RELIEF not in pool.categories:
        raise RuleViolation(
            "fund.category_not_allowed",
            params={
                "category": Category.RELIEF.value,
                "allowed": ", ".join(c.value for c in pool.categories),
            },
            fields=[FieldError("fund.category_not_allowed", pointer="/pool_id")],
        )
    survey = await load_survey(uow, actor, survey_id, pointer="/survey_id")
    if not is_descendant_or_self(survey.org_path, pool.org_path):
        raise NotFound(
            "relief.survey_not_found",
            params={"id": survey_id},
            fields=[FieldError("relief.survey_not_found", pointer="/survey_id")],
        )
    entry = next((e for e in survey.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(
            "relief.entry_not_found",
            params={"id": entry_id},
            fields=[FieldError("relief.entry_not_found", pointer="/entry_id")],
        )
    await uow.funds.lock_pools([pool.id])
    fresh = await uow.funds.get_pool(pool.id)
    assert fresh is not None
    if fresh.balance_fen < fen:
        raise insufficient(fresh.balance_fen)
    payee = await counter_account(
        uow,
        pool.id,
        kind=AccountKind.MEMBER if entry.member_id else AccountKind.PAYEE,
        ref=f"relief:{entry.id}",
        label=entry.name,
    )
    tx = await post(
        uow,
        NewTransaction(
            pool_id=pool.id,
            kind=TxKind.RELIEF_PAYMENT,
            amount_fen=fen,
            on_date=uow.clock.today(),
            actor=actor.subject,
            category=Category.RELIEF,
            voucher=(voucher or "").strip()[:100] or None,
            memo=f"{survey.year}Q{survey.quarter} {entry.name}"[:500],
        ),
        [Line(await pool_account_id(uow, pool.id), -fen), Line(payee, fen)],
    )
    await uow.relief.add_paid(entry.id, fen)
    await uow.audit.record(
        actor,
        action="relief.pay",
        target_type="fund_transaction",
        target_id=tx.id,
        org_id=pool.org_id,
        changes={
            "survey_id": survey.id,
            "entry_id": entry.id,
            "amount": format_money(fen),
        },
    )
    await uow.commit()
    return tx
