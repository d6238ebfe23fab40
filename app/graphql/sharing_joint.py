"""GraphQL of the joint mechanism: memberships, chair rota, meetings and coordination cases,
over the same use cases as REST."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.pagination import PageRequest, decode_cursor
from app.domain.sharing import cases as case_cases
from app.domain.sharing import joint as joint_cases
from app.domain.sharing.cases import NewCase
from app.domain.sharing.joint import NewMembership
from app.domain.sharing.joint_model import (
    Case,
    CaseCategory,
    CaseStatus,
    Meeting,
    Membership,
    MembershipKind,
    RaisedBy,
    Rota,
    RotaChangeKind,
)
from app.graphql.context import Context
from app.graphql.errors import UserError
from app.graphql.mutations import attempt
from app.graphql.types.common import Connection, connection

MembershipKindEnum = strawberry.enum(MembershipKind, name="JointMembershipKind")
CaseCategoryEnum = strawberry.enum(CaseCategory, name="CaseCategory")
CaseStatusEnum = strawberry.enum(CaseStatus, name="CaseStatus")
RaisedByEnum = strawberry.enum(RaisedBy, name="CaseRaisedBy")
RotaChangeKindEnum = strawberry.enum(RotaChangeKind, name="RotaChangeKind")


@strawberry.type(name="JointMembership")
class MembershipType:
    id: int
    park_id: int
    kind: MembershipKind
    name: str
    branch_id: int | None
    enterprise_id: int | None
    joined_on: dt.date
    left_on: dt.date | None

    @classmethod
    def of(cls, m: Membership) -> MembershipType:
        return cls(
            id=m.id,
            park_id=m.park_id,
            kind=m.kind,
            name=m.name,
            branch_id=m.branch_id,
            enterprise_id=m.enterprise_id,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )


@strawberry.type(name="RotaChange")
class RotaChangeType:
    kind: RotaChangeKind
    month: str
    other_month: str | None
    reason: str


@strawberry.type(name="JointRota", description="Chairs of the monthly joint meeting.")
class RotaType:
    id: int
    park_id: int
    start_month: str
    chair_ids: list[int]
    changes: list[RotaChangeType]

    @classmethod
    def of(cls, r: Rota) -> RotaType:
        return cls(
            id=r.id,
            park_id=r.park_id,
            start_month=r.start_month,
            chair_ids=r.chair_ids,
            changes=[
                RotaChangeType(
                    kind=c.kind, month=c.month, other_month=c.other_month, reason=c.reason
                )
                for c in r.changes
            ],
        )


@strawberry.type(name="ChairSlot")
class ChairSlotType:
    month: str
    membership_id: int
    note: str | None


@strawberry.type(name="JointMeeting")
class MeetingType:
    id: int
    park_id: int
    held_on: dt.date
    title: str
    chair_membership_id: int | None
    notes: str | None

    @classmethod
    def of(cls, m: Meeting) -> MeetingType:
        return cls(
            id=m.id,
            park_id=m.park_id,
            held_on=m.held_on,
            title=m.title,
            chair_membership_id=m.chair_membership_id,
            notes=m.notes,
        )


@strawberry.type(name="CaseNote")
class CaseNoteType:
    text: str
    author: str
    created_at: dt.datetime


@strawberry.type(name="CoordinationCase")
class CaseType:
    id: int
    park_id: int
    category: CaseCategory
    title: str
    description: str | None
    raised_by: RaisedBy
    raised_by_enterprise_id: int | None
    raised_by_member_id: int | None
    raised_by_branch_id: int | None
    opened_on: dt.date
    status: CaseStatus
    meeting_id: int | None
    assignee: str | None
    outcome: str | None
    closed_on: dt.date | None
    days_to_close: int | None
    notes: list[CaseNoteType]
    version: int

    @classmethod
    def of(cls, c: Case) -> CaseType:
        return cls(
            id=c.id,
            park_id=c.park_id,
            category=c.category,
            title=c.title,
            description=c.description,
            raised_by=c.raised_by,
            raised_by_enterprise_id=c.raised_by_enterprise_id,
            raised_by_member_id=c.raised_by_member_id,
            raised_by_branch_id=c.raised_by_branch_id,
            opened_on=c.opened_on,
            status=c.status,
            meeting_id=c.meeting_id,
            assignee=c.assignee,
            outcome=c.outcome,
            closed_on=c.closed_on,
            days_to_close=c.days_to_close,
            notes=[
                CaseNoteType(text=n.text, author=n.author, created_at=n.created_at) for n in c.notes
            ],
            version=c.version,
        )


@strawberry.type(name="CaseCategoryCount")
class CategoryCountType:
    category: CaseCategory
    opened: int
    closed: int
    median_days_to_close: float | None
    mean_days_to_close: float | None


@strawberry.type
class JointMembershipPayload:
    membership: MembershipType | None
    errors: list[UserError]


@strawberry.type
class JointRotaPayload:
    rota: RotaType | None
    errors: list[UserError]


@strawberry.type
class JointMeetingPayload:
    meeting: MeetingType | None
    errors: list[UserError]


@strawberry.type
class CasePayload:
    case: CaseType | None
    errors: list[UserError]


@strawberry.input
class RaiseCaseInput:
    category: CaseCategory
    title: str
    raised_by: RaisedBy = RaisedBy.ENTERPRISE
    park_id: int | None = None
    description: str | None = None
    enterprise_id: int | None = None
    member_id: int | None = None
    branch_id: int | None = None
    opened_on: dt.date | None = None


def _case(c: Case | None, errors: list[UserError]) -> CasePayload:
    return CasePayload(case=CaseType.of(c) if c else None, errors=errors)


def _rota(r: Rota | None, errors: list[UserError]) -> JointRotaPayload:
    return JointRotaPayload(rota=RotaType.of(r) if r else None, errors=errors)


@strawberry.type
class JointQueries:
    @strawberry.field(description="A park's joint conference and enterprise association.")
    async def joint_memberships(
        self, info: Info[Context, None], park_id: int, active_on: dt.date | None = None
    ) -> list[MembershipType]:
        ctx = info.context
        async with ctx.uow() as uow:
            found = await joint_cases.list_memberships(
                uow, ctx.actor, park_id=park_id, active_on=active_on
            )
        return [MembershipType.of(m) for m in found]

    @strawberry.field(description="Who chairs which month under a rota.")
    async def joint_rota_schedule(
        self,
        info: Info[Context, None],
        rota_id: int,
        from_month: str | None = None,
        months: int = 12,
    ) -> list[ChairSlotType]:
        ctx = info.context
        async with ctx.uow() as uow:
            _, slots = await joint_cases.rota_schedule(
                uow, ctx.actor, rota_id=rota_id, first=from_month, months=months
            )
        return [
            ChairSlotType(month=s.month, membership_id=s.membership_id, note=s.note) for s in slots
        ]

    @strawberry.field(description="One joint meeting.")
    async def joint_meeting(self, info: Info[Context, None], id: int) -> MeetingType:
        ctx = info.context
        async with ctx.uow() as uow:
            m = await joint_cases.get_meeting(uow, ctx.actor, meeting_id=id)
        return MeetingType.of(m)

    @strawberry.field(description="Joint meetings under orgId, latest first.")
    async def joint_meetings(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MeetingType]:
        ctx = info.context
        page = PageRequest(
            first,
            decode_cursor(
                after, kind="joint-meetings", sort="-held_on", arity=2, parameter="after"
            ),
        )
        async with ctx.uow() as uow:
            result = await joint_cases.list_meetings(uow, ctx.actor, org_id=org_id, page=page)
        conn: Connection[MeetingType] = connection(
            [MeetingType.of(m) for m in result.items],
            kind="joint-meetings",
            sort="-held_on",
            key=lambda x: (x.held_on.isoformat(), x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="One coordination case with its notes.")
    async def coordination_case(self, info: Info[Context, None], id: int) -> CaseType:
        ctx = info.context
        async with ctx.uow() as uow:
            c = await case_cases.get_case(uow, ctx.actor, case_id=id)
        return CaseType.of(c)

    @strawberry.field(description="Coordination cases under orgId, newest first.")
    async def coordination_cases(
        self,
        info: Info[Context, None],
        org_id: int | None = None,
        category: CaseCategory | None = None,
        status: CaseStatus | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[CaseType]:
        ctx = info.context
        page = PageRequest(
            first, decode_cursor(after, kind="cases", sort="-id", arity=2, parameter="after")
        )
        async with ctx.uow() as uow:
            result = await case_cases.list_cases(
                uow, ctx.actor, org_id=org_id, category=category, status=status, page=page
            )
        conn: Connection[CaseType] = connection(
            [CaseType.of(c) for c in result.items],
            kind="cases",
            sort="-id",
            key=lambda x: (x.id, x.id),
            has_next=result.has_more,
        )
        return conn

    @strawberry.field(description="Cases per category opened in a period, and time to close.")
    async def case_stats(
        self,
        info: Info[Context, None],
        from_date: dt.date,
        to_date: dt.date,
        org_id: int | None = None,
    ) -> list[CategoryCountType]:
        ctx = info.context
        async with ctx.uow() as uow:
            counts = await case_cases.case_stats(
                uow, ctx.actor, org_id=org_id, start=from_date, end=to_date
            )
        return [
            CategoryCountType(
                category=c.category,
                opened=c.opened,
                closed=c.closed,
                median_days_to_close=c.median_days_to_close,
                mean_days_to_close=c.mean_days_to_close,
            )
            for c in counts
        ]


@strawberry.type
class JointMutations:
    @strawberry.mutation(description="Add a member to a park's joint conference/association.")
    async def add_joint_membership(
        self,
        info: Info[Context, None],
        park_id: int,
        kind: MembershipKind,
        name: str,
        branch_id: int | None = None,
        enterprise_id: int | None = None,
        joined_on: dt.date | None = None,
    ) -> JointMembershipPayload:
        new = NewMembership(
            park_id=park_id,
            kind=kind,
            name=name,
            branch_id=branch_id,
            enterprise_id=enterprise_id,
            joined_on=joined_on,
        )
        m, errors = await attempt(
            info, lambda ua: joint_cases.add_membership(ua[0], ua[1], new=new)
        )
        return JointMembershipPayload(membership=MembershipType.of(m) if m else None, errors=errors)

    @strawberry.mutation(description="End a membership.")
    async def end_joint_membership(
        self, info: Info[Context, None], id: int, left_on: dt.date | None = None
    ) -> JointMembershipPayload:
        m, errors = await attempt(
            info,
            lambda ua: joint_cases.end_membership(ua[0], ua[1], membership_id=id, left_on=left_on),
        )
        return JointMembershipPayload(membership=MembershipType.of(m) if m else None, errors=errors)

    @strawberry.mutation(description="Set the chair rota of the monthly joint meeting.")
    async def create_joint_rota(
        self, info: Info[Context, None], park_id: int, start_month: str, chair_ids: list[int]
    ) -> JointRotaPayload:
        r, errors = await attempt(
            info,
            lambda ua: joint_cases.create_rota(
                ua[0], ua[1], park_id=park_id, start_month=start_month, chair_ids=chair_ids
            ),
        )
        return _rota(r, errors)

    @strawberry.mutation(description="Skip a month's chair (with a reason).")
    async def skip_rota_month(
        self, info: Info[Context, None], rota_id: int, month: str, reason: str
    ) -> JointRotaPayload:
        r, errors = await attempt(
            info,
            lambda ua: joint_cases.change_rota(
                ua[0],
                ua[1],
                rota_id=rota_id,
                kind=RotaChangeKind.SKIP,
                month=month,
                other_month=None,
                reason=reason,
            ),
        )
        return _rota(r, errors)

    @strawberry.mutation(description="Swap two months' chairs (with a reason).")
    async def swap_rota_months(
        self, info: Info[Context, None], rota_id: int, month: str, other_month: str, reason: str
    ) -> JointRotaPayload:
        r, errors = await attempt(
            info,
            lambda ua: joint_cases.change_rota(
                ua[0],
                ua[1],
                rota_id=rota_id,
                kind=RotaChangeKind.SWAP,
                month=month,
                other_month=other_month,
                reason=reason,
            ),
        )
        return _rota(r, errors)

    @strawberry.mutation(description="Record a joint meeting; the rota names its chair.")
    async def create_joint_meeting(
        self,
        info: Info[Context, None],
        park_id: int,
        held_on: dt.date,
        title: str,
        notes: str | None = None,
        chair_membership_id: int | None = None,
    ) -> JointMeetingPayload:
        m, errors = await attempt(
            info,
            lambda ua: joint_cases.create_meeting(
                ua[0],
                ua[1],
                park_id=park_id,
                held_on=held_on,
                title=title,
                notes=notes,
                chair_membership_id=chair_membership_id,
            ),
        )
        return JointMeetingPayload(meeting=MeetingType.of(m) if m else None, errors=errors)

    @strawberry.mutation(description="Raise a coordination case.")
    async def raise_case(self, info: Info[Context, None], input: RaiseCaseInput) -> CasePayload:
        new = NewCase(**vars(input))
        c, errors = await attempt(info, lambda ua: case_cases.raise_case(ua[0], ua[1], new=new))
        return _case(c, errors)

    @strawberry.mutation(description="Put a case on a meeting's agenda (same park only).")
    async def put_case_on_agenda(
        self, info: Info[Context, None], id: int, meeting_id: int
    ) -> CasePayload:
        c, errors = await attempt(
            info,
            lambda ua: case_cases.put_on_agenda(ua[0], ua[1], case_id=id, meeting_id=meeting_id),
        )
        return _case(c, errors)

    @strawberry.mutation(description="Assign a case.")
    async def assign_case(self, info: Info[Context, None], id: int, assignee: str) -> CasePayload:
        c, errors = await attempt(
            info, lambda ua: case_cases.assign_case(ua[0], ua[1], case_id=id, assignee=assignee)
        )
        return _case(c, errors)

    @strawberry.mutation(description="Add a note to a case.")
    async def add_case_note(self, info: Info[Context, None], id: int, text: str) -> CasePayload:
        c, errors = await attempt(
            info, lambda ua: case_cases.add_note(ua[0], ua[1], case_id=id, text=text)
        )
        return _case(c, errors)

    @strawberry.mutation(description="Close a case with its outcome.")
    async def close_case(
        self,
        info: Info[Context, None],
        id: int,
        outcome: str,
        closed_on: dt.date | None = None,
    ) -> CasePayload:
        c, errors = await attempt(
            info,
            lambda ua: case_cases.close_case(
                ua[0], ua[1], case_id=id, outcome=outcome, closed_on=closed_on
            ),
        )
        return _case(c, errors)
