"""Members' enrolments in the NSSF voluntary scheme through the group, and their status.

A member is enrolled with her social-security number (an opaque text, unique to her), the
level she chose (only levels offered on the start month), her hospital and a contract of
the scheme's length from a first month. Her status is never typed: it is read from the
months the group's exported batches paid for her (``covered_months``):

- *active*: every month of the contract before the current one is paid;
- *in grace*: the oldest unpaid month is at most the grace months (3) old; it can still
  be paid, until the month ``pay_by``;
- *lapsed*: a month went unpaid past the grace; the contract cannot be continued, only a
  new one started (``enrol`` again: a reinstatement, which follows the lapsed one);
- *ended*: she left the scheme or the group, or the contract ran out without renewal.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock
from models.core.clock import add_months
from models.core.errors import NotFound, UserError, ValidationError, check_text
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.nssf import scheme as scheme_mod
from models.nssf.schema import NssfBatch, NssfBatchLine, NssfEnrolment, NssfLevel
from models.nssf.scheme import month_start, months_between

ACTIVE, IN_GRACE, LAPSED, ENDED = "active", "in_grace", "lapsed", "ended"
STATUSES = (ACTIVE, IN_GRACE, LAPSED, ENDED)
STATUS_NAMES = {ACTIVE: N_("Covered"), IN_GRACE: N_("In grace"), LAPSED: N_("Lapsed"),
                ENDED: N_("Ended")}
END_REASONS = ("left_scheme", "left_group", "reinstated", "renewed")
# Batches whose lines count as paid: once exported, the money has moved.
PAID_STATUSES = ("exported", "confirmed")


@dataclass(frozen=True)
class Standing:
    """An enrolment's status on a day, read from the months paid."""

    status: str
    covered_through: dt.date | None   # the last month of an unbroken run from the start
    oldest_unpaid: dt.date | None     # the oldest month due and not paid
    pay_by: dt.date | None            # in grace: the last month that month can be paid in
    lapsed_from: dt.date | None


