"""Load generators for the HTTP figures: wrk with a Lua script when installed, otherwise a small
HTTP/1.1 keep-alive client on raw asyncio streams. Both are closed-loop (each connection sends
its next request when the previous answer is in) and bounded in time and in request count."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MAX_REQUESTS = 5_000_000  # a hard cap on top of the duration for the built-in client
_JSON_LINE = re.compile(r"^BENCH-JSON (.*)$", re.MULTILINE)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    generator: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (any order); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Request:
    """One request the built-in client may send: GET without a body, or POST with JSON."""

    method: str
    path: str
    body: bytes | None = None

    @classmethod
    def get(cls, path: str) -> Request:
        return cls("GET", path)

    @classmethod
    def post_json(cls, path: str, doc: object) -> Request:
        return cls("POST", path, json.dumps(doc, separators=(",", ":")).encode())


class HttpConnection:
    """One HTTP/1.1 keep-alive connection to 127.0.0.1: GET, or POST with a JSON body."""

    def __init__(self, port: int, headers: dict[str, str], timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._head = f"Host: 127.0.0.1:{port}\r\n{extra}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _ensure_open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self._reader, self._writer

    async def get(self, path: str) -> tuple[int, bytes]:
        return await self.send(Request.get(path))

    async def send(self, request: Request) -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._send(request), self.timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            await self.close()
            raise

    async def _send(self, request: Request) -> tuple[int, bytes]:
        reader, writer = await self._ensure_open()
        line = f"{request.method} {request.path} HTTP/1.1\r\n".encode()
        if request.body is None:
            writer.write(line + self._head)
        else:
            length = len(request.body)
            writer.write(
                line
                + b"Content-Type: application/json\r\n"
                + f"Content-Length: {length}\r\n".encode()
                + self._head
                + request.body
            )
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        body = await (_read_chunked(reader) if chunked else reader.readexactly(length))
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            await reader.readline()
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


async def _worker(
    conn: HttpConnection, requests: list[Request], seed: int, deadline: float, out: Samples
) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline and len(out.latencies) < MAX_REQUESTS:
        start = time.perf_counter()
        try:
            status, _ = await conn.send(rng.choice(requests))
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            status = 0
        out.latencies.append(time.perf_counter() - start)
        if status != 200:
            out.errors += 1


async def run_builtin(
    port: int,
    requests: list[Request],
    headers: dict[str, str],
    *,
    connections: int,
    seconds: float,
) -> LoadResult:
    conns = [HttpConnection(port, headers) for _ in range(connections)]
    out = Samples()
    start = time.perf_counter()
    try:
        await asyncio.gather(
            *(_worker(c, requests, i, start + seconds, out) for i, c in enumerate(conns))
        )
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    elapsed = time.perf_counter() - start
    ms = [x * 1000 for x in out.latencies]
    return LoadResult(
        requests=len(ms) - out.errors,
        seconds=elapsed,
        errors=out.errors,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        generator="built-in asyncio HTTP/1.1 client",
    )


# One item per request: a path suffix for GET (appended to the prefix), a JSON body for POST
# (sent to the prefix). Each thread draws items at random, with its own seed.
_LUA = """
local items = {%(items)s}
local headers = {["Authorization"] = "Bearer %(token)s"}
local json_headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
local threads = {}
local counter = 0
bad = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed * 7919)
end

function request()
  local item = items[math.random(#items)]
  %(request)s
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local statuses = 0
  for _, t in ipairs(threads) do statuses = statuses + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %%d, "duration_us": %%d, "bad_status": %%d, "socket_errors": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, statuses, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_version() -> str | None:
    exe = shutil.which("wrk")
    if exe is None:
        return None
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, timeout=10)
    return (out.stdout + out.stderr).split("Copyright")[0].strip() or "wrk"


_GET = 'return wrk.format("GET", "%s" .. item, headers)'
_POST = 'return wrk.format("POST", "%s", json_headers, item)'


def _lua_string(value: str) -> str:
    assert all(32 <= ord(c) < 127 for c in value), "plain ASCII only"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(
    port: int,
    prefix: str,
    items: list[int] | list[str] | list[bytes],
    token: str,
    *,
    connections: int,
    threads: int,
    seconds: float,
    method: str = "GET",
) -> LoadResult:
    """GET ``prefix`` + a random item, or (``method="POST"``) POST a random item as the JSON
    body to ``prefix``."""
    exe = shutil.which("wrk")
    assert exe is not None
    texts = [i.decode() if isinstance(i, bytes) else str(i) for i in items]
    request = {"GET": _GET, "POST": _POST}[method] % prefix
    script = _LUA % {
        "items": ",".join(_lua_string(t) for t in texts),
        "token": token,
        "request": request,
    }
    with tempfile.TemporaryDirectory(prefix="lj-wrk-") as tmp:
        lua = Path(tmp) / "bench.lua"
        lua.write_text(script)
        cmd = [exe, f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s"]
        cmd += ["-s", str(lua), f"http://127.0.0.1:{port}/"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    match = _JSON_LINE.search(out.stdout)
    if out.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    data = json.loads(match.group(1))
    errors = int(data["bad_status"]) + int(data["socket_errors"])
    return LoadResult(
        requests=int(data["requests"]) - int(data["bad_status"]),
        seconds=int(data["duration_us"]) / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        generator=f"{wrk_version()} (-t{threads} -c{connections}, Lua script)",
    )
