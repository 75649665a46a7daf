"""The treasurer's dashboard reads the same numbers as the ledger: fund balances at each
month's end, loans and PAR30, who came to each meeting, what the next meeting should bring;
and a user of every group sees each group's key figures with a total."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import groups, ledger, users
from models.core.errors import UserError
from models.loans import arrears
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.savings import accounts as savings
from models.statements import dashboard
from tests.models.savings_support import lend

D = dt.date


def _deposit(env, index: int, amount: int, on: dt.date) -> None:
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                               amount=amount, on=on)


def test_fund_balances_at_each_months_end_are_the_ledgers(env):
    for month, amount in ((3, 50_000), (5, 30_000), (9, 20_000)):
        _deposit(env, 0, amount, D(2026, month, 10))
    with env.db.read() as s:
        board = dashboard.group_dashboard(s, env.user(s, "auditor"), env.group_id)
        expected = [ledger.fund_balance(s, env.group_id, "loan", as_of=p.on)
                    for p in board.funds]
    assert [p.on for p in board.funds][:2] == [D(2025, 12, 31), D(2026, 1, 31)]
    assert board.funds[-1].on == D(2026, 11, 20)  # today, for the running month
    assert [p.loan_fund for p in board.funds] == expected
    assert [p.loan_fund for p in board.funds][2:10] == [0, 50_000, 50_000, 80_000, 80_000,
                                                       80_000, 80_000, 100_000]


def test_loans_outstanding_and_par30_follow_the_arrears_report(env):
    _deposit(env, 0, 50_000, D(2026, 1, 5))
    _deposit(env, 1, 50_000, D(2026, 1, 5))
    lend(env, env.member_ids[0], 60_000, on=D(2026, 4, 1))
    with env.db.read() as s:
        auditor = env.user(s, "auditor")
        board = dashboard.group_dashboard(s, auditor, env.group_id)
        today = arrears.portfolio_at_risk(
            arrears.loan_arrears(s, auditor, group_id=env.group_id), D(2026, 11, 20))
    before, after = board.loans[3], board.loans[-1]
    assert (before.on, before.loans, before.outstanding) == (D(2026, 3, 31), 0, 0)
    assert (after.loans, after.outstanding, after.par30) == (1, today.outstanding,
                                                             today.ratio(30))
    assert after.par30 > 0  # nothing was repaid: the installments are overdue


def test_attendance_per_meeting_and_what_the_next_meeting_should_bring(env):
    with env.db.write() as s:
        meeting = meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id,
                                        on=D(2026, 10, 20))
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting.id,
                                     cells={(env.member_ids[0], "savings"): 10_000},
                                     attendance={env.member_ids[2]: "absent"})
    with env.db.read() as s:
        board = dashboard.group_dashboard(s, env.user(s, "treasurer"), env.group_id)
    assert board.attendance == (dashboard.AttendancePoint(D(2026, 10, 20), 2, 3),)
    following = board.next_meeting
    assert following.on == D(2026, 11, 20)  # monthly: a month after the last, not before today
    assert following.members == 3
    savings_line = next(line for line in following.expected if line.label == "Savings")
    assert (savings_line.amount, savings_line.members) == (30_000, 3)  # one share each
    assert following.total == sum(line.amount for line in following.expected)


def test_every_group_on_one_line_with_a_total(env):
    _deposit(env, 0, 40_000, D(2026, 2, 5))
    with env.db.write() as s:
        admin = env.user(s, "admin")
        other = groups.create_group(s, admin, name="ກຸ່ມສານກະຕ່າ", village="Ban Dong")
        users.grant_role(s, admin, user_id=env.user_ids["treasurer"], role="treasurer",
                         group_id=other.id)
        second_id = other.id
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=_member_of(s, env, second_id),
                               amount=20_000, on=D(2026, 3, 5))
    with env.db.read() as s:
        rows = dashboard.federation_summary(s, env.user(s, "admin"))
        only_hers = dashboard.federation_summary(s, env.user(s, "auditor"))
    *lines, total = rows
    assert sorted(r.savings for r in lines) == [20_000, 40_000]
    assert total.group_id is None and total.name == "All groups"
    assert (total.savings, total.loan_fund, total.members) == (60_000, 60_000, 4)
    assert [r.group_id for r in only_hers[:-1]] == [env.group_id]


def _member_of(session, env, group_id: int) -> int:
    from models.core import members

    return members.add_member(session, env.user(session, "admin"), group_id=group_id,
                              details=members.MemberDetails(name_lao="ນາງ ດາວ", gender="f",
                                                            joined_on=D(2025, 1, 1))).id


def test_a_months_count_past_the_dashboards_reach_is_refused_in_words(env):
    """A slip that asks for 0 months, or for 2⁷⁰ of them, is refused with a message (old
    code: the month list ran until memory ran out, or ended in a Python error)."""
    with env.db.read() as s:
        auditor = env.user(s, "auditor")
        for months in (0, -3, 2**70, dashboard.MAX_MONTHS + 1, True):
            with pytest.raises(UserError) as refused:
                dashboard.group_dashboard(s, auditor, env.group_id, months=months)
            assert str(refused.value) == "The dashboard shows from 1 to 120 months."
        board = dashboard.group_dashboard(s, auditor, env.group_id,
                                          months=dashboard.MAX_MONTHS)
    assert len(board.funds) == 120 and board.funds[0].on == D(2016, 12, 31)
