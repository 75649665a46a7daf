"""Arrears: late penalties after the grace days, charged once per installment (flat, a
percent of the unpaid principal, or of principal and interest); days overdue, aging buckets
and portfolio at risk pinned to a portfolio worked by hand; who is due at the meeting."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.core import ledger
from models.core.errors import PermissionDenied
from models.core.schema import JournalEntry
from models.loans import arrears, penalties
from models.loans.repayments import pay_off_loan, reverse_repayment
from models.loans.requests import approve_request, request_write_off
from models.loans.statuses import KIND_PENALTY
from tests.models.loan_support import (
    D,
    add_member,
    assert_ledger_whole,
    balance,
    detail,
    open_loan,
    receivable,
    repay,
    save,
    set_policy,
    splits,
)

TODAY = D(2026, 11, 20)


def _run_penalties(db, env, on=TODAY):
    with db.write() as s:
        return penalties.post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                                            on=on)


@pytest.fixture
def flat_loan(db, env):
    """1,200,000 kip flat 24 %, 12 months from 10/06/2026: 24,000 interest + 100,000
    principal due on the 10th of each month, the first on 10/07."""
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    return open_loan(db, env, amount=1_200_000, installments=12, disbursed=D(2026, 6, 10))


def test_a_flat_penalty_after_the_grace_days_once_per_late_installment(db, env, flat_loan):
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=3)
    repay(db, env, flat_loan, 124_000, D(2026, 7, 13))  # last day of grace: no penalty
    repay(db, env, flat_loan, 124_000, D(2026, 8, 14))  # first late day
    # Nothing more paid: installments 3 (10/09), 4 (10/10) and 5 (10/11) are late too;
    # 6 (10/12) is not yet due.
    charged = _run_penalties(db, env)
    assert [(p.installment, p.charged_on, p.amount) for p in charged] == [
        (2, D(2026, 8, 14), 5_000), (3, D(2026, 9, 14), 5_000),
        (4, D(2026, 10, 14), 5_000), (5, D(2026, 11, 14), 5_000)]
    # The repayment of 14/08 came on the late day: it pays the penalty first.
    assert splits(db, env, flat_loan)[1] == \
        (D(2026, 8, 14), 124_000, 5_000, 24_000, 95_000, "posted")
    assert receivable(db, env, flat_loan, "penalties_receivable") == 15_000
    assert balance(db, env, "penalty_income") == 20_000
    assert_ledger_whole(db)
    # Run again, the next day or the same: nothing is charged twice.
    assert _run_penalties(db, env) == []
    assert balance(db, env, "penalty_income") == 20_000


def test_a_penalty_in_percent_of_the_unpaid_principal(db, env, flat_loan):
    set_policy(db, env, penalty_kind="percent_principal", penalty_percent=Decimal(2),
               grace_days=0)
    repay(db, env, flat_loan, 74_000, D(2026, 7, 10))  # 24,000 interest + 50,000 principal
    charged = _run_penalties(db, env, on=D(2026, 8, 11))
    # Installment 1: 2 % of its 50,000 unpaid principal; installment 2: 2 % of 100,000.
    assert [(p.installment, p.amount) for p in charged] == [(1, 1_000), (2, 2_000)]
    assert_ledger_whole(db)


def test_a_penalty_in_percent_of_the_unpaid_principal_and_interest(db, env, flat_loan):
    set_policy(db, env, penalty_kind="percent_total", penalty_percent=Decimal("2.5"),
               grace_days=5)
    charged = _run_penalties(db, env, on=D(2026, 7, 16))
    # 2.5 % of 124,000 = 3,100, from the 6th day after 10/07.
    assert [(p.installment, p.charged_on, p.amount) for p in charged] == \
        [(1, D(2026, 7, 16), 3_100)]


def test_the_rule_in_force_on_the_due_date_applies(db, env, flat_loan):
    set_policy(db, env, effective_from=D(2026, 1, 1), penalty_kind="flat", penalty_flat=5_000)
    set_policy(db, env, effective_from=D(2026, 8, 1), penalty_kind="none")
    charged = _run_penalties(db, env)
    assert [p.installment for p in charged] == [1]  # due 10/07, before the rule ended


def test_a_waived_penalty_is_not_charged_again(db, env, flat_loan):
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=0)
    _run_penalties(db, env, on=D(2026, 7, 11))
    with db.write() as s:
        entry = s.query(JournalEntry).filter_by(kind=KIND_PENALTY).one().id
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry,
                             reason="She was in hospital")
    assert receivable(db, env, flat_loan, "penalties_receivable") == 0
    assert [p.installment for p in _run_penalties(db, env, on=D(2026, 8, 11))] == [2]
    assert_ledger_whole(db)


def test_no_penalty_without_a_rule_and_leaders_cannot_charge(db, env, flat_loan):
    assert _run_penalties(db, env) == []
    with pytest.raises(PermissionDenied), db.write() as s:
        penalties.post_due_penalties(s, env.user(s, "leader"), group_id=env.group_id)


@pytest.fixture
def portfolio(db, env):
    """Five members' flat 24 % loans out on 20/11/2026, worked by hand:

    loan  amount     paid out   first due  paid                       overdue since  days
    A     1,000,000  01/11      01/12      (an earlier loan repaid)   -              0
    B     2,000,000  10/10      10/11      nothing                    10/11          10
    C     3,000,000  06/09      06/10      nothing                    06/10          45
    D     4,000,000  06/08      06/09      nothing                    06/09          75
    E     5,000,000  23/06      23/07      150,000 on 23/07           23/07          120

    E's 150,000 paid 100,000 interest and 50,000 of the 416,667 principal due, so it is
    still overdue since 23/07 and owes 4,950,000 principal. Outstanding in all:
    1 + 2 + 3 + 4 + 4.95 = 14,950,000."""
    for _ in range(2):
        add_member(db, env, "ນາງ ດາວ", "Dao")
    with db.write() as s:
        for index in range(5):
            save(s, env, index, 5_000_000)
    ids = {}
    earlier = open_loan(db, env, member=0, amount=300_000, installments=2,
                        disbursed=D(2026, 2, 1))
    with db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=earlier, on=D(2026, 3, 1))
    ids["A"] = open_loan(db, env, member=0, amount=1_000_000, disbursed=D(2026, 11, 1))
    ids["B"] = open_loan(db, env, member=1, amount=2_000_000, disbursed=D(2026, 10, 10))
    ids["C"] = open_loan(db, env, member=2, amount=3_000_000, disbursed=D(2026, 9, 6))
    ids["D"] = open_loan(db, env, member=3, amount=4_000_000, disbursed=D(2026, 8, 6))
    ids["E"] = open_loan(db, env, member=4, amount=5_000_000, disbursed=D(2026, 6, 23))
    repay(db, env, ids["E"], 150_000, D(2026, 7, 23))
    return ids


def test_days_overdue_per_loan(db, env, portfolio):
    with db.read() as s:
        rows = arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id)
    by_id = {r.loan_id: r for r in rows}
    assert {name: by_id[i].days_overdue for name, i in portfolio.items()} == \
        {"A": 0, "B": 10, "C": 45, "D": 75, "E": 120}
    assert {name: by_id[i].outstanding for name, i in portfolio.items()} == \
        {"A": 1_000_000, "B": 2_000_000, "C": 3_000_000, "D": 4_000_000, "E": 4_950_000}
    assert len(rows) == 5  # the repaid loan is not in the portfolio
    # E's installments of 23/07, 23/08, 23/09 and 23/10 are due (23/11 is not yet): four
    # times 416,667 principal less the 50,000 paid, four times 100,000 interest less the
    # 100,000 paid.
    assert (by_id[portfolio["E"]].overdue_principal, by_id[portfolio["E"]].overdue_interest) \
        == (4 * 416_667 - 50_000, 3 * 100_000)


def test_aging_buckets_and_portfolio_at_risk(db, env, portfolio):
    with db.read() as s:
        rows = arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id)
    buckets = arrears.aging(rows)
    assert [(b.label, b.loans, b.outstanding) for b in buckets] == [
        ("1–30 days", 1, 2_000_000), ("31–60 days", 1, 3_000_000),
        ("61–90 days", 1, 4_000_000), ("Over 90 days", 1, 4_950_000)]
    risk = arrears.portfolio_at_risk(rows, TODAY)
    assert risk.outstanding == 14_950_000
    assert risk.at_risk == {30: 11_950_000, 60: 8_950_000, 90: 4_950_000}
    # 11,950,000 / 14,950,000 = 79.93 %; 8.95 / 14.95 = 59.87 %; 4.95 / 14.95 = 33.11 %.
    assert [risk.ratio(n) for n in (30, 60, 90)] == \
        [Decimal("79.93"), Decimal("59.87"), Decimal("33.11")]


def test_a_written_off_loan_leaves_the_portfolio(db, env, portfolio):
    with db.write() as s:
        request = request_write_off(s, env.user(s, "treasurer"),
                                    loan_id=portfolio["E"], reason="Left the village")
        approve_request(s, env.user(s, "leader"), request_id=request.id)
    with db.read() as s:
        rows = arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id)
    risk = arrears.portfolio_at_risk(rows, TODAY)
    assert (risk.outstanding, risk.at_risk[90]) == (10_000_000, 0)
    # Looking back to before the write-off, it was still out.
    with db.read() as s:
        before = arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id,
                                      on=D(2026, 11, 19))
    assert portfolio["E"] in {r.loan_id for r in before}
    assert_ledger_whole(db)


def test_who_is_due_or_late_at_the_next_meeting(db, env, portfolio):
    with db.read() as s:
        rows = arrears.due_list(s, env.user(s, "auditor"), group_id=env.group_id,
                                on=D(2026, 12, 1))
    due = {r.loan_id: (r.due, r.days_overdue) for r in rows}
    # A's first installment (20,000 interest + 83,333 principal) falls due on 01/12.
    assert due[portfolio["A"]] == (103_333, 0)
    # B owes its installment of 10/11 (40,000 + 166,667), 21 days late by then.
    assert due[portfolio["B"]] == (206_667, 21)
    assert [r.member_number for r in rows] == sorted(r.member_number for r in rows)


def test_an_empty_portfolio_has_no_risk(db, env):
    with db.read() as s:
        rows = arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id)
    risk = arrears.portfolio_at_risk(rows, TODAY)
    assert (risk.outstanding, risk.ratio(30)) == (0, Decimal("0.00"))
    assert [b.loans for b in arrears.aging(rows)] == [0, 0, 0, 0]


def test_the_loan_detail_shows_days_overdue_and_what_is_due(db, env, flat_loan):
    info = detail(db, env, flat_loan)
    # Nothing paid: five installments of 124,000 due by 20/11; late since 10/07.
    assert (info.days_overdue, info.due_now) == (133, 5 * 124_000)


def test_a_payment_entered_late_takes_back_the_penalty_it_avoided(db, env, flat_loan):
    """Fault 5. Installment 1 (124,000) was due 10/07/2026, with 3 days of grace (to
    13/07) and a 5,000 penalty after. The treasurer ran penalties on 14/07: 5,000
    charged. Then she enters Nang Kham's payment of 124,000 made on 12/07, inside the
    grace days. The penalty is reversed (a reversing entry with the reason; the charge
    stays in the journal), nothing is owed in penalties and the repayment pays
    24,000 interest and 100,000 principal. Old code left the 5,000 owed. When the
    payment turns out to be a mistake and is reversed, the installment is late again
    and the penalty is charged again, dated 14/07."""
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=3)
    assert [(p.installment, p.amount) for p in _run_penalties(db, env, on=D(2026, 7, 14))] \
        == [(1, 5_000)]
    repayment = repay(db, env, flat_loan, 124_000, D(2026, 7, 12))
    assert receivable(db, env, flat_loan, "penalties_receivable") == 0
    assert balance(db, env, "penalty_income") == 0
    assert splits(db, env, flat_loan) == [
        (D(2026, 7, 12), 124_000, 0, 24_000, 100_000, "posted")]
    with db.read() as s:
        penalties = s.query(JournalEntry).filter_by(kind=KIND_PENALTY).all()
        reversal = s.query(JournalEntry).filter(
            JournalEntry.reverses_id == penalties[0].id).one()
        assert "decided again" in reversal.memo
    assert detail(db, env, flat_loan, D(2026, 7, 14)).installments[0].n == 1
    assert_ledger_whole(db)

    with db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=repayment,
                          reason="Entered twice")
    assert receivable(db, env, flat_loan, "penalties_receivable") == 5_000
    with db.read() as s:
        charged = [e.value_date for e in s.query(JournalEntry).filter_by(
            kind=KIND_PENALTY) if e.reverses_id is None]
    assert charged == [D(2026, 7, 14), D(2026, 7, 14)]  # the first, reversed; the second
    assert_ledger_whole(db)
