"""The program the crash test kills: a treasurer posting meetings (the grid as the rules
prefill it: savings and loan repayments) and repayments outside meetings, one transaction
each, as fast as it can. After every commit it prints what is now saved, so the test knows
what must survive. Run: ``python -m tests.crash_worker LEDGER setup|work``."""
from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from sqlalchemy import func, select

from models.core import capability, clock, groups, members, users
from models.core.db import Database
from models.core.ledger import Line, post_entry
from models.core.migrate import open_database
from models.core.schema import User
from models.loans.application import apply_for_loan, approve_loan
from models.loans.payout import disburse_loan
from models.loans.repayments import record_repayment
from models.loans.schema import Loan
from models.meetings import grid as meeting_grids
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings.schema import Meeting

FIRST_MEETING = dt.date(2020, 1, 6)
MEMBERS, BORROWERS = 12, 6


def setup(database: Database) -> None:
    clock.set_now(dt.datetime(2020, 1, 5, 9, 0))
    with database.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                         password="crash-test")
        group = groups.create_group(s, admin, name="ກຸ່ມທົດສອບ", name_latin="Crash test",
                                    village="Ban Phonxay")
        treasurer = users.create_user(s, admin, username="treasurer", display_name="Treasurer",
                                      password="crash-test")
        users.grant_role(s, admin, user_id=treasurer.id, role="treasurer", group_id=group.id)
        leader = users.create_user(s, admin, username="leader", display_name="Leader",
                                   password="crash-test")
        users.grant_role(s, admin, user_id=leader.id, role="leader", group_id=group.id)
        ids = [members.add_member(s, admin, group_id=group.id, details=members.MemberDetails(
            name_lao=f"ນາງ ສະມາຊິກ {i + 1}", gender="f", joined_on=dt.date(2019, 6, 1))).id
            for i in range(MEMBERS)]
        for member_id in ids:
            post_entry(s, treasurer, group_id=group.id, value_date=dt.date(2020, 1, 5),
                       kind="deposit", lines=[Line("cash", 2_000_000),
                                              Line("member_savings", -2_000_000,
                                                   member_id=member_id)])
        for member_id in ids[:BORROWERS]:
            row = apply_for_loan(
                s, treasurer, group_id=group.id, member_id=member_id, amount=3_000_000,
                purpose="Market stall", installments=12, annual_rate=Decimal(12),
                method="flat", guarantor_ids=(), applied_on=dt.date(2020, 1, 5))
            approve_loan(s, leader, loan_id=row.id)
            disburse_loan(s, treasurer, loan_id=row.id, on=dt.date(2020, 1, 5),
                          paid_from="cash", first_due=None)


def work(database: Database) -> None:
    with database.read() as s:
        done = s.scalar(select(func.count(Meeting.id))) or 0
    day = FIRST_MEETING + dt.timedelta(days=7 * done)
    while True:
        clock.set_now(dt.datetime.combine(day, dt.time(10, 0)))
        with database.write() as s:
            treasurer = s.scalar(select(User).where(User.username == "treasurer"))
            # An open meeting left by a kill is posted now, as the treasurer would.
            meeting = s.scalar(select(Meeting).where(Meeting.status == "open"))
            meeting_id = meeting.id if meeting is not None else meetings.open_meeting(
                s, treasurer, group_id=1, on=day).id
            grid = meeting_grids.meeting_grid(s, treasurer, meeting_id)
            cells = {k: v for k, v in grid.expected_cells().items()
                     if k[1] in ("savings", "loan_repayment")}
            meeting_posting.post_meeting(s, treasurer, meeting_id=meeting_id, cells=cells)
        print(f"meeting {meeting_id}", flush=True)
        with database.write() as s:
            treasurer = s.scalar(select(User).where(User.username == "treasurer"))
            loan = s.scalar(select(Loan).where(Loan.status == "active").order_by(Loan.id))
            if loan is not None:
                entry = record_repayment(s, treasurer, loan_id=loan.id, amount=1_000,
                                         on=day)
                print(f"repayment {entry.id}", flush=True)
        day += dt.timedelta(days=7)


def main() -> None:
    path, what = sys.argv[1], sys.argv[2]
    capability.load()  # as every front end does at start: the grid's columns, the cycles
    database = open_database(path)
    if what == "setup":
        setup(database)
        print("ready", flush=True)
    else:
        work(database)


if __name__ == "__main__":
    main()
