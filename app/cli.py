"""The `lianjian` command: serve, migrate, seed-demo, export-openapi, issue-token,
expire-transfers, worker."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _alembic_config(settings: Settings):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", settings.database_url)
    return cfg


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from alembic import command

    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.revision.startswith("-") or args.down:
        command.downgrade(_alembic_config(settings), args.revision)
    else:
        command.upgrade(_alembic_config(settings), args.revision)
    print(f"database at {args.revision}: {_redact(settings.database_url)}")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from app.logging import configure

    configure(settings.log_level)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from app.exports import write_all
    from app.main import create_app

    app = create_app(settings)
    for path in write_all(app, settings, Path(args.root)):
        print(f"wrote {path}")
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    from app.demo import seed_demo

    summary = asyncio.run(seed_demo(settings, password=args.password))
    for line in summary:
        print(line)
    return 0


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    import datetime as dt

    from app.container import build_container
    from app.domain.auth.scopes import Role, scopes_for

    async def issue() -> str:
        c = build_container(settings)
        try:
            async with c.uow(readonly=True) as uow:
                org = await uow.orgs.get(args.org_id)
            if org is None:
                raise SystemExit(f"no organisation {args.org_id}")
        finally:
            await c.close()
        role = Role(args.role)
        scopes = set(args.scope) if args.scope else {s.value for s in scopes_for(role)}
        return c.tokens.issue(
            subject=args.subject or f"cli:{role.value}",
            role=role,
            scopes=scopes,
            org_id=org.id,
            ttl=dt.timedelta(minutes=args.minutes),
            enterprise_id=args.enterprise_id,
        ).token

    print(asyncio.run(issue()))
    return 0


def cmd_expire_transfers(settings: Settings, args: argparse.Namespace) -> int:
    from app.container import build_container
    from app.domain.auth.principal import SYSTEM
    from app.domain.members.transfers import expire_lapsed

    async def sweep() -> int:
        c = build_container(settings)
        total = 0
        try:
            while True:
                async with c.uow(readonly=False) as uow:
                    done = await expire_lapsed(uow, SYSTEM, limit=args.batch)
                total += len(done)
                if len(done) < args.batch:
                    return total
        finally:
            await c.close()

    print(f"expired {asyncio.run(sweep())} transfer(s)")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    import signal

    from app.container import build_container
    from app.logging import configure
    from app.worker import run

    configure(settings.log_level)

    async def main() -> None:
        c = build_container(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run(c, poll_seconds=args.poll, stop=stop)
        finally:
            await c.close()

    asyncio.run(main())
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lianjian", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the API (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="upgrade (or --down) the database schema")
    p.add_argument("revision", nargs="?", default="head")
    p.add_argument("--down", action="store_true", help="downgrade to the revision")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed-demo", help="load the demo district (idempotent)")
    p.add_argument(
        "--password",
        default="lianjian-demo",
        help="password of the demo accounts (development only)",
    )
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("export-openapi", help="write openapi/openapi.json and schema.graphql")
    p.add_argument("--root", default=".")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("issue-token", help="print an access token (operators, tests)")
    p.add_argument("--role", required=True)
    p.add_argument("--org-id", type=int, required=True)
    p.add_argument("--subject")
    p.add_argument("--scope", action="append", help="override the role's scopes")
    p.add_argument("--enterprise-id", type=int)
    p.add_argument("--minutes", type=int, default=60)
    p.set_defaults(func=cmd_token)

    p = sub.add_parser(
        "expire-transfers", help="store as expired the transfers whose letter ran out unreported"
    )
    p.add_argument("--batch", type=int, default=500)
    p.set_defaults(func=cmd_expire_transfers)
    p = sub.add_parser("worker", help="deliver webhooks from the change outbox")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between idle rounds")
    p.set_defaults(func=cmd_worker)

    args = parser.parse_args(argv)
    settings = Settings()
    result: int = args.func(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
