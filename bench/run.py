"""Benchmark the API against the generated database (bench/generate.py first), in one run:

  (a) raw asyncpg point lookups of an organisation by id: the ceiling for (b);
  (b) GET /api/v1/orgs/{id} over HTTP with a real token, 16 keep-alive connections;
  (c) GET /api/v1/orgs/{id}/coverage for a district-level area and for the province root;
  (d) member lookup by id-number hash: raw asyncpg (keyed hash computed in the loop) against
      POST /api/v1/members:lookup over HTTP, 16 connections;
  (e) GET /api/v1/orgs/{id}/member-totals for the district-level area and the province root,
      checked against a recount of current affiliations (whose own time is reported too).

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
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import cpu
from common import (
    BENCH_DATA_KEY,
    DEFAULT_DB,
    DEFAULT_SERVER,
    asyncpg_dsn,
    check_db_name,
    sqlalchemy_url,
)
from cpu import CpuUse
from loadgen import (
    HttpConnection,
    LoadResult,
    Request,
    percentile,
    run_builtin,
    run_wrk,
    wrk_version,
)
from members import bench_cipher, national_id
from quiet import wait_quiet
from report import Figure, machine_info, table, write
from server import running_server

from app.container import build_container
from app.db.models import MemberRow, OrgRow
from app.domain.auth.scopes import Role, scopes_for
from app.domain.members.model import NATIONAL_ID_CONTEXT
from app.security.crypto import DataCipher
from app.settings import Settings

COVERAGE_ROUTE = "/api/v1/orgs/{org_id}/coverage"
LOOKUP_ROUTE = "/api/v1/members:lookup"
TOTALS_ROUTE = "/api/v1/orgs/{org_id}/member-totals"
ORG_COLUMNS = ", ".join(c.name for c in OrgRow.__table__.c)
POINT_LOOKUP = f"SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"
MEMBER_COLUMNS = ", ".join(c.name for c in MemberRow.__table__.c)
MEMBER_LOOKUP = f"SELECT {MEMBER_COLUMNS} FROM members WHERE national_id_hash = $1"
# What the maintained counts must equal: current affiliations in the subtree, counted.
RECOUNT = """
SELECT count(*) FROM member_affiliations a JOIN orgs o ON o.id = a.org_id
WHERE a.to_date IS NULL AND o.path >= $1 AND o.path < left($1, -1) || '0'
"""
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
    p.add_argument(
        "--members-sample", type=int, default=10_000, help="random members to look up in (d)"
    )
    p.add_argument("--recount-runs", type=int, default=3, help="timed recounts per subtree")
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
    root_path: str
    district_path: str
    members: int
    national_ids: list[str]  # plaintexts of random members, rebuilt from their ids


async def load_dataset(dsn: str, sample: int, member_sample: int, seed: int) -> Dataset:
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
        members = await conn.fetchval("SELECT count(*) FROM members")
        max_member = await conn.fetchval("SELECT coalesce(max(id), 0) FROM members")
    finally:
        await conn.close()
    rng = random.Random(seed)
    # generate.py gives member n the id number national_id(n), and ids 1..members.
    member_ids = rng.sample(range(1, max_member + 1), min(member_sample, max_member))
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
        root_path=root["path"],
        district_path=f"{root['path']}{district['id']}/",
        members=members,
        national_ids=[national_id(n) for n in member_ids],
    )


async def issue_token(database_url: str, data_dir: Path, root_id: int) -> str:
    """A district admin's token at the root, signed with the key the server will load."""
    settings = Settings(database_url=database_url, data_dir=data_dir, data_key=BENCH_DATA_KEY)
    c = build_container(settings)
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


async def _member_loop(
    pool: asyncpg.Pool, numbers: list[str], cipher: DataCipher, seed: int, deadline: float
) -> int:
    """(d)'s baseline: the keyed hash of a random id number, then the row it finds."""
    rng = random.Random(seed)
    done = 0
    while time.perf_counter() < deadline and done < MAX_BASELINE_QUERIES:
        digest = cipher.lookup_hash(rng.choice(numbers), context=NATIONAL_ID_CONTEXT)
        row = await pool.fetchrow(MEMBER_LOOKUP, digest)
        assert row is not None, "no member for a regenerated id number: data key or generator?"
        done += 1
    return done


Loop = Callable[[asyncpg.Pool, int, float], Awaitable[int]]


@dataclass
class Baseline:
    rps: float
    requests: int
    cpu: CpuUse  # app_s: this process (the client), db_s: PostgreSQL backends


