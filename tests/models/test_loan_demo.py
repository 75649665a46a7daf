"""The demo's loans: with savings to borrow against, a year of meetings leaves loans in every
state, and the ledger verifies."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from models.core import ledger
from models.core.ledger import Line
from models.core.verify import verify_database
from models.demo import Activity, build_demo
from models.demo.activity_loans import ACTIVITY
from models.loans.schema import Loan, LoanRepayment, LoanTerms
from models.loans.statuses import ACTIVE, APPLIED, APPROVED, CLOSED, REJECTED, WRITTEN_OFF


def _save(ctx, group, day):  # noqa: ANN001
    """Stand-in for the savings activity: every member saves 200,000 kip a meeting."""
    for member in group.active_members(day):
        ledger.post_entry(ctx.session, ctx.actor("treasurer"), group_id=group.id,
                          value_date=day, kind="deposit",
                          lines=[Line("cash", 200_000),
                                 Line("member_savings", -200_000, member_id=member.id)])


SAVINGS = Activity(name="savings", order=10, on_meeting=_save)


def test_a_year_of_demo_meetings_leaves_loans_in_every_state(tmp_path):
    from models.core.migrate import open_database

    database = open_database(str(tmp_path / "demo.sqlite3"))
    build_demo(database, seed=3, groups=1, years=1, today=dt.date(2026, 11, 20),
               activities=[SAVINGS, ACTIVITY])
    with database.read() as s:
        statuses = dict(s.execute(select(Loan.status, func.count(Loan.id))
                                  .group_by(Loan.status)).all())
        rescheduled = s.scalar(select(func.count(LoanTerms.id)).where(LoanTerms.version > 1))
        problems = [str(p) for p in verify_database(s)]
    assert problems == []
    for status in (APPLIED, APPROVED, REJECTED, ACTIVE, CLOSED,
                   WRITTEN_OFF):
        assert statuses.get(status, 0) >= 1, (status, statuses)
    assert rescheduled >= 1
    database.dispose()


def test_the_same_seed_gives_the_same_loans(tmp_path):
    from models.core.migrate import open_database

    def build(name):  # noqa: ANN001, ANN202
        database = open_database(str(tmp_path / name))
        build_demo(database, seed=5, groups=1, years=1, today=dt.date(2026, 11, 20),
                   activities=[SAVINGS, ACTIVITY])
        with database.read() as s:
            rows = s.execute(select(Loan.number, Loan.amount, Loan.status,
                                    Loan.principal_outstanding).order_by(Loan.id)).all()
        database.dispose()
        return rows

    assert build("a.sqlite3") == build("b.sqlite3")


def test_two_demo_groups_charge_loan_fees_and_the_ledger_verifies(tmp_path):
    from models.core.migrate import open_database
    from models.core.schema import Group

    database = open_database(str(tmp_path / "demo.sqlite3"))
    build_demo(database, seed=3, groups=5, years=1, today=dt.date(2026, 11, 20),
               activities=[SAVINGS, ACTIVITY])
    with database.read() as s:
        groups = s.scalars(select(Group.id).order_by(Group.id)).all()
        timing = [set(s.scalars(select(Loan.fee_timing).where(Loan.group_id == g,
                                                             Loan.fee > 0)))
                  for g in groups]
        income = [ledger.balance(s, g, "fee_income") for g in groups]
        problems = [str(p) for p in verify_database(s)]
    assert problems == []
    assert timing == [set(), set(), set(), {"installments"}, {"payout"}]
    assert [amount > 0 for amount in income] == [False, False, False, True, True]
    database.dispose()


def test_demo_meetings_take_loan_repayments_and_welfare_in_their_grid(tmp_path):
    """Members repay loans and pay the welfare fund at the meeting, in its grid, so the
    meeting summary shows what each paid (no one marked absent pays)."""
    from models.core.migrate import open_database
    from models.meetings.schema import MeetingAttendance, MeetingCell

    database = open_database(str(tmp_path / "demo.sqlite3"))
    build_demo(database, seed=3, groups=1, years=1, today=dt.date(2026, 11, 20))
    with database.read() as s:
        cells = dict(s.execute(select(MeetingCell.column_key, func.count(MeetingCell.id))
                               .group_by(MeetingCell.column_key)).all())
        repayments = s.execute(select(func.count(), func.count(LoanRepayment.meeting_id))
                               .where(LoanRepayment.status == "posted")).one()
        absent_paid = s.scalar(select(func.count(MeetingCell.id)).join(
            MeetingAttendance, (MeetingAttendance.meeting_id == MeetingCell.meeting_id)
            & (MeetingAttendance.member_id == MeetingCell.member_id))
            .where(MeetingAttendance.status == "absent",
                   MeetingCell.column_key.in_(("loan_repayment", "welfare"))))
        problems = [str(p) for p in verify_database(s)]
    assert problems == []
    assert cells["loan_repayment"] >= 10 and cells["welfare"] >= 50, cells
    # Repayments outside meetings remain only for share-outs and exits.
    total, at_meetings = repayments
    assert at_meetings >= total * 0.8, repayments
    assert absent_paid == 0
    database.dispose()
