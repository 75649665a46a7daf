"""The schedule engine against Apache Fineract's published scenarios and its invariants.

RS01–RS04 are Fineract's e2e scenarios C2490, C2492, C2493, C2494
(fineract-e2e-tests-runner/src/test/resources/features/LoanRepayment.feature): principal
5000, 12 % a year, 18 monthly installments, disbursed 2022-11-01, products with
installments in multiples of 1 and half-even rounding. The other pins are worked by hand
in their comments.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models.core.clock import add_months
from models.core.errors import UserError
from models.core.i18n import parse_po
from models.loans import schedule as sched
from models.loans.due_dates import due_dates
from models.loans.schedule import (
    Installment,
    ScheduleTerms,
    build_schedule,
    payoff_amount,
    summarize,
)

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def fineract_terms(**overrides) -> ScheduleTerms:
    """The terms of Fineract's RS scenarios: 5000.00 at 12 %, 18 months, multiples of 1."""
    values = dict(installments=18, disbursed=D(2022, 11, 1), exponent=2, multiple=100)
    values.update(overrides)
    return ScheduleTerms(500000, Decimal("12"), **values)


def rows(schedule: list[Installment]) -> list[tuple[int, int, int, int]]:
    return [(i.principal, i.interest, i.total, i.balance) for i in schedule]


def cents(*amounts: str) -> tuple[int, ...]:
    return tuple(int(Decimal(a) * 100) for a in amounts)


MONTHLY_DATES_2022_11 = [D(2022, 12, 1)] + [D(2023, m, 1) for m in range(1, 13)] + [
    D(2024, m, 1) for m in range(1, 6)]


# --- Fineract's published scenarios ----------------------------------------------------

def test_rs02_declining_equal_installments_matches_fineract():
    schedule = build_schedule(fineract_terms())
    expected = [
        ("255.00", "50.00", "305.00", "4745.00"), ("257.55", "47.45", "305.00", "4487.45"),
        ("260.13", "44.87", "305.00", "4227.32"), ("262.73", "42.27", "305.00", "3964.59"),
        ("265.35", "39.65", "305.00", "3699.24"), ("268.01", "36.99", "305.00", "3431.23"),
        ("270.69", "34.31", "305.00", "3160.54"), ("273.39", "31.61", "305.00", "2887.15"),
        ("276.13", "28.87", "305.00", "2611.02"), ("278.89", "26.11", "305.00", "2332.13"),
        ("281.68", "23.32", "305.00", "2050.45"), ("284.50", "20.50", "305.00", "1765.95"),
        ("287.34", "17.66", "305.00", "1478.61"), ("290.21", "14.79", "305.00", "1188.40"),
        ("293.12", "11.88", "305.00", "895.28"), ("296.05", "8.95", "305.00", "599.23"),
        ("299.01", "5.99", "305.00", "300.22"), ("300.22", "3.00", "303.22", "0.00"),
    ]
    assert rows(schedule) == [cents(*row) for row in expected]
    assert [i.n for i in schedule] == list(range(1, 19))
    assert [i.due_date for i in schedule] == MONTHLY_DATES_2022_11
    assert summarize(schedule) == sched.ScheduleTotals(500000, 48822, 548822)


def test_rs01_flat_matches_fineract():
    schedule = build_schedule(fineract_terms(method="flat"))
    # 5000/18 = 277.78 rounds to 278 (multiple of 1); 900 interest over 18 = 50 each.
    assert rows(schedule[:17]) == [cents("278", "50", "328", str(5000 - 278 * k))
                                   for k in range(1, 18)]
    assert rows(schedule[17:]) == [cents("274", "50", "324", "0")]
    assert summarize(schedule) == sched.ScheduleTotals(500000, 90000, 590000)


def test_rs03_declining_daily_interest_matches_fineract():
    schedule = build_schedule(fineract_terms(interest_period="daily"))
    expected = [
        ("255.68", "49.32"), ("256.65", "48.35"), ("259.26", "45.74"), ("266.08", "38.92"),
        ("264.62", "40.38"), ("268.53", "36.47"), ("270.05", "34.95"), ("273.84", "31.16"),
        ("275.59", "29.41"), ("278.40", "26.60"), ("282.01", "22.99"), ("284.11", "20.89"),
        ("287.59", "17.41"), ("289.94", "15.06"), ("292.90", "12.10"), ("296.47", "8.53"),
        ("298.90", "6.10"), ("299.38", "2.95"),
    ]
    assert [(i.principal, i.interest) for i in schedule] == [cents(*r) for r in expected]
    assert [i.total for i in schedule[:17]] == [30500] * 17
    assert schedule[-1].total == 30233
    assert summarize(schedule).interest == 48733


