"""A configured upstream provider: which adapter speaks to it, where, with which key."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import AmountType, UTCDateTime, utcnow


class ProviderConnection(Base):
    """An upstream provider account. The API key is a secret: it never appears in reprs or logs."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    adapter_key: Mapped[str] = mapped_column(String(100))
    base_url: Mapped[str] = mapped_column(String(2000))
    api_key: Mapped[str] = mapped_column(String(500))
    currency: Mapped[str] = mapped_column(String(3))
    enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    balance: Mapped[Decimal | None] = mapped_column(AmountType())
    balance_currency: Mapped[str | None] = mapped_column(String(3))
    balance_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"ProviderConnection(id={self.id!r}, name={self.name!r}, adapter={self.adapter_key!r})"
