"""Benchmark the API against the generated database (bench/generate.py first), in one run:

  (a) raw asyncpg point lookups of an organisation by id: the ceiling for (b);
  (b) GET /api/v1/orgs/{id} over HTTP with a real token, 16 keep-alive connections;
  (c) GET /api/v1/orgs/{id}/coverage for a district-level area and for the province root.

    .venv/bin/python bench/run.py [--db lianjian_bench] [--seconds 10] [--loadgen auto]

Prints a table and writes bench/results/<UTC timestamp>.json and bench/results/latest.md.
All traffic goes to 127.0.0.1; the server is stopped at the end, also on errors.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import signal
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import cpu
from common import DEFAULT_DB, DEFAULT_SERVER, asyncpg_dsn, check_db_name, sqlalchemy_url
from cpu import CpuUse
from loadgen import HttpConnection, LoadResult, percentile, run_builtin, run_wrk, wrk_version
from quiet import wait_quiet
from report import Figure, machine_info, table, write
from server import running_server

from app.container import build_container
from app.db.models import OrgRow
from app.domain.auth.scopes import Role, scopes_for
from app.settings import Settings

COVERAGE_ROUTE = "/api/v1/orgs/{org_id}/coverage"
ORG_COLUMNS = ", ".join(c.name for c in OrgRow.__table__.c)
POINT_LOOKUP = f"SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"
MAX_BASELINE_QUERIES = 5_000_000
RATIO_TARGET = 0.35
DISTRICT_P95_MS = 50.0
PROVINCE_P95_MS = 300.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default=DEFAULT_DB, help=f"bench database (default {DEFAULT_DB})")
    p.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server, no database")
    p.add_argument("--seconds", type=float, default=10.0, help="duration of (a) and (b)")
    p.add_argument("--concurrency", type=int, default=16, help="tasks / connections / pool")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--loadgen", choices=["auto", "wrk", "builtin"], default="auto")
    p.add_argument("--ids", type=int, default=10_000, help="random org ids to draw from")
    p.add_argument("--warmups", type=int, default=3, help="untimed coverage requests")
    p.add_argument("--district-requests", type=int, default=30)
    p.add_argument("--province-requests", type=int, default=15)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=300.0,
        help="before each phase, wait up to this many seconds for other CPU use to settle",
    )
    return p.parse_args(argv)


@dataclass
class Dataset:
    root_id: int
    district_id: int
    district_name: str
    district_orgs: int
    district_enterprises: int
    orgs: int
    enterprises: int
    ids: list[int]
    postgres: str


async def load_dataset(dsn: str, sample: int, seed: int) -> Dataset:
    conn = await asyncpg.connect(dsn)
    try:
        root = await conn.fetchrow("SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id")
        if root is None:
            raise SystemExit("the database has no organisations: run bench/generate.py first")
        district = await conn.fetchrow(
            """
            SELECT o.id, o.name, count(e.id) AS ents FROM orgs o
            JOIN enterprises e ON e.org_path >= o.path AND e.org_path < left(o.path, -1) || '0'
            WHERE o.parent_id = $1 AND o.kind = 'street'
            GROUP BY o.id, o.name ORDER BY ents DESC, o.id LIMIT 1
            """,
            root["id"],
        )
        district_orgs = await conn.fetchval(
            "SELECT count(*) FROM orgs WHERE path >= $1 AND path < left($1, -1) || '0'",
            f"{root['path']}{district['id']}/",
        )
        all_ids = [r["id"] for r in await conn.fetch("SELECT id FROM orgs ORDER BY id")]
        enterprises = await conn.fetchval("SELECT count(*) FROM enterprises")
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    rng = random.Random(seed)
    return Dataset(
        root_id=root["id"],
        district_id=district["id"],
        district_name=district["name"],
        district_orgs=district_orgs,
        district_enterprises=district["ents"],
        orgs=len(all_ids),
        enterprises=enterprises,
        ids=rng.sample(all_ids, min(sample, len(all_ids))),
        postgres=str(version),
    )


async def issue_token(database_url: str, data_dir: Path, root_id: int) -> str:
    """A district admin's token at the root, signed with the key the server will load."""
    c = build_container(Settings(database_url=database_url, data_dir=data_dir))
    try:
        issued = c.tokens.issue(
            subject="user:bench",
            role=Role.DISTRICT_ADMIN,
            scopes={s.value for s in scopes_for(Role.DISTRICT_ADMIN)},
            org_id=root_id,
            ttl=dt.timedelta(hours=2),
        )
    finally:
        await c.close()
    return issued.token


# (a) ------------------------------------------------------------------------------------------


async def _lookup_loop(pool: asyncpg.Pool, ids: list[int], seed: int, deadline: float) -> int:
    rng = random.Random(seed)
    done = 0
    while time.perf_counter() < deadline and done < MAX_BASELINE_QUERIES:
        row = await pool.fetchrow(POINT_LOOKUP, rng.choice(ids))
        assert row is not None
        done += 1
    return done


@dataclass
class Baseline:
    rps: float
    requests: int
    cpu: CpuUse  # app_s: this process (the client), db_s: PostgreSQL backends


