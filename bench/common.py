"""Shared by generate.py and run.py: paths, connection strings, the bench database's name."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = ROOT / ".venv" / "bin"

DEFAULT_DB = "lianjian_bench"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"

# Only databases named like this are ever created or dropped by the bench.
_SAFE_NAME = re.compile(r"^lianjian_bench[a-z0-9_]*$")


def check_db_name(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise SystemExit(f"refusing database name {name!r}: it must match {_SAFE_NAME.pattern}")
    return name


def asyncpg_dsn(server: str, db: str) -> str:
    return f"{server.rstrip('/')}/{db}"


def sqlalchemy_url(server: str, db: str) -> str:
    return asyncpg_dsn(server, db).replace("postgresql://", "postgresql+asyncpg://", 1)


# The data key the bench encrypts and hashes personal data with (generate.py) and hands to the
# server and the token issuer (run.py), so both read the same ciphertexts and hashes. 32 bytes,
# urlsafe base64, as LIANJIAN_DATA_KEY expects. Fixed and public: bench data only, never a
# deployment's key.
BENCH_DATA_KEY = "SvOKYW4CKafem9dTtezBabJxud7W1P37MhNBaW-d-tI"
