"""Ledger bench (issue 4): postings per second through the HTTP API next to a raw
conditional-update loop on the same database in the same run, then the drift check.

    .venv/bin/python bench/ledger.py [--seconds 10] [--concurrency 16] [--pools 4] [--workers 2]

(a) raw: asyncpg, ``concurrency`` tasks, each posting a contribution as the API's posting does
it, in one transaction: lock the pool row, move both balances with conditional updates, insert
the transaction and its two entries. No HTTP, auth, idempotency, audit or ORM.
(b) API: ``POST /api/v1/pools/{id}/contributions`` with a fresh ``Idempotency-Key`` each, over
``concurrency`` keep-alive connections, against the same few hot pools.
Afterwards every account balance must equal the sum of its entries and every transaction must
balance (drift 0). Writes ``bench/results/ledger-<UTC>.json`` and ``ledger-latest.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
from common import DEFAULT_SERVER, RESULTS_DIR, ROOT, asyncpg_dsn, check_db_name, sqlalchemy_url
from generate import migrate, recreate_database
from server import running_server

sys.path.insert(0, str(ROOT))

from app.container import build_container
from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role, scopes_for
from app.domain.funds import ledger
from app.domain.funds.ledger import NewContribution
from app.domain.funds.model import PoolPurpose, SourceKind
from app.domain.orgs import service as orgs
from app.domain.orgs.model import OrgKind
from app.domain.orgs.ports import NewOrg
from app.settings import Settings

DB = "lianjian_bench_ledger"
AMOUNT_FEN = 1234  # 12.34 a posting


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--pools", type=int, default=4)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--server", default=DEFAULT_SERVER)
    return p.parse_args()


def _org(parent: int | None, kind: OrgKind, name: str) -> NewOrg:
    return NewOrg(
        parent_id=parent,
        kind=kind,
        formation=None,
        name=name,
        short_name=None,
        code=None,
        address=None,
        established_on=None,
        contact_leader=None,
    )


async def set_up(url: str, data_dir: Path, pools: int) -> tuple[int, list[int], str]:
    """A district and a park with ``pools`` hot pools, each with one contribution (so its
    source account exists); a district admin's token for the server."""
    c = build_container(Settings(database_url=url, data_dir=data_dir))
    try:
        async with c.uow() as uow:
            district = await orgs.create_org(uow, SYSTEM, new=_org(None, OrgKind.DISTRICT, "区委"))
        async with c.uow() as uow:
            street = await orgs.create_org(
                uow, SYSTEM, new=_org(district.id, OrgKind.STREET, "街道")
            )
        async with c.uow() as uow:
            park = await orgs.create_org(uow, SYSTEM, new=_org(street.id, OrgKind.PARK, "园区"))
        ids = []
        for n in range(pools):
            async with c.uow() as uow:
                pool = await ledger.create_pool(
                    uow,
                    SYSTEM,
                    org_id=park.id,
                    name=f"hot pool {n}",
                    purpose=PoolPurpose.SPECIAL_FUND,
                    categories=None,
                )
            async with c.uow() as uow:
                await ledger.contribute(
                    uow,
                    SYSTEM,
                    pool_id=pool.id,
                    new=NewContribution(
                        amount="1.00", source_kind=SourceKind.STREET_FINANCE, voucher="seed"
                    ),
                )
            ids.append(pool.id)
        token = c.tokens.issue(
            subject="user:bench",
            role=Role.DISTRICT_ADMIN,
            scopes={s.value for s in scopes_for(Role.DISTRICT_ADMIN)},
            org_id=district.id,
            ttl=dt.timedelta(hours=2),
        ).token
    finally:
        await c.close()
    return district.id, ids, token


async def accounts_of(conn: asyncpg.Connection, pool_id: int) -> tuple[int, int]:
    rows = await conn.fetch(
        "SELECT id, kind FROM fund_accounts WHERE pool_id = $1 AND kind IN ('pool', 'source')",
        pool_id,
    )
    by_kind = {r["kind"]: r["id"] for r in rows}
    return by_kind["pool"], by_kind["source"]


RAW_POST = """
WITH tx AS (
  INSERT INTO fund_transactions (pool_id, kind, amount_fen, source_kind, voucher, on_date,
                                 actor, created_at)
  VALUES ($1, 'contribution', $2, 'street_finance', 'raw', current_date, 'bench:raw', now())
  RETURNING id)
SELECT id FROM tx
"""


async def raw_loop(
    pool: asyncpg.Pool, accounts: dict[int, tuple[int, int]], seed: int, deadline: float
) -> int:
    done = 0
    pools = list(accounts)
    for n in itertools.count(seed):
        if time.perf_counter() >= deadline:
            break
        pool_id = pools[n % len(pools)]
        cash, source = accounts[pool_id]
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT id FROM fund_pools WHERE id = $1 FOR UPDATE", pool_id)
            src_after = await conn.fetchval(
                "UPDATE fund_accounts SET balance_fen = balance_fen - $2 WHERE id = $1 "
                "AND (kind NOT IN ('pool', 'loans_receivable') OR balance_fen >= $2) "
                "RETURNING balance_fen",
                source,
                AMOUNT_FEN,
            )
            cash_after = await conn.fetchval(
                "UPDATE fund_accounts SET balance_fen = balance_fen + $2 WHERE id = $1 "
                "RETURNING balance_fen",
                cash,
                AMOUNT_FEN,
            )
            tx_id = await conn.fetchval(RAW_POST, pool_id, AMOUNT_FEN)
            await conn.executemany(
                "INSERT INTO fund_entries (transaction_id, account_id, amount_fen, "
                "balance_after_fen, on_date, created_at) VALUES ($1, $2, $3, $4, current_date, "
                "now())",
                [(tx_id, source, -AMOUNT_FEN, src_after), (tx_id, cash, AMOUNT_FEN, cash_after)],
            )
        done += 1
    return done


