"""Test databases: one migrated template per run, one fresh copy per test.

LIANJIAN_TEST_DB selects the backend: "sqlite" (default) or "postgres". With postgres the
server must be reachable: a missing server fails the run, it never skips.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("LIANJIAN_TEST_DB", "sqlite")
PG_ADMIN_DSN = os.environ.get("LIANJIAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def pg_url(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class TemplateDb:
    """Migrated once; each test gets a copy."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.name = f"lj_tmpl_{uuid.uuid4().hex[:12]}"
        if BACKEND == "postgres":
            asyncio.run(pg_admin(f'CREATE DATABASE "{self.name}"'))
            self.url = pg_url(self.name)
        elif BACKEND == "sqlite":
            self.path = workdir / "template.db"
            self.url = f"sqlite+aiosqlite:///{self.path}"
        else:
            raise RuntimeError(f"LIANJIAN_TEST_DB must be sqlite or postgres, not {BACKEND!r}")
        command.upgrade(alembic_config(self.url), "head")

    async def copy(self) -> tuple[str, str]:
        name = f"lj_t_{uuid.uuid4().hex[:12]}"
        if BACKEND == "postgres":
            await pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            return name, pg_url(name)
        path = self.workdir / f"{name}.db"
        shutil.copyfile(self.path, path)
        return name, f"sqlite+aiosqlite:///{path}"

    async def drop(self, name: str) -> None:
        if BACKEND == "postgres":
            await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.workdir / f"{name}.db{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if BACKEND == "postgres":
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
