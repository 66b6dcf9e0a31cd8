"""Order and refill statuses as providers report them, normalised to one vocabulary.

Providers spell statuses in many ways (`In progress`, `inprogress`, `Cancelled`, `Partially Completed`,
`Fail`...). Everything here is tolerant by design: an unrecognised value maps to ``UNKNOWN`` and the raw
text is kept by the caller, so a new spelling never crashes a status sync.
"""

from __future__ import annotations

from enum import StrEnum


class UpstreamStatus(StrEnum):
    """An order's status at the provider, after normalisation."""

    PENDING = "pending"
    PROCESSING = "processing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"
    CANCELED = "canceled"
    REFUNDED = "refunded"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def is_terminal(self) -> bool:
        """True when the provider will not change this order any more."""
        return self in _TERMINAL


_TERMINAL = frozenset(
    {
        UpstreamStatus.COMPLETED,
        UpstreamStatus.PARTIAL,
        UpstreamStatus.CANCELED,
        UpstreamStatus.REFUNDED,
        UpstreamStatus.FAILED,
    }
)


class RefillStatus(StrEnum):
    """A refill request's status at the provider, after normalisation."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"
    UNKNOWN = "unknown"


# Keys are the raw value lower-cased with spaces, underscores and hyphens removed (reference §5.1.4).
_ORDER_STATUSES: dict[str, UpstreamStatus] = {
    "pending": UpstreamStatus.PENDING,
    "processing": UpstreamStatus.PROCESSING,
    "inprogress": UpstreamStatus.IN_PROGRESS,
    "active": UpstreamStatus.IN_PROGRESS,  # subscriptions report Active while they run
    "completed": UpstreamStatus.COMPLETED,
    "partial": UpstreamStatus.PARTIAL,
    "partiallycompleted": UpstreamStatus.PARTIAL,
    "canceled": UpstreamStatus.CANCELED,
    "cancelled": UpstreamStatus.CANCELED,
    "refunded": UpstreamStatus.REFUNDED,
    "fail": UpstreamStatus.FAILED,
    "failed": UpstreamStatus.FAILED,
    "error": UpstreamStatus.FAILED,
}

_REFILL_STATUSES: dict[str, RefillStatus] = {
    "pending": RefillStatus.PENDING,
    "inprogress": RefillStatus.IN_PROGRESS,
    "processing": RefillStatus.IN_PROGRESS,
    "completed": RefillStatus.COMPLETED,
    "rejected": RefillStatus.REJECTED,
    "fail": RefillStatus.FAILED,
    "failed": RefillStatus.FAILED,
    "error": RefillStatus.FAILED,
}


def status_token(raw: object) -> str:
    """Reduce a raw status to its comparison form: lower case, no spaces, underscores or hyphens."""
    if not isinstance(raw, str):
        return ""
    return raw.strip().lower().replace(" ", "").replace("_", "").replace("-", "")


def normalise_order_status(raw: object) -> UpstreamStatus:
    """Map a provider's order status (any spelling, any type) to an `UpstreamStatus`; never raises."""
    return _ORDER_STATUSES.get(status_token(raw), UpstreamStatus.UNKNOWN)


def normalise_refill_status(raw: object) -> RefillStatus:
    """Map a provider's refill status (any spelling, any type) to a `RefillStatus`; never raises."""
    return _REFILL_STATUSES.get(status_token(raw), RefillStatus.UNKNOWN)
