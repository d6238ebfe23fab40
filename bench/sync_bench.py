"""Roster sync on PostgreSQL: import 100,000 members through the bulk path vs a raw COPY of the
same rows, re-sync them unchanged (zero rows written), and catch the change feed up.

    .venv/bin/python -m bench.sync_bench [--members 100000] [--server postgresql://…]

Creates and drops its own database (lianjian_bench_sync); prints the figures as JSON and writes
them to bench/results/sync.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from app.container import build_container
from app.db.models import AuditRow, ChangeOutboxRow, ClientExternalIdRow, MemberRow
from app.domain.auth.principal import SYSTEM, Principal
from app.domain.auth.scopes import Role
from app.domain.members.model import NATIONAL_ID_CONTEXT, national_id_check_char
from app.domain.orgs import service as orgs
from app.domain.orgs.model import Formation, OrgKind
from app.domain.orgs.ports import NewOrg
from app.domain.sync import batch, clients, feed
from app.domain.sync.model import BATCH_MAX, RowStatus
from app.settings import Settings
from bench.common import DEFAULT_SERVER, RESULTS_DIR, ROOT, asyncpg_dsn, check_db_name

DB = check_db_name("lianjian_bench_sync")


def _org(
    parent: int | None, kind: OrgKind, name: str, formation: Formation | None = None
) -> NewOrg:
    return NewOrg(
        parent_id=parent,
        kind=kind,
        formation=formation,
        name=name,
        short_name=None,
        code=None,
        address=None,
        established_on=None,
        contact_leader=None,
    )


def member_rows(n: int, branch_ids: list[int]) -> list[dict[str, Any]]:
    base = dt.date(1960, 1, 1)
    rows = []
    for i in range(n):
        birth = base + dt.timedelta(days=i // 1000)
        body = f"350526{birth:%Y%m%d}{i % 1000:03d}"
        rows.append(
            {
                "external_id": f"DH-{i:07d}",
                "name": f"党员{i}",
                "gender": "female" if i % 2 else "male",
                "birth_date": birth.isoformat(),
                "national_id": body + national_id_check_char(body),
                "join_date": "2010-07-01",
                "status": "full",
                "full_member_date": "2011-07-01",
                "phone": f"139{i:08d}",
                "org_id": branch_ids[i % len(branch_ids)],
            }
        )
    return rows


async def counts(c: Any) -> dict[str, int]:
    out = {}
    async with c.db.read_sessions() as s:
        for t in (MemberRow, AuditRow, ChangeOutboxRow, ClientExternalIdRow):
            out[t.__tablename__] = int(
                (await s.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
            )
    return out


async def run_batches(c: Any, actor: Principal, rows: list[dict[str, Any]]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for start in range(0, len(rows), BATCH_MAX):
        async with c.uow() as uow:
            result = await batch.upsert_members(
                uow, actor, rows=rows[start : start + BATCH_MAX], dry_run=False, cipher=c.cipher
            )
        for status in RowStatus:
            tally[status.value] = tally.get(status.value, 0) + result.count(status)
    return tally


async def copy_baseline(dsn: str, c: Any, rows: list[dict[str, Any]]) -> float:
    """COPY of the same members (already encrypted, as the bulk path stores them) into a
    table shaped like members, with its indexes."""
    records = []
    now = dt.datetime.now(dt.UTC)
    for i, r in enumerate(rows, start=1):
        nid = r["national_id"]
        records.append(
            (
                i,
                r["name"],
                r["gender"],
                dt.date.fromisoformat(r["birth_date"]),
                None,
                None,
                None,
                None,
                dt.date.fromisoformat(r["join_date"]),
                dt.date.fromisoformat(r["full_member_date"]),
                r["status"],
                c.cipher.encrypt(nid, context=NATIONAL_ID_CONTEXT),
                c.cipher.lookup_hash(nid, context=NATIONAL_ID_CONTEXT),
                c.cipher.encrypt(r["phone"], context="member.phone"),
                c.cipher.lookup_hash(r["phone"], context="member.phone"),
                r["org_id"],
                "/1/",
                1,
                now,
                now,
            )
        )
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE copy_members (LIKE members INCLUDING ALL)")
        cols = [
            "id", "name", "gender", "birth_date", "ethnicity", "education", "specialty",
            "employer_enterprise_id", "join_date", "full_member_date", "status",
            "national_id_enc", "national_id_hash", "phone_enc", "phone_hash", "org_id",
            "org_path", "version", "created_at", "updated_at",
        ]  # fmt: skip
        t0 = time.perf_counter()
        await conn.copy_records_to_table("copy_members", records=records, columns=cols)
        return time.perf_counter() - t0
    finally:
        await conn.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--server", default=DEFAULT_SERVER)
    args = ap.parse_args()
    admin = await asyncpg.connect(asyncpg_dsn(args.server, "postgres"))
    await admin.execute(f"DROP DATABASE IF EXISTS {DB}")
    await admin.execute(f"CREATE DATABASE {DB}")
    dsn = asyncpg_dsn(args.server, DB)
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    await asyncio.to_thread(command.upgrade, cfg, "head")
    tmp = Path(tempfile.mkdtemp(prefix="lianjian-sync-bench-"))
    c = build_container(Settings(env="test", database_url=url, data_dir=tmp, log_level="WARNING"))
    try:
        async with c.uow() as uow:
            district = await orgs.create_org(uow, SYSTEM, new=_org(None, OrgKind.DISTRICT, "区委"))
        async with c.uow() as uow:
            park = await orgs.create_org(uow, SYSTEM, new=_org(district.id, OrgKind.PARK, "园区"))
        branches = []
        for b in range(100):
            async with c.uow() as uow:
                org = await orgs.create_org(
                    uow,
                    SYSTEM,
                    new=_org(park.id, OrgKind.BRANCH, f"支部{b}", Formation.JOINT),
                )
            branches.append(org.id)
        async with c.uow() as uow:
            issued = await clients.register_client(
                uow,
                SYSTEM,
                org_id=district.id,
                name="bench",
                scopes=["members:write", "members:read", "sync:write", "changes:read"],
                cipher=c.cipher,
            )
        actor = Principal(
            subject=f"client:{issued.client.id}",
            role=Role.SYNC_CLIENT,
            scopes=issued.client.scopes,
            org_id=district.id,
        )
        rows = member_rows(args.members, branches)

        t0 = time.perf_counter()
        first = await run_batches(c, actor, rows)
        t_import = time.perf_counter() - t0
        before = await counts(c)
        t0 = time.perf_counter()
        second = await run_batches(c, actor, rows)
        t_resync = time.perf_counter() - t0
        after = await counts(c)
        t_copy = await copy_baseline(dsn, c, rows)

        # Transaction ids are cluster-wide: another database's open transaction holds the
        # horizon back, so the catch-up waits for it (waiting time reported apart).
        target = first["created"] + len(branches) + 2
        since, changes, pages, busy, waited = None, 0, 0, 0.0, 0.0
        while changes < target and waited < 120:
            t0 = time.perf_counter()
            async with c.uow(readonly=True) as uow:
                page = await feed.read_changes(uow, actor, since=since, limit=1000)
            busy += time.perf_counter() - t0
            changes += len(page.items)
            pages += 1
            since = page.next_cursor
            if not page.has_more and changes < target:
                await asyncio.sleep(0.2)
                waited += 0.2
        t_feed = busy

        figures = {
            "members": args.members,
            "import_results": first,
            "import_seconds": round(t_import, 2),
            "copy_seconds": round(t_copy, 2),
            "import_vs_copy": round(t_copy / t_import, 3),
            "resync_results": second,
            "resync_seconds": round(t_resync, 2),
            "resync_vs_copy": round(t_copy / t_resync, 3),
            "resync_rows_written": sum(after.values()) - sum(before.values()),
            "feed_changes": changes,
            "feed_pages": pages,
            "feed_seconds": round(t_feed, 2),
            "feed_changes_per_second": round(changes / t_feed),
            "feed_waited_for_horizon_seconds": round(waited, 1),
        }
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "sync.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    finally:
        await c.close()
        await admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
