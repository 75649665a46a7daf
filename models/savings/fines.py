"""Fines: charged by the treasurer or by the roll call (the rules' fines for coming late
and for missing a meeting), paid in cash, or from a member's own money when she leaves or
at the share-out (fines are a debt source)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, ledger
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, gettext
from models.core.ledger import Line
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, JournalLine, Member, User
from models.meetings.attendance import ABSENT, LATE
from models.meetings.roll import RollCallHook
from models.meetings.schema import Meeting
from models.savings.accounts import (
    KIND_FINE,
    KIND_FINE_PAYMENT,
    PAY_ACCOUNTS,
    find_member,
    fines_owed,
)
from models.savings.debts import Debt, DebtSource, SettleFrom
from models.savings.rules import SavingsRules, money_text, rules
from models.savings.texts import MEETING_FINES


def charge_fine(session: Session, actor: User, *, member_id: int, amount: int, reason: str,
                on: dt.date, meeting_id: int | None = None) -> int:
    """Charge a member a fine (owed until paid). ``reason`` names it: "Late", a custom fine
    of the rules, or the treasurer's words. Returns the entry id."""
    member = find_member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    problems = []
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    if not reason.strip():
        problems.append(UserError(N_("Say what the fine is for.")))
    if problems:
        raise ValidationError(problems)
    return post_fines(session, actor, group_id=member.group_id, on=on, meeting_id=meeting_id,
                      memo=reason.strip(), charges={member.id: amount}).id


def post_fines(session: Session, actor: User, *, group_id: int, on: dt.date,
               charges: dict[int, int], memo: str,
               meeting_id: int | None = None) -> JournalEntry:
    """One entry charging several members their fines."""
    require(session, actor, Permission.RECORD, group_id)
    lines = [Line("fines_receivable", amount, member_id=member_id)
             for member_id, amount in sorted(charges.items()) if amount > 0]
    total = sum(line.amount for line in lines)
    entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on, kind=KIND_FINE,
                              memo=memo, meeting_id=meeting_id,
                              lines=lines + [Line("fine_income", -total)])
    audit.record(session, actor, "fine.charge", group_id=group_id, entry=entry.seq,
                 members=sorted(charges), total=total)
    return entry


def pay_fines(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
              into: str = "cash", meeting_id: int | None = None) -> int:
    """A member pays fines she owes. Returns the entry id."""
    member = find_member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    owed = fines_owed(session, member.group_id, member.id)
    problems = []
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    elif amount > owed:
        problems.append(UserError(N_("{name} owes only {owed} in fines."), name=member.name_lao,
                                  owed=money_text(session, member.group_id, owed)))
    if into not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money goes into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    return post_fine_payment(session, actor, member, amount, on, meeting_id, into).id


def post_fine_payment(session: Session, actor: User, member: Member, amount: int, on: dt.date,
                      meeting_id: int | None, into: str = "cash", memo: str = "") -> JournalEntry:
    """Fines paid in cash or bank, or from the member's own money (her savings at an exit,
    her payout at a share-out: that line names her)."""
    entry = ledger.post_entry(
        session, actor, group_id=member.group_id, value_date=on, kind=KIND_FINE_PAYMENT,
        meeting_id=meeting_id, memo=memo,
        lines=[Line(into, amount, member_id=None if into in PAY_ACCOUNTS else member.id),
               Line("fines_receivable", -amount, member_id=member.id)])
    audit.record(session, actor, "fine.pay", group_id=member.group_id, member=member.id,
                 amount=amount, entry=entry.seq)
    return entry


def attendance_fine(r: SavingsRules, status: str) -> int:
    return {ABSENT: r.fine_absence, LATE: r.fine_late}.get(status, 0)

def _fines_owed(session: Session, group_id: int, member_id: int, on: dt.date) -> list[Debt]:
    return [Debt("fines", N_("Unpaid fines"), fines_owed(session, group_id, member_id))]


def _settle_fines(session: Session, actor: User, debt: Debt, amount: int,
                  source: SettleFrom) -> None:
    post_fine_payment(session, actor, find_member(session, source.member_id), amount, source.on,
                      None, source.account, source.memo)


def fine_the_roll_call(session: Session, actor: User, meeting: Meeting,
                       statuses: Mapping[int, str]) -> None:
    """The rules' fines for the late and the absent, when a meeting is posted."""
    r = rules(session, meeting.group_id, meeting.meeting_date)
    fines = {member_id: attendance_fine(r, status) for member_id, status in statuses.items()}
    if any(fines.values()):
        post_fines(session, actor, group_id=meeting.group_id, on=meeting.meeting_date,
                   charges=fines, meeting_id=meeting.id, memo=gettext(MEETING_FINES))


def fines_charged(session: Session, meeting: Meeting) -> dict[int, int]:
    """The fines charged each member at a meeting (the roll call's), for its summary."""
    fines_id = chart.account_id(session, meeting.group_id, "fines_receivable")
    rows = session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.amount)).join(JournalEntry)
        .where(JournalEntry.meeting_id == meeting.id, JournalEntry.kind == KIND_FINE,
               JournalLine.account_id == fines_id)
        .group_by(JournalLine.member_id))
    return {member_id: int(total) for member_id, total in rows}


ATTENDANCE_FINES = RollCallHook(post=fine_the_roll_call, charged=fines_charged)

FINES_DEBTS = DebtSource("fines", 50, ("fines_receivable",), _fines_owed, _settle_fines)