async def raw(dsn: str, accounts: dict[int, tuple[int, int]], conc: int, seconds: float) -> float:
    pool = await asyncpg.create_pool(dsn, min_size=conc, max_size=conc)
    try:
        await raw_loop_for(pool, accounts, conc, 2.0)  # warm-up
        start = time.perf_counter()
        n = await raw_loop_for(pool, accounts, conc, seconds)
        return n / (time.perf_counter() - start)
    finally:
        await pool.close()


async def raw_loop_for(
    pool: asyncpg.Pool, accounts: dict[int, tuple[int, int]], conc: int, seconds: float
) -> int:
    deadline = time.perf_counter() + seconds
    counts = await asyncio.gather(*[raw_loop(pool, accounts, i, deadline) for i in range(conc)])
    return sum(counts)


class PostConnection:
    """One HTTP/1.1 keep-alive connection that POSTs JSON."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, key: str) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def http_loop(
    port: int, token: str, pools: list[int], seed: int, deadline: float, statuses: dict[int, int]
) -> None:
    conn = PostConnection(port, token)
    body = json.dumps(
        {"amount": "12.34", "source_kind": "street_finance", "voucher": "http"}
    ).encode()
    try:
        for n in itertools.count():
            if time.perf_counter() >= deadline:
                break
            pool_id = pools[(seed + n) % len(pools)]
            status = await conn.post(
                f"/api/v1/pools/{pool_id}/contributions", body, f"b-{seed}-{n}-{time.time_ns()}"
            )
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        await conn.close()


async def http(
    port: int, token: str, pools: list[int], conc: int, seconds: float
) -> tuple[float, dict[int, int]]:
    warm: dict[int, int] = {}
    deadline = time.perf_counter() + 2.0
    await asyncio.gather(
        *[http_loop(port, token, pools, i * 1000, deadline, warm) for i in range(conc)]
    )
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *[http_loop(port, token, pools, 10**6 + i * 10**5, deadline, statuses) for i in range(conc)]
    )
    elapsed = time.perf_counter() - start
    return statuses.get(201, 0) / elapsed, statuses


DRIFT = """
SELECT
  (SELECT count(*) FROM fund_accounts a
     WHERE a.balance_fen <> coalesce((SELECT sum(amount_fen) FROM fund_entries e
                                      WHERE e.account_id = a.id), 0)) AS drifting_accounts,
  (SELECT count(*) FROM (SELECT transaction_id FROM fund_entries GROUP BY transaction_id
                         HAVING sum(amount_fen) <> 0) t) AS unbalanced_transactions,
  (SELECT count(*) FROM fund_accounts WHERE kind IN ('pool', 'loans_receivable')
                                        AND balance_fen < 0) AS negative_assets,
  (SELECT count(*) FROM fund_transactions) AS transactions,
  (SELECT coalesce(sum(balance_fen), 0) FROM fund_accounts) AS books_total
"""


async def main() -> None:
    args = parse_args()
    db = check_db_name(DB)
    dsn = asyncpg_dsn(args.server, db)
    url = sqlalchemy_url(args.server, db)
    await recreate_database(args.server, db)
    migrate(args.server, db)
    with tempfile.TemporaryDirectory(prefix="lj-ledger-bench-") as tmp:
        data_dir = Path(tmp)
        _, pools, token = await set_up(url, data_dir, args.pools)
        conn = await asyncpg.connect(dsn)
        accounts = {p: await accounts_of(conn, p) for p in pools}
        await conn.close()
        print(f"raw conditional-update loop: {args.concurrency} tasks, {args.seconds:.0f} s ...")
        raw_rate = await raw(dsn, accounts, args.concurrency, args.seconds)
        print(f"  {raw_rate:8.1f} postings/s")
        log = data_dir / "server.log"
        async with running_server(url, data_dir, workers=args.workers, log=log) as (port, _):
            print(f"HTTP API: {args.concurrency} connections, {args.workers} workers ...")
            api_rate, statuses = await http(port, token, pools, args.concurrency, args.seconds)
        print(f"  {api_rate:8.1f} postings/s  statuses {statuses}")
        conn = await asyncpg.connect(dsn)
        drift = dict(await conn.fetchrow(DRIFT))
        await conn.close()
    ratio = api_rate / raw_rate if raw_rate else 0.0
    print(f"API / raw = {ratio:.1%}; drift {drift}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    result: dict[str, Any] = {
        "at": stamp,
        "raw_postings_per_s": round(raw_rate, 1),
        "api_postings_per_s": round(api_rate, 1),
        "ratio": round(ratio, 4),
        "statuses": statuses,
        "drift": {k: int(v) for k, v in drift.items()},
        "setup": vars(args) | {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"ledger-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS_DIR / "ledger-latest.md").write_text(
        "# Ledger bench (latest)\n\n"
        f"Run {stamp} on {os.cpu_count()} CPUs (shared), {args.pools} hot pools, "
        f"{args.concurrency} concurrent clients, {args.workers} API workers, "
        f"{args.seconds:.0f} s each.\n\n"
        "| measure | postings/s |\n|---|---|\n"
        f"| (a) raw asyncpg conditional-update loop | {raw_rate:.1f} |\n"
        f"| (b) HTTP `POST /pools/{{id}}/contributions` | {api_rate:.1f} |\n"
        f"| (b) / (a) | {ratio:.1%} |\n\n"
        f"Drift after the run: {result['drift']} (all but `transactions` must be 0).\n"
    )


if __name__ == "__main__":
    asyncio.run(main())
