"""SQL for the funding ledger: pools, accounts, postings, entries and statement sums."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.db.models import (
    DuesBillLineRow,
    DuesBillRow,
    DuesProfileRow,
    EnterpriseRow,
    FundAccountRow,
    FundEntryRow,
    FundLoanGuaranteeRow,
    FundLoanInstallmentRow,
    FundLoanRepaymentRow,
    FundLoanRow,
    FundPoolRow,
    FundReliefEntryRow,
    FundReliefSurveyRow,
    FundSpendingRequestRow,
    FundTransactionRow,
    MemberRow,
    OrgRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.errors import Conflict
from app.domain.funds.model import (
    ASSET_KINDS,
    Account,
    AccountKind,
    Category,
    CategoryMovement,
    DuesBill,
    DuesCategory,
    DuesLine,
    DuesProfile,
    Entry,
    Flow,
    Guarantee,
    Installment,
    Line,
    Loan,
    LoanStatus,
    Pool,
    PoolPurpose,
    ReliefEntry,
    ReliefKind,
    ReliefSurvey,
    RequestStatus,
    ReturnBalance,
    SourceKind,
    SpendingRequest,
    Transaction,
    TxKind,
    UnpaidLine,
)
from app.domain.funds.ports import (
    NewLoan,
    NewReliefEntry,
    NewSpendingRequest,
    NewTransaction,
)
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_CASH = aliased(FundAccountRow, name="cash")
_LOANS = aliased(FundAccountRow, name="loans")
_ASSETS = [k.value for k in ASSET_KINDS]
_POOL_COLUMNS = [
    *FundPoolRow.__table__.c,
    OrgRow.path.label("org_path"),
    _CASH.balance_fen.label("cash_fen"),
    _LOANS.balance_fen.label("loans_fen"),
    _CASH.id.label("cash_id"),
    _LOANS.id.label("loans_id"),
]


def _pool_select() -> sa.Select[Any]:
    return (
        sa.select(*_POOL_COLUMNS)
        .join(OrgRow, OrgRow.id == FundPoolRow.org_id)
        .join(_CASH, sa.and_(_CASH.pool_id == FundPoolRow.id, _CASH.ref == "pool"))
        .join(_LOANS, sa.and_(_LOANS.pool_id == FundPoolRow.id, _LOANS.ref == "loans_receivable"))
    )


def to_pool(row: Any) -> Pool:
    return Pool(
        id=row.id,
        org_id=row.org_id,
        org_path=row.org_path,
        name=row.name,
        purpose=PoolPurpose(row.purpose),
        categories=tuple(Category(c) for c in row.categories.split(",") if c),
        balance_fen=int(row.cash_fen),
        loans_outstanding_fen=int(row.loans_fen),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        cash_account_id=row.cash_id,
        loans_account_id=row.loans_id,
    )


def to_account(row: Any) -> Account:
    return Account(
        id=row.id,
        pool_id=row.pool_id,
        kind=AccountKind(row.kind),
        ref=row.ref,
        label=row.label,
        balance_fen=int(row.balance_fen),
    )


_ENTRY_COLUMNS = [
    *FundEntryRow.__table__.c,
    FundAccountRow.kind.label("account_kind"),
    FundAccountRow.label.label("account_label"),
    FundTransactionRow.kind.label("tx_kind"),
    FundTransactionRow.category.label("tx_category"),
]


def _entry_select() -> sa.Select[Any]:
    return (
        sa.select(*_ENTRY_COLUMNS)
        .join(FundAccountRow, FundAccountRow.id == FundEntryRow.account_id)
        .join(FundTransactionRow, FundTransactionRow.id == FundEntryRow.transaction_id)
    )


def to_entry(row: Any) -> Entry:
    return Entry(
        id=row.id,
        transaction_id=row.transaction_id,
        account_id=row.account_id,
        account_kind=AccountKind(row.account_kind),
        account_label=row.account_label,
        amount_fen=int(row.amount_fen),
        balance_after_fen=int(row.balance_after_fen),
        on_date=row.on_date,
        created_at=row.created_at,
        tx_kind=TxKind(row.tx_kind),
        category=Category(row.tx_category) if row.tx_category else None,
    )


class SqlFundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_pool(
        self,
        *,
        org_id: int,
        name: str,
        purpose: PoolPurpose,
        categories: tuple[Category, ...],
        now: dt.datetime,
    ) -> int:
        pool_id = (
            await self.s.execute(
                sa.insert(FundPoolRow)
                .values(
                    org_id=org_id,
                    name=name,
                    purpose=purpose.value,
                    categories=",".join(c.value for c in categories),
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                .returning(FundPoolRow.id)
            )
        ).scalar_one()
        await self.s.execute(
            sa.insert(FundAccountRow),
            [
                {
                    "pool_id": pool_id,
                    "kind": kind.value,
                    "ref": kind.value,
                    "label": label,
                    "enterprise_id": None,
                    "balance_fen": 0,
                    "created_at": now,
                }
                for kind, label in (
                    (AccountKind.POOL, name),
                    (AccountKind.LOANS_RECEIVABLE, "应收借款"),
                )
            ],
        )
        return int(pool_id)

    async def get_pool(self, pool_id: int, *, lock: bool = False) -> Pool | None:
        stmt = _pool_select().where(FundPoolRow.id == pool_id)
        if lock:
            stmt = stmt.with_for_update(of=FundPoolRow)
        row = (await self.s.execute(stmt)).first()
        return to_pool(row) if row else None

    async def pool_of(self, org_id: int, purpose: PoolPurpose) -> int | None:
        stmt = (
            sa.select(FundPoolRow.id)
            .where(FundPoolRow.org_id == org_id, FundPoolRow.purpose == purpose.value)
            .order_by(FundPoolRow.id)
            .limit(1)
        )
        found = (await self.s.execute(stmt)).scalar_one_or_none()
        return int(found) if found is not None else None

    async def lock_pools(self, pool_ids: list[int]) -> None:
        stmt = (
            sa.select(FundPoolRow.id)
            .where(FundPoolRow.id.in_(sorted(set(pool_ids))))
            .order_by(FundPoolRow.id)
            .with_for_update()
        )
        await self.s.execute(stmt)

    async def pools_in_subtree(
        self, path: str, *, purpose: PoolPurpose | None, page: PageRequest
    ) -> Page[Pool]:
        lo, hi = subtree_bounds(path)
        stmt = _pool_select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if purpose is not None:
            stmt = stmt.where(FundPoolRow.purpose == purpose.value)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=FundPoolRow.id, desc=False, id_col=FundPoolRow.id, page=page
        )
        return Page([to_pool(r) for r in rows], nxt)

    async def account(self, pool_id: int, ref: str) -> Account | None:
        stmt = sa.select(FundAccountRow).where(
            FundAccountRow.pool_id == pool_id, FundAccountRow.ref == ref
        )
        row = (await self.s.execute(stmt)).scalars().first()
        return to_account(row) if row else None

    async def add_account(
        self,
        *,
        pool_id: int,
        kind: AccountKind,
        ref: str,
        label: str,
        enterprise_id: int | None,
        now: dt.datetime,
    ) -> Account:
        stmt = (
            sa.insert(FundAccountRow)
            .values(
                pool_id=pool_id,
                kind=kind.value,
                ref=ref,
                label=label[:200],
                enterprise_id=enterprise_id,
                balance_fen=0,
                created_at=now,
            )
            .returning(FundAccountRow.id)
        )
        account_id = (await self.s.execute(stmt)).scalar_one()
        return Account(int(account_id), pool_id, kind, ref, label[:200], 0)

    async def post(
        self, tx: NewTransaction, lines: list[Line], *, now: dt.datetime
    ) -> Transaction | None:
        tx_id = (
            await self.s.execute(
                sa.insert(FundTransactionRow)
                .values(
                    pool_id=tx.pool_id,
                    kind=tx.kind.value,
                    amount_fen=tx.amount_fen,
                    category=tx.category.value if tx.category else None,
                    source_kind=tx.source_kind.value if tx.source_kind else None,
                    voucher=tx.voucher,
                    memo=tx.memo,
                    on_date=tx.on_date,
                    reverses_id=tx.reverses_id,
                    counter_pool_id=tx.counter_pool_id,
                    actor=tx.actor[:100],
                    created_at=now,
                )
                .returning(FundTransactionRow.id)
            )
        ).scalar_one()
        legs = []
        # Accounts change in ascending id order, like every other posting.
        for line in sorted(lines, key=lambda x: x.account_id):
            delta = line.amount_fen
            stmt = (
                sa.update(FundAccountRow)
                .where(FundAccountRow.id == line.account_id)
                .values(balance_fen=FundAccountRow.balance_fen + delta)
                .returning(FundAccountRow.balance_fen, FundAccountRow.kind, FundAccountRow.label)
            )
            if delta < 0:  # conditional: an asset account never goes below zero
                stmt = stmt.where(
                    sa.or_(
                        FundAccountRow.kind.not_in(_ASSETS), FundAccountRow.balance_fen >= -delta
                    )
                )
            after = (await self.s.execute(stmt)).first()
            if after is None:
                return None
            legs.append((line, after))
        values = [
            {
                "transaction_id": tx_id,
                "account_id": line.account_id,
                "amount_fen": line.amount_fen,
                "balance_after_fen": int(after.balance_fen),
                "on_date": tx.on_date,
                "created_at": now,
            }
            for line, after in legs
        ]
        ids = (
            (
                await self.s.execute(
                    sa.insert(FundEntryRow).returning(
                        FundEntryRow.id, sort_by_parameter_order=True
                    ),
                    values,
                )
            )
            .scalars()
            .all()
        )
        entries = tuple(
            Entry(
                id=int(entry_id),
                transaction_id=int(tx_id),
                account_id=line.account_id,
                account_kind=AccountKind(after.kind),
                account_label=after.label,
                amount_fen=line.amount_fen,
                balance_after_fen=int(after.balance_fen),
                on_date=tx.on_date,
                created_at=now,
                tx_kind=tx.kind,
                category=tx.category,
            )
            for entry_id, (line, after) in sorted(zip(ids, legs, strict=True))
        )
        return Transaction(
            id=int(tx_id),
            pool_id=tx.pool_id,
            kind=tx.kind,
            amount_fen=tx.amount_fen,
            category=tx.category,
            source_kind=tx.source_kind,
            voucher=tx.voucher,
            memo=tx.memo,
            on_date=tx.on_date,
            reverses_id=tx.reverses_id,
            reversed_by_id=None,
            actor=tx.actor[:100],
            created_at=now,
            entries=entries,
            counter_pool_id=tx.counter_pool_id,
        )

    async def get_transaction(self, tx_id: int) -> Transaction | None:
        reversal = aliased(FundTransactionRow, name="reversal")
        stmt = (
            sa.select(*FundTransactionRow.__table__.c, reversal.id.label("reversed_by_id"))
            .outerjoin(reversal, reversal.reverses_id == FundTransactionRow.id)
            .where(FundTransactionRow.id == tx_id)
        )
        row = (await self.s.execute(stmt)).first()
        if row is None:
            return None
        entries = await self.s.execute(
            _entry_select().where(FundEntryRow.transaction_id == tx_id).order_by(FundEntryRow.id)
        )
        return Transaction(
            id=row.id,
            pool_id=row.pool_id,
            kind=TxKind(row.kind),
            amount_fen=int(row.amount_fen),
            category=Category(row.category) if row.category else None,
            source_kind=SourceKind(row.source_kind) if row.source_kind else None,
            voucher=row.voucher,
            memo=row.memo,
            on_date=row.on_date,
            reverses_id=row.reverses_id,
            reversed_by_id=row.reversed_by_id,
            actor=row.actor,
            created_at=row.created_at,
            entries=tuple(to_entry(e) for e in entries),
            counter_pool_id=row.counter_pool_id,
        )

    async def entries(self, account_id: int, *, page: PageRequest) -> Page[Entry]:
        stmt = _entry_select().where(FundEntryRow.account_id == account_id)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=FundEntryRow.id, desc=False, id_col=FundEntryRow.id, page=page
        )
        return Page([to_entry(r) for r in rows], nxt)

    async def balance_before(self, account_id: int, day: dt.date) -> int:
        stmt = sa.select(sa.func.coalesce(sa.func.sum(FundEntryRow.amount_fen), 0)).where(
            FundEntryRow.account_id == account_id, FundEntryRow.on_date < day
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def movements(
        self, account_id: int, start: dt.date, end: dt.date
    ) -> list[CategoryMovement]:
        positive = sa.case((FundEntryRow.amount_fen > 0, FundEntryRow.amount_fen), else_=0)
        negative = sa.case((FundEntryRow.amount_fen < 0, -FundEntryRow.amount_fen), else_=0)
        stmt = (
            sa.select(
                FundTransactionRow.kind,
                FundTransactionRow.category,
                sa.func.sum(positive).label("inflow"),
                sa.func.sum(negative).label("outflow"),
                sa.func.count().label("n"),
            )
            .join(FundTransactionRow, FundTransactionRow.id == FundEntryRow.transaction_id)
            .where(
                FundEntryRow.account_id == account_id,
                FundEntryRow.on_date >= start,
                FundEntryRow.on_date <= end,
            )
            .group_by(FundTransactionRow.kind, FundTransactionRow.category)
            .order_by(FundTransactionRow.kind, FundTransactionRow.category)
        )
        return [
            CategoryMovement(
                kind=TxKind(r.kind),
                category=Category(r.category) if r.category else None,
                inflow_fen=int(r.inflow),
                outflow_fen=int(r.outflow),
                count=int(r.n),
            )
            for r in await self.s.execute(stmt)
        ]

    async def flows(self, path: str, start: dt.date, end: dt.date) -> list[Flow]:
        lo, hi = subtree_bounds(path)
        positive = sa.case((FundEntryRow.amount_fen > 0, FundEntryRow.amount_fen), else_=0)
        negative = sa.case((FundEntryRow.amount_fen < 0, -FundEntryRow.amount_fen), else_=0)
        stmt = (
            sa.select(
                FundPoolRow.purpose,
                FundTransactionRow.kind,
                FundTransactionRow.category,
                sa.func.sum(positive).label("inflow"),
                sa.func.sum(negative).label("outflow"),
                sa.func.count().label("n"),
            )
            .select_from(FundEntryRow)
            .join(FundAccountRow, FundAccountRow.id == FundEntryRow.account_id)
            .join(FundPoolRow, FundPoolRow.id == FundAccountRow.pool_id)
            .join(OrgRow, OrgRow.id == FundPoolRow.org_id)
            .join(FundTransactionRow, FundTransactionRow.id == FundEntryRow.transaction_id)
            .where(
                FundAccountRow.ref == "pool",
                OrgRow.path >= lo,
                OrgRow.path < hi,
                FundEntryRow.on_date >= start,
                FundEntryRow.on_date <= end,
            )
            .group_by(FundPoolRow.purpose, FundTransactionRow.kind, FundTransactionRow.category)
            .order_by(FundPoolRow.purpose, FundTransactionRow.kind, FundTransactionRow.category)
        )
        return [
            Flow(
                purpose=PoolPurpose(r.purpose),
                kind=TxKind(r.kind),
                category=Category(r.category) if r.category else None,
                inflow_fen=int(r.inflow),
                outflow_fen=int(r.outflow),
                count=int(r.n),
            )
            for r in await self.s.execute(stmt)
        ]

    async def entries_between(
        self, account_id: int, start: dt.date, end: dt.date, *, limit: int
    ) -> list[Entry]:
        stmt = (
            _entry_select()
            .where(
                FundEntryRow.account_id == account_id,
                FundEntryRow.on_date >= start,
                FundEntryRow.on_date <= end,
            )
            .order_by(FundEntryRow.id)
            .limit(limit)
        )
        return [to_entry(r) for r in await self.s.execute(stmt)]


_POOL_ORG = aliased(OrgRow, name="pool_org")
_REQUEST_COLUMNS = [
    *FundSpendingRequestRow.__table__.c,
    OrgRow.path.label("org_path"),
    _POOL_ORG.path.label("pool_org_path"),
]


def _request_select() -> sa.Select[Any]:
    return (
        sa.select(*_REQUEST_COLUMNS)
        .join(OrgRow, OrgRow.id == FundSpendingRequestRow.org_id)
        .join(FundPoolRow, FundPoolRow.id == FundSpendingRequestRow.pool_id)
        .join(_POOL_ORG, _POOL_ORG.id == FundPoolRow.org_id)
    )


def to_request(row: Any) -> SpendingRequest:
    return SpendingRequest(
        id=row.id,
        pool_id=row.pool_id,
        pool_org_path=row.pool_org_path,
        org_id=row.org_id,
        org_path=row.org_path,
        category=Category(row.category),
        purpose=row.purpose,
        amount_fen=int(row.amount_fen),
        status=RequestStatus(row.status),
        requested_by=row.requested_by,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        transaction_id=row.transaction_id,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlSpendingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, new: NewSpendingRequest, *, now: dt.datetime) -> int:
        stmt = (
            sa.insert(FundSpendingRequestRow)
            .values(
                pool_id=new.pool_id,
                org_id=new.org_id,
                category=new.category.value,
                purpose=new.purpose,
                amount_fen=new.amount_fen,
                status=RequestStatus.PENDING.value,
                requested_by=new.requested_by[:100],
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(FundSpendingRequestRow.id)
        )
        return int((await self.s.execute(stmt)).scalar_one())

    async def get(self, request_id: int) -> SpendingRequest | None:
        stmt = _request_select().where(FundSpendingRequestRow.id == request_id)
        row = (await self.s.execute(stmt)).first()
        return to_request(row) if row else None

    async def in_subtree(
        self,
        path: str,
        *,
        pool_id: int | None,
        status: RequestStatus | None,
        page: PageRequest,
    ) -> Page[SpendingRequest]:
        lo, hi = subtree_bounds(path)
        stmt = _request_select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if pool_id is not None:
            stmt = stmt.where(FundSpendingRequestRow.pool_id == pool_id)
        if status is not None:
            stmt = stmt.where(FundSpendingRequestRow.status == status.value)
        rows, nxt = await keyset_page(
            self.s,
            stmt,
            key_col=FundSpendingRequestRow.id,
            desc=False,
            id_col=FundSpendingRequestRow.id,
            page=page,
        )
        return Page([to_request(r) for r in rows], nxt)

    async def decide(
        self,
        request_id: int,
        *,
        status: RequestStatus,
        decided_by: str,
        note: str | None,
        transaction_id: int | None,
        now: dt.datetime,
    ) -> bool:
        stmt = (
            sa.update(FundSpendingRequestRow)
            .where(
                FundSpendingRequestRow.id == request_id,
                FundSpendingRequestRow.status == RequestStatus.PENDING.value,
            )
            .values(
                status=status.value,
                decided_by=decided_by[:100],
                decided_at=now,
                decision_note=note,
                transaction_id=transaction_id,
                version=FundSpendingRequestRow.version + 1,
                updated_at=now,
            )
        )
        result: Any = await self.s.execute(stmt)
        return bool(result.rowcount)

    async def of_transaction(self, transaction_id: int) -> SpendingRequest | None:
        stmt = _request_select().where(FundSpendingRequestRow.transaction_id == transaction_id)
        row = (await self.s.execute(stmt)).first()
        return to_request(row) if row else None

    async def mark_reversed(self, request_id: int, *, now: dt.datetime) -> bool:
        stmt = (
            sa.update(FundSpendingRequestRow)
            .where(
                FundSpendingRequestRow.id == request_id,
                FundSpendingRequestRow.status == RequestStatus.APPROVED.value,
            )
            .values(
                status=RequestStatus.REVERSED.value,
                version=FundSpendingRequestRow.version + 1,
                updated_at=now,
            )
        )
        result: Any = await self.s.execute(stmt)
        return bool(result.rowcount)


_LOAN_COLUMNS = [
    *FundLoanRow.__table__.c,
    EnterpriseRow.name.label("enterprise_name"),
    _POOL_ORG.path.label("pool_org_path"),
]


def _loan_select() -> sa.Select[Any]:
    return (
        sa.select(*_LOAN_COLUMNS)
        .join(EnterpriseRow, EnterpriseRow.id == FundLoanRow.enterprise_id)
        .join(FundPoolRow, FundPoolRow.id == FundLoanRow.pool_id)
        .join(_POOL_ORG, _POOL_ORG.id == FundPoolRow.org_id)
    )


class SqlLoanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, new: NewLoan, *, now: dt.datetime) -> int:
        loan_id = (
            await self.s.execute(
                sa.insert(FundLoanRow)
                .values(
                    pool_id=new.pool_id,
                    enterprise_id=new.enterprise_id,
                    amount_fen=new.amount_fen,
                    purpose=new.purpose,
                    status=LoanStatus.APPLIED.value,
                    applied_by=new.applied_by[:100],
                    repaid_fen=0,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                .returning(FundLoanRow.id)
            )
        ).scalar_one()
        await self.s.execute(
            sa.insert(FundLoanInstallmentRow),
            [
                {"loan_id": loan_id, "seq": n, "due_on": i.due_on, "amount_fen": i.amount_fen}
                for n, i in enumerate(new.installments, start=1)
            ],
        )
        if new.guarantees:
            await self.s.execute(
                sa.insert(FundLoanGuaranteeRow),
                [
                    {"loan_id": loan_id, "enterprise_id": e, "amount_fen": fen}
                    for e, fen in new.guarantees
                ],
            )
        return int(loan_id)

    async def _hydrate(self, rows: list[Any]) -> list[Loan]:
        ids = [r.id for r in rows]
        if not ids:
            return []
        inst: dict[int, list[Installment]] = {i: [] for i in ids}
        stmt = (
            sa.select(FundLoanInstallmentRow)
            .where(FundLoanInstallmentRow.loan_id.in_(ids))
            .order_by(FundLoanInstallmentRow.loan_id, FundLoanInstallmentRow.seq)
        )
        for i in (await self.s.execute(stmt)).scalars():
            inst[i.loan_id].append(Installment(i.due_on, int(i.amount_fen)))
        guar: dict[int, list[Guarantee]] = {i: [] for i in ids}
        gstmt = (
            sa.select(
                FundLoanGuaranteeRow.loan_id,
                FundLoanGuaranteeRow.enterprise_id,
                FundLoanGuaranteeRow.amount_fen,
                EnterpriseRow.name,
            )
            .join(EnterpriseRow, EnterpriseRow.id == FundLoanGuaranteeRow.enterprise_id)
            .where(FundLoanGuaranteeRow.loan_id.in_(ids))
            .order_by(FundLoanGuaranteeRow.id)
        )
        for g in await self.s.execute(gstmt):
            guar[g.loan_id].append(Guarantee(g.enterprise_id, g.name, int(g.amount_fen)))
        return [
            Loan(
                id=r.id,
                pool_id=r.pool_id,
                pool_org_path=r.pool_org_path,
                enterprise_id=r.enterprise_id,
                enterprise_name=r.enterprise_name,
                amount_fen=int(r.amount_fen),
                purpose=r.purpose,
                status=LoanStatus(r.status),
                applied_by=r.applied_by,
                approved_by=r.approved_by,
                disbursed_on=r.disbursed_on,
                repaid_fen=int(r.repaid_fen),
                next_due_on=r.next_due_on,
                installments=tuple(inst[r.id]),
                guarantees=tuple(guar[r.id]),
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    async def get(self, loan_id: int) -> Loan | None:
        rows = list(await self.s.execute(_loan_select().where(FundLoanRow.id == loan_id)))
        loans = await self._hydrate(rows)
        return loans[0] if loans else None

    async def in_subtree(
        self,
        path: str | None,
        *,
        pool_id: int | None,
        status: LoanStatus | None,
        due_before: dt.date | None,
        page: PageRequest,
        enterprise_id: int | None = None,
    ) -> Page[Loan]:
        stmt = _loan_select()
        if path is not None:
            lo, hi = subtree_bounds(path)
            stmt = stmt.where(_POOL_ORG.path >= lo, _POOL_ORG.path < hi)
        if enterprise_id is not None:
            stmt = stmt.where(FundLoanRow.enterprise_id == enterprise_id)
        if pool_id is not None:
            stmt = stmt.where(FundLoanRow.pool_id == pool_id)
        if status is not None:
            stmt = stmt.where(FundLoanRow.status == status.value)
        if due_before is not None:
            stmt = stmt.where(
                FundLoanRow.status == LoanStatus.DISBURSED.value,
                FundLoanRow.next_due_on < due_before,
            )
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=FundLoanRow.id, desc=False, id_col=FundLoanRow.id, page=page
        )
        return Page(await self._hydrate(list(rows)), nxt)

    async def of_borrower(self, pool_id: int, enterprise_id: int) -> list[Loan]:
        stmt = (
            _loan_select()
            .where(FundLoanRow.pool_id == pool_id, FundLoanRow.enterprise_id == enterprise_id)
            .order_by(FundLoanRow.id)
        )
        return await self._hydrate(list(await self.s.execute(stmt)))

    async def update(
        self, loan_id: int, *, expected: LoanStatus, changes: dict[str, object], now: dt.datetime
    ) -> bool:
        values = {k: (v.value if isinstance(v, LoanStatus) else v) for k, v in changes.items()}
        stmt = (
            sa.update(FundLoanRow)
            .where(FundLoanRow.id == loan_id, FundLoanRow.status == expected.value)
            .values(**values, version=FundLoanRow.version + 1, updated_at=now)
        )
        result: Any = await self.s.execute(stmt)
        return bool(result.rowcount)

    async def add_repayment(
        self, loan_id: int, *, transaction_id: int, amount_fen: int, on_date: dt.date
    ) -> None:
        await self.s.execute(
            sa.insert(FundLoanRepaymentRow).values(
                loan_id=loan_id,
                transaction_id=transaction_id,
                amount_fen=amount_fen,
                on_date=on_date,
            )
        )


_BILL_ORG = aliased(OrgRow, name="bill_org")
_PAYER = aliased(MemberRow, name="payer")


class SqlDuesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def profile(self, member_id: int) -> DuesProfile | None:
        stmt = (
            sa.select(DuesProfileRow, MemberRow.name, MemberRow.org_id)
            .join(MemberRow, MemberRow.id == DuesProfileRow.member_id)
            .where(DuesProfileRow.member_id == member_id)
        )
        row = (await self.s.execute(stmt)).first()
        if row is None:
            return None
        p = row[0]
        return DuesProfile(
            member_id=p.member_id,
            member_name=row.name,
            org_id=row.org_id,
            category=DuesCategory(p.category),
            income_fen=p.income_fen,
            computed_fen=int(p.computed_fen),
            override_fen=p.override_fen,
            override_reason=p.override_reason,
            version=p.version,
            updated_at=p.updated_at,
        )

    async def save_profile(
        self,
        member_id: int,
        *,
        category: DuesCategory,
        income_fen: int | None,
        computed_fen: int,
        override_fen: int | None,
        override_reason: str | None,
        now: dt.datetime,
    ) -> None:
        values = {
            "category": category.value,
            "income_fen": income_fen,
            "computed_fen": computed_fen,
            "override_fen": override_fen,
            "override_reason": override_reason,
            "updated_at": now,
        }
        result: Any = await self.s.execute(
            sa.update(DuesProfileRow)
            .where(DuesProfileRow.member_id == member_id)
            .values(**values, version=DuesProfileRow.version + 1)
        )
        if not result.rowcount:
            await self.s.execute(
                sa.insert(DuesProfileRow).values(member_id=member_id, version=1, **values)
            )

    async def billable_members(self, org_id: int) -> list[tuple[int, str, int | None]]:
        due = sa.func.coalesce(DuesProfileRow.override_fen, DuesProfileRow.computed_fen)
        stmt = (
            sa.select(MemberRow.id, MemberRow.name, due.label("due"))
            .outerjoin(DuesProfileRow, DuesProfileRow.member_id == MemberRow.id)
            .where(MemberRow.org_id == org_id)
            .order_by(MemberRow.id)
        )
        return [
            (int(r.id), r.name, int(r.due) if r.due is not None else None)
            for r in await self.s.execute(stmt)
        ]

    async def bill_id(self, org_id: int, month: dt.date) -> int | None:
        stmt = sa.select(DuesBillRow.id).where(
            DuesBillRow.org_id == org_id, DuesBillRow.month == month
        )
        found = (await self.s.execute(stmt)).scalar_one_or_none()
        return int(found) if found is not None else None

    async def add_bill(
        self, org_id: int, month: dt.date, lines: list[tuple[int, int]], *, now: dt.datetime
    ) -> int:
        try:
            async with self.s.begin_nested():
                bill_id = (
                    await self.s.execute(
                        sa.insert(DuesBillRow)
                        .values(org_id=org_id, month=month, created_at=now)
                        .returning(DuesBillRow.id)
                    )
                ).scalar_one()
        except IntegrityError:
            existing = await self.bill_id(org_id, month)
            if existing is None:
                raise
            raise Conflict(
                "dues.bill_exists",
                params={"month": month.isoformat()[:7]},
                extra={"existing_id": existing},
            ) from None
        if lines:
            await self.s.execute(
                sa.insert(DuesBillLineRow),
                [
                    {"bill_id": bill_id, "member_id": m, "amount_fen": fen, "paid": False}
                    for m, fen in lines
                ],
            )
        return int(bill_id)

    async def _lines(self, bill_ids: list[int]) -> dict[int, list[DuesLine]]:
        out: dict[int, list[DuesLine]] = {i: [] for i in bill_ids}
        if not bill_ids:
            return out
        stmt = (
            sa.select(DuesBillLineRow, MemberRow.name)
            .join(MemberRow, MemberRow.id == DuesBillLineRow.member_id)
            .where(DuesBillLineRow.bill_id.in_(bill_ids))
            .order_by(DuesBillLineRow.bill_id, DuesBillLineRow.member_id)
        )
        for row in await self.s.execute(stmt):
            x = row[0]
            out[x.bill_id].append(
                DuesLine(
                    id=x.id,
                    bill_id=x.bill_id,
                    member_id=x.member_id,
                    member_name=row.name,
                    amount_fen=int(x.amount_fen),
                    paid=bool(x.paid),
                    paid_on=x.paid_on,
                    paid_by_member_id=x.paid_by_member_id,
                    transaction_id=x.transaction_id,
                )
            )
        return out

    async def _bills(self, rows: list[Any]) -> list[DuesBill]:
        lines = await self._lines([r.id for r in rows])
        return [
            DuesBill(
                id=r.id,
                org_id=r.org_id,
                org_path=r.org_path,
                month=r.month,
                total_fen=sum(x.amount_fen for x in lines[r.id]),
                paid_fen=sum(x.amount_fen for x in lines[r.id] if x.paid),
                lines=tuple(lines[r.id]),
                created_at=r.created_at,
            )
            for r in rows
        ]

    def _bill_select(self) -> sa.Select[Any]:
        return sa.select(*DuesBillRow.__table__.c, _BILL_ORG.path.label("org_path")).join(
            _BILL_ORG, _BILL_ORG.id == DuesBillRow.org_id
        )

    async def get_bill(self, bill_id: int) -> DuesBill | None:
        rows = list(await self.s.execute(self._bill_select().where(DuesBillRow.id == bill_id)))
        bills = await self._bills(rows)
        return bills[0] if bills else None

    async def bills_in_subtree(
        self, path: str, *, month: dt.date | None, page: PageRequest
    ) -> Page[DuesBill]:
        lo, hi = subtree_bounds(path)
        stmt = self._bill_select().where(_BILL_ORG.path >= lo, _BILL_ORG.path < hi)
        if month is not None:
            stmt = stmt.where(DuesBillRow.month == month)
        rows, nxt = await keyset_page(
            self.s, stmt, key_col=DuesBillRow.id, desc=False, id_col=DuesBillRow.id, page=page
        )
        return Page(await self._bills(list(rows)), nxt)

    async def line(self, bill_id: int, member_id: int) -> DuesLine | None:
        lines = await self._lines([bill_id])
        return next((x for x in lines[bill_id] if x.member_id == member_id), None)

    async def mark_paid(
        self, line_id: int, *, paid_on: dt.date, paid_by: int | None, transaction_id: int
    ) -> bool:
        result: Any = await self.s.execute(
            sa.update(DuesBillLineRow)
            .where(DuesBillLineRow.id == line_id, DuesBillLineRow.paid.is_(False))
            .values(
                paid=True,
                paid_on=paid_on,
                paid_by_member_id=paid_by,
                transaction_id=transaction_id,
            )
        )
        return bool(result.rowcount)

    async def unpaid_in_subtree(self, path: str, *, before: dt.date) -> list[UnpaidLine]:
        lo, hi = subtree_bounds(path)
        stmt = (
            sa.select(
                DuesBillLineRow.member_id,
                MemberRow.name,
                DuesBillRow.org_id,
                DuesBillRow.month,
                DuesBillLineRow.amount_fen,
            )
            .join(DuesBillRow, DuesBillRow.id == DuesBillLineRow.bill_id)
            .join(_BILL_ORG, _BILL_ORG.id == DuesBillRow.org_id)
            .join(MemberRow, MemberRow.id == DuesBillLineRow.member_id)
            .where(
                _BILL_ORG.path >= lo,
                _BILL_ORG.path < hi,
                DuesBillLineRow.paid.is_(False),
                DuesBillRow.month < before,
            )
            .order_by(DuesBillLineRow.member_id, DuesBillRow.month)
        )
        return [
            UnpaidLine(int(r.member_id), r.name, int(r.org_id), r.month, int(r.amount_fen))
            for r in await self.s.execute(stmt)
        ]

    async def return_balances(
        self, committee_pool_id: int, *, branch_pool_id: int | None = None
    ) -> list[ReturnBalance]:
        tx = FundTransactionRow
        remitted = (
            sa.select(tx.pool_id.label("branch"), sa.func.sum(tx.amount_fen).label("fen"))
            .where(tx.counter_pool_id == committee_pool_id, tx.kind == TxKind.DUES_REMITTANCE.value)
            .group_by(tx.pool_id)
        )
        returned = (
            sa.select(tx.counter_pool_id.label("branch"), sa.func.sum(tx.amount_fen).label("fen"))
            .where(tx.pool_id == committee_pool_id, tx.kind == TxKind.DUES_RETURN.value)
            .group_by(tx.counter_pool_id)
        )
        sums: dict[int, list[int]] = {}
        for r in await self.s.execute(remitted):
            sums.setdefault(int(r.branch), [0, 0])[0] = int(r.fen)
        for back in await self.s.execute(returned):
            sums.setdefault(int(back.branch or 0), [0, 0])[1] = int(back.fen)
        if branch_pool_id is not None:
            sums = {k: v for k, v in sums.items() if k == branch_pool_id} or {
                branch_pool_id: [0, 0]
            }
        if not sums:
            return []
        owners = dict(
            (
                await self.s.execute(
                    sa.select(FundPoolRow.id, FundPoolRow.org_id).where(
                        FundPoolRow.id.in_(list(sums))
                    )
                )
            ).all()
        )
        return [
            ReturnBalance(pool_id=k, org_id=int(owners[k]), remitted_fen=v[0], returned_fen=v[1])
            for k, v in sorted(sums.items())
            if k in owners
        ]


class SqlReliefRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_survey(
        self,
        *,
        org_id: int,
        year: int,
        quarter: int,
        title: str,
        entries: list[NewReliefEntry],
        now: dt.datetime,
    ) -> int:
        survey_id = (
            await self.s.execute(
                sa.insert(FundReliefSurveyRow)
                .values(org_id=org_id, year=year, quarter=quarter, title=title, created_at=now)
                .returning(FundReliefSurveyRow.id)
            )
        ).scalar_one()
        if entries:
            await self.s.execute(
                sa.insert(FundReliefEntryRow),
                [
                    {
                        "survey_id": survey_id,
                        "kind": e.kind.value,
                        "name": e.name,
                        "member_id": e.member_id,
                        "enterprise_id": e.enterprise_id,
                        "hardship": e.hardship,
                        "suggested_fen": e.suggested_fen,
                        "paid_fen": 0,
                    }
                    for e in entries
                ],
            )
        return int(survey_id)

    async def _surveys(self, rows: list[Any]) -> list[ReliefSurvey]:
        ids = [r.id for r in rows]
        entries: dict[int, list[ReliefEntry]] = {i: [] for i in ids}
        if ids:
            stmt = (
                sa.select(FundReliefEntryRow)
                .where(FundReliefEntryRow.survey_id.in_(ids))
                .order_by(FundReliefEntryRow.id)
            )
            for e in (await self.s.execute(stmt)).scalars():
                entries[e.survey_id].append(
                    ReliefEntry(
                        id=e.id,
                        survey_id=e.survey_id,
                        kind=ReliefKind(e.kind),
                        name=e.name,
                        member_id=e.member_id,
                        enterprise_id=e.enterprise_id,
                        hardship=e.hardship,
                        suggested_fen=e.suggested_fen,
                        paid_fen=int(e.paid_fen),
                    )
                )
        return [
            ReliefSurvey(
                id=r.id,
                org_id=r.org_id,
                org_path=r.org_path,
                year=r.year,
                quarter=r.quarter,
                title=r.title,
                entries=tuple(entries[r.id]),
                created_at=r.created_at,
            )
            for r in rows
        ]

    def _select(self) -> sa.Select[Any]:
        return sa.select(*FundReliefSurveyRow.__table__.c, OrgRow.path.label("org_path")).join(
            OrgRow, OrgRow.id == FundReliefSurveyRow.org_id
        )

    async def get(self, survey_id: int) -> ReliefSurvey | None:
        rows = list(await self.s.execute(self._select().where(FundReliefSurveyRow.id == survey_id)))
        found = await self._surveys(rows)
        return found[0] if found else None

    async def in_subtree(
        self, path: str, *, year: int | None, page: PageRequest
    ) -> Page[ReliefSurvey]:
        lo, hi = subtree_bounds(path)
        stmt = self._select().where(OrgRow.path >= lo, OrgRow.path < hi)
        if year is not None:
            stmt = stmt.where(FundReliefSurveyRow.year == year)
        rows, nxt = await keyset_page(
            self.s,
            stmt,
            key_col=FundReliefSurveyRow.id,
            desc=False,
            id_col=FundReliefSurveyRow.id,
            page=page,
        )
        return Page(await self._surveys(list(rows)), nxt)

    async def add_paid(self, entry_id: int, fen: int) -> None:
        await self.s.execute(
            sa.update(FundReliefEntryRow)
            .where(FundReliefEntryRow.id == entry_id)
            .values(paid_fen=FundReliefEntryRow.paid_fen + fen)
        )