@dataclass(frozen=True)
class EnrolmentRow:
    id: int
    group_id: int
    member_id: int
    member_number: int
    name: str
    name_latin: str
    ss_number: str
    hospital: str
    level: int                 # the level she chose, in force this month
    level_number: int          # its place in the table in force (0: not in it any more)
    enrolled_on: dt.date
    contract_start: dt.date
    contract_end: dt.date
    ended_on: dt.date | None
    end_reason: str | None
    follows_id: int | None
    status: str
    covered_through: dt.date | None
    oldest_unpaid: dt.date | None
    pay_by: dt.date | None
    renewal_due: bool          # the contract ends within the reminder's months


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first of month from ``first``'s month to ``last``'s, both included."""
    out, day = [], month_start(first)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


def covered_months(session: Session, enrolment_ids: Iterable[int]) -> dict[int, set[dt.date]]:
    """The months paid for each enrolment by exported or confirmed batches (a correction's
    lines added to the batch it corrects; a month is paid while its sum is above zero)."""
    ids = list(enrolment_ids)
    out: dict[int, set[dt.date]] = {i: set() for i in ids}
    if not ids:
        return out
    rows = session.execute(
        select(NssfBatchLine.enrolment_id, NssfBatchLine.period,
               func.sum(NssfBatchLine.contribution))
        .join(NssfBatch, NssfBatch.id == NssfBatchLine.batch_id)
        .where(NssfBatchLine.enrolment_id.in_(ids), NssfBatch.status.in_(PAID_STATUSES))
        .group_by(NssfBatchLine.enrolment_id, NssfBatchLine.period))
    for enrolment_id, period, total in rows:
        if total > 0:
            out[enrolment_id].add(period)
    return out


def standing(enrolment: NssfEnrolment, covered: set[dt.date], grace: int,
             on: dt.date) -> Standing:
    """The enrolment's status on ``on`` (pure: the months paid and the grace in force).
    A month is due from its first day and late from the next month; it lapses the
    contract when it is still unpaid more than ``grace`` months later."""
    current = month_start(on)
    run, through = enrolment.contract_start, None
    while run in covered and run <= enrolment.contract_end:
        through, run = run, add_months(run, 1)
    closed = enrolment.ended_on is not None and enrolment.ended_on <= on
    last_due = min(add_months(current, -1), enrolment.contract_end)
    if closed:
        last_due = min(last_due, month_start(enrolment.ended_on))
    due = [m for m in months(enrolment.contract_start, last_due) if m not in covered]
    oldest = due[0] if due else None
    if closed and enrolment.end_reason in ("left_scheme", "left_group"):
        return Standing(ENDED, through, oldest, None, None)
    if oldest is not None and months_between(oldest, current) > grace:
        return Standing(LAPSED, through, oldest, None, add_months(oldest, grace + 1))
    if closed or enrolment.contract_end < current:
        return Standing(ENDED, through, oldest, None, None)
    if oldest is not None:
        return Standing(IN_GRACE, through, oldest, add_months(oldest, grace), None)
    return Standing(ACTIVE, through, None, None, None)


def chosen_level(session: Session, enrolment_id: int, month: dt.date) -> int:
    """The level she chose for ``month`` (the newest change from that month or before)."""
    rows = session.execute(select(NssfLevel.from_month, NssfLevel.level)
                           .where(NssfLevel.enrolment_id == enrolment_id)
                           .order_by(NssfLevel.from_month, NssfLevel.id)).all()
    level = rows[0][1] if rows else 0
    for from_month, value in rows:
        if from_month <= month:
            level = value
    return level


def _enrolment(session: Session, enrolment_id: int) -> NssfEnrolment:
    found = session.get(NssfEnrolment, enrolment_id)
    if found is None:
        raise NotFound(N_("No such NSSF enrolment."))
    return found


def _member(session: Session, member_id: int) -> Member:
    found = session.get(Member, member_id)
    if found is None:
        raise NotFound(N_("No such member."))
    return found


def latest_enrolment(session: Session, member_id: int) -> NssfEnrolment | None:
    return session.scalar(select(NssfEnrolment).where(NssfEnrolment.member_id == member_id)
                          .order_by(NssfEnrolment.id.desc()).limit(1))


def _row(session: Session, enrolment: NssfEnrolment, member: Member, covered: set[dt.date],
         on: dt.date) -> EnrolmentRow:
    clock.check_date(on)  # every read of a contract's status passes here
    s = scheme_mod.scheme(session, enrolment.group_id, on)
    st = standing(enrolment, covered, s.grace_months, on)
    level = chosen_level(session, enrolment.id, max(month_start(on), enrolment.contract_start))
    renewal = (st.status in (ACTIVE, IN_GRACE) and
               months_between(month_start(on), enrolment.contract_end) < s.renewal_notice_months)
    return EnrolmentRow(
        enrolment.id, enrolment.group_id, member.id, member.number, member.name_lao,
        member.name_latin or "", enrolment.ss_number, enrolment.hospital, level,
        s.level_number(level), enrolment.enrolled_on, enrolment.contract_start,
        enrolment.contract_end, enrolment.ended_on, enrolment.end_reason, enrolment.follows_id,
        st.status, st.covered_through, st.oldest_unpaid, st.pay_by, renewal)


def enrolments(session: Session, actor: User, group_id: int, *, on: dt.date | None = None,
               include_past: bool = False) -> list[EnrolmentRow]:
    """The group's enrolments on ``on`` (default today), by member number: each member's
    latest only, unless ``include_past`` (then every contract, oldest first)."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    rows = session.scalars(select(NssfEnrolment).where(NssfEnrolment.group_id == group_id)
                           .order_by(NssfEnrolment.id)).all()
    if not include_past:
        latest = {e.member_id: e for e in rows}
        rows = list(latest.values())
    covered = covered_months(session, [e.id for e in rows])
    members = {m.id: m for m in session.scalars(select(Member).where(
        Member.id.in_({e.member_id for e in rows})))}
    out = [_row(session, e, members[e.member_id], covered[e.id], on) for e in rows]
    return sorted(out, key=lambda r: (r.member_number, r.id))


def enrolment(session: Session, actor: User, enrolment_id: int, *,
              on: dt.date | None = None) -> EnrolmentRow:
    e = _enrolment(session, enrolment_id)
    require(session, actor, Permission.READ, e.group_id)
    return _row(session, e, _member(session, e.member_id),
                covered_months(session, [e.id])[e.id], on or clock.today())


