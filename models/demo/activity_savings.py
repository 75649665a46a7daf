"""Demo: each group's savings rules, and at every meeting the roll call and the grid's
savings and fines — with every other activity's columns (``Activity.meeting_cells``:
welfare contributions, loan repayments) — posted through ``models.meetings.meeting`` as a
treasurer would.

Members buy shares with what their month allows (the season of their trade: lean months
bring fewer shares, some none); most come, a few come late, send someone or miss the
meeting, and pay their fines at a later meeting. The meeting's id is kept in
``group.state["savings"]["meeting_id"]`` so later activities can link their entries to it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models.core import ledger
from models.demo import Activity, DemoContext, DemoGroup
from models.meetings import attendance as meeting_attendance
from models.meetings import cashbox
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import roll as meeting_roll
from models.savings import fines as savings_fines
from models.savings.rules import SHAREOUT_METHODS, rules, set_rules

SAVING_SHARE = Decimal("0.03")  # of a month's income, put into shares in a typical month
EXPENSE_EVERY = 6  # months: stationery for the books


def share_price(group: DemoGroup) -> int:
    """Lower-income trades (recyclers, tray makers) keep a smaller share."""
    return 5_000 if group.kind.annual_income_usd < 800 else 10_000


def setup(ctx: DemoContext, group: DemoGroup) -> None:
    set_rules(ctx.session, ctx.actor("admin"), group_id=group.id, effective_from=group.starts_on,
              changes={"share_price": share_price(group), "min_shares": 1, "max_shares": 5,
                       "fine_absence": 5_000, "fine_late": 2_000,
                       "shareout_method": SHAREOUT_METHODS[group.index % len(SHAREOUT_METHODS)],
                       "shareout_round_to": 500})
    group.state["savings"] = {"months": 0}


def _attendance(rng) -> str:  # noqa: ANN001
    draw = rng.random()
    if draw < 0.06:
        return meeting_attendance.ABSENT
    if draw < 0.10:
        return meeting_attendance.REPRESENTED
    if draw < 0.16:
        return meeting_attendance.LATE
    return meeting_attendance.PRESENT


def on_meeting(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    session, treasurer = ctx.session, ctx.actor("treasurer")
    rng = group.rng("savings")
    state = group.state["savings"]
    meeting = meetings.open_meeting(session, treasurer, group_id=group.id, on=day)
    state["meeting_id"] = meeting.id
    state["months"] += group.month_opens(day)
    present = group.active_members(day)
    attendance = {m.id: _attendance(rng) for m in present}
    meeting_roll.record_attendance(session, treasurer, meeting_id=meeting.id, attendance=attendance)
    r = rules(session, group.id, day)
    price = r.share_price
    owed = ledger.member_balances(session, group.id, "fines_receivable")
    cells: dict[tuple[int, str], int] = {}
    for member in present:
        if attendance[member.id] == meeting_attendance.ABSENT:
            continue
        income = ctx.member_income(group, member, day.month)
        mood = Decimal(rng.randint(50, 150)) / 100  # this month, more or less than usual
        wanted = Decimal(income) * SAVING_SHARE * mood / price / group.meetings_per_month
        shares = max(0, min(5, int(wanted.to_integral_value())))
        if shares:
            cells[(member.id, "savings")] = shares * price
        fines = owed.get(member.id, 0) + savings_fines.attendance_fine(r, attendance[member.id])
        if fines and rng.random() < 0.7:
            cells[(member.id, "fines")] = fines
    notes = {m_id: "ລູກສາວມາແທນ" for m_id, status in attendance.items()
             if status == meeting_attendance.REPRESENTED}
    # The other capabilities' columns (welfare, loan repayments) go into the same grid.
    for activity in sorted(ctx.activities, key=lambda a: (a.order, a.name)):
        if activity.meeting_cells is not None:
            cells.update(activity.meeting_cells(ctx, group, day, attendance))
    meeting_posting.post_meeting(session, treasurer, meeting_id=meeting.id, cells=cells,
                                 notes=notes)
    if group.month_opens(day) and state["months"] % EXPENSE_EVERY == 0:
        cashbox.record_expense(session, treasurer, group_id=group.id, amount=15_000, on=day,
                               memo="ປຶ້ມບັນທຶກ ແລະ ບິກ", meeting_id=meeting.id)


ACTIVITY = Activity(name="savings", order=10, setup=setup, on_meeting=on_meeting)
