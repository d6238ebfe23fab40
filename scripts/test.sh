#!/usr/bin/env bash
# Set up and run the whole test suite: lint, types, then every test on SQLite and PostgreSQL.
# PostgreSQL is required: when it cannot be reached the run fails (it never skips).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export LIANJIAN_TEST_PG=${LIANJIAN_TEST_PG:-postgresql://postgres@127.0.0.1:5432/postgres}
.venv/bin/python - <<'PY'
import asyncio, os, sys
import asyncpg
async def main():
    try:
        conn = await asyncpg.connect(os.environ["LIANJIAN_TEST_PG"], timeout=10)
        await conn.close()
    except Exception as exc:
        sys.exit(f"PostgreSQL is required for the test suite and is not reachable: {exc}")
asyncio.run(main())
PY
.venv/bin/ruff check app tests bench
.venv/bin/mypy
echo "== tests on SQLite"
LIANJIAN_TEST_DB=sqlite .venv/bin/pytest "$@"
echo "== tests on PostgreSQL"
LIANJIAN_TEST_DB=postgres .venv/bin/pytest "$@"
