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
from app.db.models.sync import (
    ChangeOutboxRow,
    ClientExternalIdRow,
    SyncClientRow,
    SyncJobRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)

__all__ = [
    "AuditRow",
    "ChangeOutboxRow",
    "ClientExternalIdRow",
    "EnterpriseRow",
    "IdempotencyRow",
    "InstructorAssignmentRow",
    "InstructorRow",
    "LeaderRow",
    "LoginFailureRow",
    "MemberAffiliationRow",
    "MemberEventRow",
    "MemberRow",
    "OrgRow",
    "PipelineEntryRow",
    "PipelineStageRow",
    "RefreshTokenRow",
    "SyncClientRow",
    "SyncJobRow",
    "UserRow",
    "WebhookDeliveryRow",
    "WebhookSubscriptionRow",
    "WechatBindTicketRow",
    "WechatIdentityRow",
]
