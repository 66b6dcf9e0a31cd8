"""The error taxonomy and the classification of provider messages (reference §1.8, §5.1.2)."""

from __future__ import annotations

import pytest

from providers.errors import (
    OutcomeUnknown,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    RejectReason,
    classify_rejection,
    redact,
    says_try_later,
)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Not enough funds on balance", RejectReason.INSUFFICIENT_FUNDS),
        ("NOT ENOUGH FUNDS ON BALANCE", RejectReason.INSUFFICIENT_FUNDS),
        ("neworder.error.not_enough_funds", RejectReason.INSUFFICIENT_FUNDS),
        ("Insufficient balance", RejectReason.INSUFFICIENT_FUNDS),
        ("Incorrect service ID", RejectReason.UNKNOWN_SERVICE),
        ("error.incorrect_service_id", RejectReason.UNKNOWN_SERVICE),
        ("Service not found", RejectReason.UNKNOWN_SERVICE),
        ("Bad link", RejectReason.BAD_LINK),
        ("Error: You input incorrect username/link", RejectReason.BAD_LINK),
        ("Invalid URL", RejectReason.BAD_LINK),
        ("Active order with this link exists", RejectReason.ACTIVE_ORDER_EXISTS),
        ("neworder.error.link_duplicate", RejectReason.ACTIVE_ORDER_EXISTS),
        (
            "You have active order with this link. Please wait until order being completed.",
            RejectReason.ACTIVE_ORDER_EXISTS,
        ),
        ("Quantity less than minimal 200", RejectReason.QUANTITY_OUT_OF_RANGE),
        ("Quantity more than maximum 1000", RejectReason.QUANTITY_OUT_OF_RANGE),
        ("Incorrect API key", RejectReason.BAD_KEY),
        ("API key invalid", RejectReason.BAD_KEY),
        ("Invalid API key", RejectReason.BAD_KEY),
        ("Incorrect request", RejectReason.OTHER),
        ("Drip-feed is not available for this service", RejectReason.OTHER),
        ("Incorrect keywords", RejectReason.OTHER),
        ("", RejectReason.OTHER),
    ],
)
def test_classify_rejection(message: str, reason: RejectReason) -> None:
    assert classify_rejection(message) is reason


@pytest.mark.parametrize(
    ("message", "later"),
    [
        ("Too many requests", True),
        ("Please try again later", True),
        ("Site under maintenance", True),
        ("Bad link", False),
    ],
)
def test_says_try_later(message: str, later: bool) -> None:
    assert says_try_later(message) is later


def test_taxonomy() -> None:
    for cls in (ProviderUnavailable, ProviderRejected, OutcomeUnknown):
        assert issubclass(cls, ProviderError)
    error = ProviderRejected(RejectReason.BAD_LINK, "Bad link")
    assert (error.reason, error.message) == (RejectReason.BAD_LINK, "Bad link")
    assert "Bad link" in str(error)


def test_redact() -> None:
    assert redact("key=abc123 and abc123", "abc123") == "key=*** and ***"
    assert redact("nothing", "") == "nothing"
