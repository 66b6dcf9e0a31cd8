"""Reference §5.1.4: status normalisation, case-insensitive after removing spaces, underscores, hyphens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.status import (
    RefillStatus,
    UpstreamStatus,
    normalise_order_status,
    normalise_refill_status,
)

ORDER_TABLE = [
    ("pending", UpstreamStatus.PENDING),
    ("Pending", UpstreamStatus.PENDING),
    ("processing", UpstreamStatus.PROCESSING),
    ("inprogress", UpstreamStatus.IN_PROGRESS),
    ("In progress", UpstreamStatus.IN_PROGRESS),
    ("IN_PROGRESS", UpstreamStatus.IN_PROGRESS),
    ("in-progress", UpstreamStatus.IN_PROGRESS),
    ("Inprogress", UpstreamStatus.IN_PROGRESS),
    ("active", UpstreamStatus.IN_PROGRESS),
    ("Completed", UpstreamStatus.COMPLETED),
    ("partial", UpstreamStatus.PARTIAL),
    ("Partially Completed", UpstreamStatus.PARTIAL),
    ("partially_completed", UpstreamStatus.PARTIAL),
    ("Canceled", UpstreamStatus.CANCELED),
    ("Cancelled", UpstreamStatus.CANCELED),
    ("Refunded", UpstreamStatus.REFUNDED),
    ("Fail", UpstreamStatus.FAILED),
    ("failed", UpstreamStatus.FAILED),
    ("ERROR", UpstreamStatus.FAILED),
    ("  Completed  ", UpstreamStatus.COMPLETED),
]


@pytest.mark.parametrize(("raw", "expected"), ORDER_TABLE)
def test_order_status_table(raw: str, expected: UpstreamStatus) -> None:
    assert normalise_order_status(raw) is expected


@pytest.mark.parametrize("raw", ["", "Completed!", "Queued", "104", None, 3, {"error": "x"}, ["Completed"]])
def test_unknown_order_statuses_are_unknown(raw: object) -> None:
    assert normalise_order_status(raw) is UpstreamStatus.UNKNOWN


@given(st.one_of(st.text(), st.integers(), st.none(), st.floats(), st.binary()))
def test_order_status_normalisation_never_raises(raw: object) -> None:
    assert isinstance(normalise_order_status(raw), UpstreamStatus)
    assert isinstance(normalise_refill_status(raw), RefillStatus)


def test_enum_values_are_stable() -> None:
    assert [s.value for s in UpstreamStatus] == [
        "pending",
        "processing",
        "in_progress",
        "completed",
        "partial",
        "canceled",
        "refunded",
        "failed",
        "unknown",
    ]
    assert [s.value for s in RefillStatus] == [
        "pending",
        "in_progress",
        "completed",
        "rejected",
        "failed",
        "unknown",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pending", RefillStatus.PENDING),
        ("inprogress", RefillStatus.IN_PROGRESS),
        ("In progress", RefillStatus.IN_PROGRESS),
        ("Completed", RefillStatus.COMPLETED),
        ("rejected", RefillStatus.REJECTED),
        ("Error", RefillStatus.FAILED),
        ("Refill not found", RefillStatus.UNKNOWN),
    ],
)
def test_refill_status_table(raw: str, expected: RefillStatus) -> None:
    assert normalise_refill_status(raw) is expected


def test_terminal_statuses() -> None:
    assert {s for s in UpstreamStatus if s.is_terminal} == {
        UpstreamStatus.COMPLETED,
        UpstreamStatus.PARTIAL,
        UpstreamStatus.CANCELED,
        UpstreamStatus.REFUNDED,
        UpstreamStatus.FAILED,
    }
