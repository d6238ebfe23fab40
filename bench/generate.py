"""Generate a province-sized organisation tree and its enterprises into a fresh PostgreSQL
database: create it, migrate it with Alembic to head, bulk load with COPY, VACUUM ANALYZE.

    .venv/bin/python bench/generate.py [--orgs 100000] [--enterprises 300000] [--db NAME]

Seeded, so the same arguments give the same data. See bench/README.md for the shape.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence

import asyncpg
from common import (
    DEFAULT_DB,
    DEFAULT_SERVER,
    ROOT,
    VENV_BIN,
    asyncpg_dsn,
    check_db_name,
    sqlalchemy_url,
)
from rows import (
    ASSIGNMENT_COLUMNS,
    ENTERPRISE_COLUMNS,
    INSTRUCTOR_COLUMNS,
    ORG_COLUMNS,
    Row,
    enterprise_rows,
    hosts,
    instructor_rows,
    org_rows,
)
from tree import build_tree

from app.domain.enterprises.model import is_valid_credit_code

TABLES = ["orgs", "instructors", "enterprises", "instructor_assignments"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--orgs", type=int, default=100_000, help="organisations (default 100000)")
    p.add_argument("--enterprises", type=int, default=300_000, help="enterprises (default 300000)")
    p.add_argument("--areas", type=int, default=16, help="district-level areas (default 16)")
    p.add_argument(
        "--db", default=DEFAULT_DB, help=f"database to (re)create (default {DEFAULT_DB})"
    )
    p.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server, no database")
    p.add_argument("--seed", type=int, default=20261122, help="random seed")
    return p.parse_args(argv)


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what:<44} {now - self.start:6.1f} s", flush=True)
        self.start = now


async def recreate_database(server: str, db: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{db}"')
    finally:
        await conn.close()


def migrate(server: str, db: str) -> None:
    env = {**os.environ, "DATABASE_URL": sqlalchemy_url(server, db)}
    subprocess.run(
        [str(VENV_BIN / "alembic"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


async def copy_table(
    conn: asyncpg.Connection, table: str, cols: list[str], rows: list[Row]
) -> None:
    await conn.copy_records_to_table(table, records=rows, columns=cols)
    await conn.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
    )


async def load(server: str, db: str, data: dict[str, tuple[list[str], list[Row]]]) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server, db))
    try:
        async with conn.transaction():
            for table in TABLES:
                cols, rows = data[table]
                await copy_table(conn, table, cols, rows)
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


def build_data(args: argparse.Namespace, timer: Timer) -> dict[str, tuple[list[str], list[Row]]]:
    rng = random.Random(args.seed)
    tree = build_tree(rng, args.orgs, args.areas)
    orgs = org_rows(rng, tree)
    timer.step(f"built {len(orgs):,} organisations")
    places = hosts(tree)
    instructors = instructor_rows(rng, places)
    enterprises, assignments = enterprise_rows(rng, places, args.enterprises)
    codes = {r[2] for r in enterprises}
    assert len(codes) == len(enterprises), "credit codes must be unique"
    assert all(is_valid_credit_code(str(c)) for c in codes), "invalid credit code"
    timer.step(f"built {len(enterprises):,} enterprises ({len(assignments):,} work-covered)")
    return {
        "orgs": (ORG_COLUMNS, orgs),
        "instructors": (INSTRUCTOR_COLUMNS, instructors),
        "enterprises": (ENTERPRISE_COLUMNS, enterprises),
        "instructor_assignments": (ASSIGNMENT_COLUMNS, assignments),
    }


async def summary(server: str, db: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server, db))
    try:
        rows = await conn.fetch(
            """
            SELECT o.id, o.name,
                   (SELECT count(*) FROM orgs d
                     WHERE d.path >= o.path AND d.path < left(o.path, -1) || '0') AS orgs,
                   (SELECT count(*) FROM enterprises e
                     WHERE e.org_path >= o.path AND e.org_path < left(o.path, -1) || '0') AS ents
            FROM orgs o WHERE o.depth <= 1 ORDER BY o.id
            """
        )
    finally:
        await conn.close()
    print(f"\n{'id':>6}  {'orgs':>7}  {'enterprises':>11}  name")
    for r in rows:
        print(f"{r['id']:>6}  {r['orgs']:>7,}  {r['ents']:>11,}  {r['name']}")


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    db = check_db_name(args.db)
    print(f"generating {args.orgs:,} orgs and {args.enterprises:,} enterprises into {db}")
    timer = Timer()
    data = build_data(args, timer)
    await recreate_database(args.server, db)
    migrate(args.server, db)
    timer.step("created database, migrated to head")
    await load(args.server, db, data)
    timer.step("COPY, VACUUM (ANALYZE)")
    await summary(args.server, db)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr.decode(errors="replace"))
        raise SystemExit(1) from exc
