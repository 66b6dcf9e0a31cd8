"""Column types that keep money exact and time zone-aware on both PostgreSQL and SQLite.

PostgreSQL stores money as NUMERIC. SQLite has no exact decimal type (its NUMERIC affinity silently turns
'0.1' into a float), so there the same columns hold integers scaled by 10**places: sums, comparisons and
the conditional balance update stay exact. Consequence: never multiply or divide two money columns in SQL;
money arithmetic beyond + and − happens in Python, in core.money.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Enum, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.money import AMOUNT_PLACES, FX_PLACES, RATE_PLACES, MoneyError, to_decimal

_INT64_MAX = 2**63 - 1


class _ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places: NUMERIC on PostgreSQL, a scaled integer on SQLite."""

    impl = Numeric
    cache_ok = True
    places: int = AMOUNT_PLACES
    precision: int = 20

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.places, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = to_decimal(value)
        quantum = Decimal(1).scaleb(-self.places)
        stored = number.quantize(quantum)
        if stored != number:
            raise MoneyError(f"{number} has more than {self.places} decimal places")
        if dialect.name == "sqlite":
            scaled = int(stored.scaleb(self.places))
            if abs(scaled) > _INT64_MAX:
                raise MoneyError(f"{number} is too large to store with {self.places} decimal places")
            return scaled
        return stored

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.places)
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.places).quantize(quantum)
        return Decimal(value).quantize(quantum)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class AmountType(_ScaledDecimal):
    """Balances, charges, refunds and costs: 5 places."""

    places = AMOUNT_PLACES
    cache_ok = True


class RateType(_ScaledDecimal):
    """Prices per 1000 units: 6 places."""

    places = RATE_PLACES
    cache_ok = True


class FxRateType(_ScaledDecimal):
    """Exchange rates: panel currency per one unit of another currency, 10 places."""

    places = FX_PLACES
    precision = 24
    cache_ok = True


class PercentType(_ScaledDecimal):
    """Markup and discount percentages: 4 places."""

    places = 4
    precision = 9
    cache_ok = True


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("expected a datetime")
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def __repr__(self) -> str:
        return "UTCDateTime()"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def str_enum(enum: type[Any], length: int = 20) -> Enum:
    """A StrEnum stored as its value in a VARCHAR with a CHECK constraint (portable, no native enum)."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
