"""The rules a Perfect Panel applies to `add`, for the simulated provider and the fake server.

Messages use PP's wording (reference §1.8, §6.3) so the adapters' classification is exercised for real.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from providers.dto import ProviderServiceInfo
from providers.service_types import ServiceType, add_fields, normalise_service_type

AMOUNT_STEP = Decimal("0.00001")  # PP shows charges and balances with 5 decimal places


class AddRefused(Exception):
    """The simulated provider refuses this `add`; the message is what a PP panel would answer."""


class AcceptedAdd(msgspec.Struct, frozen=True):
    """An `add` that passed the rules: how many units it buys and what it costs."""

    quantity: int
    charge: Decimal


_LIST_SPLIT = re.compile(r"\r\n|\n")
# Types whose price is a flat `rate` for the whole package rather than per 1000 units.
_PACKAGES = frozenset({ServiceType.PACKAGE.value, ServiceType.CUSTOM_COMMENTS_PACKAGE.value})
# Types whose quantity is the number of list items the customer sent.
_COUNTED = {
    ServiceType.CUSTOM_COMMENTS.value: "comments",
    ServiceType.COMMENT_REPLIES.value: "comments",
    ServiceType.MENTIONS_CUSTOM_LIST.value: "usernames",
}


def list_items(text: str, *, commas: bool = False) -> list[str]:
    """Items of a list parameter split on \\r\\n or \\n (and commas for usernames), blanks dropped."""
    parts = _LIST_SPLIT.split(text)
    if commas:
        parts = [p for part in parts for p in part.split(",")]
    return [p.strip() for p in parts if p.strip()]


def _positive_int(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


def check_add(service: ProviderServiceInfo, params: Mapping[str, str]) -> AcceptedAdd:
    """Apply PP's `add` rules to canonical-named `params`; raises `AddRefused` with PP's message."""
    service_type = normalise_service_type(service.type)
    fields = add_fields(service_type)
    if "link" in fields.required:
        link = params.get("link", "").strip()
        if not link or any(c.isspace() for c in link):
            raise AddRefused("Bad link")
    missing = sorted(f for f in fields.required - {"link", "quantity"} if not params.get(f, "").strip())
    if missing:
        raise AddRefused("Incorrect request")
    if service_type in _PACKAGES:
        return AcceptedAdd(quantity=1, charge=service.rate.quantize(AMOUNT_STEP, ROUND_HALF_UP))
    if service_type in _COUNTED:
        name = _COUNTED[service_type]
        quantity: int | None = len(list_items(params[name], commas=name == "usernames"))
    elif service_type == ServiceType.SUBSCRIPTIONS.value:
        quantity = _positive_int(params, "max")
    else:
        quantity = _positive_int(params, "quantity")
    if quantity is None or quantity < service.min:
        raise AddRefused(f"Quantity less than minimal {service.min}")
    if quantity > service.max:
        raise AddRefused(f"Quantity more than maximum {service.max}")
    units = quantity
    runs = _positive_int(params, "runs")
    if runs is not None and runs > 1:
        if not service.dripfeed:
            raise AddRefused("Drip-feed is not available for this service")
        units = quantity * runs
    charge = (service.rate * units / 1000).quantize(AMOUNT_STEP, ROUND_HALF_UP)
    return AcceptedAdd(quantity=units, charge=charge)