def test_rs04_declining_equal_principal_matches_fineract():
    schedule = build_schedule(fineract_terms(amortization="equal-principal"))
    interests = ["50.00", "47.22", "44.44", "41.67", "38.89", "36.11", "33.33", "30.56",
                 "27.78", "25.00", "22.22", "19.44", "16.67", "13.89", "11.11", "8.33",
                 "5.56", "2.78"]
    assert [i.interest for i in schedule] == list(cents(*interests))
    # The multiple of 1 is not applied to equal principal: 277.78 each, residue last.
    assert [i.principal for i in schedule] == [27778] * 17 + [27774]
    assert schedule[3].balance == 388888 and schedule[3].total == 31945
    assert summarize(schedule).interest == 47500


# --- our own pins ----------------------------------------------------------------------

def test_kip_declining_installments_in_multiples_of_1000():
    # 5,000,000 kip at 18 %: r = 0.015, PMT = 458,399.96 -> 458,000 (nearest 1,000).
    terms = ScheduleTerms(5_000_000, Decimal("18"), installments=12, disbursed=D(2024, 1, 15),
                          multiple=1000)
    schedule = build_schedule(terms)
    assert [i.total for i in schedule[:11]] == [458_000] * 11
    assert rows(schedule[:3]) == [
        (383_000, 75_000, 458_000, 4_617_000),   # 5,000,000 × 0.015
        (388_745, 69_255, 458_000, 4_228_255),   # 4,617,000 × 0.015
        (394_576, 63_424, 458_000, 3_833_679),   # 63,423.825 -> 63,424
    ]
    assert rows(schedule[-1:]) == [(456_370, 6_846, 463_216, 0)]
    assert summarize(schedule).interest == 501_216
    assert schedule[-1].due_date == D(2025, 1, 15)


def test_kip_flat_installment_total_in_multiples_of_500():
    # Flat 18 % over 7 months: interest 1,250,000 × 0.015 × 7 = 131,250, i.e. 18,750 a
    # month. Principal 178,571 -> 178,500 and interest 18,750 -> 19,000 (37.5 -> 38,
    # half-even) so the principal part is 178,500 + 19,000 - 18,750 = 178,750 and every
    # installment is 197,500, a multiple of 500. The last takes the residue.
    terms = ScheduleTerms(1_250_000, Decimal("18"), installments=7, disbursed=D(2024, 1, 15),
                          multiple=500, method="flat")
    schedule = build_schedule(terms)
    assert rows(schedule[:6]) == [(178_750, 18_750, 197_500, 1_250_000 - 178_750 * k)
                                  for k in range(1, 7)]
    assert rows(schedule[6:]) == [(177_500, 18_750, 196_250, 0)]
    assert summarize(schedule).interest == 131_250


def test_weekly_uses_52_periods_a_year():
    # 26 % / 52 = 0.5 % a week; PMT(0.005, 10, 1,000,000) = 102,770.57 -> 102,771.
    terms = ScheduleTerms(1_000_000, Decimal("26"), installments=10, disbursed=D(2024, 1, 1),
                          frequency="weekly")
    schedule = build_schedule(terms)
    assert [i.due_date for i in schedule] == [D(2024, 1, 1) + dt.timedelta(weeks=k)
                                              for k in range(1, 11)]
    assert rows(schedule[:2]) == [(97_771, 5_000, 102_771, 902_229),
                                  (98_260, 4_511, 102_771, 803_969)]  # 4,511.145
    assert rows(schedule[-1:]) == [(102_255, 511, 102_766, 0)]


