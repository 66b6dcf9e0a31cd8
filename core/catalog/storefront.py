"""The catalog as a storefront shows it: pages of services on sale at one customer's price, categories.

Built on `queries.services_for_customer`, the same pricing path /api/v2 `services` uses, so a customer sees
one price whichever API they ask. The panel's own catalog is small (hundreds to a few thousand services),
so filtering and paging happen on that one list in memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.queries import ServiceOffer, services_for_customer
from core.orders.errors import UnknownService
from core.pagination import Page, PageRequest, page_of


@dataclass(frozen=True)
class Category:
    """A category with services on sale, and how many."""

    name: str
    services: int


def _matches(offer: ServiceOffer, category: str | None, search: str | None) -> bool:
    if category is not None and offer.category != category:
        return False
    return search is None or search.casefold() in offer.name.casefold()


async def offers_page(
    session: AsyncSession,
    request: PageRequest,
    *,
    discount_percent: Decimal,
    price_step: Decimal,
    category: str | None = None,
    search: str | None = None,
) -> Page[ServiceOffer]:
    """Services on sale, by id, optionally in one category or with `search` in the name."""
    offers = await services_for_customer(session, discount_percent=discount_percent, price_step=price_step)
    return page_of([offer for offer in offers if _matches(offer, category, search)], request)


async def offer(
    session: AsyncSession, service_id: int, *, discount_percent: Decimal, price_step: Decimal
) -> ServiceOffer:
    """One service on sale; a disabled or unknown service is `UnknownService`."""
    offers = await services_for_customer(session, discount_percent=discount_percent, price_step=price_step)
    for candidate in offers:
        if candidate.service_id == service_id:
            return candidate
    raise UnknownService()


async def categories_page(session: AsyncSession, request: PageRequest) -> Page[Category]:
    """Categories with at least one service on sale, by name."""
    offers = await services_for_customer(session, discount_percent=Decimal(0), price_step=Decimal(1))
    counts = Counter(offer.category for offer in offers)
    return page_of([Category(name, counts[name]) for name in sorted(counts)], request)
