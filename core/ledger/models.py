"""Ledger entries: append-only, signed, each with a unique idempotency key."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import AmountType, UTCDateTime, str_enum, utcnow


class EntryKind(StrEnum):
    """Why a balance changed."""

    DEPOSIT = "deposit"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


class LedgerEntry(Base):
    """One balance change. Never updated or deleted; the user's balance is the sum of these."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        CheckConstraint(
            "(kind = 'deposit' AND amount > 0) OR (kind = 'charge' AND amount < 0) "
            "OR (kind = 'refund' AND amount > 0) OR kind = 'adjustment'",
            name="sign_matches_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, 16))
    amount: Mapped[Decimal] = mapped_column(AmountType())
    balance_after: Mapped[Decimal] = mapped_column(AmountType())
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    memo: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"LedgerEntry(id={self.id!r}, kind={self.kind!r}, amount={self.amount!r})"
