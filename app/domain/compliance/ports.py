"""Set-based queries the compliance rules need: one statement per rule over a subtree."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from app.domain.compliance.model import OrgRef

# (the org, its figures), first ``limit`` by path, and the total count of such orgs.
Rows = tuple[int, list[tuple[OrgRef, dict[str, int | str]]]]


class ComplianceRepository(Protocol):
    async def branches_few_full(self, path: str, *, minimum: int, limit: int) -> Rows:
        """Active branches with fewer than ``minimum`` full members on the roll."""
        ...

    async def branches_without_committee(
        self, path: str, *, size: int, committee_min: int, today: dt.date, limit: int
    ) -> Rows:
        """Active branches with ``size`` or more members and no committee among their current
        leaders (a secretary and a committee member, ``committee_min`` people in all)."""
        ...

    async def general_branch_sizes(
        self, path: str, *, at_most: int | None, above: int | None, limit: int
    ) -> Rows:
        """Active general branches whose subtree holds at most / more than N members."""
        ...

    async def joint_branches_wide(self, path: str, *, above: int, limit: int) -> Rows:
        """Active joint branches covering more than ``above`` active enterprises."""
        ...

    async def terms_due(
        self, path: str, *, after: dt.date | None, until: dt.date, limit: int
    ) -> Rows:
        """Active orgs with current leaders whose term ends in (after, until]."""
        ...

    async def lost_contact(self, path: str, *, since: dt.date, limit: int) -> Rows:
        """Orgs with members out of contact since ``since`` or earlier."""
        ...

    async def transfers_overdue(self, path: str, *, today: dt.date, limit: int) -> Rows:
        """Sending orgs with open transfers whose letter's validity ended before ``today``."""
        ...

    async def managed_long(
        self, path: str, *, started_by: dt.date, today: dt.date, limit: int
    ) -> Rows:
        """Managing orgs with current registrations that began on or before ``started_by``."""
        ...
