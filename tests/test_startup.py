"""The start-up path the README and docker-compose use: migrate, seed, then serve, as real
processes against a fresh database of the backend under test."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from tests.dbs import BACKEND, pg_admin, pg_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


async def test_migrate_seed_and_serve(tmp_path):
    name = f"lj_start_{uuid.uuid4().hex[:10]}"
    if BACKEND == "postgres":
        await pg_admin(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'start.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LIANJIAN_DATA_DIR": str(tmp_path / "data"),
        "LIANJIAN_LOG_LEVEL": "WARNING",
    }
    port = _free_port()
    server = None
    try:
        _run([str(BIN / "lianjian"), "migrate"], env)
        _run([str(BIN / "lianjian"), "seed-demo"], env)
        server = subprocess.Popen(
            [str(BIN / "lianjian"), "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = await client.get("/readyz")
                    if r.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready"
                await asyncio.sleep(0.3)
            assert r.json()["database"] == ("postgresql" if BACKEND == "postgres" else "sqlite")
            login = await client.post(
                "/api/v1/auth/token",
                json={"username": "district_admin", "password": "lianjian-demo"},
            )
            assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            orgs = await client.get(
                "/api/v1/orgs", params={"limit": 200}, headers={"Authorization": f"Bearer {token}"}
            )
            assert orgs.status_code == 200
            assert any(o["name"] == "城东工业园区党委" for o in orgs.json()["items"])
            assert (await client.get("/api/v1/orgs")).status_code == 401
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if BACKEND == "postgres":
            await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
