"""GraphQL types of the development pipeline."""

from __future__ import annotations

import datetime as dt

import strawberry

from app.domain.members.model import Gender
from app.domain.members.pipeline import EntryView, Funnel, MemberStage, Stage, StageRecord

PipelineStageEnum = strawberry.enum(Stage, name="PipelineStage")


@strawberry.type(name="PipelineStageRecord", description="A stage reached, when and by whom.")
class StageRecordType:
    id: int
    stage: Stage
    on_date: dt.date
    deciding_body: str | None
    notes: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, r: StageRecord) -> StageRecordType:
        return cls(
            id=r.id,
            stage=r.stage,
            on_date=r.on_date,
            deciding_body=r.deciding_body,
            notes=r.notes,
            created_at=r.created_at,
        )


@strawberry.type(name="PipelineEntry", description="A person in the development pipeline.")
class PipelineEntryType:
    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    national_id: str = strawberry.field(description="Masked unless you hold pii:read.")
    masked: bool
    org_id: int
    org_path: str
    stage: Stage
    stage_date: dt.date
    member_id: int | None = strawberry.field(description="The member record, from admission on.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    stages: list[StageRecordType]

    @classmethod
    def of(cls, v: EntryView) -> PipelineEntryType:
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
            stages=[StageRecordType.of(r) for r in v.stages],
        )


@strawberry.type(name="MemberStage", description="A member's own stage in the pipeline.")
class MemberStageType:
    member_id: int
    stage: Stage = strawberry.field(description="probationary or full.")
    since: dt.date
    probation_ends: dt.date | None = strawberry.field(
        description="Probationary: the first day conversion may be decided."
    )
    extension_months: int
    entry: PipelineEntryType | None = strawberry.field(
        description="Stages recorded before admission; null when registered directly."
    )

    @classmethod
    def of(cls, s: MemberStage) -> MemberStageType:
        return cls(
            member_id=s.member_id,
            stage=s.stage,
            since=s.since,
            probation_ends=s.probation_ends,
            extension_months=s.extension_months,
            entry=PipelineEntryType.of(s.entry) if s.entry is not None else None,
        )


@strawberry.type(description="How many wait at one stage, and for how long (days).")
class FunnelStageType:
    stage: Stage
    count: int
    median_days: float | None
    max_days: int | None


@strawberry.type(name="PipelineFunnel", description="The development pipeline of a subtree.")
class FunnelType:
    org_id: int
    stages: list[FunnelStageType]

    @classmethod
    def of(cls, f: Funnel) -> FunnelType:
        return cls(
            org_id=f.org_id,
            stages=[
                FunnelStageType(
                    stage=s.stage, count=s.count, median_days=s.median_days, max_days=s.max_days
                )
                for s in f.stages
            ],
        )