def member_enrolment(session: Session, actor: User, member_id: int, *,
                     on: dt.date | None = None) -> EnrolmentRow | None:
    """Her latest enrolment, or None if she never enrolled."""
    member = _member(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    e = latest_enrolment(session, member_id)
    if e is None:
        return None
    return _row(session, e, member, covered_months(session, [e.id])[e.id], on or clock.today())


def _ss_problems(session: Session, member: Member, ss_number: str) -> list[UserError]:
    if not ss_number:
        return [UserError(N_("Enter her social-security number."))]
    if len(ss_number) > 60:
        return [UserError(N_("The social-security number is too long (at most 60 characters)."))]
    clash = session.scalar(select(NssfEnrolment.member_id).where(
        NssfEnrolment.ss_number == ss_number, NssfEnrolment.member_id != member.id).limit(1))
    if clash is None:
        clash = session.scalar(select(Member.id).where(
            func.lower(Member.nssf_number) == ss_number.lower(), Member.id != member.id).limit(1))
    if clash is not None:
        return [UserError(N_("The social-security number {number} belongs to another member."),
                          number=ss_number)]
    return []


def enrol(session: Session, actor: User, *, member_id: int, ss_number: str, level: int,
          hospital: str, start_month: dt.date, on: dt.date | None = None) -> EnrolmentRow:
    """Enrol a member from ``start_month`` (its first day is used) at ``level``: a contract
    of the scheme's length. A member whose last contract lapsed or ended is reinstated (the
    new contract follows the old, which is closed); one still covered or in grace is
    refused. Every problem is listed at once."""
    member = _member(session, member_id)
    gid = member.group_id
    require(session, actor, Permission.MANAGE_MEMBERS, gid)
    on = on or clock.today()
    clock.check_date(on)
    ss_number = check_text((ss_number or "").strip())
    hospital = check_text((hospital or "").strip())
    start = month_start(clock.check_date(start_month))
    s = scheme_mod.scheme(session, gid, start)
    problems: list[UserError] = []
    if not scheme_mod.uses_pooling(session, gid, on):
        problems.append(UserError(N_("This group does not pool NSSF contributions; an "
                                     "administrator can turn it on in the NSSF settings.")))
    if member.status != "active":
        problems.append(UserError(N_("{name} has left the group."), name=member.name_lao))
    problems.extend(_ss_problems(session, member, ss_number))
    if not hospital:
        problems.append(UserError(N_("Enter the hospital she chose.")))
    elif len(hospital) > 200:
        problems.append(UserError(N_("The hospital's name is too long (at most 200 "
                                     "characters).")))
    if level not in s.levels:
        try:
            scheme_mod.check_level(s, level)
        except UserError as exc:
            problems.append(exc)
    if start < month_start(on) and months_between(start, month_start(on)) > s.grace_months:
        problems.append(UserError(N_("A contract can start at most {months} months back."),
                                  months=s.grace_months))
    if months_between(month_start(on), start) > s.max_ahead_months:
        problems.append(UserError(N_("A contract can start at most {months} months ahead."),
                                  months=s.max_ahead_months))
    previous = latest_enrolment(session, member.id)
    if previous is not None:
        st = standing(previous, covered_months(session, [previous.id])[previous.id],
                      s.grace_months, on)
        if st.status in (ACTIVE, IN_GRACE) and previous.ended_on is None:
            problems.append(UserError(N_("{name} is already enrolled (contract {start} to "
                                         "{end})."), name=member.name_lao,
                                      start=previous.contract_start.strftime("%m/%Y"),
                                      end=previous.contract_end.strftime("%m/%Y")))
        elif start <= previous.contract_end and st.covered_through is not None \
                and start <= st.covered_through:
            problems.append(UserError(N_("Her last contract is paid through {month}; the new "
                                         "one starts after it."),
                                      month=st.covered_through.strftime("%m/%Y")))
    if problems:
        raise ValidationError(problems)
    now = clock.now()
    if previous is not None and previous.ended_on is None:
        previous.ended_on = on
        previous.end_reason = "reinstated"
    row = NssfEnrolment(
        group_id=gid, member_id=member.id, ss_number=ss_number, hospital=hospital,
        enrolled_on=on, contract_start=start,
        contract_end=add_months(start, s.contract_months - 1), ended_on=None, end_reason=None,
        follows_id=previous.id if previous is not None else None, user_id=actor.id,
        recorded_at=now)
    session.add(row)
    session.flush()
    session.add(NssfLevel(enrolment_id=row.id, from_month=start, level=level,
                          user_id=actor.id, recorded_at=now))
    session.flush()
    audit.record(session, actor, "nssf.enrol", group_id=gid, member=member.id,
                 enrolment=row.id, level=level, start=start,
                 follows=previous.id if previous is not None else None)
    return enrolment(session, actor, row.id, on=on)


def change_level(session: Session, actor: User, *, enrolment_id: int, level: int,
                 from_month: dt.date) -> EnrolmentRow:
    """She pays on ``level`` from ``from_month`` on (a level offered then). Months already
    exported keep the level they were paid on; a correction batch settles the difference."""
    e = _enrolment(session, enrolment_id)
    require(session, actor, Permission.MANAGE_MEMBERS, e.group_id)
    start = month_start(clock.check_date(from_month))
    problems: list[UserError] = []
    if e.ended_on is not None:
        problems.append(UserError(N_("This contract has ended.")))
    if not e.contract_start <= start <= e.contract_end:
        problems.append(UserError(N_("The month must be inside the contract, {start} to {end}."),
                                  start=e.contract_start.strftime("%m/%Y"),
                                  end=e.contract_end.strftime("%m/%Y")))
    try:
        scheme_mod.check_level(scheme_mod.scheme(session, e.group_id, start), level)
    except UserError as exc:
        problems.append(exc)
    if problems:
        raise ValidationError(problems)
    session.add(NssfLevel(enrolment_id=e.id, from_month=start, level=level, user_id=actor.id,
                          recorded_at=clock.now()))
    session.flush()
    audit.record(session, actor, "nssf.level", group_id=e.group_id, enrolment=e.id,
                 level=level, start=start)
    return enrolment(session, actor, e.id)


def renew_contract(session: Session, actor: User, *, enrolment_id: int) -> EnrolmentRow:
    """Renew a contract that is covered or in grace for another contract's length."""
    e = _enrolment(session, enrolment_id)
    require(session, actor, Permission.MANAGE_MEMBERS, e.group_id)
    today = clock.today()
    s = scheme_mod.scheme(session, e.group_id, today)
    st = standing(e, covered_months(session, [e.id])[e.id], s.grace_months, today)
    if e.ended_on is not None or st.status == LAPSED:
        raise UserError(N_("Only a contract that is still running can be renewed; enrol her "
                           "again instead."))
    if months_between(month_start(today), e.contract_end) >= max(s.renewal_notice_months, 1):
        raise UserError(N_("The contract runs until {month}; it can be renewed from {date}."),
                        month=e.contract_end.strftime("%m/%Y"),
                        date=fmt_date(add_months(e.contract_end,
                                                 -max(s.renewal_notice_months, 1) + 1)))
    e.contract_end = add_months(e.contract_end, s.contract_months)
    audit.record(session, actor, "nssf.renew", group_id=e.group_id, enrolment=e.id,
                 end=e.contract_end)
    return enrolment(session, actor, e.id)


def end_enrolment(session: Session, actor: User, *, enrolment_id: int, on: dt.date,
                  reason: str = "left_scheme") -> EnrolmentRow:
    """She leaves the scheme on ``on``: no month after it is remitted for her. Her pot
    stays hers (withdrawn by the group's rule)."""
    e = _enrolment(session, enrolment_id)
    require(session, actor, Permission.MANAGE_MEMBERS, e.group_id)
    clock.check_date(on)
    if e.ended_on is not None:
        raise UserError(N_("This contract ended on {date}."), date=fmt_date(e.ended_on))
    if reason not in ("left_scheme", "left_group"):
        raise UserError(N_("Choose why the contract ends."))
    if on > clock.today() or on < e.enrolled_on:
        raise UserError(N_("The date must be between the enrolment and today."))
    e.ended_on = on
    e.end_reason = reason
    audit.record(session, actor, "nssf.end", group_id=e.group_id, enrolment=e.id, on=on,
                 reason=reason)
    return enrolment(session, actor, e.id)


def close_for_exit(session: Session, actor: User, member_id: int, on: dt.date) -> None:
    """Her contract ends when she leaves the group (called by the exit's pot payout)."""
    e = latest_enrolment(session, member_id)
    if e is not None and e.ended_on is None:
        e.ended_on = on
        e.end_reason = "left_group"
        audit.record(session, actor, "nssf.end", group_id=e.group_id, enrolment=e.id, on=on,
                     reason="left_group")
