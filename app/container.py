"""Process-wide services built once from Settings and shared by REST, GraphQL and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db.session import Database
from app.db.uow import SqlUnitOfWork
from app.domain.clock import Clock
from app.domain.funds.model import parse_money
from app.domain.policy import Policy
from app.security.crypto import DataCipher
from app.security.keys import load_data_key, load_signing_key
from app.security.tokens import TokenService
from app.settings import Settings


@dataclass
class Container:
    settings: Settings
    db: Database
    tokens: TokenService
    cipher: DataCipher
    policy: Policy
    clock: Clock = field(default_factory=Clock)

    def uow(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, readonly=readonly, clock=self.clock, policy=self.policy)

    async def close(self) -> None:
        await self.db.dispose()


def approval_limits(settings: Settings) -> dict[str, int]:
    """Per-role spending approval limits from the settings, in fen (empty: no limit)."""
    limits = {}
    for role in ("park_admin", "street_admin", "district_admin"):
        text = getattr(settings, f"funds_approval_limit_{role}").strip()
        if text:
            limits[role] = parse_money(text, pointer=f"/funds_approval_limit_{role}")
    return limits


def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    key = load_signing_key(settings.jwt_private_key_pem, settings.data_dir)
    tokens = TokenService(
        key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_minutes=settings.access_token_minutes,
    )
    policy = Policy(
        term_years_branch=settings.term_years_branch,
        term_years_general_branch=settings.term_years_general_branch,
        term_years_committee=settings.term_years_committee,
        page_size_max=settings.page_size_max,
        spending_approval_limits_fen=approval_limits(settings),
        loan_exposure_limit_fen=parse_money(
            settings.funds_loan_exposure_limit, pointer="/funds_loan_exposure_limit"
        ),
    )
    return Container(
        settings=settings,
        db=Database(
            settings.database_url,
            settings.database_read_url or None,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pre_ping=settings.db_pre_ping,
        ),
        tokens=tokens,
        cipher=DataCipher(load_data_key(settings.data_key, settings.data_dir)),
        policy=policy,
        clock=clock or Clock(),
    )
