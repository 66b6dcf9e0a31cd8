"""Provider services, panel services, the routes between them, and the catalog change log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import RateType, UTCDateTime, str_enum, utcnow


class RoutingPolicy(StrEnum):
    """How dispatch orders a service's routes."""

    PRIORITY = "priority"
    CHEAPEST = "cheapest"


class ProviderService(Base):
    """One entry of a provider's catalog as last seen by catalog sync; `rate` is in the provider's currency."""

    __tablename__ = "provider_services"
    __table_args__ = (
        UniqueConstraint("provider_id", "external_id"),
        CheckConstraint("min_quantity >= 0 AND max_quantity >= min_quantity", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(100), default="Default")
    category: Mapped[str] = mapped_column(String(300), default="")
    rate: Mapped[Decimal] = mapped_column(RateType())
    min_quantity: Mapped[int] = mapped_column(default=1)
    max_quantity: Mapped[int] = mapped_column(default=1)
    refill: Mapped[bool] = mapped_column(default=False)
    cancel: Mapped[bool] = mapped_column(default=False)
    dripfeed: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"ProviderService(id={self.id!r}, provider_id={self.provider_id!r}, external_id={self.external_id!r})"


class Service(Base):
    """What the panel sells. `rate` is the current sell rate per 1000 in the panel's currency.

    A service imported from a provider service follows that service's name, category, type, limits and
    flags at each catalog sync, except the fields listed in `overridden_fields`.
    """

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("min_quantity >= 0 AND max_quantity >= min_quantity", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(300), default="", index=True)
    type: Mapped[str] = mapped_column(String(100), default="Default")
    min_quantity: Mapped[int] = mapped_column(default=1)
    max_quantity: Mapped[int] = mapped_column(default=1)
    description: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    refill: Mapped[bool] = mapped_column(default=False)
    cancel: Mapped[bool] = mapped_column(default=False)
    dripfeed: Mapped[bool] = mapped_column(default=False)
    rate: Mapped[Decimal] = mapped_column(RateType(), default=Decimal(0))
    pinned_rate: Mapped[Decimal | None] = mapped_column(RateType())
    routing_policy: Mapped[RoutingPolicy] = mapped_column(
        str_enum(RoutingPolicy, 16),
        default=RoutingPolicy.PRIORITY,
    )
    source_provider_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider_services.id", ondelete="SET NULL")
    )
    overridden_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Service(id={self.id!r}, name={self.name!r}, enabled={self.enabled!r})"


class ServiceRoute(Base):
    """A provider service that can fulfil a panel service; lower priority numbers are tried first."""

    __tablename__ = "service_routes"
    __table_args__ = (UniqueConstraint("service_id", "provider_service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    provider_service_id: Mapped[int] = mapped_column(
        ForeignKey("provider_services.id", ondelete="CASCADE"), index=True
    )
    priority: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"ServiceRoute(id={self.id!r}, service_id={self.service_id!r}, priority={self.priority!r})"


class CatalogChange(Base):
    """What catalog sync (or the margin guard) changed: one row per field per service."""

    __tablename__ = "catalog_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    provider_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider_services.id", ondelete="CASCADE")
    )
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(1000))
    new_value: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"CatalogChange(id={self.id!r}, kind={self.kind!r})"
