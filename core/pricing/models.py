"""Markup rules at four scopes and exchange rates to the panel currency."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import FxRateType, PercentType, RateType, UTCDateTime, str_enum, utcnow


class RuleScope(StrEnum):
    """How specific a markup rule is; the most specific matching rule wins."""

    SERVICE = "service"
    CATEGORY = "category"
    PROVIDER = "provider"
    GLOBAL = "global"


class PricingRule(Base):
    """Markup: sell = cost × (1 + percent/100) + fixed_per_1000, for one scope target."""

    __tablename__ = "pricing_rules"
    # The percent is validated (>= -100) by the service, not by a CHECK: on SQLite the column holds a
    # scaled integer, so a literal bound would mean something else there.
    __table_args__ = (UniqueConstraint("scope", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[RuleScope] = mapped_column(str_enum(RuleScope, 16))
    # The scope's target as text: a service id, a category name, a provider id, or "" for global.
    target: Mapped[str] = mapped_column(String(300), default="")
    percent: Mapped[Decimal] = mapped_column(PercentType(), default=Decimal(0))
    fixed_per_1000: Mapped[Decimal] = mapped_column(RateType(), default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"PricingRule(scope={self.scope!r}, target={self.target!r}, percent={self.percent!r})"


class ExchangeRate(Base):
    """How many units of the panel currency one unit of `currency` buys."""

    __tablename__ = "exchange_rates"
    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(FxRateType())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"ExchangeRate(currency={self.currency!r}, rate={self.rate!r})"
