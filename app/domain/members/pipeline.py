"""The development pipeline (发展党员): stages, their order and the rules between them. Pure
functions over dates; the use cases in pipeline_service.py apply them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain.errors import Conflict, FieldError, RuleViolation
from app.domain.members.model import Gender, age_on
from app.domain.orgs.model import add_months, add_years
from app.domain.pagination import Page, PageRequest

MINIMUM_AGE = 18
ACTIVIST_YEARS = 1
PROBATION_MONTHS = 12
MAX_EXTENSION_MONTHS = 12

EXTENDED_EVENT = "probation_extended"
CONVERTED_EVENT = "became_full"


class Stage(StrEnum):
    APPLICANT = "applicant"  # 入党申请人
    ACTIVIST = "activist"  # 入党积极分子
    CANDIDATE = "candidate"  # 发展对象
    PROBATIONARY = "probationary"  # 预备党员
    FULL = "full"  # 正式党员


ORDER: tuple[Stage, ...] = tuple(Stage)
# Stages a person waits in; FULL ends the pipeline.
WAITING: tuple[Stage, ...] = ORDER[:-1]


@dataclass(frozen=True)
class PipelineEntry:
    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    national_id_enc: str
    org_id: int
    org_path: str
    stage: Stage
    stage_date: dt.date
    member_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def __repr__(self) -> str:  # never log the number
        return f"PipelineEntry(id={self.id}, stage={self.stage.value})"


@dataclass(frozen=True)
class StageRecord:
    id: int
    entry_id: int
    stage: Stage
    on_date: dt.date
    deciding_body: str | None
    notes: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class EntryView:
    entry: PipelineEntry
    national_id: str
    masked: bool
    stages: list[StageRecord]


@dataclass(frozen=True)
class MemberStage:
    """Where a member stands in the pipeline: probationary (since admission, with the first day
    conversion may be decided) or full; ``entry`` holds the stages they went through before,
    when their application was recorded here (members registered directly have none)."""

    member_id: int
    stage: Stage  # PROBATIONARY or FULL
    since: dt.date
    probation_ends: dt.date | None
    extension_months: int
    entry: EntryView | None


@dataclass(frozen=True)
class FunnelStage:
    stage: Stage
    count: int
    median_days: float | None
    max_days: int | None


@dataclass(frozen=True)
class Funnel:
    org_id: int
    stages: list[FunnelStage]


def _rule(code: str, pointer: str, **params: object) -> RuleViolation:
    return RuleViolation(code, params=dict(params), fields=[FieldError(code, pointer=pointer)])


class EntryTaken(Conflict):
    """The id number already has an active pipeline entry (or belongs to a member)."""

    def __init__(self, code: str, existing_id: int | None) -> None:
        super().__init__(
            code,
            fields=[FieldError(code, pointer="/national_id")],
            extra={"existing_id": existing_id} if existing_id is not None else None,
        )


def check_date(on_date: dt.date, *, today: dt.date, pointer: str = "/on_date") -> None:
    if on_date > today:
        raise _rule("pipeline.date_in_future", pointer, date=on_date.isoformat())


def check_application(*, birth_date: dt.date, applied_on: dt.date, today: dt.date) -> None:
    """At least 18 on the application date, which is not in the future."""
    check_date(applied_on, today=today, pointer="/applied_on")
    if age_on(birth_date, applied_on) < MINIMUM_AGE:
        raise _rule("pipeline.too_young", "/birth_date", minimum=MINIMUM_AGE)


def check_advance(
    *,
    current: Stage,
    current_date: dt.date,
    target: Stage,
    on_date: dt.date,
    today: dt.date,
    activist_date: dt.date | None,
) -> None:
    """The next stage only, on or after the current stage's date, never in the future; a
    development candidate has been an activist for at least a year."""
    if current is Stage.FULL or ORDER.index(target) != ORDER.index(current) + 1:
        raise _rule(
            "pipeline.stage_out_of_order", "/stage", current=current.value, stage=target.value
        )
    check_date(on_date, today=today)
    if on_date < current_date:
        raise _rule("pipeline.date_out_of_order", "/on_date", previous=current_date.isoformat())
    if target is Stage.CANDIDATE:
        assert activist_date is not None
        earliest = add_years(activist_date, ACTIVIST_YEARS)
        if on_date < earliest:
            raise _rule("pipeline.activist_too_short", "/on_date", earliest=earliest.isoformat())


def probation_end(admitted: dt.date, extension_months: int) -> dt.date:
    """The first day conversion may be decided: one year after admission, plus any extension."""
    return add_months(admitted, PROBATION_MONTHS + extension_months)


def check_extension(
    *, admitted: dt.date, months: int, on_date: dt.date, today: dt.date, already: bool
) -> None:
    """Once, by one to twelve months, decided between admission and today."""
    if months < 1 or months > MAX_EXTENSION_MONTHS:
        raise _rule("pipeline.extension_too_long", "/months", maximum=MAX_EXTENSION_MONTHS)
    if already:
        raise _rule("pipeline.already_extended", "/months")
    check_date(on_date, today=today)
    if on_date < admitted:
        raise _rule("pipeline.date_out_of_order", "/on_date", previous=admitted.isoformat())


def check_conversion(
    *, admitted: dt.date, extension_months: int, on_date: dt.date, today: dt.date
) -> None:
    """No earlier than the end of probation (extended or not), never in the future."""
    check_date(on_date, today=today)
    earliest = probation_end(admitted, extension_months)
    if on_date < earliest:
        raise _rule("pipeline.probation_not_over", "/on_date", earliest=earliest.isoformat())


def funnel_stage(stage: Stage, waits: list[int]) -> FunnelStage:
    """How many wait in ``stage`` and for how long (days since they reached it)."""
    if not waits:
        return FunnelStage(stage, 0, None, None)
    ordered = sorted(waits)
    n = len(ordered)
    mid = n // 2
    median = float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return FunnelStage(stage, n, median, ordered[-1])


class PipelineRepository(Protocol):
    async def get(self, entry_id: int, *, lock: bool = False) -> PipelineEntry | None: ...

    async def active_by_national_id_hash(self, digest: str) -> PipelineEntry | None: ...

    async def by_member(self, member_id: int) -> PipelineEntry | None: ...

    async def add(self, *, fields: dict[str, Any], now: dt.datetime) -> PipelineEntry:
        """Insert; raises EntryTaken when a concurrent insert took the number."""
        ...

    async def set_stage(
        self,
        entry_id: int,
        *,
        stage: Stage,
        on_date: dt.date,
        member_id: int | None,
        now: dt.datetime,
    ) -> PipelineEntry: ...

    async def add_stage(
        self,
        *,
        entry_id: int,
        stage: Stage,
        on_date: dt.date,
        deciding_body: str | None,
        notes: str | None,
        now: dt.datetime,
    ) -> StageRecord: ...

    async def stages_of(self, entry_ids: list[int]) -> dict[int, list[StageRecord]]: ...

    async def subtree(
        self, path: str, *, stage: Stage | None, page: PageRequest
    ) -> Page[PipelineEntry]: ...

    async def waiting(self, path: str) -> list[tuple[Stage, dt.date]]:
        """(stage, date reached) of every entry in the subtree not yet a full member."""
        ...

    async def completed(self, path: str) -> int: ...
