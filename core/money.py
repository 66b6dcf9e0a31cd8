"""The one place that turns numbers into money and decides how money is rounded.

Amounts (balances, charges, refunds, costs) carry 5 decimal places, as Perfect Panel shows them; rates
(price per 1000 units) carry 6. Floats are refused everywhere: a float in a money path is a bug.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

AMOUNT_PLACES = 5
RATE_PLACES = 6
FX_PLACES = 10
AMOUNT_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)
RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
FX_QUANTUM = Decimal(1).scaleb(-FX_PLACES)
ZERO = Decimal(0)
THOUSAND = Decimal(1000)
# No real balance, rate or charge reaches 10**12 (even in rials); larger inputs are typos or attacks.
# The bound also keeps every amount storable as a scaled 64-bit integer on SQLite.
MAX_DIGITS_BEFORE_POINT = 12
# Exchange rates carry 10 places; 8 digits before the point still fit a scaled 64-bit integer.
MAX_FX_DIGITS_BEFORE_POINT = 8
HUNDRED = Decimal(100)


class MoneyError(ValueError):
    """A value that cannot be money: not a number, not finite, or too precise to store."""


def to_decimal(value: object) -> Decimal:
    """Convert an int, str or Decimal to a finite Decimal; refuse floats with a TypeError.

    Strings are stripped; an empty or non-numeric string raises MoneyError.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not money")
    if isinstance(value, float):
        raise TypeError("floats are not accepted in money paths; pass a Decimal, int or str")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"cannot use {type(value).__name__} as money")
    if not result.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    if result and result.adjusted() >= MAX_DIGITS_BEFORE_POINT:
        raise MoneyError(f"out of range: {value!r}")
    return result


def amount(value: object) -> Decimal:
    """An amount of money rounded half-up to 5 places (the rounding used for charges and costs)."""
    return to_decimal(value).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def amount_down(value: object) -> Decimal:
    """An amount rounded toward zero to 5 places: refunds use it so they never exceed what was paid."""
    return to_decimal(value).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)


def exact_amount(value: object) -> Decimal:
    """An amount given by a person (a deposit, a manual adjustment): more than 5 places is an error."""
    result = to_decimal(value)
    if result != result.quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN):
        raise MoneyError(f"{value} has more than {AMOUNT_PLACES} decimal places")
    return result.quantize(AMOUNT_QUANTUM)


def rate(value: object) -> Decimal:
    """A price per 1000 units, rounded up to 6 places (rates are never rounded in the buyer's favour)."""
    return to_decimal(value).quantize(RATE_QUANTUM, rounding=ROUND_CEILING)


def fx_rate(value: object) -> Decimal:
    """An exchange rate (panel currency per unit of a provider currency), 10 places, must be positive."""
    result = to_decimal(value)
    if result <= 0:
        raise MoneyError("an exchange rate must be positive")
    if result.adjusted() >= MAX_FX_DIGITS_BEFORE_POINT:
        raise MoneyError(f"an exchange rate must be below 10^{MAX_FX_DIGITS_BEFORE_POINT}")
    return result.quantize(FX_QUANTUM, rounding=ROUND_HALF_UP)


def ceil_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` up to a multiple of `step` (the panel's price step), then to rate precision."""
    if step <= 0:
        raise MoneyError("the price step must be positive")
    steps = (value / step).to_integral_value(rounding=ROUND_CEILING)
    return rate(steps * step)
