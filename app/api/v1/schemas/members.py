"""Request and response shapes of the member roster."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.domain.members.model import (
    Affiliation,
    Education,
    Gender,
    MemberEvent,
    MemberHistory,
    MemberStats,
    MemberStatus,
    MemberView,
    Standing,
)
from app.domain.orgs.model import MemberTotals

NATIONAL_ID_DOC = (
    "Resident id number (居民身份证号码, GB 11643): 18 characters, the last a check character "
    "(digit or X); its birth date must equal `birth_date`. Stored encrypted."
)


class MemberOut(BaseModel):
    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    ethnicity: str | None
    education: Education | None
    specialty: str | None
    employer_enterprise_id: int | None = Field(description="The enterprise they work for.")
    join_date: dt.date = Field(description="入党日期.")
    full_member_date: dt.date | None = Field(description="转正日期 (null while probationary).")
    status: str = Field(description="probationary or full.")
    standing: Standing = Field(
        description="On the roll (active, lost_contact, suspended) or gone (struck_off, died, "
        "left, transferred_out); a gone member keeps their record and history."
    )
    standing_since: dt.date | None = Field(description="When the standing last changed.")
    national_id: str = Field(
        description="Masked (`3505**********1234`) unless you hold `pii:read`."
    )
    phone: str | None = Field(description="Masked (`138****5678`) unless you hold `pii:read`.")
    masked: bool = Field(description="Whether `national_id` and `phone` are masked.")
    managed_here: bool = Field(
        default=False,
        description="Dual-managed (一方隶属、双重管理) by an organisation of the listing's "
        "subtree (or of yours): affiliated elsewhere, read only here.",
    )
    org_id: int = Field(
        description="Current affiliation: the branch the member belongs to (for a member who "
        "is gone, the last one)."
    )
    org_path: str
    version: int = Field(description="Also sent as the ETag; send it back in If-Match.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, v: MemberView) -> MemberOut:
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


class MemberCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["林志强"])
    gender: Gender
    birth_date: dt.date = Field(examples=["1990-01-01"])
    national_id: str = Field(min_length=1, max_length=32, description=NATIONAL_ID_DOC)
    join_date: dt.date = Field(description="入党日期 (not before birth, not after today).")
    status: MemberStatus = Field(description="probationary or full.")
    full_member_date: dt.date | None = Field(
        default=None, description="Required for (and only for) a full member."
    )
    org_id: Id = Field(description="The branch or general branch in your subtree.")
    ethnicity: str | None = Field(default=None, max_length=32, examples=["汉族"])
    education: Education | None = None
    specialty: str | None = Field(default=None, max_length=100)
    employer_enterprise_id: Id | None = Field(default=None, description="An enterprise.")
    phone: str | None = Field(
        default=None, max_length=20, description="Mainland mobile number (stored encrypted)."
    )


class MemberUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    gender: Gender | None = None
    ethnicity: str | None = Field(default=None, max_length=32)
    education: Education | None = None
    specialty: str | None = Field(default=None, max_length=100)
    employer_enterprise_id: Id | None = None
    phone: str | None = Field(default=None, max_length=20, description="null removes it.")


class MemberLookup(Strict):
    national_id: str = Field(min_length=1, max_length=32, description=NATIONAL_ID_DOC)


class AffiliationOut(BaseModel):
    id: int
    org_id: int
    from_date: dt.date
    to_date: dt.date | None = Field(description="null for the current affiliation.")
    reason: str | None

    @classmethod
    def of(cls, a: Affiliation) -> AffiliationOut:
        return cls(
            id=a.id, org_id=a.org_id, from_date=a.from_date, to_date=a.to_date, reason=a.reason
        )


class MemberEventOut(BaseModel):
    id: int
    kind: str
    on_date: dt.date
    reason: str | None
    details: dict[str, object]
    created_at: dt.datetime

    @classmethod
    def of(cls, e: MemberEvent) -> MemberEventOut:
        return cls(
            id=e.id,
            kind=e.kind,
            on_date=e.on_date,
            reason=e.reason,
            details=e.details,
            created_at=e.created_at,
        )


class MemberHistoryOut(BaseModel):
    member_id: int
    events: list[MemberEventOut]
    affiliations: list[AffiliationOut] = Field(description="Oldest first; one has no to_date.")

    @classmethod
    def of(cls, h: MemberHistory) -> MemberHistoryOut:
        return cls(
            member_id=h.member_id,
            events=[MemberEventOut.of(e) for e in h.events],
            affiliations=[AffiliationOut.of(a) for a in h.affiliations],
        )


class MemberTotalsOut(BaseModel):
    org_id: int
    total: int = Field(description="Members on the roll anywhere in the subtree.")
    direct: int = Field(description="Members affiliated to the organisation itself.")
    holding_orgs: int = Field(description="Active branches and general branches in the subtree.")
    empty_holding_orgs: int = Field(description="Of those, how many have no member.")

    @classmethod
    def of(cls, t: MemberTotals) -> MemberTotalsOut:
        return cls(
            org_id=t.org_id,
            total=t.total,
            direct=t.direct,
            holding_orgs=t.holding_orgs,
            empty_holding_orgs=t.empty_holding_orgs,
        )


class MemberStatsOut(BaseModel):
    org_id: int
    total: int = Field(description="Members on the roll affiliated anywhere in the subtree.")
    by_status: dict[str, int]
    by_age_band: dict[str, int] = Field(
        description="18-35, 36-45, 46-60 and 61+, by age today (Asia/Shanghai)."
    )
    by_education: dict[str, int] = Field(description='"unknown" when not recorded.')
    by_standing: dict[str, int] = Field(
        default_factory=dict, description="active, lost_contact and suspended (on the roll)."
    )

    @classmethod
    def of(cls, s: MemberStats) -> MemberStatsOut:
        return cls(
            org_id=s.org_id,
            total=s.total,
            by_status=s.by_status,
            by_age_band=s.by_age_band,
            by_education=s.by_education,
            by_standing=s.by_standing,
        )