async def baseline(db: str, dsn: str, loop: Loop, concurrency: int, seconds: float) -> Baseline:
    """Lookups per second straight through asyncpg, no HTTP and no ORM: ``concurrency`` tasks
    running ``loop(pool, seed, deadline)`` over a pool of as many connections."""
    async with asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency) as pool:
        warm = time.perf_counter() + min(2.0, seconds / 5)
        await asyncio.gather(*(loop(pool, i, warm) for i in range(concurrency)))
        before, client0 = cpu.snapshot(None, db), time.process_time()
        start = time.perf_counter()
        counts = await asyncio.gather(
            *(loop(pool, 100 + i, start + seconds) for i in range(concurrency))
        )
        elapsed = time.perf_counter() - start
        use = cpu.used(before, cpu.snapshot(None, db))
        use.app_s = time.process_time() - client0
        return Baseline(sum(counts) / elapsed, sum(counts), use)


# (b) ------------------------------------------------------------------------------------------


@dataclass
class HttpLoad:
    """What (b) or (d) sends: for the built-in client, and for wrk (path prefix and items)."""

    requests: list[Request]
    wrk_prefix: str
    wrk_items: list[int] | list[str] | list[bytes]
    wrk_method: str = "GET"


async def http_load(
    args: argparse.Namespace, server: tuple[int, int], load: HttpLoad, token: str, use_wrk: bool
) -> tuple[LoadResult, CpuUse]:
    """(b) or (d), and the CPU the API processes and PostgreSQL spent on it."""
    port, group = server
    headers = {"Authorization": f"Bearer {token}"}
    # Warm-up: every worker opens its pool connections and fills its statement caches.
    await run_builtin(port, load.requests, headers, connections=args.concurrency, seconds=2.0)
    before = cpu.snapshot(group, args.db)
    if use_wrk:
        result = await asyncio.to_thread(
            run_wrk,
            port,
            load.wrk_prefix,
            load.wrk_items,
            token,
            connections=args.concurrency,
            threads=2,
            seconds=args.seconds,
            method=load.wrk_method,
        )
    else:
        result = await run_builtin(
            port, load.requests, headers, connections=args.concurrency, seconds=args.seconds
        )
    return result, cpu.used(before, cpu.snapshot(group, args.db))


def point_reads(ids: list[int]) -> HttpLoad:
    """(b): GET /api/v1/orgs/{id} over random organisations."""
    return HttpLoad([Request.get(f"/api/v1/orgs/{i}") for i in ids], "/api/v1/orgs/", ids)


def member_lookups(numbers: list[str]) -> HttpLoad:
    """(d): POST /api/v1/members:lookup with a random member's id number in the body."""
    requests = [Request.post_json(LOOKUP_ROUTE, {"national_id": n}) for n in numbers]
    bodies = [r.body for r in requests if r.body is not None]
    return HttpLoad(requests, LOOKUP_ROUTE, bodies, "POST")


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


# (e) ------------------------------------------------------------------------------------------


@dataclass
class Recount:
    """Current affiliations in a subtree, counted from the rows, and how long that took."""

    count: int
    times_ms: list[float]


async def recount(dsn: str, path: str, runs: int) -> Recount:
    """One untimed run (fills the cache), then ``runs`` timed ones on the same connection."""
    conn = await asyncpg.connect(dsn)
    times: list[float] = []
    try:
        count = int(await conn.fetchval(RECOUNT, path))
        for _ in range(runs):
            start = time.perf_counter()
            count = int(await conn.fetchval(RECOUNT, path))
            times.append((time.perf_counter() - start) * 1000)
    finally:
        await conn.close()
    return Recount(count, times)


# figures ----------------------------------------------------------------------------------------


def _per_request_ms(seconds: float, requests: int) -> float:
    return seconds * 1000 / requests if requests else 0.0


CPU_NOTE = "CPU time per request, all processes of that kind; little affected by other load"


def load_figures(
    keys: tuple[str, str], names: tuple[str, str], what: tuple[str, str], a: Baseline,
    b: LoadResult, b_cpu: CpuUse,
) -> list[Figure]:  # fmt: skip
    """Baseline ``a`` and HTTP ``b`` side by side: (a)/(b), or (d)'s two halves."""
    (ka, kb), (na, nb), (wa, wb) = keys, names, what
    ratio = b.rps / a.rps if a.rps else 0.0
    requests = b.requests + b.errors
    return [
        Figure(f"{ka}_rps", f"{na} {wa}", a.rps, "req/s"),
        Figure(
            f"{ka}_db_cpu",
            f"{na} PostgreSQL CPU",
            _per_request_ms(a.cpu.db_s, a.requests),
            "ms/req",
        ),
        Figure(
            f"{ka}_client_cpu",
            f"{na} client CPU",
            _per_request_ms(a.cpu.app_s, a.requests),
            "ms/req",
        ),
        Figure(f"{kb}_rps", f"{nb} {wb}", b.rps, "req/s"),
        Figure(
            f"{kb}_ratio",
            f"{nb} / {na}",
            ratio * 100,
            "%",
            f">= {RATIO_TARGET:.0%}",
            ratio >= RATIO_TARGET,
        ),
        Figure(f"{kb}_p50", f"{nb} p50", b.p50_ms, "ms"),
        Figure(f"{kb}_p95", f"{nb} p95", b.p95_ms, "ms"),
        Figure(f"{kb}_p99", f"{nb} p99", b.p99_ms, "ms"),
        Figure(f"{kb}_errors", f"{nb} errors (non-200)", b.errors, "count", "= 0", b.errors == 0),
        Figure(
            f"{kb}_api_cpu",
            f"{nb} API CPU",
            _per_request_ms(b_cpu.app_s, requests),
            "ms/req",
            note=CPU_NOTE,
        ),
        Figure(
            f"{kb}_db_cpu", f"{nb} PostgreSQL CPU", _per_request_ms(b_cpu.db_s, requests), "ms/req"
        ),
    ]


