"""Pure rules for an `add` request: read the raw parameters of one service type into an order spec.

Every value arrives as text (form, query or JSON, already merged by the API). What a type needs comes
from `core.catalog.domain.TYPE_RULES`; this module decides how each parameter is read, what the billable
quantity is, and how a retried request is recognised (its fingerprint).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.catalog.domain import LIST_PARAMETERS, TypeRule, rule_for, split_list
from core.orders.domain import billable_units
from core.orders.errors import (
    BadLink,
    BadParameter,
    NotAvailable,
    QuantityAboveMaximum,
    QuantityBelowMinimum,
    UnknownService,
)

MAX_LINK_LENGTH = 2000  # the orders.link column
MAX_TEXT_LENGTH = 1000  # one-value text parameters: username, hashtag, media, country...
MAX_LIST_LENGTH = 100_000  # a list parameter as sent: 1500 comments of ~60 characters fit easily
MAX_REQUEST_ID_LENGTH = 200  # the orders.client_request_id column
MAX_RUNS = 1000
MAX_INTERVAL_MINUTES = 43_200  # 30 days between runs
SUBSCRIPTIONS_UNAVAILABLE = "Subscriptions are not available through the API yet"

# Every parameter an `add` may carry beyond key and action; the fingerprint covers exactly these.
ADD_PARAMETERS = (
    "service",
    "link",
    "quantity",
    "runs",
    "interval",
    "comments",
    "usernames",
    "hashtags",
    "hashtag",
    "username",
    "media",
    "keywords",
    "groups",
    "answer_number",
    "posts",
    "old_posts",
    "delay",
    "expiry",
    "min",
    "max",
    "country",
    "device",
    "type_of_traffic",
    "google_keyword",
    "referring_url",
)

# Parameters read into dedicated order columns rather than into `params`.
_COLUMNS = frozenset({"link", "quantity", "runs", "interval"})
# Parameters that are small enumerations: value → allowed range (reference §1.3, Web Traffic).
_CHOICES: dict[str, range] = {"device": range(1, 6), "type_of_traffic": range(1, 4)}
_WHOLE = re.compile(r"^[+-]?\d{1,18}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ServiceTerms:
    """What intake needs to know about the service being ordered."""

    type: str
    min_quantity: int
    max_quantity: int
    dripfeed: bool


@dataclass(frozen=True)
class OrderSpec:
    """A validated order: what the Order row stores and how many units the customer pays for.

    `quantity` is what the provider receives per run (1 for packages, the number of lines for list-counted
    types); `params` holds the type's other parameters under their `OrderRequest` names, lists joined
    with "\\n".
    """

    link: str | None
    quantity: int
    runs: int | None
    interval: int | None
    units: int
    is_package: bool
    params: dict[str, str] = field(default_factory=dict)


def _present(raw: Mapping[str, str], name: str) -> str | None:
    """The trimmed value of a parameter, or None when it is absent or blank (PHP forms send blanks)."""
    value = raw.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_service_id(raw: str | None) -> int:
    """The service id as an integer; anything else is an unknown service."""
    value = (raw or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise UnknownService()
    return int(value)


def client_request_id(param: str | None, header: str | None) -> str | None:
    """The client's idempotency token: the `request_id` parameter, else the `Idempotency-Key` header."""
    value = (param or "").strip() or (header or "").strip()
    if not value:
        return None
    if len(value) > MAX_REQUEST_ID_LENGTH:
        raise BadParameter(f"request_id is longer than {MAX_REQUEST_ID_LENGTH} characters")
    if _CONTROL_OR_NEWLINE.search(value):
        raise BadParameter("request_id contains control characters")
    return value


