"""The provider error taxonomy: what went wrong decides what the panel does next.

- `ProviderUnavailable`: nothing reached the provider, or it said to try later → retry or next route.
- `ProviderRejected`: a definitive refusal with a `RejectReason` → next route, or refund.
- `OutcomeUnknown`: the request was sent and no usable answer came back → reconciliation, never a blind
  retry (the API has no idempotency key, so a retry could buy the service twice).

Messages are built by the adapters from provider text and never include the API key.
"""

from __future__ import annotations

import re
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


# Regular expressions, checked in this order: "Active order with this link exists" and
# `neworder.error.link_duplicate` mention a link but are not bad links, and key phrases use word
# boundaries so "Incorrect keywords" is not a bad API key.
_REJECTION_PATTERNS: tuple[tuple[RejectReason, re.Pattern[str]], ...] = tuple(
    (reason, re.compile("|".join(patterns)))
    for reason, patterns in (
        (
            RejectReason.BAD_KEY,
            (
                r"api[ _-]?key",
                r"\b(invalid|incorrect|wrong|bad) key\b",
                r"\bkey (is )?(invalid|incorrect|wrong|not found)",
                r"unauthori[sz]ed",
                r"unauthenticated",
            ),
        ),
        (
            RejectReason.INSUFFICIENT_FUNDS,
            (
                r"not enough funds",
                r"not_enough_funds",
                r"not enough balance",
                r"insufficient",
                r"low balance",
                r"balance is not enough",
                r"balance too low",
            ),
        ),
        (
            RejectReason.ACTIVE_ORDER_EXISTS,
            (
                r"active order",
                r"link_duplicate",
                r"duplicate",
                r"order with this link",
                r"already ha(ve|s) an order",
            ),
        ),
        (
            RejectReason.UNKNOWN_SERVICE,
            (
                r"(incorrect|invalid|unknown)[ _]service",
                r"service[ _]not[ _]found",
                r"service (is )?disabled",
                r"service (is )?not available",
            ),
        ),
        (
            RejectReason.QUANTITY_OUT_OF_RANGE,
            (r"quantity", r"minimal", r"maximum", r"min_quantity", r"max_quantity"),
        ),
        (
            RejectReason.BAD_LINK,
            (r"link", r"\burl\b", r"username"),
        ),
    )
)


def classify_rejection(message: str) -> RejectReason:
    """Classify a provider's error text, case-insensitively by substring, PP i18n keys included."""
    text = message.lower()
    for reason, pattern in _REJECTION_PATTERNS:
        if pattern.search(text):
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