def timed_figures(
    phase: str, what: str, name: str, key: str, t: Timed | None, target_ms: float
) -> list[Figure]:
    """p50/p95 of (c) or (e) for one subtree, PASS only if also error-free and consistent."""
    if t is None:
        note = "endpoint not present"
        return [
            Figure(f"{key}_p50", f"{phase} {name} {what} p50", None, "ms", note=note),
            Figure(f"{key}_p95", f"{phase} {name} {what} p95", None, "ms", f"< {target_ms:.0f}"),
        ]
    note = f"{t.count} timed, {t.errors} errors, total {t.total} (expected {t.expected})"
    ok = t.p95_ms < target_ms and t.errors == 0 and t.consistent
    return [
        Figure(f"{key}_p50", f"{phase} {name} {what} p50", t.p50_ms, "ms", note=note),
        Figure(
            f"{key}_p95", f"{phase} {name} {what} p95", t.p95_ms, "ms", f"< {target_ms:.0f}", ok
        ),
    ]


def totals_figures(m: dict[str, Any]) -> list[Figure]:
    district: Timed | None = m["e_district"]
    province: Timed | None = m["e_province"]
    out = timed_figures("(e)", "member totals", "district", "e_district", district, DISTRICT_P95_MS)
    out += timed_figures(
        "(e)", "member totals", "province", "e_province", province, PROVINCE_P95_MS
    )
    if district is not None and province is not None:
        ok = district.total is not None and province.total is not None
        ok = ok and district.consistent and province.consistent
        note = (
            f"API total vs count(*) of current affiliations: district {district.total} / "
            f"{district.expected}, province {province.total} / {province.expected}"
        )
        out.append(Figure("e_consistent", "(e) totals = recount", float(ok), "yes/no", "yes", ok))
        out[-1].note = note
    for name, r in (("district", m["recount_district"]), ("province", m["recount_province"])):
        if r.times_ms:
            note = f"{len(r.times_ms)} runs after one untimed: " + ", ".join(
                f"{x:.0f}" for x in r.times_ms
            )
            out.append(
                Figure(
                    f"e_recount_{name}_ms",
                    f"(e) raw recount, {name} (median)",
                    percentile(r.times_ms, 50),
                    "ms",
                    note=note + f" ms; {r.count:,} members",
                )
            )
    return out


# main -----------------------------------------------------------------------------------------


async def _busy(busy: dict[str, str], key: str, args: argparse.Namespace) -> None:
    busy[key] = f"{await wait_quiet(args.quiet_wait, key):.0%}"


async def measure(args: argparse.Namespace, data: Dataset, tmp: Path) -> dict[str, Any]:
    url = sqlalchemy_url(args.server, args.db)
    token = await issue_token(url, tmp, data.root_id)
    busy: dict[str, str] = {}
    m: dict[str, Any] = {"busy": busy}
    dsn = asyncpg_dsn(args.server, args.db)
    await _busy(busy, "a", args)
    print("(a) asyncpg baseline ...", flush=True)

    def org_loop(pool: asyncpg.Pool, seed: int, deadline: float) -> Awaitable[int]:
        return _lookup_loop(pool, data.ids, seed, deadline)

    m["a"] = await baseline(args.db, dsn, org_loop, args.concurrency, args.seconds)
    m["d_base"] = None
    if data.national_ids:
        await _busy(busy, "d asyncpg", args)
        print("(d) asyncpg baseline: lookup by id-number hash ...", flush=True)
        cipher = bench_cipher()

        def member_loop(pool: asyncpg.Pool, seed: int, deadline: float) -> Awaitable[int]:
            return _member_loop(pool, data.national_ids, cipher, seed, deadline)

        m["d_base"] = await baseline(args.db, dsn, member_loop, args.concurrency, args.seconds)
    await _busy(busy, "recount", args)
    print("(e) raw recounts of current affiliations ...", flush=True)
    m["recount_district"] = await recount(dsn, data.district_path, args.recount_runs)
    m["recount_province"] = await recount(dsn, data.root_path, args.recount_runs)
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and wrk_version() is not None)
    log = tmp / "server.log"
    async with running_server(
        url, tmp, data_key=BENCH_DATA_KEY, workers=args.workers, log=log
    ) as server:
        await http_phases(args, data, server, token, use_wrk, m)
    busy["end"] = f"{await wait_quiet(0, 'end'):.0%}"
    return m


