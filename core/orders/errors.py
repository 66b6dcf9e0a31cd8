"""Why an order, refill or cancel request was refused.

The default messages are the Perfect Panel wording that SMM clients already recognise (and classify by
substring), so the API shows them unchanged and the CLI can too. They never contain secrets.
"""

from __future__ import annotations

from core.errors import Conflict, InvalidInput, NotFound


class UnknownService(NotFound):
    """The service id is missing, malformed, unknown or disabled: the customer cannot tell which."""

    def __init__(self) -> None:
        super().__init__("Incorrect service ID")


class UnknownOrder(NotFound):
    """No such order for this customer (another customer's order is indistinguishable from none)."""

    def __init__(self) -> None:
        super().__init__("Incorrect order ID")


class UnknownRefill(NotFound):
    """No such refill for this customer."""

    def __init__(self) -> None:
        super().__init__("Refill not found")


class QuantityBelowMinimum(InvalidInput):
    """The quantity (or number of list lines) is under the service's minimum."""

    def __init__(self, minimum: int) -> None:
        super().__init__(f"Quantity less than minimal {minimum}")
        self.minimum = minimum


class QuantityAboveMaximum(InvalidInput):
    """The quantity (or, for drip-feed, quantity × runs) is over the service's maximum."""

    def __init__(self, maximum: int) -> None:
        super().__init__(f"Quantity more than maximum {maximum}")
        self.maximum = maximum


class BadLink(InvalidInput):
    """The link is missing, too long or contains control characters."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__("Bad link" if reason is None else f"Bad link: {reason}")


class BadParameter(InvalidInput):
    """A parameter is missing, malformed or too long; the reason names it."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Incorrect request: {reason}")
        self.reason = reason


class NotAvailable(Conflict):
    """The request is well formed, but the service or the order's state does not allow it."""


class RequestIdReused(Conflict):
    """A client request id already names an order with different parameters."""

    def __init__(self) -> None:
        super().__init__("Incorrect request: request_id was already used for a different order")
