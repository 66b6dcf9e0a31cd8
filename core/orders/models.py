"""Orders, their event trail, refills and cancel requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import AmountType, FxRateType, UTCDateTime, str_enum, utcnow
from core.orders.domain import CancelState, OrderState, RefillState


class Order(Base):
    """A customer's order: what was bought, what it cost them, where it went and how it stands.

    `charge` is what the customer paid; `refunded` caches the refunds in the ledger for this order.
    `cost`, `cost_currency` and `exchange_rate` freeze what the provider charged us at dispatch time.
    """

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("user_id", "client_request_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("charge >= 0", name="charge_not_negative"),
        CheckConstraint("refunded >= 0 AND refunded <= charge", name="refund_within_charge"),
        Index("ix_orders_state_next_check_at", "state", "next_check_at"),
        Index("ix_orders_provider_state", "provider_id", "state"),
        Index("ix_orders_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    route_id: Mapped[int | None] = mapped_column(ForeignKey("service_routes.id", ondelete="SET NULL"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    provider_service_id: Mapped[int | None] = mapped_column(ForeignKey("provider_services.id"))
    provider_order_id: Mapped[str | None] = mapped_column(String(100))
    link: Mapped[str | None] = mapped_column(String(2000))
    quantity: Mapped[int]
    runs: Mapped[int | None]
    interval: Mapped[int | None]
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    charge: Mapped[Decimal] = mapped_column(AmountType())
    refunded: Mapped[Decimal] = mapped_column(AmountType(), default=Decimal(0))
    cost: Mapped[Decimal | None] = mapped_column(AmountType())
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal | None] = mapped_column(FxRateType())
    provider_charge: Mapped[Decimal | None] = mapped_column(AmountType())
    state: Mapped[OrderState] = mapped_column(str_enum(OrderState), default=OrderState.QUEUED)
    raw_status: Mapped[str | None] = mapped_column(String(100))
    status_flagged: Mapped[bool] = mapped_column(default=False)
    start_count: Mapped[int | None]
    remains: Mapped[int | None]
    client_request_id: Mapped[str | None] = mapped_column(String(200))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    dispatch_attempts: Mapped[int] = mapped_column(default=0)
    submit_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"Order(id={self.id!r}, state={self.state!r}, charge={self.charge!r})"


class OrderEvent(Base):
    """The audit trail of an order: claims, attempts per route, status changes, refunds, admin actions."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"OrderEvent(order_id={self.order_id!r}, kind={self.kind!r})"


class Refill(Base):
    """A customer's refill request for an order, forwarded to the order's provider by the workers."""

    __tablename__ = "refills"
    __table_args__ = (Index("ix_refills_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    provider_refill_id: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[RefillState] = mapped_column(str_enum(RefillState), default=RefillState.REQUESTED)
    raw_status: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Refill(id={self.id!r}, order_id={self.order_id!r}, state={self.state!r})"


class CancelRequest(Base):
    """A customer's cancel request; the refund comes only when the provider's status says Canceled."""

    __tablename__ = "cancel_requests"
    __table_args__ = (Index("ix_cancel_requests_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    state: Mapped[CancelState] = mapped_column(str_enum(CancelState), default=CancelState.REQUESTED)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"CancelRequest(id={self.id!r}, order_id={self.order_id!r}, state={self.state!r})"
