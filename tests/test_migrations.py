"""Every revision upgrades and downgrades on the backend under test, and the models match."""

from __future__ import annotations

import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import models  # noqa: F401
from app.db.base import Base
from tests.dbs import BACKEND, alembic_config, pg_admin, pg_url


async def _diff(url: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(tmp_path):
    name = f"lj_mig_{uuid.uuid4().hex[:10]}"
    if BACKEND == "postgres":
        await pg_admin(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'mig.db'}"
    cfg = alembic_config(url)
    try:
        import asyncio

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, command.upgrade, cfg, "head")
        assert await _diff(url) == [], "models and migrations disagree"
        await loop.run_in_executor(None, command.downgrade, cfg, "base")
        await loop.run_in_executor(None, command.upgrade, cfg, "head")
        assert await _diff(url) == []
    finally:
        if BACKEND == "postgres":
            await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