def test_fortnightly_is_every_two_weeks_at_annual_over_26():
    # 26 % / 52 × 2 = 1 % a fortnight; PMT(0.01, 6, 1,000,000) = 172,548.37 -> 173,000.
    terms = ScheduleTerms(1_000_000, Decimal("26"), installments=6, disbursed=D(2024, 1, 1),
                          frequency="fortnightly", multiple=1000)
    schedule = build_schedule(terms)
    assert [i.due_date for i in schedule] == [D(2024, 1, 1) + dt.timedelta(weeks=2 * k)
                                              for k in range(1, 7)]
    assert rows(schedule[:2]) == [(163_000, 10_000, 173_000, 837_000),
                                  (164_630, 8_370, 173_000, 672_370)]
    assert rows(schedule[-1:]) == [(168_537, 1_685, 170_222, 0)]


def test_daily_interest_counts_the_actual_days_of_month_end_periods():
    # Disbursed 31 Jan 2024: due 29 Feb (29 days), 31 Mar (31), 30 Apr (30).
    # Interest 3,000,000 × 24 % × 29 / 365 = 57,205.48 -> 57,205. The EMI uses a 30-day
    # month: PMT(0.24 × 30/365, 3) = 1,039,708.92 -> 1,040,000 (multiple of 1,000).
    terms = ScheduleTerms(3_000_000, Decimal("24"), installments=3, disbursed=D(2024, 1, 31),
                          interest_period="daily", multiple=1000)
    schedule = build_schedule(terms)
    assert [i.due_date for i in schedule] == [D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30)]
    assert rows(schedule) == [
        (982_795, 57_205, 1_040_000, 2_017_205),
        (998_882, 41_118, 1_040_000, 1_018_323),   # 2,017,205 × 0.24 × 31/365 = 41,118.1
        (1_018_323, 20_087, 1_038_410, 0),         # 1,018,323 × 0.24 × 30/365 = 20,087.3
    ]


def test_flat_daily_interest_runs_over_the_actual_term():
    # 1,000,000 kip flat at 36.5 % over 3 months from 1 Jan 2024: 91 days (to 1 Apr), so
    # 1,000,000 × 0.365 × 91/365 = 91,000 interest, 30,333.33 -> 30,333 a month.
    terms = ScheduleTerms(1_000_000, Decimal("36.5"), installments=3, disbursed=D(2024, 1, 1),
                          method="flat", interest_period="daily")
    schedule = build_schedule(terms)
    assert rows(schedule) == [(333_333, 30_333, 363_666, 666_667),
                              (333_333, 30_333, 363_666, 333_334),
                              (333_334, 30_334, 363_668, 0)]


def test_half_even_and_half_up_differ_on_an_interest_tie():
    # 1,234.50 baht at 1 % for one month: interest 12.345 -> 12.34 or 12.35.
    even = build_schedule(ScheduleTerms(123_450, Decimal("12"), installments=1,
                                        disbursed=D(2024, 1, 1), exponent=2))
    up = build_schedule(ScheduleTerms(123_450, Decimal("12"), installments=1,
                                      disbursed=D(2024, 1, 1), exponent=2, rounding="half-up"))
    assert rows(even) == [(123_450, 1_234, 124_684, 0)]
    assert rows(up) == [(123_450, 1_235, 124_685, 0)]


def test_half_even_and_half_up_differ_on_a_multiple_tie():
    # 10,000 kip in 4: 2,500 each is half way between multiples of 1,000.
    def principals(rounding: str) -> list[int]:
        terms = ScheduleTerms(10_000, Decimal("0"), installments=4, disbursed=D(2024, 1, 1),
                              method="flat", multiple=1000, rounding=rounding)
        return [i.principal for i in build_schedule(terms)]

    assert principals("half-even") == [2_000, 2_000, 2_000, 4_000]
    assert principals("half-up") == [3_000, 3_000, 3_000, 1_000]


def test_zero_rate_spreads_the_principal():
    terms = ScheduleTerms(1_000, Decimal("0"), installments=3, disbursed=D(2024, 1, 1))
    assert rows(build_schedule(terms)) == [(333, 0, 333, 667), (333, 0, 333, 334),
                                           (334, 0, 334, 0)]


def test_a_large_multiple_can_end_the_schedule_early_as_fineract_does():
    # PMT 83,333.33 rounds to 100,000 (nearest 50,000): the loan is clear after 10.
    terms = ScheduleTerms(1_000_000, Decimal("0"), installments=12, disbursed=D(2024, 1, 1),
                          multiple=50_000)
    schedule = build_schedule(terms)
    assert [i.total for i in schedule] == [100_000] * 10
    assert schedule[-1].balance == 0


