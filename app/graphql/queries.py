"""Root query fields. Each one authenticates through ``info.context.actor`` and calls the same
use cases as REST."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.domain import audit_service
from app.domain.orgs import leaders as leader_cases
from app.domain.orgs import service as org_cases
from app.domain.orgs.ports import OrgSort
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import AuditEvent, Connection, connection
from app.graphql.types.orgs import LeaderType, OrgFilterInput, OrgType, org_page


@strawberry.type
class ExpiringTerm:
    leader: LeaderType
    org: OrgType
    overdue: bool


@strawberry.type
class Viewer:
    subject: str
    role: str | None
    scopes: list[str]
    org_id: int | None


@strawberry.type
class OrgQueries:
    @strawberry.field(description="The caller: subject, role, scopes and anchor organisation.")
    def me(self, info: Info[Context, None]) -> Viewer:
        who = info.context.actor
        return Viewer(
            subject=who.subject,
            role=who.role.value if who.role else None,
            scopes=sorted(who.scopes),
            org_id=who.org_id,
        )

    @strawberry.field(description="One organisation in your subtree.")
    async def org(self, info: Info[Context, None], id: int) -> OrgType:
        async with info.context.uow() as uow:
            org = await org_cases.get_org(uow, info.context.actor, org_id=id)
        return OrgType.of(org)

    @strawberry.field(
        description="Organisations under rootId (default: your anchor), root included."
    )
    async def orgs(
        self,
        info: Info[Context, None],
        root_id: int | None = None,
        filter: OrgFilterInput | None = None,
        sort: OrgSort = OrgSort.PATH,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[OrgType]:
        return await org_page(
            info, root_id=root_id, filters=filter, sort=sort, first=first, after=after
        )

    @strawberry.field(description="Current leaders in a subtree whose term ends within N months.")
    async def expiring_terms(
        self,
        info: Info[Context, None],
        org_id: int,
        within_months: int = 3,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ExpiringTerm]:
        page = PageRequest(
            first, decode_cursor(after, kind="terms", sort="term_end", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await leader_cases.expiring_terms(
                uow, info.context.actor, org_id=org_id, within_months=within_months, page=page
            )
            today = uow.clock.today()
        conn: Connection[ExpiringTerm] = connection(
            [
                ExpiringTerm(leader=LeaderType.of(x), org=OrgType.of(o), overdue=x.term_end < today)
                for x, o in result.items
            ],
            kind="terms",
            sort="term_end",
            key=lambda t: (t.leader.term_end.isoformat(), t.leader.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="The audit log over a subtree (audit:read), newest first.")
    async def audit_log(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        action: str | None = None,
        target_type: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        page = PageRequest(
            first, decode_cursor(after, kind="audit", sort="-id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await audit_service.list_audit(
                uow,
                info.context.actor,
                org_id=org_id,
                page=page,
                action=action,
                target_type=target_type,
            )
        conn: Connection[AuditEvent] = connection(
            [AuditEvent.of(e) for e in result.items],
            kind="audit",
            sort="-id",
            key=lambda e: (e.id, e.id),
            has_next=result.has_more,
        )
        return conn
