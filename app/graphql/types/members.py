"""GraphQL types of the member roster."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.members import service as member_cases
from app.domain.members.model import (
    AgeBand,
    Education,
    Gender,
    MemberStats,
    MemberStatus,
    MemberView,
    Standing,
)
from app.domain.members.ports import MemberFilter
from app.domain.orgs.model import MemberTotals
from app.domain.pagination import PageRequest, decode_cursor
from app.graphql.context import Context
from app.graphql.types.common import Connection, connection

GenderEnum = strawberry.enum(Gender, name="Gender")
EducationEnum = strawberry.enum(Education, name="Education")
MemberStatusEnum = strawberry.enum(MemberStatus, name="MemberStatus")
AgeBandEnum = strawberry.enum(AgeBand, name="AgeBand")
StandingEnum = strawberry.enum(Standing, name="Standing")


@strawberry.input(description="Filters for member listings.")
class MemberFilterInput:
    status: MemberStatus | None = None
    age_band: AgeBand | None = strawberry.field(default=None, description="By age today.")
    education: Education | None = None
    employer_enterprise_id: int | None = None
    direct_only: bool = strawberry.field(
        default=False, description="Only members of the org itself, not of its subtree."
    )
    standing: Standing | None = strawberry.field(
        default=None, description="Default: on the roll (active, lost contact, suspended)."
    )
    managed_here: bool | None = strawberry.field(
        default=None,
        description="true: only dual-managed by an org of the subtree; false: only affiliated.",
    )

    def to_domain(self) -> MemberFilter:
        return MemberFilter(
            status=self.status,
            age_band=self.age_band,
            education=self.education,
            employer_enterprise_id=self.employer_enterprise_id,
            direct_only=self.direct_only,
            standing=self.standing,
            managed_here=self.managed_here,
        )


@strawberry.type(name="Member", description="A Party member (党员) on the roster.")
class MemberType:
    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    ethnicity: str | None
    education: Education | None
    specialty: str | None
    employer_enterprise_id: int | None
    join_date: dt.date
    full_member_date: dt.date | None
    status: str
    standing: Standing = strawberry.field(description="On the roll or, if gone, why.")
    standing_since: dt.date | None
    national_id: str = strawberry.field(description="Masked unless you hold pii:read.")
    phone: str | None = strawberry.field(description="Masked unless you hold pii:read.")
    masked: bool
    managed_here: bool = strawberry.field(
        description="Dual-managed by an org of the listing's (or your) subtree: read only."
    )
    org_id: int = strawberry.field(description="Current affiliation.")
    org_path: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: MemberView) -> MemberType:
        m = v.member
        return cls(
            id=m.id,
            name=m.name,
            gender=m.gender,
            birth_date=m.birth_date,
            ethnicity=m.ethnicity,
            education=m.education,
            specialty=m.specialty,
            employer_enterprise_id=m.employer_enterprise_id,
            join_date=m.join_date,
            full_member_date=m.full_member_date,
            status=m.status,
            standing=Standing(m.standing),
            standing_since=m.standing_since,
            national_id=v.national_id,
            phone=v.phone,
            masked=v.masked,
            managed_here=v.managed_here,
            org_id=m.org_id,
            org_path=m.org_path,
            version=m.version,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )


@strawberry.type(description="One value of a breakdown and how many members have it.")
class CountOf:
    key: str
    count: int


@strawberry.type(
    name="MemberTotals",
    description="Members on the roll in a subtree, from maintained per-organisation counts.",
)
class MemberTotalsType:
    org_id: int
    total: int = strawberry.field(description="Anywhere in the subtree.")
    direct: int = strawberry.field(description="Affiliated to the organisation itself.")
    holding_orgs: int = strawberry.field(description="Active branches and general branches.")
    empty_holding_orgs: int = strawberry.field(description="Of those, with no member.")

    @classmethod
    def of(cls, t: MemberTotals) -> MemberTotalsType:
        return cls(
            org_id=t.org_id,
            total=t.total,
            direct=t.direct,
            holding_orgs=t.holding_orgs,
            empty_holding_orgs=t.empty_holding_orgs,
        )


@strawberry.type(description="Member composition of a subtree: aggregates, no personal data.")
class MemberStatsType:
    org_id: int
    total: int
    by_status: list[CountOf]
    by_age_band: list[CountOf]
    by_education: list[CountOf]
    by_standing: list[CountOf] = strawberry.field(description="On-roll standings.")

    @classmethod
    def of(cls, s: MemberStats) -> MemberStatsType:
        def counts(d: dict[str, int]) -> list[CountOf]:
            return [CountOf(key=k, count=v) for k, v in d.items()]

        return cls(
            org_id=s.org_id,
            total=s.total,
            by_status=counts(s.by_status),
            by_age_band=counts(s.by_age_band),
            by_education=counts(s.by_education),
            by_standing=counts(s.by_standing),
        )


async def member_page(
    info: Info[Context, None],
    *,
    org_id: int | None,
    filters: MemberFilterInput | None,
    first: int,
    after: str | None,
) -> Connection[MemberType]:
    ctx = info.context
    page = PageRequest(
        first, decode_cursor(after, kind="members", sort="id", arity=2, parameter="after")
    )
    async with ctx.uow() as uow:
        result = await member_cases.list_members(
            uow,
            ctx.actor,
            org_id=org_id,
            filters=(filters or MemberFilterInput()).to_domain(),
            page=page,
            cipher=ctx.container.cipher,
        )
    conn: Connection[MemberType] = connection(
        [MemberType.of(v) for v in result.items],
        kind="members",
        sort="id",
        key=lambda x: (x.id, x.id),
        has_next=result.has_more,
    )
    return conn