def test_a_multiple_too_large_to_cover_the_interest_is_refused():
    terms = ScheduleTerms(100_000, Decimal("24"), installments=12, disbursed=D(2024, 1, 1),
                          multiple=50_000)
    with pytest.raises(UserError, match="multiple of 50000"):
        build_schedule(terms)


# --- due dates -------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2023, 1, 31), 1, D(2023, 2, 28)),
    (D(2023, 12, 15), 1, D(2024, 1, 15)),
    (D(2023, 3, 31), -1, D(2023, 2, 28)),
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_month_end_seed_day_is_kept_after_february():
    assert due_dates(D(2024, 1, 31), 4) == [D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30),
                                             D(2024, 5, 31)]
    assert due_dates(D(2023, 1, 1), 4, first_due=D(2023, 1, 31)) == [
        D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30)]
    assert due_dates(D(2023, 1, 30), 3) == [D(2023, 2, 28), D(2023, 3, 30), D(2023, 4, 30)]
    assert due_dates(D(2023, 12, 29), 3) == [D(2024, 1, 29), D(2024, 2, 29), D(2024, 3, 29)]


def test_first_due_date_sets_the_seed_day():
    assert due_dates(D(2024, 1, 3), 3, first_due=D(2024, 2, 10)) == [
        D(2024, 2, 10), D(2024, 3, 10), D(2024, 4, 10)]
    assert due_dates(D(2024, 1, 3), 3, frequency="weekly", first_due=D(2024, 1, 5)) == [
        D(2024, 1, 5), D(2024, 1, 12), D(2024, 1, 19)]


def test_first_due_date_must_follow_disbursement():
    with pytest.raises(UserError):
        due_dates(D(2024, 1, 3), 3, first_due=D(2024, 1, 3))
    with pytest.raises(UserError):
        fineract_terms(first_due=D(2022, 10, 1))


def test_a_first_due_date_three_months_out_charges_three_months_of_interest():
    """Issue 10, fault 2. Nang Kham borrows 1,200,000 ₭ at 24 % a year (2 % a month), 12
    monthly installments, paid out 15/01/2026, first due 15/04/2026: three months.

    Declining balance, equal installments: EMI = PMT(2 %, 12, 1,200,000) = 113,471.75 →
    113,472. Installment 1 carries its own month (1,200,000 × 2 % = 24,000) and the two
    months before it (1,200,000 × 2 % × 2 = 48,000): 72,000 interest; its principal is
    113,472 − 24,000 = 89,472 (the extra interest does not eat into the principal), so it
    is 161,472 in all. Installment 2: 1,110,528 × 2 % = 22,210.56 → 22,211 interest,
    91,261 principal. Old code: 24,000 interest on the first (one month), two months free.

    Flat: 24,000 interest a month on 1,200,000 over 14 months from payout to the last due
    date (15/03/2027) = 336,000; installment 1 = 100,000 + 72,000, the others 100,000 +
    24,000. Old code: 288,000 (12 months).
    """
    late = dict(principal=1_200_000, annual_rate=Decimal(24), installments=12,
                disbursed=D(2026, 1, 15), first_due=D(2026, 4, 15))
    declining = build_schedule(ScheduleTerms(**late))
    assert (declining[0].principal, declining[0].interest, declining[0].total) == \
        (89_472, 72_000, 161_472)
    assert (declining[1].principal, declining[1].interest, declining[1].total) == \
        (91_261, 22_211, 113_472)
    assert declining[-1].due_date == D(2027, 3, 15) and declining[-1].balance == 0

    flat = build_schedule(ScheduleTerms(**late, method="flat"))
    assert [(i.principal, i.interest) for i in flat[:2]] == [(100_000, 72_000),
                                                             (100_000, 24_000)]
    assert summarize(flat).interest == 336_000


