"""CPU seconds spent by the API's processes and by PostgreSQL's backends for the bench database,
read from /proc. Per request they barely depend on what else runs on the machine, unlike
requests per second, so they show where time goes even on a busy machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float] | None:
    """(process group, user + system CPU seconds) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICK


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def snapshot(group: int | None, database: str) -> dict[int, float]:
    """CPU seconds per pid: processes of ``group`` and PostgreSQL backends of ``database``."""
    out: dict[int, float] = {}
    for pid in _pids():
        st = _stat(pid)
        if st is None:
            continue
        pgrp, seconds = st
        if group is not None and pgrp == group:
            out[pid] = seconds
        elif _cmdline(pid).startswith("postgres: ") and f" {database} " in _cmdline(pid):
            out[-pid] = seconds  # negative keys: database backends
    return out


@dataclass
class CpuUse:
    app_s: float
    db_s: float


def used(before: dict[int, float], after: dict[int, float]) -> CpuUse:
    """CPU used between two snapshots (a process started in between counts from zero)."""
    app = db = 0.0
    for pid, seconds in after.items():
        delta = seconds - before.get(pid, 0.0)
        if pid < 0:
            db += delta
        else:
            app += delta
    return CpuUse(app_s=app, db_s=db)
