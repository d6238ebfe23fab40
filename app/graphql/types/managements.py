"""GraphQL types of status changes, dual management and compliance findings."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from app.domain.compliance.model import Finding, Report
from app.domain.members.management_model import ChangeKind, ManagementView, Participation
from app.domain.members.model import Affiliation, MemberEvent, MemberHistory
from app.domain.messages import render

ChangeKindEnum = strawberry.enum(ChangeKind, name="StatusChangeKind")


@strawberry.type(name="MemberEvent", description="One event of a member's history.")
class MemberEventType:
    id: int
    kind: str
    on_date: dt.date
    reason: str | None
    details: JSON
    created_at: dt.datetime

    @classmethod
    def of(cls, e: MemberEvent) -> MemberEventType:
        return cls(
            id=e.id,
            kind=e.kind,
            on_date=e.on_date,
            reason=e.reason,
            details=JSON(e.details),
            created_at=e.created_at,
        )


@strawberry.type(name="Affiliation", description="Where the relationship sat, from when to when.")
class AffiliationType:
    id: int
    org_id: int
    from_date: dt.date
    to_date: dt.date | None = strawberry.field(description="null for the current affiliation.")
    reason: str | None

    @classmethod
    def of(cls, a: Affiliation) -> AffiliationType:
        return cls(
            id=a.id, org_id=a.org_id, from_date=a.from_date, to_date=a.to_date, reason=a.reason
        )


@strawberry.type(name="MemberHistory", description="Status events and affiliations, oldest first.")
class MemberHistoryType:
    member_id: int
    events: list[MemberEventType]
    affiliations: list[AffiliationType]

    @classmethod
    def of(cls, h: MemberHistory) -> MemberHistoryType:
        return cls(
            member_id=h.member_id,
            events=[MemberEventType.of(e) for e in h.events],
            affiliations=[AffiliationType.of(a) for a in h.affiliations],
        )


@strawberry.type(
    name="Management", description="A dual-management registration (一方隶属、双重管理)."
)
class ManagementType:
    id: int
    member_id: int
    member_name: str
    org_id: int = strawberry.field(description="The managing organisation.")
    org_name: str
    certificate_no: str | None = strawberry.field(description="流动党员活动证 number.")
    from_date: dt.date
    to_date: dt.date | None
    ended_on: dt.date | None
    end_reason: str | None
    notes: str | None
    current: bool
    months_away: int
    created_at: dt.datetime

    @classmethod
    def of(cls, v: ManagementView) -> ManagementType:
        m = v.management
        return cls(
            id=m.id,
            member_id=m.member_id,
            member_name=v.member_name,
            org_id=m.org_id,
            org_name=v.org_name,
            certificate_no=m.certificate_no,
            from_date=m.from_date,
            to_date=m.to_date,
            ended_on=m.ended_on,
            end_reason=m.end_reason,
            notes=m.notes,
            current=v.current,
            months_away=v.months_away,
            created_at=m.created_at,
        )


@strawberry.type(name="Participation", description="An activity a managed member took part in.")
class ParticipationType:
    id: int
    management_id: int
    on_date: dt.date
    activity: str
    notes: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, p: Participation) -> ParticipationType:
        return cls(
            id=p.id,
            management_id=p.management_id,
            on_date=p.on_date,
            activity=p.activity,
            notes=p.notes,
            created_at=p.created_at,
        )


@strawberry.type(description="One number behind a finding.")
class Figure:
    key: str
    value: str


@strawberry.type(name="ComplianceFinding")
class FindingType:
    rule: str
    org_id: int
    org_name: str
    org_kind: str
    figures: list[Figure]
    action_code: str
    action: str = strawberry.field(description="Suggested action in the request's language.")

    @classmethod
    def of(cls, f: Finding, lang: str) -> FindingType:
        _, text = render(f.action_code, {**f.figures, "org": f.org.name}, lang)
        return cls(
            rule=f.rule,
            org_id=f.org.id,
            org_name=f.org.name,
            org_kind=f.org.kind,
            figures=[Figure(key=k, value=str(v)) for k, v in f.figures.items()],
            action_code=f.action_code,
            action=text,
        )


@strawberry.type(description="How many orgs of the subtree a rule finds.")
class RuleTotal:
    rule: str
    total: int


@strawberry.type(name="ComplianceReport")
class ComplianceType:
    org_id: int
    as_of: dt.date
    totals: list[RuleTotal]
    findings: list[FindingType]
    truncated: bool

    @classmethod
    def of(cls, r: Report, lang: str) -> ComplianceType:
        return cls(
            org_id=r.org_id,
            as_of=r.as_of,
            totals=[RuleTotal(rule=x.rule, total=x.total) for x in r.results],
            findings=[FindingType.of(f, lang) for x in r.results for f in x.findings],
            truncated=r.truncated,
        )
