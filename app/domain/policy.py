"""Rules that a district may configure; defaults follow the constitution and regulations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Policy:
    term_years_branch: int = 3
    term_years_general_branch: int = 3
    term_years_committee: int = 5
    page_size_max: int = 200
    # Funding pools: the largest spending request (fen) each role may approve; a role that is
    # not listed has no limit of its own (funds:approve still decides who approves at all).
    spending_approval_limits_fen: Mapping[str, int] = field(
        default_factory=lambda: {"park_admin": 5_000_000, "street_admin": 50_000_000}
    )
    # Mutual-aid pools: what one borrower may owe a pool (approved and outstanding), in fen.
    loan_exposure_limit_fen: int = 200_000_000
    # Party dues: this many consecutive unpaid months is a finding for the branch.
    dues_arrears_finding_months: int = 6
