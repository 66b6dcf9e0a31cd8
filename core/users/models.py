"""Users (customers and admins) and their API keys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base
from core.db.types import AmountType, PercentType, UTCDateTime, str_enum, utcnow


class Role(StrEnum):
    """What a user may do: customers order, admins run the panel."""

    CUSTOMER = "customer"
    ADMIN = "admin"


class User(Base):
    """A customer or admin with a prepaid balance; the balance is a cache of the ledger's sum."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        # Only sign checks on scaled columns: on SQLite they hold integers × 10**places, so a literal
        # upper bound such as 100 would mean something else there. The service validates the range.
        CheckConstraint("discount_percent >= 0", name="discount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[Role] = mapped_column(
        str_enum(Role, 16),
        default=Role.CUSTOMER,
    )
    balance: Mapped[Decimal] = mapped_column(AmountType(), default=Decimal(0))
    discount_percent: Mapped[Decimal] = mapped_column(PercentType(), default=Decimal(0))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="user", lazy="raise")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, role={self.role!r})"


class ApiKey(Base):
    """A customer's API key, stored only as its SHA-256 hash plus a short visible prefix."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="api_keys", lazy="raise")

    def __repr__(self) -> str:
        return f"ApiKey(id={self.id!r}, prefix={self.prefix!r}, revoked={self.revoked_at is not None})"
