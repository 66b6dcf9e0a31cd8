"""Constrained field types shared by the REST schemas, so every bound shows up in the OpenAPI document.

Text that may reach the database is bounded in length and free of control characters (PostgreSQL
refuses NUL in text); ids fit the 32-bit integer columns; money travels as decimal strings, never as
JSON numbers, so no client or server ever turns it into a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from core.money import amount, fx_rate, rate, to_decimal

MAX_ID = 2_147_483_647
PERCENT_QUANTUM = Decimal("0.0001")
# Single-line text: no control characters at all. Multi-line text: newlines and tabs allowed. Neither
# takes lone surrogates (JSON can spell them, UTF-8 cannot store them).
SINGLE_LINE = r"^[^\x00-\x1f\x7f\ud800-\udfff]*$"
MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]*$"
# Digits before the point are bounded by what both databases store: SQLite keeps money as a 64-bit
# integer scaled by 10**places, so an amount (5 places) must stay below 9.2e13 and a rate (6) below 9.2e12.
MONEY_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,5})?$"
POSITIVE_MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,5})?$"
RATE_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
PERCENT_PATTERN = r"^-?[0-9]{1,5}(\.[0-9]{1,4})?$"
FX_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,10})?$"


def text(max_length: int, *, min_length: int = 0, description: str | None = None) -> msgspec.Meta:
    """Constraints of a single-line text field."""
    return msgspec.Meta(
        min_length=min_length, max_length=max_length, pattern=SINGLE_LINE, description=description
    )


Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]
Name = Annotated[str, text(300, min_length=1)]
ShortText = Annotated[str, text(1000)]
LongText = Annotated[str, msgspec.Meta(max_length=100_000, pattern=MULTI_LINE)]
Money = Annotated[
    str, msgspec.Meta(pattern=MONEY_PATTERN, description="an amount with up to 5 decimals, as a string")
]
PositiveMoney = Annotated[
    str, msgspec.Meta(pattern=POSITIVE_MONEY_PATTERN, description="an amount >= 0 with up to 5 decimals")
]
Rate = Annotated[str, msgspec.Meta(pattern=RATE_PATTERN, description="a price per 1000, up to 6 decimals")]
Percent = Annotated[str, msgspec.Meta(pattern=PERCENT_PATTERN, description="a percentage, up to 4 decimals")]
Reason = Annotated[str, text(500, min_length=1, description="why; kept in the ledger")]

# Path and query parameters.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
QueryText = Annotated[str | None, QueryParameter(max_length=300, pattern=SINGLE_LINE)]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        max_length=150,
        pattern=r"^[\x21-\x7e]+$",
        description="makes a retried request return the first answer instead of acting twice",
    ),
]


def amount_text(value: Decimal) -> str:
    """An amount as the API shows it: always 5 decimals (`0.00000`, never `0`)."""
    return str(amount(value))


def rate_text(value: Decimal) -> str:
    """A price per 1000 as the API shows it: always 6 decimals."""
    return str(rate(value))


def fx_text(value: Decimal) -> str:
    """An exchange rate as the API shows it: always 10 decimals."""
    return str(fx_rate(value))


def percent_text(value: Decimal) -> str:
    """A percentage as the API shows it: always 4 decimals."""
    return str(to_decimal(value).quantize(PERCENT_QUANTUM))


def optional_amount(value: Decimal | None) -> str | None:
    """`amount_text`, or None."""
    return None if value is None else amount_text(value)


REPLAYED_HEADER = ResponseHeader(
    name="Idempotent-Replayed",
    documentation_only=True,
    required=True,
    description="`true` when this answer repeats the first one sent with the same Idempotency-Key",
)