def fingerprint(raw: Mapping[str, str]) -> str:
    """SHA-256 of the normalised `add` parameters: equal for a faithful retry, different otherwise."""
    normal = {}
    for name in ADD_PARAMETERS:
        value = _present(raw, name)
        if value is not None:
            normal[name] = value.replace("\r\n", "\n")
    encoded = json.dumps(normal, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _whole(raw: Mapping[str, str], name: str) -> int | None:
    value = _present(raw, name)
    if value is None:
        return None
    if not _WHOLE.match(value):
        raise BadParameter(f"{name} must be a whole number")
    return int(value)


def _link(raw: Mapping[str, str]) -> str:
    value = _present(raw, "link")
    if value is None:
        raise BadLink()
    if len(value) > MAX_LINK_LENGTH:
        raise BadLink(f"longer than {MAX_LINK_LENGTH} characters")
    if _CONTROL_OR_NEWLINE.search(value):
        raise BadLink("contains control characters")
    return value


def _list(raw: Mapping[str, str], name: str, *, required: bool) -> list[str]:
    value = raw.get(name) or ""
    if len(value) > MAX_LIST_LENGTH:
        raise BadParameter(f"{name} is longer than {MAX_LIST_LENGTH} characters")
    if _CONTROL.search(value):
        raise BadParameter(f"{name} contains control characters")
    items = split_list(value, allow_commas=name == "usernames")
    if required and not items:
        raise BadParameter(f"{name} is required")
    return items


def _text(raw: Mapping[str, str], name: str, *, required: bool) -> str | None:
    if name in _CHOICES or name == "answer_number":
        number = _whole(raw, name)
        if number is None:
            if required:
                raise BadParameter(f"{name} is required")
            return None
        allowed = _CHOICES.get(name)
        if (allowed is not None and number not in allowed) or number < 1:
            raise BadParameter(f"{name} is out of range")
        return str(number)
    value = _present(raw, name)
    if value is None:
        if required:
            raise BadParameter(f"{name} is required")
        return None
    if len(value) > MAX_TEXT_LENGTH:
        raise BadParameter(f"{name} is longer than {MAX_TEXT_LENGTH} characters")
    if _CONTROL_OR_NEWLINE.search(value):
        raise BadParameter(f"{name} contains control characters")
    return value


def _params(rule: TypeRule, raw: Mapping[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The type's non-column parameters as stored, and the list parameters as items (for counting)."""
    params: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for name in (*rule.required, *rule.optional):
        if name in _COLUMNS:
            continue
        required = name in rule.required
        if name in LIST_PARAMETERS:
            items = _list(raw, name, required=required)
            if items:
                lists[name] = items
                params[name] = "\n".join(items)
            continue
        value = _text(raw, name, required=required)
        if value is not None:
            params[name] = value
    # Web Traffic: the keyword or referrer is required by the traffic type chosen (reference §1.3).
    if params.get("type_of_traffic") == "1" and "google_keyword" not in params:
        raise BadParameter("google_keyword is required when type_of_traffic is 1")
    if params.get("type_of_traffic") == "2" and "referring_url" not in params:
        raise BadParameter("referring_url is required when type_of_traffic is 2")
    return params, lists


def _quantity(rule: TypeRule, raw: Mapping[str, str], lists: Mapping[str, list[str]]) -> int:
    if rule.quantity_from == "package":
        return 1
    if rule.quantity_from in LIST_PARAMETERS:
        return len(lists.get(rule.quantity_from, ()))
    quantity = _whole(raw, "quantity")
    if quantity is None:
        raise BadParameter("quantity is required")
    return quantity


def _check_range(terms: ServiceTerms, quantity: int) -> None:
    minimum = max(terms.min_quantity, 1)
    if quantity < minimum:
        raise QuantityBelowMinimum(minimum)
    if quantity > terms.max_quantity:
        raise QuantityAboveMaximum(terms.max_quantity)


def _drip_feed(rule: TypeRule, terms: ServiceTerms, raw: Mapping[str, str]) -> tuple[int | None, int | None]:
    """`runs` and `interval`, both or neither; only where the type and the service allow drip-feed."""
    runs, interval = _whole(raw, "runs"), _whole(raw, "interval")
    if runs is None and interval is None:
        return None, None
    if "runs" not in rule.optional or not terms.dripfeed:
        raise BadParameter("drip-feed (runs, interval) is not available for this service")
    if runs is None or interval is None:
        raise BadParameter("drip-feed needs both runs and interval")
    if not 1 <= runs <= MAX_RUNS:
        raise BadParameter(f"runs must be between 1 and {MAX_RUNS}")
    if not 1 <= interval <= MAX_INTERVAL_MINUTES:
        raise BadParameter(f"interval must be between 1 and {MAX_INTERVAL_MINUTES} minutes")
    return runs, interval


def read_order_spec(terms: ServiceTerms, raw: Mapping[str, str]) -> OrderSpec:
    """Validate an `add` for a service of `terms.type` and return what to store and charge.

    Raises `BadLink`, `BadParameter`, `QuantityBelowMinimum`, `QuantityAboveMaximum` or `NotAvailable`
    (Subscriptions, whose charging is not designed yet).
    """
    rule = rule_for(terms.type)
    if not rule.orderable:
        raise NotAvailable(SUBSCRIPTIONS_UNAVAILABLE)
    link = _link(raw) if "link" in rule.required else None
    params, lists = _params(rule, raw)
    quantity = _quantity(rule, raw, lists)
    is_package = rule.quantity_from == "package"
    if not is_package:
        _check_range(terms, quantity)
    runs, interval = _drip_feed(rule, terms, raw)
    units = billable_units(quantity=quantity, runs=runs, is_package=is_package)
    if runs is not None and units > terms.max_quantity:
        raise QuantityAboveMaximum(terms.max_quantity)
    return OrderSpec(
        link=link,
        quantity=quantity,
        runs=runs,
        interval=interval,
        units=units,
        is_package=is_package,
        params=params,
    )
