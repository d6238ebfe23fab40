"""Rules that a district may configure; defaults follow the constitution and regulations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    term_years_branch: int = 3
    term_years_general_branch: int = 3
    term_years_committee: int = 5
    page_size_max: int = 200
