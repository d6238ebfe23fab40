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
from app.db.models.members import (
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    PipelineEntryRow,
    PipelineStageRow,
)
from app.db.models.orgs import LeaderRow, OrgRow
from app.db.models.sharing import (
    CapacityNoticeRow,
    CapacitySiteRow,
    CaseNoteRow,
    CaseRecordRow,
    JointMeetingRow,
    JointMembershipRow,
    JointRotaChangeRow,
    JointRotaRow,
    ShareAllocationRow,
    ShareDeliveryRow,
    ShareInviteeRow,
    ShareOfferRow,
    ShareRequestRow,
    WorkerLoanOfferRow,
    WorkerLoanRequestRow,
    WorkerLoanRow,
)

__all__ = [
    "AuditRow",
    "CapacityNoticeRow",
    "CapacitySiteRow",
    "CaseNoteRow",
    "CaseRecordRow",
    "EnterpriseRow",
    "IdempotencyRow",
    "InstructorAssignmentRow",
    "InstructorRow",
    "JointMeetingRow",
    "JointMembershipRow",
    "JointRotaChangeRow",
    "JointRotaRow",
    "LeaderRow",
    "LoginFailureRow",
    "MemberAffiliationRow",
    "MemberEventRow",
    "MemberRow",
    "OrgRow",
    "PipelineEntryRow",
    "PipelineStageRow",
    "RefreshTokenRow",
    "ShareAllocationRow",
    "ShareDeliveryRow",
    "ShareInviteeRow",
    "ShareOfferRow",
    "ShareRequestRow",
    "UserRow",
    "WechatBindTicketRow",
    "WechatIdentityRow",
    "WorkerLoanOfferRow",
    "WorkerLoanRequestRow",
    "WorkerLoanRow",
]
