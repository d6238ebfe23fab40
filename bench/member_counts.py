"""Maintained member counts against a recount, and the compliance report, on a bench database.

    .venv/bin/python bench/member_counts.py [--db lianjian_bench] [--runs 5]

For the province root and the largest district-level area: the time to recount the members on
the roll from their current affiliations (`uow.standing.recount_members`) and compare them with
the maintained `orgs.member_count` (`app.domain.members.standing.count_mismatches`; any
mismatch is printed and fails the run), then the time of a whole compliance report
(`app.domain.compliance.service.compliance_report`, every rule, 50 findings per rule). Runs
in-process over the same units of work as the API; median and max of ``--runs`` after one
warm-up. Needs members in the database (the generator does not make them yet).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from common import DEFAULT_DB, DEFAULT_SERVER, asyncpg_dsn, sqlalchemy_url

from app.container import Container, build_container
from app.domain.auth.principal import SYSTEM
from app.domain.compliance.service import compliance_report
from app.domain.members.standing import count_mismatches
from app.settings import Settings


async def _timed(runs: int, fn: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    await fn()
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = await fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), out


async def _subject(c: Container, label: str, org_id: int, path: str, runs: int) -> bool:
    async def check() -> dict[int, tuple[int, int]]:
        async with c.uow() as uow:
            return await count_mismatches(uow, path)

    async def report() -> Any:
        async with c.uow() as uow:
            return await compliance_report(uow, SYSTEM, org_id=org_id)

    med, worst, bad = await _timed(runs, check)
    print(
        f"{label:9s} counts = recount   median {med:7.0f} ms  max {worst:7.0f} ms  "
        f"mismatches {len(bad)}"
    )
    for org, (stored, recounted) in sorted(bad.items())[:10]:
        print(f"          org {org}: stored {stored}, recount {recounted}")
    med, worst, rep = await _timed(runs, report)
    totals = ", ".join(f"{r.rule} {r.total}" for r in rep.results if r.total)
    print(f"{label:9s} compliance        median {med:7.0f} ms  max {worst:7.0f} ms  ({totals})")
    return not bad


async def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--server", default=DEFAULT_SERVER)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    conn = await asyncpg.connect(asyncpg_dsn(args.server, args.db))
    try:
        root = await conn.fetchrow("SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id")
        area = await conn.fetchrow(
            """SELECT a.id, a.path FROM orgs a WHERE a.parent_id = $1
               ORDER BY (SELECT count(*) FROM members m WHERE m.org_path >= a.path
                         AND m.org_path < left(a.path, -1) || '0') DESC, a.id LIMIT 1""",
            root["id"],
        )
    finally:
        await conn.close()
    settings = Settings(
        database_url=sqlalchemy_url(args.server, args.db),
        data_dir=Path(tempfile.mkdtemp()),
        log_level="WARNING",
    )
    c = build_container(settings)
    try:
        ok = await _subject(c, "district", area["id"], area["path"], args.runs)
        ok = await _subject(c, "province", root["id"], root["path"], args.runs) and ok
    finally:
        await c.close()
    if not ok:
        raise SystemExit("maintained member counts differ from the recount")


if __name__ == "__main__":
    asyncio.run(main())
