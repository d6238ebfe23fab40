"""The one Settings object. Nothing else in the service reads os.environ."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "placeholder", "xxx"}


class Settings(BaseSettings):
    """Configuration from the environment (prefix ``LIANJIAN_``; ``DATABASE_URL`` also plain)."""

    model_config = SettingsConfigDict(env_prefix="LIANJIAN_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")

    # Persistence. SQLite is the embedded default; PostgreSQL is production.
    database_url: str = Field(
        default="",
        validation_alias="DATABASE_URL",
        description="SQLAlchemy async URL; empty means an SQLite file in data_dir.",
    )
    database_read_url: str = Field(
        default="",
        validation_alias="DATABASE_READ_URL",
        description="Optional read replica for read-only requests (analysts).",
    )
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pre_ping: bool = False

    # Tokens.
    jwt_issuer: str = "lianjian"
    jwt_audience: str = "lianjian-api"
    jwt_private_key_pem: str = Field(default="", description="Ed25519 private key, PEM.")
    access_token_minutes: int = 15
    refresh_token_days: int = 30

    # Personal data encryption (AES-256-GCM) and keyed lookup hashes.
    data_key: str = Field(default="", description="32 bytes, urlsafe base64; generated if empty.")

    # WeChat mini-program login.
    wechat_appid: str = "wx-demo-appid"
    wechat_secret: str = "wx-demo-secret"  # noqa: S105 (dev default; refused in production)
    wechat_base_url: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: float = 5.0

    # Login throttling (kept in the database so every replica sees the same counts).
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_window_minutes: int = 15

    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    metrics_enabled: bool = True
    otel_enabled: bool = False

    # Domain settings with the defaults of the Party constitution and work regulations.
    term_years_branch: int = 3
    term_years_general_branch: int = 3
    term_years_committee: int = 5

    # Funding pools: the largest spending request each role may approve, in yuan as a decimal
    # string; empty means no limit for that role.
    funds_approval_limit_park_admin: str = "50000.00"
    funds_approval_limit_street_admin: str = "500000.00"
    funds_approval_limit_district_admin: str = ""
    # What one enterprise may owe a mutual-aid pool at a time (approved plus outstanding), yuan.
    funds_loan_exposure_limit: str = "2000000.00"

    page_size_default: int = 50
    page_size_max: int = 200

    # Requests per minute per machine client on the sync endpoints (per API process; 0: off).
    sync_rate_limit_per_minute: int = 600

    graphql_max_depth: int = 10
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 2000

    @model_validator(mode="after")
    def _defaults_and_guards(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'lianjian.db'}"
        if self.env != "development":
            # Empty key settings are fine: a real key is generated into data_dir. A value that
            # looks like a placeholder is a deployment mistake, so refuse to start.
            for name in ("jwt_private_key_pem", "data_key"):
                value = getattr(self, name).strip().lower()
                if value and value in _PLACEHOLDERS:
                    raise ValueError(f"{name} is a placeholder; set a real secret or leave empty")
        if self.env == "production":
            secret = self.wechat_secret.strip().lower()
            if secret in _PLACEHOLDERS or secret.startswith("wx-demo"):
                raise ValueError("wechat_secret must be set to the real AppSecret in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
