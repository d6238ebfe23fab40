"""Other work on the machine skews every figure: measure the CPU others use and wait (bounded)
for a quiet moment before each phase."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

QUIET_BUSY = 0.15  # at most this share of all cores busy counts as quiet
SAMPLE_SECONDS = 2.0


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot; (0, 0) where /proc is missing."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0, 0
    values = [int(v) for v in fields[:8]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


async def busy_share(seconds: float = SAMPLE_SECONDS) -> float:
    """Share of all cores busy over the next ``seconds`` (while this process sleeps)."""
    b0, t0 = _cpu_times()
    await asyncio.sleep(seconds)
    b1, t1 = _cpu_times()
    return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0


async def wait_quiet(max_wait: float, label: str) -> float:
    """Wait until the machine is quiet or ``max_wait`` seconds have passed; the last share."""
    deadline = time.monotonic() + max_wait
    share = await busy_share()
    while share > QUIET_BUSY and time.monotonic() < deadline:
        print(f"  {label}: {share:.0%} of the CPU busy with other work, waiting", flush=True)
        share = await busy_share(5.0)
    return share
