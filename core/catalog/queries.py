"""The catalog as one customer sees it: enabled services at that customer's price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.pricing.domain import customer_rate
from providers.service_types import normalise_service_type


@dataclass(frozen=True)
class ServiceOffer:
    """One service on sale: `rate` is per 1000 units in the panel currency, after this customer's discount."""

    service_id: int
    name: str
    type: str
    category: str
    rate: Decimal
    min_quantity: int
    max_quantity: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str | None


async def services_for_customer(
    session: AsyncSession, *, discount_percent: Decimal, price_step: Decimal
) -> list[ServiceOffer]:
    """Every enabled service, by id, priced for a customer with this discount."""
    services = await session.scalars(select(Service).where(Service.enabled.is_(True)).order_by(Service.id))
    return [
        ServiceOffer(
            service_id=service.id,
            name=service.name,
            type=normalise_service_type(service.type),
            category=service.category,
            rate=customer_rate(service.rate, discount_percent, price_step),
            min_quantity=service.min_quantity,
            max_quantity=service.max_quantity,
            refill=service.refill,
            cancel=service.cancel,
            dripfeed=service.dripfeed,
            description=service.description or None,
        )
        for service in services
    ]
