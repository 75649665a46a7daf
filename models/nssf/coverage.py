"""Who is covered, read from the batches: the group's members through which month, in
grace or lapsed (with the warnings before grace runs out), one member's history, the
group's coverage month by month (for a chart), contracts to renew, and a 12-month planner:
with each pot and the deposits each member is expected to make (by default what she
brought in the same month a year before, so the seasons show), who stays covered and what
the group would have to advance."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import chart, clock
from models.core.clock import add_months, check_date
from models.core.errors import NotFound, UserError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, JournalLine, Member, User
from models.nssf import enrolment as enrolments
from models.nssf import pot
from models.nssf import scheme as scheme_mod
from models.nssf.enrolment import (
    ACTIVE,
    ENDED,
    IN_GRACE,
    LAPSED,
    EnrolmentRow,
    chosen_level,
    covered_months,
    standing,
)
from models.nssf.schema import NssfBatch, NssfBatchLine, NssfEnrolment
from models.nssf.scheme import month_start, months_between
from models.nssf.texts import KIND_DEPOSIT, KIND_FROM_SAVINGS


@dataclass(frozen=True)
class CoverageRow:
    enrolment: EnrolmentRow
    pot: int
    advance_owed: int
    monthly: int               # this month's contribution at her level
    months_in_pot: int         # whole months her pot pays (the projection)

    @property
    def status(self) -> str:
        return self.enrolment.status


@dataclass(frozen=True)
class GraceWarning:
    member_id: int
    member_number: int
    name: str
    oldest_unpaid: dt.date
    pay_by: dt.date            # the last month it can still be paid in
    months_left: int           # 0: this is the last month
    amount_needed: int         # what the unpaid months cost, less her pot


@dataclass(frozen=True)
class HistoryRow:
    period: dt.date
    batch_number: int | None
    batch_status: str | None
    level: int
    contribution: int
    from_pot: int
    from_advance: int
    from_subsidy: int


MAX_CHART_MONTHS = 240  # twenty years of a group's coverage


@dataclass(frozen=True)
class CoverageMonth:
    month: dt.date
    covered: int
    in_grace: int
    lapsed: int
    enrolled: int              # contracts running that month (covered + in grace + lapsed)


@dataclass(frozen=True)
class PlanMonth:
    month: dt.date
    deposit: int               # expected into her pot
    due: int
    pot_after: int
    advance: int               # what the group would advance (0 when the pot pays)
    covered: bool              # paid from her pot or an advance


@dataclass(frozen=True)
class PlanRow:
    member_id: int
    member_number: int
    name: str
    status: str
    months: tuple[PlanMonth, ...]

    @property
    def covered_months(self) -> int:
        return sum(1 for m in self.months if m.covered)

    @property
    def advance(self) -> int:
        return sum(m.advance for m in self.months)


def coverage(session: Session, actor: User, group_id: int, *,
             on: dt.date | None = None) -> list[CoverageRow]:
    """Each enrolled member's latest contract with her pot and what it pays."""
    on = on or clock.today()
    rows = enrolments.enrolments(session, actor, group_id, on=on)
    s = scheme_mod.scheme(session, group_id, on)
    out = []
    for row in rows:
        monthly = scheme_mod.contribution(s, scheme_mod.level_for_month(s, row.level))
        held = pot.pot_balance(session, group_id, row.member_id)
        out.append(CoverageRow(row, held, pot.advance_owed(session, group_id, row.member_id),
                               monthly, held // monthly if monthly else 0))
    return out


def grace_warnings(session: Session, actor: User, group_id: int, *,
                   on: dt.date | None = None) -> list[GraceWarning]:
    """Members in grace, the nearest deadline first: the overview and the meeting screen
    list them so nobody lapses unwarned."""
    on = on or clock.today()
    out = []
    for row in coverage(session, actor, group_id, on=on):
        e = row.enrolment
        if e.status != IN_GRACE or e.oldest_unpaid is None or e.pay_by is None:
            continue
        unpaid = len([m for m in enrolments.months(e.oldest_unpaid, add_months(month_start(on),
                                                                               -1))])
        out.append(GraceWarning(e.member_id, e.member_number, e.name, e.oldest_unpaid, e.pay_by,
                                months_between(month_start(on), e.pay_by),
                                max(unpaid * row.monthly - row.pot, 0)))
    return sorted(out, key=lambda w: (w.pay_by, w.member_number))


def renewals_due(session: Session, actor: User, group_id: int, *,
                 on: dt.date | None = None) -> list[EnrolmentRow]:
    """Contracts ending within the reminder's months."""
    return [r for r in enrolments.enrolments(session, actor, group_id, on=on) if r.renewal_due]


def member_history(session: Session, actor: User, member_id: int) -> list[HistoryRow]:
    """Every month paid for her (all her contracts, drafts included), oldest first."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    require(session, actor, Permission.READ, member.group_id)
    rows = session.execute(
        select(NssfBatchLine, NssfBatch.number, NssfBatch.status)
        .join(NssfBatch, NssfBatch.id == NssfBatchLine.batch_id)
        .where(NssfBatchLine.member_id == member_id)
        .order_by(NssfBatchLine.period, NssfBatch.number)).all()
    return [HistoryRow(line.period, number, status, line.level, line.contribution,
                       line.from_pot, line.from_advance, line.from_subsidy)
            for line, number, status in rows]


def coverage_over_time(session: Session, actor: User, group_id: int, *, start: dt.date,
                       end: dt.date) -> list[CoverageMonth]:
    """For each month from ``start`` to ``end``: how many contracts were covered, in grace
    or lapsed at that month's end (each member's contract running then)."""
    require(session, actor, Permission.READ, group_id)
    check_date(start)
    check_date(end)
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_CHART_MONTHS:
        raise UserError(N_("The chart shows at most {most} months."), most=MAX_CHART_MONTHS)
    contracts = session.scalars(select(NssfEnrolment).where(NssfEnrolment.group_id == group_id)
                                .order_by(NssfEnrolment.id)).all()
    covered = covered_months(session, [e.id for e in contracts])
    grace = scheme_mod.scheme(session, group_id, end).grace_months
    out = []
    for month in enrolments.months(start, end):
        last_day = add_months(month, 1) - dt.timedelta(days=1)
        counts: defaultdict[str, int] = defaultdict(int)
        latest: dict[int, NssfEnrolment] = {}
        for e in contracts:
            if e.contract_start <= last_day:
                latest[e.member_id] = e
        for e in latest.values():
            if e.contract_start > month:
                continue
            # Her standing at the month's end: the month itself counts once it is paid.
            st = standing(e, covered[e.id], grace, add_months(month, 1))
            if st.status == IN_GRACE and month in covered[e.id]:
                counts[ACTIVE] += 1
            elif st.status != ENDED:
                counts[st.status] += 1
        out.append(CoverageMonth(month, counts[ACTIVE], counts[IN_GRACE], counts[LAPSED],
                                 counts[ACTIVE] + counts[IN_GRACE] + counts[LAPSED]))
    return out


def past_deposits(session: Session, group_id: int, member_ids: Sequence[int],
                  start: dt.date, end: dt.date) -> dict[int, dict[dt.date, int]]:
    """What each member put into her pot (deposits and transfers from savings) per month."""
    account = chart.find_account(session, group_id, "nssf_pot")
    out: dict[int, dict[dt.date, int]] = {m: defaultdict(int) for m in member_ids}
    if account is None or not member_ids:
        return out
    for member_id, day, amount in session.execute(
            select(JournalLine.member_id, JournalEntry.value_date, JournalLine.amount)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_id == account.id,
                   JournalLine.member_id.in_(list(member_ids)),
                   JournalEntry.kind.in_((KIND_DEPOSIT, KIND_FROM_SAVINGS)),
                   JournalEntry.value_date >= start, JournalEntry.value_date <= end)):
        out[member_id][month_start(day)] += -amount
    return out


PLAN_MONTHS = 120
MAX_DEPOSIT = 10**13  # minor units: far beyond any member's deposit, within 64 bits


def plan_year(session: Session, actor: User, group_id: int, *, start: dt.date | None = None,
              expected: Mapping[int, Sequence[int]] | None = None,
              months: int = 12) -> list[PlanRow]:
    """The next ``months`` from ``start`` (default this month) for every member whose
    contract runs: her pot, plus ``expected[member]`` (one deposit per month; default what
    she brought in the same month a year before), pays each month's contribution; where it
    cannot, the group would advance the rest (and she stays covered) — the sum of those is
    what the loan fund must be ready to lend."""
    require(session, actor, Permission.READ, group_id)
    start = month_start(check_date(start or clock.today()))
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= PLAN_MONTHS:
        raise UserError(N_("The plan looks 1 to {most} months ahead."), most=PLAN_MONTHS)
    for planned in (expected or {}).values():
        if any(isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= MAX_DEPOSIT
               for x in planned):
            raise UserError(N_("Each expected deposit is an amount of zero or more."))
    rows = [r for r in enrolments.enrolments(session, actor, group_id, on=start)
            if r.status in (ACTIVE, IN_GRACE)]
    history = past_deposits(session, group_id, [r.member_id for r in rows],
                            add_months(start, -12), start - dt.timedelta(days=1))
    out = []
    for row in rows:
        held = pot.pot_balance(session, group_id, row.member_id)
        covered = covered_months(session, [row.id])[row.id]
        plan = []
        for i in range(months):
            month = add_months(start, i)
            given = expected.get(row.member_id) if expected else None
            deposit = (given[i] if given is not None and i < len(given)
                       else history[row.member_id].get(add_months(month, -12), 0))
            held += deposit
            due = 0
            if row.contract_start <= month <= row.contract_end and month not in covered:
                s = scheme_mod.scheme(session, group_id, month)
                level = scheme_mod.level_for_month(s, chosen_level(session, row.id, month))
                due = scheme_mod.contribution(s, level)
            paid = min(held, due)
            held -= paid
            plan.append(PlanMonth(month, deposit, due, held, due - paid, due > 0))
        out.append(PlanRow(row.member_id, row.member_number, row.name, row.status, tuple(plan)))
    return out
