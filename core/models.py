"""Every ORM model, imported so that `Base.metadata` knows all tables (Alembic and tests use this)."""

from core.catalog.models import CatalogChange, ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection
from core.db.base import Base
from core.ledger.models import LedgerEntry
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.pricing.models import ExchangeRate, PricingRule
from core.scheduling.models import Lease
from core.users.models import ApiKey, User

__all__ = [
    "ApiKey",
    "Base",
    "CancelRequest",
    "CatalogChange",
    "ExchangeRate",
    "Lease",
    "LedgerEntry",
    "Order",
    "OrderEvent",
    "PricingRule",
    "ProviderConnection",
    "ProviderService",
    "Refill",
    "Service",
    "ServiceRoute",
    "User",
]
