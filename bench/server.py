"""The API under test: uvicorn in a subprocess on 127.0.0.1, stopped by its own process id."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from common import ROOT, VENV_BIN
from loadgen import HttpConnection

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, data_dir: Path, data_key: str) -> dict[str, str]:
    """The server's environment: the bench database, the shared data directory (its token
    signing key) and the data key the generator encrypted personal data with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANJIAN_")}
    env.pop("DATABASE_READ_URL", None)
    env.update(
        DATABASE_URL=database_url,
        LIANJIAN_DATA_DIR=str(data_dir),
        LIANJIAN_DATA_KEY=data_key,
        LIANJIAN_LOG_LEVEL="WARNING",
    )
    return env


def start(
    database_url: str, data_dir: Path, data_key: str, port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [
        str(VENV_BIN / "uvicorn"),
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with log.open("wb") as fh:
        # Its own session, so stopping it also reaches the worker processes it forks.
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=server_env(database_url, data_dir, data_key),
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:]


async def wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail(log)}")
        conn = HttpConnection(port, {}, timeout=2.0)
        try:
            status, _ = await conn.get("/readyz")
            if status == 200:
                return
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            await conn.close()
        await asyncio.sleep(0.25)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT:.0f} s:\n{tail(log)}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the group led by the server we started
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(STOP_TIMEOUT)


@asynccontextmanager
async def running_server(
    database_url: str, data_dir: Path, *, data_key: str, workers: int, log: Path
) -> AsyncIterator[tuple[int, int]]:
    """Start the API, wait for /readyz, yield (port, process group); always stop it."""
    port = free_port()
    proc = start(database_url, data_dir, data_key, port, workers, log)
    try:
        await wait_ready(proc, port, log)
        yield port, proc.pid
    finally:
        stop(proc)
