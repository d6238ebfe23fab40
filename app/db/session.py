"""Engines and session factories.

Two engines: one for writes and one for reads. They point at the same database unless a read
replica is configured. On SQLite the write engine opens every transaction with
``BEGIN IMMEDIATE``, so two writers queue for the lock at the start instead of failing on
upgrade half-way through; reads stay deferred and never block writers under WAL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _sqlite_engine(url: str, *, immediate: bool) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so we can choose BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(
    url: str,
    *,
    write: bool,
    pool_size: int = 10,
    max_overflow: int = 10,
    pre_ping: bool = False,
) -> AsyncEngine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, immediate=write)
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # A ping is a round trip on every checkout; recycling and the readiness probe cover
        # restarts instead (LIANJIAN_DB_PRE_PING turns it back on, see docs/deploy.md).
        pool_pre_ping=pre_ping,
        pool_recycle=1800,
        connect_args={
            # Subtree ranges vary from one branch to a whole province; a generic plan chosen
            # for one is bad for the other, so every execution is planned for its parameters.
            "server_settings": {"plan_cache_mode": "force_custom_plan"},
        },
    )
    if not write:
        # Reads need no BEGIN/ROLLBACK round trips: each statement reads its own snapshot.
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


class Database:
    """Owns the engines for one process; sessions come from here."""

    def __init__(
        self,
        url: str,
        read_url: str | None = None,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        pre_ping: bool = False,
    ) -> None:
        self.url = url
        self.write_engine = make_engine(
            url, write=True, pool_size=pool_size, max_overflow=max_overflow, pre_ping=pre_ping
        )
        self.read_engine = make_engine(
            read_url or url,
            write=False,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pre_ping=pre_ping,
        )
        self.write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    def session(self, *, readonly: bool) -> AsyncSession:
        return (self.read_sessions if readonly else self.write_sessions)()

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        await self.read_engine.dispose()