async def baseline(db: str, dsn: str, ids: list[int], concurrency: int, seconds: float) -> Baseline:
    """Point lookups per second straight through asyncpg, no HTTP and no ORM."""
    async with asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency) as pool:
        warm = time.perf_counter() + min(2.0, seconds / 5)
        await asyncio.gather(*(_lookup_loop(pool, ids, i, warm) for i in range(concurrency)))
        before, client0 = cpu.snapshot(None, db), time.process_time()
        start = time.perf_counter()
        counts = await asyncio.gather(
            *(_lookup_loop(pool, ids, 100 + i, start + seconds) for i in range(concurrency))
        )
        elapsed = time.perf_counter() - start
        use = cpu.used(before, cpu.snapshot(None, db))
        use.app_s = time.process_time() - client0
        return Baseline(sum(counts) / elapsed, sum(counts), use)


# (b) ------------------------------------------------------------------------------------------


async def http_point_reads(
    args: argparse.Namespace, server: tuple[int, int], ids: list[int], token: str, use_wrk: bool
) -> tuple[LoadResult, CpuUse]:
    """(b), and the CPU the API processes and PostgreSQL spent on it."""
    port, group = server
    headers = {"Authorization": f"Bearer {token}"}
    paths = [f"/api/v1/orgs/{i}" for i in ids]
    # Warm-up: every worker opens its pool connections and fills its statement caches.
    await run_builtin(port, paths, headers, connections=args.concurrency, seconds=2.0)
    before = cpu.snapshot(group, args.db)
    result = await _load(args, port, paths, ids, token, use_wrk)
    return result, cpu.used(before, cpu.snapshot(group, args.db))


async def _load(
    args: argparse.Namespace, port: int, paths: list[str], ids: list[int], token: str, use_wrk: bool
) -> LoadResult:
    headers = {"Authorization": f"Bearer {token}"}
    if use_wrk:
        return await asyncio.to_thread(
            run_wrk,
            port,
            "/api/v1/orgs/",
            ids,
            token,
            connections=args.concurrency,
            threads=2,
            seconds=args.seconds,
        )
    return await run_builtin(
        port, paths, headers, connections=args.concurrency, seconds=args.seconds
    )


# (c) ------------------------------------------------------------------------------------------


@dataclass
class Timed:
    p50_ms: float
    p95_ms: float
    errors: int
    count: int
    total: int | None  # enterprises the report counted, to check against the database
    expected: int

    @property
    def consistent(self) -> bool:
        return self.total is None or self.total == self.expected


async def has_route(port: int, route: str) -> bool:
    conn = HttpConnection(port, {})
    try:
        status, body = await conn.get("/openapi.json")
    finally:
        await conn.close()
    return status == 200 and route in json.loads(body).get("paths", {})


async def timed_gets(
    port: int, token: str, path: str, *, warmups: int, count: int, expected: int
) -> Timed:
    """Sequential GETs on one keep-alive connection; the first ``warmups`` are not timed."""
    conn = HttpConnection(port, {"Authorization": f"Bearer {token}"}, timeout=60.0)
    latencies: list[float] = []
    errors = 0
    total: int | None = None
    try:
        for i in range(warmups + count):
            start = time.perf_counter()
            status, body = await conn.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            if status == 200 and total is None:
                total = json.loads(body).get("total")
            if i >= warmups:
                latencies.append(elapsed)
                errors += status != 200
    finally:
        await conn.close()
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    return Timed(p50, p95, errors, count, total, expected)


# figures ----------------------------------------------------------------------------------------


def _per_request_ms(seconds: float, requests: int) -> float:
    return seconds * 1000 / requests if requests else 0.0


def point_figures(a: Baseline, b: LoadResult, b_cpu: CpuUse) -> list[Figure]:
    ratio = b.rps / a.rps if a.rps else 0.0
    requests = b.requests + b.errors
    note = "CPU time per request, all processes of that kind; little affected by other load"
    return [
        Figure("a_rps", "(a) asyncpg point lookup", a.rps, "req/s"),
        Figure("a_db_cpu", "(a) PostgreSQL CPU", _per_request_ms(a.cpu.db_s, a.requests), "ms/req"),
        Figure(
            "a_client_cpu", "(a) client CPU", _per_request_ms(a.cpu.app_s, a.requests), "ms/req"
        ),
        Figure("b_rps", "(b) GET /orgs/{id}", b.rps, "req/s"),
        Figure(
            "b_ratio",
            "(b) / (a)",
            ratio * 100,
            "%",
            f">= {RATIO_TARGET:.0%}",
            ratio >= RATIO_TARGET,
        ),
        Figure("b_p50", "(b) p50", b.p50_ms, "ms"),
        Figure("b_p95", "(b) p95", b.p95_ms, "ms"),
        Figure("b_p99", "(b) p99", b.p99_ms, "ms"),
        Figure("b_errors", "(b) errors (non-200)", b.errors, "count", "= 0", b.errors == 0),
        Figure(
            "b_api_cpu", "(b) API CPU", _per_request_ms(b_cpu.app_s, requests), "ms/req", note=note
        ),
        Figure("b_db_cpu", "(b) PostgreSQL CPU", _per_request_ms(b_cpu.db_s, requests), "ms/req"),
    ]


