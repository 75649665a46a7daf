from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.core.errors import UserError
from models.core.money import CURRENCIES, format_money, parse_money, round_to_minor, to_minor

LAK, THB = CURRENCIES["LAK"], CURRENCIES["THB"]


@pytest.mark.parametrize("text, expected", [
    ("1,250,000", 1_250_000), ("1 250 000", 1_250_000), ("₭ 500", 500), ("500 ₭", 500),
    ("0", 0), (" 42 ", 42),
])
def test_kip_is_parsed_in_whole_kip(text, expected):
    assert parse_money(text, LAK) == expected


def test_baht_has_two_decimals():
    assert parse_money("12.50", THB) == 1250
    assert parse_money("฿1,000.05", THB) == 100_005


@pytest.mark.parametrize("text, message", [
    ("", "Enter an amount"), ("abc", "is not an amount"), ("-5", "cannot be negative"),
    ("12.5", "at most 0 decimals"), ("NaN", "is not an amount"), ("inf", "is not an amount"),
])
def test_bad_amounts_are_refused_with_a_reason(text, message):
    with pytest.raises(UserError, match=message):
        parse_money(text, LAK)


def test_baht_refuses_three_decimals():
    with pytest.raises(UserError, match="at most 2 decimals"):
        parse_money("1.005", THB)


def test_one_format_everywhere():
    assert format_money(1_250_000, LAK) == "1,250,000 ₭"
    assert format_money(-500, LAK) == "-500 ₭"
    assert format_money(1250, THB) == "฿12.50"
    assert format_money(-5, THB) == "-฿0.05"


def test_rounding_modes_differ_on_ties():
    assert round_to_minor(Decimal("2.5"), 0, "half-even") == 2
    assert round_to_minor(Decimal("2.5"), 0, "half-up") == 3
    assert to_minor("0.125", THB, "half-even") == 12
    assert to_minor("0.125", THB, "half-up") == 13


@given(st.integers(-10**12, 10**12), st.sampled_from(["LAK", "THB", "USD"]))
def test_format_and_parse_round_trip(minor, code):
    cur = CURRENCIES[code]
    text = format_money(minor, cur)
    assert parse_money(text.replace(cur.symbol, ""), cur, allow_negative=True) == minor