def test_a_long_first_period_charges_the_fraction_of_a_month_by_days():
    # 15 Jan → 1 Mar (one period before 1 Apr): one month to 15 Feb, then 14 of the 28
    # days to 15 Mar: 1.5 months; 1,200,000 × 2 % × 1.5 = 36,000 on top of the 24,000.
    assert sched.periods_between(D(2026, 1, 15), D(2026, 3, 1), "monthly") == Decimal("1.5")
    first = build_schedule(ScheduleTerms(1_200_000, Decimal(24), installments=12,
                                         disbursed=D(2026, 1, 15), first_due=D(2026, 4, 1),
                                         method="flat"))[0]
    assert first.interest == 60_000


def test_a_first_due_date_sooner_than_a_period_charges_a_whole_period():
    short = build_schedule(fineract_terms())
    early = build_schedule(fineract_terms(first_due=D(2022, 11, 20)))
    assert [i.interest for i in early] == [i.interest for i in short]


# --- validation ------------------------------------------------------------------------

@pytest.mark.parametrize("overrides", [
    dict(principal=0), dict(principal=-5), dict(annual_rate=Decimal("-1")),
    dict(annual_rate=Decimal("100.01")), dict(annual_rate=Decimal("NaN")),
    dict(installments=0), dict(installments=sched.MAX_INSTALLMENTS + 1),
    dict(method="balloon"), dict(amortization="bullet"), dict(interest_period="hourly"),
    dict(frequency="daily"), dict(rounding="down"), dict(exponent=7), dict(multiple=-1),
])
def test_invalid_terms_are_user_errors(overrides):
    values = dict(principal=500000, annual_rate=Decimal("12"), installments=18,
                  disbursed=D(2022, 11, 1))
    values.update(overrides)
    with pytest.raises(UserError):
        ScheduleTerms(values.pop("principal"), values.pop("annual_rate"), **values)


def test_floats_never_pass_as_money_or_rates():
    with pytest.raises(TypeError):
        ScheduleTerms(500000, 12.0, installments=18, disbursed=D(2022, 11, 1))
    with pytest.raises(TypeError):
        ScheduleTerms(5000.0, Decimal(12), installments=18, disbursed=D(2022, 11, 1))


def test_rate_bounds_are_inclusive():
    for rate in ("0", "100"):
        assert build_schedule(ScheduleTerms(10_000, Decimal(rate), installments=2,
                                            disbursed=D(2024, 1, 1)))


# --- early payoff ----------------------------------------------------------------------

def test_payoff_mid_period_accrues_actual_days():
    # After 7 installments of RS02 the balance is 3,160.54; on 15 Jun 2023 14 days have
    # run since the 1 Jun due date: 3,160.54 × 12 % × 14/365 = 14.547 -> 14.55.
    terms = fineract_terms()
    payoff = payoff_amount(terms, 500000 - 316054, D(2023, 6, 15))
    assert payoff == sched.Payoff(D(2023, 6, 15), D(2023, 6, 1), 14, 316054, 1455, 317509)


def test_payoff_on_a_due_date_takes_that_whole_period_by_days():
    payoff = payoff_amount(fineract_terms(), 500000 - 343123, D(2023, 6, 1))
    assert (payoff.interest_from, payoff.days, payoff.interest) == (D(2023, 5, 1), 31, 3497)


def test_payoff_on_disbursement_day_and_after_maturity_adds_no_interest():
    terms = fineract_terms()
    assert payoff_amount(terms, 0, D(2022, 11, 1)).total == 500000
    late = payoff_amount(terms, 500000 - 30022, D(2024, 7, 1))
    assert (late.days, late.interest, late.total) == (0, 0, 30022)


def test_payoff_from_an_explicit_date():
    payoff = payoff_amount(fineract_terms(), 0, D(2022, 12, 1), interest_from=D(2022, 11, 1))
    assert payoff.days == 30 and payoff.interest == 4932   # 5000 × 12 % × 30/365 = 49.315


def test_payoff_refuses_flat_loans_and_bad_input():
    with pytest.raises(UserError):
        payoff_amount(fineract_terms(method="flat"), 0, D(2023, 1, 1))
    with pytest.raises(UserError):
        payoff_amount(fineract_terms(), 500001, D(2023, 1, 1))
    with pytest.raises(UserError):
        payoff_amount(fineract_terms(), -1, D(2023, 1, 1))
    with pytest.raises(UserError):
        payoff_amount(fineract_terms(), 0, D(2022, 10, 31))
    with pytest.raises(UserError):
        payoff_amount(fineract_terms(), 0, D(2023, 1, 1), interest_from=D(2023, 2, 1))


