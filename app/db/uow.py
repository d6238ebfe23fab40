"""The SQL unit of work: one session, one transaction, rolled back unless committed.

It also enforces the audit rule: a transaction that wrote anything and recorded no audit entry
refuses to commit. Bookkeeping writes (idempotency records, login failures) opt out explicitly
with the ``audit_exempt`` execution option.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from app.db.repositories.accounts import SqlAccountRepository
from app.db.repositories.audit import AUDITED, SqlAuditRepository
from app.db.repositories.capacity import SqlCapacityRepository
from app.db.repositories.compliance import SqlComplianceRepository
from app.db.repositories.enterprises import (
    SqlAssignmentRepository,
    SqlEnterpriseRepository,
    SqlInstructorRepository,
)
from app.db.repositories.funds import (
    SqlDuesRepository,
    SqlFundRepository,
    SqlLoanRepository,
    SqlReliefRepository,
    SqlSpendingRepository,
)
from app.db.repositories.joint import SqlJointRepository
from app.db.repositories.lending import SqlLendingRepository
from app.db.repositories.managements import SqlManagementRepository, SqlStandingRepository
from app.db.repositories.members import SqlMemberRepository
from app.db.repositories.orgs import SqlLeaderRepository, SqlOrgRepository
from app.db.repositories.pipeline import SqlPipelineRepository
from app.db.repositories.sharing import SqlShareRepository
from app.db.repositories.sync import SqlJobRepository, SqlSyncRepository
from app.db.repositories.transfers import SqlTransferRepository
from app.db.repositories.webhooks import SqlWebhookRepository
from app.db.session import Database
from app.domain.clock import Clock
from app.domain.policy import Policy

WROTE = "lianjian_wrote"


class UnauditedWrite(RuntimeError):
    """A use case changed data without recording who did it: a programming error."""


@event.listens_for(Session, "do_orm_execute")
def _track_statement_writes(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.execution_options.get(
        "audit_exempt"
    ):
        state.session.info[WROTE] = True


@event.listens_for(Session, "before_flush")
def _track_flush_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


class SqlUnitOfWork:
    def __init__(
        self,
        db: Database,
        *,
        readonly: bool,
        clock: Clock | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.db = db
        self.readonly = readonly
        self.clock = clock or Clock()
        self.policy = policy or Policy()
        self.session: AsyncSession = db.session(readonly=readonly)
        s = self.session
        self.orgs = SqlOrgRepository(s)
        self.leaders = SqlLeaderRepository(s)
        self.enterprises = SqlEnterpriseRepository(s)
        self.instructors = SqlInstructorRepository(s)
        self.assignments = SqlAssignmentRepository(s)
        self.members = SqlMemberRepository(s)
        self.pipeline = SqlPipelineRepository(s)
        self.accounts = SqlAccountRepository(s)
        self.audit = SqlAuditRepository(s, self.clock)
        self.transfers = SqlTransferRepository(s)
        self.managements = SqlManagementRepository(s)
        self.standing = SqlStandingRepository(s)
        self.compliance = SqlComplianceRepository(s)
        self.funds = SqlFundRepository(s)
        self.spending = SqlSpendingRepository(s)
        self.loans = SqlLoanRepository(s)
        self.dues = SqlDuesRepository(s)
        self.relief = SqlReliefRepository(s)
        self.sharing = SqlShareRepository(s)
        self.capacity = SqlCapacityRepository(s)
        self.lending = SqlLendingRepository(s)
        self.joint = SqlJointRepository(s)
        self.sync = SqlSyncRepository(s)
        self.webhooks = SqlWebhookRepository(s)
        self.sync_jobs = SqlJobRepository(s)
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # close() ends any transaction too; the explicit rollback only matters for writes.
            if not self.committed and not self.readonly:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("commit on a read-only unit of work")
        await self.session.flush()
        info = self.session.info
        if info.get(WROTE) and not info.get(AUDITED):
            raise UnauditedWrite("transaction wrote data without an audit record")
        await self.session.commit()
        info.pop(WROTE, None)
        info.pop(AUDITED, None)
        self.committed = True

    async def rollback(self) -> None:
        await self.session.rollback()
        self.session.info.pop(WROTE, None)
        self.session.info.pop(AUDITED, None)
