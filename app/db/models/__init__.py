"""Every table, imported here so Alembic and the tests see the whole metadata."""

from app.db.models.accounts import (
    LoginFailureRow,
    RefreshTokenRow,
    UserRow,
    WechatBindTicketRow,
    WechatIdentityRow,
)
from app.db.models.audit import AuditRow, IdempotencyRow
from app.db.models.enterprises import EnterpriseRow, InstructorAssignmentRow, InstructorRow
from app.db.models.funds import (
    DuesBillLineRow,
    DuesBillRow,
    DuesProfileRow,
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
)
from app.db.models.managements import MemberManagementRow, MemberParticipationRow
from app.db.models.members import (
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    PipelineEntryRow,
    PipelineStageRow,
)
from app.db.models.orgs import LeaderRow, OrgRow
from app.db.models.transfers import MemberTransferRow

__all__ = [
    "AuditRow",
    "DuesBillLineRow",
    "DuesBillRow",
    "DuesProfileRow",
    "EnterpriseRow",
    "FundAccountRow",
    "FundEntryRow",
    "FundLoanGuaranteeRow",
    "FundLoanInstallmentRow",
    "FundLoanRepaymentRow",
    "FundLoanRow",
    "FundPoolRow",
    "FundReliefEntryRow",
    "FundReliefSurveyRow",
    "FundSpendingRequestRow",
    "FundTransactionRow",
    "IdempotencyRow",
    "InstructorAssignmentRow",
    "InstructorRow",
    "LeaderRow",
    "LoginFailureRow",
    "MemberAffiliationRow",
    "MemberEventRow",
    "MemberManagementRow",
    "MemberParticipationRow",
    "MemberRow",
    "MemberTransferRow",
    "OrgRow",
    "PipelineEntryRow",
    "PipelineStageRow",
    "RefreshTokenRow",
    "UserRow",
    "WechatBindTicketRow",
    "WechatIdentityRow",
]
