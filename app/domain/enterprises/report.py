"""Coverage report arithmetic (覆盖率): pure, from grouped counts to counts and rates.

Rates are percentages with one decimal as strings, rounded half up in decimal arithmetic,
so 251 of 297 is "84.5" everywhere and never 84.50000001. An empty group has no rate (null).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from app.domain.enterprises.model import CoverageCount, CoverageStatus

_TENTH = Decimal("0.1")


def percent(part: int, total: int) -> str | None:
    """``part`` of ``total`` as a percentage with one decimal, half up; None when total is 0."""
    if total == 0:
        return None
    value = Decimal(part) * 100 / Decimal(total)
    return str(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Tally:
    """Enterprises of one group by coverage: organisation, work only, or none."""

    organisation: int = 0
    work_only: int = 0
    uncovered: int = 0

    @property
    def total(self) -> int:
        return self.organisation + self.work_only + self.uncovered

    @property
    def organisation_rate(self) -> str | None:
        return percent(self.organisation, self.total)

    @property
    def work_rate(self) -> str | None:
        return percent(self.work_only, self.total)

    @property
    def coverage_rate(self) -> str | None:
        """Organisation and work coverage together."""
        return percent(self.organisation + self.work_only, self.total)

    def plus(self, status: CoverageStatus, count: int) -> Tally:
        if status is CoverageStatus.ORGANISATION:
            return replace(self, organisation=self.organisation + count)
        if status is CoverageStatus.WORK:
            return replace(self, work_only=self.work_only + count)
        return replace(self, uncovered=self.uncovered + count)


@dataclass(frozen=True)
class CoverageReport:
    org_id: int
    overall: Tally
    above_scale: Tally
    by_industry: list[tuple[str, Tally]] = field(default_factory=list)


def build_report(org_id: int, counts: Iterable[CoverageCount]) -> CoverageReport:
    """Fold grouped counts (industry × size class × status) into the report, industries sorted."""
    overall = Tally()
    above = Tally()
    industries: dict[str, Tally] = {}
    for c in counts:
        overall = overall.plus(c.status, c.count)
        if c.above_scale:
            above = above.plus(c.status, c.count)
        industries[c.industry] = industries.get(c.industry, Tally()).plus(c.status, c.count)
    return CoverageReport(
        org_id=org_id,
        overall=overall,
        above_scale=above,
        by_industry=sorted(industries.items()),
    )
