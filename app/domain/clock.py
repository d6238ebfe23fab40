"""Time: instants are UTC; business dates are calendar dates in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """Today's business date in Asia/Shanghai (a UTC evening is already tomorrow there)."""
        return self.now().astimezone(SHANGHAI).date()


@dataclass
class FixedClock(Clock):
    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at
