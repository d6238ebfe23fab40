"""GraphQL types of the organisation tree."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain.enterprises import coverage as coverage_cases
from app.domain.orgs import leaders as leader_cases
from app.domain.orgs import service as org_cases
from app.domain.orgs.model import Formation, Leader, LeaderRole, Org, OrgKind, OrgStatus
from app.domain.orgs.ports import OrgFilter, OrgSort
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import AuditEvent, Connection, connection

if TYPE_CHECKING:
    from app.graphql.types.enterprises import Coverage, EnterpriseFilterInput, EnterpriseType

OrgKindEnum = strawberry.enum(OrgKind, name="OrgKind")
FormationEnum = strawberry.enum(Formation, name="Formation")
OrgStatusEnum = strawberry.enum(OrgStatus, name="OrgStatus")
LeaderRoleEnum = strawberry.enum(LeaderRole, name="LeaderRole")
OrgSortEnum = strawberry.enum(OrgSort, name="OrgSort")


def org_key(sort: OrgSort) -> Any:
    def key(o: OrgType) -> tuple[Any, ...]:
        value: Any = {
            OrgSort.PATH: o.path,
            OrgSort.NAME: o.name,
            OrgSort.NAME_DESC: o.name,
            OrgSort.CREATED: o.created_at.isoformat(),
            OrgSort.CREATED_DESC: o.created_at.isoformat(),
        }[sort]
        return (value, o.id)

    return key


@strawberry.input(description="Filters for organisation listings.")
class OrgFilterInput:
    kind: OrgKind | None = None
    formation: Formation | None = None
    status: OrgStatus | None = None
    name_contains: str | None = None
    max_depth: int | None = strawberry.field(default=None, description="Levels below the root.")

    def to_domain(self, *, children: bool = False) -> OrgFilter:
        return OrgFilter(
            kind=self.kind,
            formation=self.formation,
            status=self.status,
            name_contains=self.name_contains,
            min_depth=1 if children else 0,
            max_depth=1 if children else self.max_depth,
        )


async def org_page(
    info: Info[Context, None],
    *,
    root_id: int | None,
    filters: OrgFilterInput | None,
    sort: OrgSort,
    first: int,
    after: str | None,
    children: bool = False,
) -> Connection[OrgType]:
    ctx = info.context
    flt = (filters or OrgFilterInput()).to_domain(children=children)
    page = PageRequest(
        first, decode_cursor(after, kind="orgs", sort=sort.value, arity=2, parameter="after")
    )
    async with ctx.uow() as uow:
        if children:
            assert root_id is not None
            result = await org_cases.list_children(
                uow, ctx.actor, org_id=root_id, filters=flt, sort=sort, page=page
            )
        else:
            result = await org_cases.list_subtree(
                uow, ctx.actor, org_id=root_id, filters=flt, sort=sort, page=page
            )
    nodes = [OrgType.of(o) for o in result.items]
    conn: Connection[OrgType] = connection(
        nodes, kind="orgs", sort=sort.value, key=org_key(sort), has_next=result.has_more
    )
    return conn


@strawberry.type(name="Leader")
class LeaderType:
    id: int
    org_id: int
    name: str
    role: LeaderRole
    term_start: dt.date
    term_end: dt.date
    ended_on: dt.date | None
    member_id: int | None

    @classmethod
    def of(cls, x: Leader) -> LeaderType:
        return cls(
            id=x.id,
            org_id=x.org_id,
            name=x.name,
            role=x.role,
            term_start=x.term_start,
            term_end=x.term_end,
            ended_on=x.ended_on,
            member_id=x.member_id,
        )


@strawberry.type(name="Org", description="An organisation in the Party organisation tree.")
class OrgType:
    id: int
    parent_id: int | None
    path: str
    depth: int
    kind: OrgKind
    formation: Formation | None
    name: str
    short_name: str | None
    code: str | None
    address: str | None
    established_on: dt.date | None
    status: OrgStatus
    dissolved_on: dt.date | None
    contact_leader: str | None
    child_count: int
    member_count: int = strawberry.field(
        description="Members whose organisational relationship is here (maintained count)."
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, o: Org) -> OrgType:
        return cls(
            id=o.id,
            parent_id=o.parent_id,
            path=o.path,
            depth=o.depth,
            kind=o.kind,
            formation=o.formation,
            name=o.name,
            short_name=o.short_name,
            code=o.code,
            address=o.address,
            established_on=o.established_on,
            status=o.status,
            dissolved_on=o.dissolved_on,
            contact_leader=o.contact_leader,
            child_count=o.child_count,
            member_count=o.member_count,
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )

    @strawberry.field(description="The parent, or null at the root or above your subtree.")
    async def parent(self, info: Info[Context, None]) -> OrgType | None:
        info.context.actor  # noqa: B018  (authenticates)
        if self.parent_id is None:
            return None
        org = await info.context.loaders.org.load(self.parent_id)
        return OrgType.of(org) if org else None

    @strawberry.field(description="Direct children.")
    async def children(
        self,
        info: Info[Context, None],
        filter: OrgFilterInput | None = None,
        sort: OrgSort = OrgSort.NAME,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[OrgType]:
        return await org_page(
            info,
            root_id=self.id,
            filters=filter,
            sort=sort,
            first=first,
            after=after,
            children=True,
        )

    @strawberry.field(description="This organisation and everything below it.")
    async def subtree(
        self,
        info: Info[Context, None],
        filter: OrgFilterInput | None = None,
        sort: OrgSort = OrgSort.PATH,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[OrgType]:
        return await org_page(
            info, root_id=self.id, filters=filter, sort=sort, first=first, after=after
        )

    @strawberry.field(description="Current leaders (or all, with includeEnded).")
    async def leaders(
        self, info: Info[Context, None], include_ended: bool = False
    ) -> list[LeaderType]:
        async with info.context.uow() as uow:
            leaders = await leader_cases.list_leaders(
                uow, info.context.actor, org_id=self.id, include_ended=include_ended
            )
        return [LeaderType.of(x) for x in leaders]

    @strawberry.field(description="Coverage of the enterprises in this subtree.")
    async def coverage(
        self, info: Info[Context, None]
    ) -> Annotated[Coverage, strawberry.lazy("app.graphql.types.enterprises")]:
        from app.graphql.types.enterprises import Coverage

        async with info.context.uow() as uow:
            report = await coverage_cases.coverage_report(uow, info.context.actor, org_id=self.id)
        return Coverage.of(report)

    @strawberry.field(description="Enterprises sitting in this subtree.")
    async def enterprises(
        self,
        info: Info[Context, None],
        filter: Annotated[EnterpriseFilterInput, strawberry.lazy("app.graphql.types.enterprises")]
        | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Annotated[EnterpriseType, strawberry.lazy("app.graphql.types.enterprises")]]:
        from app.graphql.types.enterprises import enterprise_page

        return await enterprise_page(info, org_id=self.id, filters=filter, first=first, after=after)

    @strawberry.field(description="Recorded changes of this organisation, newest first.")
    async def history(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[AuditEvent]:
        page = PageRequest(
            first, decode_cursor(after, kind="history", sort="-id", arity=2, parameter="after")
        )
        async with info.context.uow() as uow:
            result = await org_cases.org_history(uow, info.context.actor, org_id=self.id, page=page)
        conn: Connection[AuditEvent] = connection(
            [AuditEvent.of(e) for e in result.items],
            kind="history",
            sort="-id",
            key=lambda e: (e.id, e.id),
            has_next=result.has_more,
        )
        return conn
