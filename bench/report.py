"""Figures, machine facts, and the table / JSON / Markdown they are written as."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from common import RESULTS_DIR, ROOT

PACKAGES = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "pydantic", "uvloop"]


@dataclass
class Figure:
    key: str
    label: str
    value: float | None  # None: not measured (e.g. endpoint missing)
    unit: str
    target: str = ""
    passed: bool | None = None  # None: no target
    note: str = ""

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "yes/no":
            return "yes" if self.value else "no"
        if self.unit == "count":
            return f"{self.value:,.0f}"
        return f"{self.value:,.0f}" if abs(self.value) >= 100 else f"{self.value:,.2f}"

    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-"}[self.passed]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def _git_commit() -> str:
    """HEAD, marked when the served code (app/, migrations/) differs from it."""
    head = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "app", "migrations")
    return f"{head} + uncommitted changes in app/ or migrations/" if dirty else head


def machine_info(postgres_version: str, loadgen: str) -> dict[str, Any]:
    versions = {"python": platform.python_version(), "postgresql": postgres_version}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "date_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "git_commit": _git_commit(),
        "load_generator": loadgen,
        "versions": versions,
    }


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "target", "result")]
    rows += [(f.label, f.shown(), f.unit, f.target, f.verdict()) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(figures: list[Figure], info: dict[str, Any], setup: dict[str, Any]) -> str:
    out = [f"# Benchmark results ({info['date_utc']})", ""]
    out += ["| figure | value | unit | target | result | note |", "|---|---:|---|---|---|---|"]
    for f in figures:
        out.append(
            f"| {f.label} | {f.shown()} | {f.unit} | {f.target} | {f.verdict()} | {f.note} |"
        )
    out += ["", "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items() if k != "versions"]
    out += ["- versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())]
    out += ["", "## Setup", ""]
    out += [f"- {k}: {v}" for k, v in setup.items()]
    return "\n".join(out) + "\n"


def write(figures: list[Figure], info: dict[str, Any], setup: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {"machine": info, "setup": setup, "figures": [asdict(f) for f in figures]}
    path = RESULTS_DIR / f"{stamp}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    (RESULTS_DIR / "latest.md").write_text(markdown(figures, info, setup))
    return path