async def http_phases(
    args: argparse.Namespace,
    data: Dataset,
    server: tuple[int, int],
    token: str,
    use_wrk: bool,
    m: dict[str, Any],
) -> None:
    """(b), (c), (d) over HTTP and (e), against the running server; results into ``m``."""
    port, busy = server[0], m["busy"]
    await _busy(busy, "b", args)
    print(f"(b) HTTP point reads ({'wrk' if use_wrk else 'built-in client'}) ...", flush=True)
    m["b"], m["b_cpu"] = await http_load(args, server, point_reads(data.ids), token, use_wrk)
    m["district"] = m["province"] = None
    if await has_route(port, COVERAGE_ROUTE):
        await _busy(busy, "c", args)
        print("(c) coverage ...", flush=True)
        m["district"] = await timed_gets(
            port,
            token,
            f"/api/v1/orgs/{data.district_id}/coverage",
            warmups=args.warmups,
            count=args.district_requests,
            expected=data.district_enterprises,
        )
        m["province"] = await timed_gets(
            port,
            token,
            f"/api/v1/orgs/{data.root_id}/coverage",
            warmups=args.warmups,
            count=args.province_requests,
            expected=data.enterprises,
        )
    else:
        print(f"(c) skipped: {COVERAGE_ROUTE} is not in the OpenAPI document", flush=True)
    m["d"] = m["d_cpu"] = None
    if m["d_base"] is not None and await has_route(port, LOOKUP_ROUTE):
        await _busy(busy, "d HTTP", args)
        print(
            f"(d) HTTP member lookups ({'wrk' if use_wrk else 'built-in client'}) ...", flush=True
        )
        load = member_lookups(data.national_ids)
        m["d"], m["d_cpu"] = await http_load(args, server, load, token, use_wrk)
    else:
        print("(d) skipped: no members, or no lookup route", flush=True)
    m["e_district"] = m["e_province"] = None
    if await has_route(port, TOTALS_ROUTE):
        await _busy(busy, "e", args)
        print("(e) member totals ...", flush=True)
        for name, org_id, requests, expected in (
            ("e_district", data.district_id, args.district_requests, m["recount_district"]),
            ("e_province", data.root_id, args.province_requests, m["recount_province"]),
        ):
            m[name] = await timed_gets(
                port,
                token,
                f"/api/v1/orgs/{org_id}/member-totals",
                warmups=args.warmups,
                count=requests,
                expected=expected.count,
            )
    else:
        print(f"(e) skipped: {TOTALS_ROUTE} is not in the OpenAPI document", flush=True)


def setup_facts(
    args: argparse.Namespace, data: Dataset, loadgen: str, busy: dict[str, str]
) -> dict[str, Any]:
    return {
        "database": args.db,
        "orgs": data.orgs,
        "enterprises": data.enterprises,
        "members": data.members,
        "district": f"{data.district_name} (id {data.district_id}): "
        f"{data.district_orgs:,} orgs, {data.district_enterprises:,} enterprises",
        "province_root_id": data.root_id,
        "duration_s": args.seconds,
        "concurrency": args.concurrency,
        "uvicorn_workers": args.workers,
        "random_ids": len(data.ids),
        "random_members_looked_up": len(data.national_ids),
        "timed_requests": f"(c) and (e): district {args.district_requests}, province "
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
    dsn = asyncpg_dsn(args.server, args.db)
    data = await load_dataset(dsn, args.ids, args.members_sample, args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="lj-bench-"))
    try:
        m = await measure(args, data, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    b: LoadResult = m["b"]
    figures = load_figures(
        ("a", "b"),
        ("(a)", "(b)"),
        ("asyncpg point lookup", "GET /orgs/{id}"),
        m["a"],
        b,
        m["b_cpu"],
    )
    figures += timed_figures(
        "(c)", "coverage", "district", "c_district", m["district"], DISTRICT_P95_MS
    )
    figures += timed_figures(
        "(c)", "coverage", "province", "c_province", m["province"], PROVINCE_P95_MS
    )
    if m["d"] is not None:
        figures += load_figures(
            ("d_base", "d"),
            ("(d) asyncpg", "(d) HTTP"),
            ("lookup by id hash", "POST /members:lookup"),
            m["d_base"],
            m["d"],
            m["d_cpu"],
        )
    figures += totals_figures(m)
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
