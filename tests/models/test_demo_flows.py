"""The demo a new treasurer loads first: its papers add up, nobody saves or repays after
her death, and every flow it offers (the share-out, paying out an approved loan, paying
what the welfare fund owes) can be completed with the money in the box."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from models.core import ledger
from models.core.db import Database, sqlite_url
from models.core.schema import Group, JournalEntry, JournalLine, Member, User
from models.loans.payout import disburse_loan
from models.loans.schema import Loan
from models.loans.statuses import APPROVED
from models.meetings import meeting as meetings
from models.meetings import summary as meeting_summaries
from models.meetings.schema import CashCount, Meeting, MeetingCell
from models.savings import shareout_posting, shareout_preview, shareout_records
from models.welfare import claims as welfare
from models.welfare import register as welfare_register
from tests.conftest import TODAY

PAYMENTS = ("savings_deposit", "loan_repayment", "welfare_contribution", "fine_payment")


@pytest.fixture(scope="module")
def demo(demo_ledger):
    database = Database(sqlite_url(demo_ledger))
    yield database
    database.dispose()


def _auditor(session):
    return session.scalar(select(User).where(User.username == "auditor"))


def test_a_member_who_died_pays_nothing_at_meetings_after_her_death(demo):
    with demo.read() as s:
        gone = list(s.scalars(select(Member).where(Member.status != "active")))
        assert len(gone) >= 5  # the demo mourns a member in every group
        for member in gone:
            later_cells = s.scalars(
                select(MeetingCell).join(Meeting, Meeting.id == MeetingCell.meeting_id)
                .where(MeetingCell.member_id == member.id,
                       Meeting.meeting_date >= member.status_date)).all()
            assert later_cells == [], member.name_lao
            paid_later = s.scalars(
                select(JournalEntry.kind).join(JournalLine)
                .where(JournalLine.member_id == member.id,
                       JournalEntry.value_date >= member.status_date,
                       JournalEntry.kind.in_(PAYMENTS))).all()
            assert paid_later == [], member.name_lao


def test_every_meeting_summary_adds_up_to_its_printed_rows_and_its_count(demo):
    with demo.read() as s:
        auditor = _auditor(s)
        for group in s.scalars(select(Group)):
            for meeting in meetings.list_meetings(s, auditor, group.id):
                summary = meeting_summaries.meeting_summary(s, auditor, meeting.id)
                printed = Counter()
                for row in summary.rows:
                    printed.update(row.amounts)
                assert dict(printed) == {k: v for k, v in summary.totals.items() if v}
                assert sum(summary.attendance.values()) == len(summary.rows)
                count = s.scalar(select(CashCount).where(CashCount.meeting_id == meeting.id))
                # Opening plus every movement of the day is what the count expected.
                assert summary.cash_closing == count.expected, (group.name, meeting.meeting_date)


def test_the_last_meeting_paid_out_loans_and_shows_them_in_its_cash(demo):
    with demo.read() as s:
        auditor = _auditor(s)
        paid_out = 0
        for group in s.scalars(select(Group)):
            last = meetings.list_meetings(s, auditor, group.id)[0]
            summary = meeting_summaries.meeting_summary(s, auditor, last.id)
            lent = sum(m.paid for m in summary.cash_movements
                       if m.account_code == "1100")
            disbursed = s.scalar(select(Loan.id).where(
                Loan.group_id == group.id, Loan.disbursed_on == last.meeting_date).limit(1))
            assert bool(lent) == bool(disbursed)
            paid_out += lent
        assert paid_out > 0


def test_the_share_out_the_wizard_offers_can_be_posted_in_every_group(demo):
    with demo.read() as s:
        treasurer = s.scalar(select(User).where(User.username == "treasurer"))
        for group in s.scalars(select(Group)):
            preview = shareout_preview.preview_share_out(
                s, treasurer, group_id=group.id, on=TODAY.date(), carry_over=shareout_preview.ALL)
            assert [str(p) for p in preview.problems] == [], group.name
            assert preview.total_cash <= ledger.balance(s, group.id, "cash")
            shareout_posting.post_share_out(s, treasurer, group_id=group.id, on=TODAY.date(),
                                            carry_over=shareout_preview.ALL,
                                            preview_seq=preview.ledger_seq)


def test_every_approved_loan_can_be_paid_out_from_the_box(demo):
    with demo.read() as s:
        treasurer = s.scalar(select(User).where(User.username == "treasurer"))
        approved = s.scalars(select(Loan).where(Loan.status == APPROVED)).all()
        assert approved
        for loan in approved:
            disburse_loan(s, treasurer, loan_id=loan.id, on=TODAY.date())


def test_what_the_welfare_fund_owes_is_not_stopped_by_an_empty_box(demo):
    """A claim the fund still owes waits for the fund's money (that is what the demo
    shows), never for cash the box lent out."""
    with demo.read() as s:
        treasurer = s.scalar(select(User).where(User.username == "treasurer"))
        owing = 0
        for group in s.scalars(select(Group)):
            owed = sum(c.owed for c in welfare_register.claims_register(s, treasurer, group.id))
            assert owed <= ledger.balance(s, group.id, "cash"), group.name
            owing += owed
        assert owing > 0
