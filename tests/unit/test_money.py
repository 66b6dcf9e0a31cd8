"""core.money: conversion, rounding modes and the refusal of floats."""

from decimal import Decimal

import pytest

from core.money import MoneyError, amount, amount_down, ceil_to_step, exact_amount, fx_rate, rate, to_decimal


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan")])
def test_floats_are_refused(value: float) -> None:
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1e999999999999"])
def test_non_numbers_are_refused(value: str) -> None:
    with pytest.raises((MoneyError, TypeError)):
        to_decimal(value)


def test_bool_is_not_money() -> None:
    with pytest.raises(TypeError):
        to_decimal(True)


def test_amount_rounds_half_up_to_five_places() -> None:
    assert amount("0.000005") == Decimal("0.00001")
    assert amount("0.0000049") == Decimal("0.00000")
    assert amount(Decimal("1.234565")) == Decimal("1.23457")


def test_amount_down_never_rounds_up() -> None:
    assert amount_down("0.0000099") == Decimal("0.00000")
    assert amount_down("2.999999") == Decimal("2.99999")


def test_exact_amount_refuses_more_than_five_places() -> None:
    assert exact_amount("10.5") == Decimal("10.50000")
    with pytest.raises(MoneyError):
        exact_amount("0.000001")


def test_rate_rounds_up_to_six_places() -> None:
    assert rate("0.1234561") == Decimal("0.123457")
    assert rate("0.9") == Decimal("0.900000")


def test_ceil_to_step() -> None:
    assert ceil_to_step(Decimal("1.0001"), Decimal("0.01")) == Decimal("1.01")
    assert ceil_to_step(Decimal("1.00"), Decimal("0.01")) == Decimal("1.00")
    assert ceil_to_step(Decimal("0"), Decimal("0.05")) == Decimal("0")
    with pytest.raises(MoneyError):
        ceil_to_step(Decimal(1), Decimal(0))


def test_fx_rate_must_be_positive() -> None:
    assert fx_rate("0.0000105") == Decimal("0.0000105000")
    with pytest.raises(MoneyError):
        fx_rate("0")
    with pytest.raises(MoneyError):
        fx_rate("-1")


def test_bounds_keep_every_value_storable_on_both_databases() -> None:
    assert to_decimal("999999999999.99999") == Decimal("999999999999.99999")
    with pytest.raises(MoneyError):
        to_decimal("1000000000000")
    assert fx_rate("99999999") == Decimal("99999999.0000000000")
    with pytest.raises(MoneyError):
        fx_rate("100000000")
