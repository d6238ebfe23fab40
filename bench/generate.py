"""Generate a province-sized organisation tree, its enterprises and its members into a fresh
PostgreSQL database: create it, migrate it with Alembic to head, bulk load with COPY, VACUUM
ANALYZE.

    .venv/bin/python bench/generate.py [--orgs 100000] [--enterprises 300000]
                                       [--members 1000000] [--db NAME]

Seeded, so the same arguments give the same data. See bench/README.md for the shape.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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
from members import (
    AFFILIATION_COLUMNS,
    MEMBER_COLUMNS,
    Placement,
    allocate,
    bench_cipher,
    holders,
    member_rows,
    members_rng,
    national_id,
    placements,
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
from tree import Node, build_tree

from app.domain.enterprises.model import is_valid_credit_code
from app.domain.members.model import validate_national_id

TABLES = ["orgs", "instructors", "enterprises", "instructor_assignments"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--orgs", type=int, default=100_000, help="organisations (default 100000)")
    p.add_argument("--enterprises", type=int, default=300_000, help="enterprises (default 300000)")
    p.add_argument("--members", type=int, default=1_000_000, help="members (default 1000000)")
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


async def set_sequence(conn: asyncpg.Connection, table: str) -> None:
    await conn.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
    )


MEMBER_TABLES = ["members", "member_affiliations"]


async def drop_secondary(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and indexes of ``tables`` (not their primary
    keys) and return the statements that recreate them exactly: building an index once over a
    million rows, and checking a foreign key in one join, beats doing both row by row in COPY."""
    constraints = await conn.fetch(
        """
        SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def
        FROM pg_constraint
        WHERE conrelid::regclass::text = ANY($1::text[]) AND contype IN ('f', 'u')
        ORDER BY contype DESC, conname
        """,
        tables,
    )  # unique constraints ('u') before foreign keys ('f') when recreating
    indexes = await conn.fetch(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ANY($1::text[])
          AND indexname NOT IN (SELECT conname FROM pg_constraint)
        ORDER BY indexname
        """,
        tables,
    )
    for c in reversed(constraints):
        await conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in indexes:
        await conn.execute(f'DROP INDEX "{i["indexname"]}"')
    return [i["indexdef"] for i in indexes] + [
        f'ALTER TABLE {c["tbl"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}' for c in constraints
    ]


@dataclass
class Data:
    tables: dict[str, tuple[list[str], list[Row]]]
    members: Iterator[tuple[list[Row], list[Row]]]  # (members, affiliations), built lazily
    member_count: int


async def load(server: str, db: str, data: Data, timer: Timer) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server, db))
    try:
        async with conn.transaction():
            for table in TABLES:
                cols, rows = data.tables[table]
                await copy_table(conn, table, cols, rows)
                await set_sequence(conn, table)
            timer.step("COPY organisations and enterprises")
            recreate = await drop_secondary(conn, MEMBER_TABLES)
            building = copying = 0.0
            done = 0
            while True:
                t0 = time.perf_counter()
                chunk = next(data.members, None)
                t1 = time.perf_counter()
                building += t1 - t0
                if chunk is None:
                    break
                members, affiliations = chunk
                await copy_table(conn, "members", MEMBER_COLUMNS, members)
                await copy_table(conn, "member_affiliations", AFFILIATION_COLUMNS, affiliations)
                copying += time.perf_counter() - t1
                done += len(members)
                if done % 200_000 < len(members):
                    print(f"    {done:,} / {data.member_count:,} members", flush=True)
            for table in ("members", "member_affiliations"):
                await set_sequence(conn, table)
            print(
                f"  members: {building:.1f} s building rows (incl. encryption), "
                f"{copying:.1f} s COPY",
                flush=True,
            )
            timer.step(f"built and copied {done:,} members")
            await conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in recreate:
                await conn.execute(statement)
            timer.step(f"members: {len(recreate)} indexes and constraints")
        await conn.execute("VACUUM (ANALYZE)")
        timer.step("VACUUM (ANALYZE)")
    finally:
        await conn.close()


def build_data(args: argparse.Namespace, timer: Timer) -> Data:
    rng = random.Random(args.seed)
    mrng = members_rng(args.seed)  # its own stream: orgs and enterprises stay as they were
    tree = build_tree(rng, args.orgs, args.areas)
    holding = holders(tree)
    counts = allocate(mrng, holding, args.members)
    orgs = org_rows(rng, tree, {n.id: c for n, c in zip(holding, counts, strict=True) if c})
    timer.step(f"built {len(orgs):,} organisations")
    places = hosts(tree)
    instructors = instructor_rows(rng, places)
    enterprises, assignments = enterprise_rows(rng, places, args.enterprises)
    codes = {r[2] for r in enterprises}
    assert len(codes) == len(enterprises), "credit codes must be unique"
    assert all(is_valid_credit_code(str(c)) for c in codes), "invalid credit code"
    timer.step(f"built {len(enterprises):,} enterprises ({len(assignments):,} work-covered)")
    slots = member_slots(mrng, holding, counts, orgs, enterprises)
    timer.step(f"placed {len(slots):,} members in {sum(1 for c in counts if c):,} orgs")
    return Data(
        tables={
            "orgs": (ORG_COLUMNS, orgs),
            "instructors": (INSTRUCTOR_COLUMNS, instructors),
            "enterprises": (ENTERPRISE_COLUMNS, enterprises),
            "instructor_assignments": (ASSIGNMENT_COLUMNS, assignments),
        },
        members=member_rows(mrng, slots, bench_cipher()),
        member_count=len(slots),
    )


def member_slots(
    rng: random.Random,
    holding: list[Node],
    counts: list[int],
    orgs: list[Row],
    enterprises: list[Row],
) -> list[Placement]:
    """Where member 1, 2, ... sits: shuffled, as registrations arrive (the heap is not
    clustered by organisation)."""
    established: dict[int, dt.date] = {}
    for org_id, on in ((r[0], r[10]) for r in orgs):
        assert isinstance(org_id, int) and isinstance(on, dt.date)
        established[org_id] = on
    enterprises_at: dict[int, list[int]] = {}
    for ent_id, host_id in ((r[0], r[9]) for r in enterprises):
        assert isinstance(ent_id, int) and isinstance(host_id, int)
        enterprises_at.setdefault(host_id, []).append(ent_id)
    slots = placements(holding, counts, established, enterprises_at)
    rng.shuffle(slots)
    ids = [national_id(i) for i in range(1, len(slots) + 1)]
    assert len(set(ids)) == len(ids), "national id numbers must be unique"
    assert all(validate_national_id(v) == v for v in ids[::97]), "invalid national id number"
    return slots


async def summary(server: str, db: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server, db))
    try:
        rows = await conn.fetch(
            """
            SELECT o.id, o.name,
                   (SELECT count(*) FROM orgs d
                     WHERE d.path >= o.path AND d.path < left(o.path, -1) || '0') AS orgs,
                   (SELECT count(*) FROM enterprises e
                     WHERE e.org_path >= o.path AND e.org_path < left(o.path, -1) || '0') AS ents,
                   (SELECT coalesce(sum(d.member_count), 0) FROM orgs d
                     WHERE d.path >= o.path AND d.path < left(o.path, -1) || '0') AS members
            FROM orgs o WHERE o.depth <= 1 ORDER BY o.id
            """
        )
    finally:
        await conn.close()
    print(f"\n{'id':>6}  {'orgs':>7}  {'enterprises':>11}  {'members':>9}  name")
    for r in rows:
        print(f"{r['id']:>6}  {r['orgs']:>7,}  {r['ents']:>11,}  {r['members']:>9,}  {r['name']}")


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    db = check_db_name(args.db)
    print(
        f"generating {args.orgs:,} orgs, {args.enterprises:,} enterprises and "
        f"{args.members:,} members into {db}"
    )
    timer = Timer()
    began = time.perf_counter()
    data = build_data(args, timer)
    await recreate_database(args.server, db)
    migrate(args.server, db)
    timer.step("created database, migrated to head")
    await load(args.server, db, data, timer)
    print(f"  {'total':<44} {time.perf_counter() - began:6.1f} s", flush=True)
    await summary(args.server, db)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr.decode(errors="replace"))
        raise SystemExit(1) from exc
