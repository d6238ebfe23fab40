"""The unit of work every use case receives: repositories, the clock and the policy.

It rolls back unless the use case commits; only the unit of work commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from app.domain.accounts.ports import AccountRepository
from app.domain.audit import AuditEntry, AuditItem
from app.domain.auth.principal import Principal
from app.domain.clock import Clock
from app.domain.compliance.ports import ComplianceRepository
from app.domain.enterprises.ports import (
    AssignmentRepository,
    EnterpriseRepository,
    InstructorRepository,
)
from app.domain.funds.ports import (
    DuesRepository,
    FundRepository,
    LoanRepository,
    ReliefRepository,
    SpendingRepository,
)
from app.domain.members.management_model import ManagementRepository, StandingRepository
from app.domain.members.pipeline import PipelineRepository
from app.domain.members.ports import MemberRepository
from app.domain.members.transfer_model import TransferRepository
from app.domain.orgs.ports import LeaderRepository, OrgRepository
from app.domain.pagination import Page, PageRequest
from app.domain.policy import Policy
from app.domain.sharing.ports import (
    CapacityRepository,
    JointRepository,
    LendingRepository,
    ShareRepository,
)
from app.domain.sync.ports import SyncRepository
from app.domain.sync.webhook_model import WebhookRepository

if TYPE_CHECKING:
    from app.domain.sync.jobs import JobRepository


class AuditRepository(Protocol):
    async def record(
        self,
        actor: Principal,
        *,
        action: str,
        target_type: str,
        target_id: object,
        org_id: int | None,
        changes: dict[str, Any] | None = None,
    ) -> None: ...

    async def record_many(self, actor: Principal, items: list[AuditItem]) -> None:
        """Many entries at once (bulk imports), each reaching the change outbox as ``record``."""
        ...

    async def for_target(
        self, target_type: str, target_id: str, *, page: PageRequest
    ) -> Page[AuditEntry]: ...

    async def in_subtree(
        self,
        path: str,
        *,
        page: PageRequest,
        action: str | None = None,
        target_type: str | None = None,
    ) -> Page[AuditEntry]: ...


class UnitOfWork(Protocol):
    # Read-only properties, so an implementation may hold concrete repository classes.
    @property
    def orgs(self) -> OrgRepository: ...

    @property
    def leaders(self) -> LeaderRepository: ...

    @property
    def enterprises(self) -> EnterpriseRepository: ...

    @property
    def instructors(self) -> InstructorRepository: ...

    @property
    def assignments(self) -> AssignmentRepository: ...

    @property
    def members(self) -> MemberRepository: ...

    @property
    def pipeline(self) -> PipelineRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def policy(self) -> Policy: ...

    @property
    def transfers(self) -> TransferRepository: ...

    @property
    def managements(self) -> ManagementRepository: ...

    @property
    def standing(self) -> StandingRepository: ...

    @property
    def compliance(self) -> ComplianceRepository: ...

    @property
    def funds(self) -> FundRepository: ...

    @property
    def spending(self) -> SpendingRepository: ...

    @property
    def loans(self) -> LoanRepository: ...

    @property
    def dues(self) -> DuesRepository: ...

    @property
    def relief(self) -> ReliefRepository: ...

    @property
    def sync(self) -> SyncRepository: ...

    @property
    def webhooks(self) -> WebhookRepository: ...

    @property
    def sync_jobs(self) -> JobRepository: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    @property
    def sharing(self) -> ShareRepository: ...

    @property
    def capacity(self) -> CapacityRepository: ...

    @property
    def lending(self) -> LendingRepository: ...

    @property
    def joint(self) -> JointRepository: ...
