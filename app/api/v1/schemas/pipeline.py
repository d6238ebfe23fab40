"""Request and response shapes of the development pipeline (发展党员)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Strict
from app.api.v1.schemas.members import NATIONAL_ID_DOC
from app.domain.members.model import Gender
from app.domain.members.pipeline import EntryView, Funnel, MemberStage, Stage, StageRecord

# Ids are BIGINT keys from 1 up: anything else names no row and is refused as invalid input
# before it reaches the database driver (which would refuse to bind it).
ID_MAX = 2**63 - 1


class StageOut(BaseModel):
    id: int
    stage: Stage
    on_date: dt.date
    deciding_body: str | None = Field(description="Who decided, e.g. the branch member meeting.")
    notes: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, r: StageRecord) -> StageOut:
        return cls(
            id=r.id,
            stage=r.stage,
            on_date=r.on_date,
            deciding_body=r.deciding_body,
            notes=r.notes,
            created_at=r.created_at,
        )


class PipelineEntryOut(BaseModel):
    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str = Field(description="Masked unless you hold `pii:read`.")
    masked: bool
    org_id: int = Field(description="The branch or general branch developing this person.")
    org_path: str
    stage: Stage = Field(description="Current stage.")
    stage_date: dt.date = Field(description="When the current stage was reached.")
    member_id: int | None = Field(description="The member record, from admission on.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    stages: list[StageOut] = Field(description="Every stage reached, oldest first.")

    @classmethod
    def of(cls, v: EntryView) -> PipelineEntryOut:
        e = v.entry
        return cls(
            id=e.id,
            name=e.name,
            gender=e.gender,
            birth_date=e.birth_date,
            national_id=v.national_id,
            masked=v.masked,
            org_id=e.org_id,
            org_path=e.org_path,
            stage=e.stage,
            stage_date=e.stage_date,
            member_id=e.member_id,
            version=e.version,
            created_at=e.created_at,
            updated_at=e.updated_at,
            stages=[StageOut.of(r) for r in v.stages],
        )


class MemberStageOut(BaseModel):
    member_id: int
    stage: Stage = Field(description="`probationary` or `full`.")
    since: dt.date = Field(description="Admission (probationary) or full membership date.")
    probation_ends: dt.date | None = Field(
        description="Probationary: the first day conversion may be decided (extensions included)."
    )
    extension_months: int = Field(description="Months the probation was extended (0–12).")
    entry: PipelineEntryOut | None = Field(
        description="The pipeline entry with every stage reached, when the application was "
        "recorded here; null for members registered directly."
    )

    @classmethod
    def of(cls, s: MemberStage) -> MemberStageOut:
        return cls(
            member_id=s.member_id,
            stage=s.stage,
            since=s.since,
            probation_ends=s.probation_ends,
            extension_months=s.extension_months,
            entry=PipelineEntryOut.of(s.entry) if s.entry is not None else None,
        )


class PipelineApply(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["陈晓燕"])
    gender: Gender
    birth_date: dt.date = Field(examples=["1998-05-04"])
    national_id: str = Field(min_length=1, max_length=32, description=NATIONAL_ID_DOC)
    org_id: int = Field(
        ge=1, le=ID_MAX, description="The branch or general branch in your subtree."
    )
    applied_on: dt.date = Field(description="Application date; the applicant is 18 by then.")
    notes: str | None = Field(default=None, max_length=500)


class StageAdvance(Strict):
    stage: Stage = Field(description="The next stage; none may be skipped.")
    on_date: dt.date = Field(description="Decision date: not before the current stage, not future.")
    deciding_body: str | None = Field(default=None, max_length=200, examples=["支部党员大会"])
    notes: str | None = Field(default=None, max_length=500)


class ProbationExtend(Strict):
    months: int = Field(
        description="1 to 12 (422 `pipeline.extension_too_long` otherwise); only once."
    )
    on_date: dt.date
    reason: str | None = Field(default=None, max_length=200)


class ProbationConvert(Strict):
    on_date: dt.date = Field(description="No earlier than the end of (extended) probation.")
    deciding_body: str | None = Field(default=None, max_length=200, examples=["支部党员大会"])


class FunnelStageOut(BaseModel):
    stage: Stage
    count: int
    median_days: float | None = Field(description="Median days in this stage so far.")
    max_days: int | None = Field(description="Longest wait in this stage, in days.")


class FunnelOut(BaseModel):
    org_id: int
    stages: list[FunnelStageOut] = Field(
        description="applicant → probationary (waiting now), then full (completed; no waits)."
    )

    @classmethod
    def of(cls, f: Funnel) -> FunnelOut:
        return cls(
            org_id=f.org_id,
            stages=[
                FunnelStageOut(
                    stage=s.stage, count=s.count, median_days=s.median_days, max_days=s.max_days
                )
                for s in f.stages
            ],
        )
