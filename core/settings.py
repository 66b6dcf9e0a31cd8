"""Settings from the environment (prefix PANEL_). No configuration at all means the embedded default."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED_DATABASE_URL = "sqlite+aiosqlite:///panel.db"


class Settings(BaseSettings):
    """Every knob of the panel. Read once per process with `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix="PANEL_", extra="ignore")

    database_url: str = Field(
        default=EMBEDDED_DATABASE_URL,
        description="SQLAlchemy async URL; sqlite+aiosqlite:///file or postgresql+asyncpg://...",
    )
    broker_url: str | None = Field(
        default=None, description="redis://... or amqp://...; unset runs workers inside `panel serve`"
    )
    api_dialect: Literal["seed", "perfectpanel"] = Field(
        default="seed", description="response shapes of /api/v2"
    )
    currency: str = Field(default="USD", min_length=3, max_length=3, description="the panel's currency")
    price_step: Decimal = Field(
        default=Decimal("0.0001"), gt=0, description="sell rates are rounded up to a multiple of this"
    )
    default_markup_percent: Decimal = Field(
        default=Decimal("30"), ge=0, description="markup when no pricing rule matches"
    )
    status_sync_seconds: float = Field(default=60, gt=0)
    catalog_sync_seconds: float = Field(default=3600, gt=0)
    balance_check_seconds: float = Field(default=600, gt=0)
    sweep_seconds: float = Field(default=30, gt=0)
    provider_timeout_seconds: float = Field(
        default=30, gt=0, description="total deadline of one upstream call"
    )
    broker_namespace: str = Field(
        default="panel",
        pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$",
        description="prefix of the broker's queues (and Redis keys), so several panels can share a broker",
    )
    embedded_workers: bool = Field(
        default=True,
        description="without a broker, run the workers and the scheduler inside `panel serve`",
    )
    worker_threads: int = Field(default=8, ge=1, le=256, description="jobs one `panel worker` runs at once")
    status_sync_concurrency: int = Field(
        default=8, ge=1, le=64, description="status batches in flight per provider during a sync"
    )
    stall_margin_seconds: float = Field(
        default=60,
        gt=0,
        description="a dispatch silent for the provider deadline plus this long is presumed dead (sweep)",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    log_level: str = "INFO"
    log_json: bool = False
    cors_origins: list[str] = Field(default_factory=list)

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    def __repr__(self) -> str:
        # Database and broker URLs may carry passwords; never print them.
        return f"Settings(dialect={self.api_dialect!r}, currency={self.currency!r}, sqlite={self.is_sqlite})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
