"""Data the adapters hand to the panel and receive from it.

Money is `Decimal`, provider ids are opaque `str` (some providers use `ord_01HG…`), and every value
object is frozen so the core can pass it around without defensive copies.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from providers.status import RefillStatus, UpstreamStatus


class ProviderServiceInfo(msgspec.Struct, frozen=True):
    """One service in a provider's catalog; `rate` is per 1000 units in the provider's currency."""

    external_id: str
    name: str
    type: str
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str | None


class OrderRequest(msgspec.Struct, frozen=True):
    """What to order from a provider. The adapter sends exactly the fields that are not None.

    `request_id` is an idempotency token; it is sent only to providers whose adapter settings name a
    request-id parameter (notpanel's `request_id`), because plain Perfect Panel has none.
    """

    external_service_id: str
    link: str | None = None
    quantity: int | None = None
    runs: int | None = None
    interval: int | None = None
    comments: str | None = None
    usernames: str | None = None
    hashtags: str | None = None
    hashtag: str | None = None
    username: str | None = None
    media: str | None = None
    keywords: str | None = None
    groups: str | None = None
    answer_number: str | None = None
    posts: int | None = None
    old_posts: int | None = None
    delay: int | None = None
    expiry: str | None = None
    min: int | None = None
    max: int | None = None
    country: str | None = None
    device: str | None = None
    type_of_traffic: str | None = None
    google_keyword: str | None = None
    referring_url: str | None = None
    request_id: str | None = None


# Fields of OrderRequest that are not `add` parameters under their own name.
_NOT_ADD_PARAMS = frozenset({"external_service_id", "request_id"})


def order_params(req: OrderRequest) -> dict[str, str]:
    """The `add` parameters of `req` (canonical PP names, string values), None fields left out."""
    params: dict[str, str] = {}
    for name in req.__struct_fields__:
        if name in _NOT_ADD_PARAMS:
            continue
        value = getattr(req, name)
        if value is not None:
            params[name] = str(value)
    return params


class PlacedOrder(msgspec.Struct, frozen=True):
    """The provider accepted an order and gave it this id."""

    provider_order_id: str


class OrderStatusInfo(msgspec.Struct, frozen=True):
    """An order's state at the provider. Numbers the provider did not give (or gave as text) are None."""

    status: UpstreamStatus
    raw_status: str
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str | None


class ItemError(msgspec.Struct, frozen=True):
    """The provider refused or did not recognise one item of a batch call."""

    message: str


class RefillInfo(msgspec.Struct, frozen=True):
    """A refill was accepted; the id is None when the provider confirmed without giving one."""

    provider_refill_id: str | None


class RefillStatusInfo(msgspec.Struct, frozen=True):
    """A refill's state at the provider."""

    status: RefillStatus
    raw_status: str


class CancelInfo(msgspec.Struct, frozen=True):
    """The provider's answer to a cancel request for one order."""

    accepted: bool
    message: str | None


class BalanceInfo(msgspec.Struct, frozen=True):
    """The panel's account balance at the provider, in the provider's currency."""

    balance: Decimal
    currency: str | None
