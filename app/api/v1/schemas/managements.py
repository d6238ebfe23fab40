"""Request and response shapes of status changes, dual management and compliance findings."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.api.v1.schemas.members import NATIONAL_ID_DOC, MemberEventOut, MemberOut
from app.domain.compliance.model import Finding, Report
from app.domain.members.management_model import ChangeKind, ManagementView, Participation
from app.domain.messages import render


class StatusChangeIn(Strict):
    kind: ChangeKind = Field(
        description="became_full, probation_extended, lost_contact, contact_restored, "
        "suspended, struck_off, died or left."
    )
    on_date: dt.date = Field(
        description="When it happened or was decided (Asia/Shanghai): not in the future, "
        "not before the join date or the last change."
    )
    reason: str | None = Field(default=None, max_length=200)
    months: int | None = Field(
        default=None, description="probation_extended only: 1–12 (once per member)."
    )
    deciding_body: str | None = Field(
        default=None, max_length=200, description="became_full: the branch meeting that decided."
    )


class StatusChangeOut(BaseModel):
    event: MemberEventOut = Field(description="The event recorded in the member's history.")
    member: MemberOut = Field(description="The member after the change.")


class ManagementIn(Strict):
    org_id: Id = Field(
        description="The managing branch or general branch (in your subtree; not the member's "
        "own affiliation)."
    )
    from_date: dt.date = Field(description="Start of the period (not in the future).")
    to_date: dt.date | None = Field(
        default=None, description="Planned end of the period; null while open."
    )
    certificate_no: str | None = Field(
        default=None, max_length=64, description="流动党员活动证 number."
    )
    notes: str | None = Field(default=None, max_length=500)


class ManagementByNumberIn(ManagementIn):
    national_id: str = Field(
        min_length=1,
        max_length=32,
        description=NATIONAL_ID_DOC + " The member, matched by its keyed hash (needs pii:read).",
    )


class ManagementEndIn(Strict):
    ended_on: dt.date | None = Field(default=None, description="Default today.")
    reason: str | None = Field(default=None, max_length=200)


class ManagementOut(BaseModel):
    id: int
    member_id: int
    member_name: str
    org_id: int = Field(description="The managing organisation.")
    org_name: str
    certificate_no: str | None = Field(description="流动党员活动证 number.")
    from_date: dt.date
    to_date: dt.date | None = Field(description="End of the period; null while open.")
    ended_on: dt.date | None = Field(description="When it was ended explicitly.")
    end_reason: str | None
    notes: str | None
    current: bool = Field(description="Running today (Asia/Shanghai).")
    months_away: int = Field(description="Whole months since from_date (to its end if over).")
    created_at: dt.datetime

    @classmethod
    def of(cls, v: ManagementView) -> ManagementOut:
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


class ParticipationIn(Strict):
    on_date: dt.date
    activity: str = Field(min_length=1, max_length=200, examples=["主题党日"])
    notes: str | None = Field(default=None, max_length=500)


class ParticipationOut(BaseModel):
    id: int
    management_id: int
    on_date: dt.date
    activity: str
    notes: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, p: Participation) -> ParticipationOut:
        return cls(
            id=p.id,
            management_id=p.management_id,
            on_date=p.on_date,
            activity=p.activity,
            notes=p.notes,
            created_at=p.created_at,
        )


class FindingOut(BaseModel):
    rule: str = Field(description="Rule code, e.g. branch_too_few_full.")
    org_id: int
    org_name: str
    org_kind: str
    figures: dict[str, int | str] = Field(description="The numbers behind the finding.")
    action_code: str = Field(description="Message code of the suggested action.")
    action: str = Field(description="Suggested action, in Chinese or English (Accept-Language).")

    @classmethod
    def of(cls, f: Finding, lang: str) -> FindingOut:
        _, text = render(f.action_code, {**f.figures, "org": f.org.name}, lang)
        return cls(
            rule=f.rule,
            org_id=f.org.id,
            org_name=f.org.name,
            org_kind=f.org.kind,
            figures=f.figures,
            action_code=f.action_code,
            action=text,
        )


class ComplianceOut(BaseModel):
    org_id: int
    as_of: dt.date
    totals: dict[str, int] = Field(description="Per rule: how many orgs of the subtree it finds.")
    findings: list[FindingOut] = Field(
        description="Per rule the first `limit` findings by path, rule after rule."
    )
    truncated: bool = Field(description="Some rule found more than `limit` orgs.")

    @classmethod
    def of(cls, r: Report, lang: str) -> ComplianceOut:
        return cls(
            org_id=r.org_id,
            as_of=r.as_of,
            totals={x.rule: x.total for x in r.results},
            findings=[FindingOut.of(f, lang) for x in r.results for f in x.findings],
            truncated=r.truncated,
        )
