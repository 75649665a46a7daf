"""What the fuzz of the NSSF services found, each refused now with the app's own message:
a year-1 date on the coverage and enrolment reads (the status arithmetic ran off the
calendar), a planner asked for absurd months or deposits that are not amounts, an exit
asked to pay out a fund that does not exist, and a member number past what the database
holds (PostgreSQL refused the query)."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import UserError
from models.nssf import coverage
from models.nssf import enrolment as enrolments
from models.savings import member_funds
from tests.models.nssf_support import MONTHLY, deposit, enrol, pooling

YEAR_ONE = dt.date(1, 1, 1)


@pytest.fixture
def enrolled(env):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, MONTHLY)
    return env


@pytest.mark.parametrize("read", [
    lambda s, a, e: enrolments.enrolments(s, a, e.group_id, on=YEAR_ONE),
    lambda s, a, e: coverage.coverage(s, a, e.group_id, on=YEAR_ONE),
    lambda s, a, e: coverage.grace_warnings(s, a, e.group_id, on=YEAR_ONE),
    lambda s, a, e: coverage.renewals_due(s, a, e.group_id, on=YEAR_ONE),
    lambda s, a, e: enrolments.member_enrolment(s, a, e.member_ids[0], on=YEAR_ONE),
    lambda s, a, e: coverage.plan_year(s, a, e.group_id, start=YEAR_ONE),
])
def test_a_year_one_date_is_refused_by_the_coverage_reads(enrolled, read):
    with enrolled.db.read() as s, pytest.raises(UserError) as refused:
        read(s, enrolled.user(s, "auditor"), enrolled)
    assert str(refused.value) == ("01/01/0001 is not a date Kongthun can use: choose one from "
                                  "01/01/1900 to 31/12/2199.")


@pytest.mark.parametrize("months, expected, message", [
    (10**18, None, "The plan looks 1 to 120 months ahead."),
    (0, None, "The plan looks 1 to 120 months ahead."),
    (12, {1: ["abc"]}, "Each expected deposit is an amount of zero or more."),
    (12, {1: [-5]}, "Each expected deposit is an amount of zero or more."),
])
def test_the_planner_refuses_months_and_deposits_it_cannot_plan(enrolled, months, expected,
                                                                message):
    with enrolled.db.read() as s, pytest.raises(UserError) as refused:
        coverage.plan_year(s, enrolled.user(s, "auditor"), enrolled.group_id,
                           start=dt.date(2026, 11, 1), months=months, expected=expected)
    assert str(refused.value) == message


def test_an_exit_cannot_pay_out_a_fund_that_does_not_exist(enrolled):
    with pytest.raises(UserError) as refused, enrolled.db.write() as s:
        member_funds.pay_out(s, enrolled.user(s, "treasurer"), enrolled.member_ids[0],
                             (member_funds.FundPayout("gold", "Gold", 5),),
                             dt.date(2026, 11, 20), "cash", "")
    assert str(refused.value) == "There is no fund called “gold” to pay out."


@pytest.mark.parametrize("number", [0, -1, 2**31, 10**20])
def test_a_member_number_nobody_can_have_finds_no_member(env, number):
    """``kongthun export passbook --member 100000000000000000000`` answers "Group 1 has no
    member ..." instead of a database error (PostgreSQL: integer out of range)."""
    from models.core.lookup import member_id_by_number

    with env.db.read() as s:
        assert member_id_by_number(s, env.user(s, "auditor"), group_id=env.group_id,
                                   number=number) is None
        assert member_id_by_number(s, env.user(s, "auditor"), group_id=env.group_id,
                                   number=1) == env.member_ids[0]