def coverage_figures(name: str, key: str, t: Timed | None, target_ms: float) -> list[Figure]:
    if t is None:
        note = "endpoint not present"
        return [
            Figure(f"{key}_p50", f"(c) {name} coverage p50", None, "ms", note=note),
            Figure(f"{key}_p95", f"(c) {name} coverage p95", None, "ms", f"< {target_ms:.0f}"),
        ]
    note = f"{t.count} timed, {t.errors} errors, total {t.total} (expected {t.expected})"
    ok = t.p95_ms < target_ms and t.errors == 0 and t.consistent
    return [
        Figure(f"{key}_p50", f"(c) {name} coverage p50", t.p50_ms, "ms", note=note),
        Figure(f"{key}_p95", f"(c) {name} coverage p95", t.p95_ms, "ms", f"< {target_ms:.0f}", ok),
    ]


# main -----------------------------------------------------------------------------------------


async def measure(args: argparse.Namespace, data: Dataset, tmp: Path) -> dict[str, Any]:
    url = sqlalchemy_url(args.server, args.db)
    token = await issue_token(url, tmp, data.root_id)
    busy: dict[str, str] = {}
    busy["a"] = f"{await wait_quiet(args.quiet_wait, '(a)'):.0%}"
    print("(a) asyncpg baseline ...", flush=True)
    dsn = asyncpg_dsn(args.server, args.db)
    a = await baseline(args.db, dsn, data.ids, args.concurrency, args.seconds)
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and wrk_version() is not None)
    log = tmp / "server.log"
    async with running_server(url, tmp, workers=args.workers, log=log) as server:
        port = server[0]
        busy["b"] = f"{await wait_quiet(args.quiet_wait, '(b)'):.0%}"
        print(f"(b) HTTP point reads ({'wrk' if use_wrk else 'built-in client'}) ...", flush=True)
        b, b_cpu = await http_point_reads(args, server, data.ids, token, use_wrk)
        district = province = None
        if await has_route(port, COVERAGE_ROUTE):
            busy["c"] = f"{await wait_quiet(args.quiet_wait, '(c)'):.0%}"
            print("(c) coverage ...", flush=True)
            district = await timed_gets(
                port,
                token,
                f"/api/v1/orgs/{data.district_id}/coverage",
                warmups=args.warmups,
                count=args.district_requests,
                expected=data.district_enterprises,
            )
            province = await timed_gets(
                port,
                token,
                f"/api/v1/orgs/{data.root_id}/coverage",
                warmups=args.warmups,
                count=args.province_requests,
                expected=data.enterprises,
            )
        else:
            print(f"(c) skipped: {COVERAGE_ROUTE} is not in the OpenAPI document", flush=True)
    busy["end"] = f"{await wait_quiet(0, 'end'):.0%}"
    return {
        "a": a,
        "b": b,
        "b_cpu": b_cpu,
        "district": district,
        "province": province,
        "busy": busy,
    }


def setup_facts(
    args: argparse.Namespace, data: Dataset, loadgen: str, busy: dict[str, str]
) -> dict[str, Any]:
    return {
        "database": args.db,
        "orgs": data.orgs,
        "enterprises": data.enterprises,
        "district": f"{data.district_name} (id {data.district_id}): "
        f"{data.district_orgs:,} orgs, {data.district_enterprises:,} enterprises",
        "province_root_id": data.root_id,
        "duration_s": args.seconds,
        "concurrency": args.concurrency,
        "uvicorn_workers": args.workers,
        "random_ids": len(data.ids),
        "coverage_requests": f"district {args.district_requests}, province "
        f"{args.province_requests}, after {args.warmups} warm-ups each",
        "load_generator": loadgen,
        "cpu_busy_before_phase": ", ".join(f"{k} {v}" for k, v in busy.items())
        + " (other work on the machine; measured while the bench idled)",
    }


def stop_on_signals() -> None:
    """SIGTERM / SIGINT cancel the run, so the server is still stopped on the way out."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)


async def main(argv: Sequence[str] | None = None) -> None:
    stop_on_signals()
    args = parse_args(argv)
    check_db_name(args.db)
    data = await load_dataset(asyncpg_dsn(args.server, args.db), args.ids, args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="lj-bench-"))
    try:
        m = await measure(args, data, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    b: LoadResult = m["b"]
    figures = point_figures(m["a"], b, m["b_cpu"])
    figures += coverage_figures("district", "c_district", m["district"], DISTRICT_P95_MS)
    figures += coverage_figures("province", "c_province", m["province"], PROVINCE_P95_MS)
    info = machine_info(data.postgres, b.generator)
    setup = setup_facts(args, data, b.generator, m["busy"])
    print()
    print(table(figures))
    print(f"\nload generator: {b.generator}")
    print(f"written: {write(figures, info, setup)} and bench/results/latest.md")


def run(coro: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
    else:
        uvloop.run(coro)


if __name__ == "__main__":
    run(main())