# --- properties ------------------------------------------------------------------------

@st.composite
def any_terms(draw, methods: tuple[str, ...] = sched.METHODS) -> ScheduleTerms:
    exponent = draw(st.sampled_from([0, 2]))
    disbursed = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)))
    first_due = draw(st.one_of(st.none(), st.integers(1, 60).map(
        lambda days: disbursed + dt.timedelta(days=days))))
    return ScheduleTerms(
        draw(st.integers(1, 10**11)),
        Decimal(draw(st.integers(0, 10_000))).scaleb(-2),
        installments=draw(st.integers(1, 120)),
        disbursed=disbursed,
        first_due=first_due,
        method=draw(st.sampled_from(methods)),
        amortization=draw(st.sampled_from(sched.AMORTIZATIONS)),
        interest_period=draw(st.sampled_from(sched.INTEREST_PERIODS)),
        frequency=draw(st.sampled_from(sched.FREQUENCIES)),
        exponent=exponent,
        multiple=draw(st.sampled_from([0, 1, 100, 500, 1000, 5000])),
        rounding=draw(st.sampled_from(["half-even", "half-up"])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_terms())
def test_schedule_invariants(terms):
    try:
        schedule = build_schedule(terms)
    except UserError:
        assume(False)
        return
    assert 1 <= len(schedule) <= terms.installments
    assert sum(i.principal for i in schedule) == terms.principal
    assert schedule[-1].balance == 0
    assert [i.n for i in schedule] == list(range(1, len(schedule) + 1))
    previous = terms.principal
    for item in schedule:
        assert item.principal >= 0 and item.interest >= 0 and item.total >= 0
        assert item.total == item.principal + item.interest
        assert item.balance == previous - item.principal <= previous
        previous = item.balance
    dates = [i.due_date for i in schedule]
    assert dates == sorted(set(dates)) and dates[0] > terms.disbursed
    if terms.multiple > 1 and terms.method == "declining" \
            and terms.amortization == "equal-installments":
        # A long first period's extra interest sits on top of the first installment.
        regular = schedule[1:-1] if sched.ideal_start(terms) > terms.disbursed \
            else schedule[:-1]
        assert all(i.total % terms.multiple == 0 for i in regular)
    if terms.multiple > 1 and terms.method == "flat":
        # Fineract caps flat interest at the term's total; installments whose interest
        # was capped keep the principal computed before the cap, so only the regular
        # ones are sure to be multiples.
        regular = schedule[1].interest if len(schedule) > 1 else schedule[0].interest
        assert all(i.total % terms.multiple == 0 for i in schedule[:-1]
                   if i.interest == regular)
    if terms.method == "declining" and terms.amortization == "equal-installments":
        assert len({i.total for i in schedule[1:-1]}) <= 1


@settings(max_examples=100, deadline=None)
@given(any_terms(methods=("declining",)), st.integers(0, 10**11), st.integers(0, 2000))
def test_payoff_invariants(terms, paid, days_after):
    paid = paid % (terms.principal + 1)
    payoff = payoff_amount(terms, paid, terms.disbursed + dt.timedelta(days=days_after))
    assert payoff.principal == terms.principal - paid
    assert payoff.interest >= 0 and payoff.days >= 0
    assert payoff.total == payoff.principal + payoff.interest
    assert terms.disbursed <= payoff.interest_from <= payoff.as_of


# --- translations ----------------------------------------------------------------------

def marked_strings(path: Path) -> set[str]:
    """Every string literal passed to ``_()`` or ``N_()`` in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_") and node.args
                and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
    return found


def test_every_schedule_message_has_a_lao_translation_with_the_same_placeholders():
    catalog = parse_po((ROOT / "resources/translations/lo/schedule.po")
                       .read_text(encoding="utf-8"))
    messages = set()
    for module in ("schedule.py", "due_dates.py"):
        messages |= marked_strings(ROOT / "models/loans" / module)
    for message in messages:
        assert message in catalog, message
        assert set(re.findall(r"{\w+}", catalog[message])) == set(re.findall(r"{\w+}", message))
        assert re.search("[\u0e80-\u0eff]", catalog[message]), message
