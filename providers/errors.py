"""The provider error taxonomy: what went wrong decides what the panel does next.

- `ProviderUnavailable`: nothing reached the provider, or it said to try later → retry or next route.
- `ProviderRejected`: a definitive refusal with a `RejectReason` → next route, or refund.
- `OutcomeUnknown`: the request was sent and no usable answer came back → reconciliation, never a blind
  retry (the API has no idempotency key, so a retry could buy the service twice).

Messages are built by the adapters from provider text and never include the API key.
"""

from __future__ import annotations

from enum import StrEnum


class ProviderError(Exception):
    """Base class of every error an adapter raises."""


class ProviderUnavailable(ProviderError):
    """Nothing reached the provider, or it answered that it cannot serve now (5xx, 429, try later, garbage
    in answer to a read-only call). Safe to retry or to try another route."""


class OutcomeUnknown(ProviderError):
    """The request was sent but no usable answer came back; the provider may or may not have acted."""


class RejectReason(StrEnum):
    """Why a provider definitively refused a request."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    UNKNOWN_SERVICE = "unknown_service"
    BAD_LINK = "bad_link"
    ACTIVE_ORDER_EXISTS = "active_order_exists"
    QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
    BAD_KEY = "bad_key"
    OTHER = "other"


class ProviderRejected(ProviderError):
    """The provider refused the request; it will refuse it again unless something changes."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message


# Order matters: "Active order with this link exists" and `neworder.error.link_duplicate` mention a link
# but are not bad links, and key phrases are checked before anything that could contain "key".
_REJECTION_PATTERNS: tuple[tuple[RejectReason, tuple[str, ...]], ...] = (
    (
        RejectReason.BAD_KEY,
        (
            "api key",
            "api_key",
            "apikey",
            "invalid key",
            "incorrect key",
            "wrong key",
            "key invalid",
            "key is invalid",
            "key not found",
            "unauthorized",
            "unauthorised",
        ),
    ),
    (
        RejectReason.INSUFFICIENT_FUNDS,
        (
            "not enough funds",
            "not_enough_funds",
            "not enough balance",
            "insufficient",
            "low balance",
            "balance is not enough",
            "balance too low",
        ),
    ),
    (
        RejectReason.ACTIVE_ORDER_EXISTS,
        (
            "active order",
            "link_duplicate",
            "duplicate",
            "order with this link",
            "already have an order",
            "already has an order",
        ),
    ),
    (
        RejectReason.UNKNOWN_SERVICE,
        (
            "incorrect service",
            "incorrect_service",
            "invalid service",
            "unknown service",
            "service not found",
            "service_not_found",
            "service is disabled",
            "service disabled",
            "service not available",
            "service is not available",
        ),
    ),
    (
        RejectReason.QUANTITY_OUT_OF_RANGE,
        (
            "quantity",
            "minimal",
            "maximum",
            "min_quantity",
            "max_quantity",
        ),
    ),
    (
        RejectReason.BAD_LINK,
        (
            "link",
            "url",
            "username",
        ),
    ),
)


def classify_rejection(message: str) -> RejectReason:
    """Classify a provider's error text, case-insensitively by substring, PP i18n keys included."""
    text = message.lower()
    for reason, patterns in _REJECTION_PATTERNS:
        if any(p in text for p in patterns):
            return reason
    return RejectReason.OTHER


_TRY_LATER_PATTERNS = (
    "try again later",
    "try later",
    "too many requests",
    "rate limit",
    "maintenance",
    "temporarily",
    "server is busy",
    "service unavailable",
)


def says_try_later(message: str) -> bool:
    """True when an error text means "not now" rather than "no": the request may be repeated."""
    text = message.lower()
    return any(p in text for p in _TRY_LATER_PATTERNS)


_UNKNOWN_ID_PATTERNS = (
    "incorrect order",
    "order not found",
    "invalid order",
    "incorrect refill",
    "refill not found",
    "invalid refill",
    "not found",
)


def says_unknown_id(message: str) -> bool:
    """True when an error text says the ids asked about do not exist (an item-level answer)."""
    text = message.lower()
    return any(p in text for p in _UNKNOWN_ID_PATTERNS)


def redact(text: str, secret: str) -> str:
    """Remove every occurrence of `secret` from `text`; used on anything that may reach a message."""
    if not secret:
        return text
    return text.replace(secret, "***")
