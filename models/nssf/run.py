"""The month's run, computed: for a group and month, what each enrolled member owes (her
late months still in grace, the month, the months she pays ahead) and where each month's
money comes from — her pot first; when it is short, the group's dated policy: an advance
from the loan fund up to the limit, the subsidy fund while it has money, or nothing (the
month is skipped and she is in grace). Months ahead come only from her pot. Nothing is
written here: ``remittance.make_run`` keeps a preview as the month's draft batch."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import clock, ledger, settings
from models.core.clock import add_months
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.nssf import enrolment as enrolments
from models.nssf import pot
from models.nssf import scheme as scheme_mod
from models.nssf.enrolment import chosen_level, covered_months, standing
from models.nssf.schema import NssfEnrolment, NssfLevel
from models.nssf.scheme import (
    SHORTAGE_ADVANCE,
    SHORTAGE_SUBSIDY,
    month_start,
    months_between,
)


@dataclass(frozen=True)
class MonthDue:
    """One month of one member in a run: what it costs and where the money comes from."""

    period: dt.date
    level: int
    level_number: int
    contribution: int
    from_pot: int
    from_advance: int
    from_subsidy: int
    skipped: bool          # not paid this run: she stays (or goes) in grace
    split: tuple[int, int, int] = (0, 0, 0)   # health, short-term, long-term


@dataclass(frozen=True)
class RunRow:
    member_id: int
    member_number: int
    name: str
    enrolment_id: int
    ss_number: str
    status: str            # her status before the run
    pot_before: int
    advance_before: int
    months: tuple[MonthDue, ...]
    note: str              # N_() text: why nothing or not everything is paid ("" when all is)

    @property
    def due(self) -> int:
        return sum(m.contribution for m in self.months)

    @property
    def paid(self) -> int:
        return sum(m.contribution for m in self.months if not m.skipped)

    @property
    def from_pot(self) -> int:
        return sum(m.from_pot for m in self.months if not m.skipped)

    @property
    def from_advance(self) -> int:
        return sum(m.from_advance for m in self.months if not m.skipped)

    @property
    def from_subsidy(self) -> int:
        return sum(m.from_subsidy for m in self.months if not m.skipped)

    @property
    def short(self) -> bool:
        return any(m.skipped for m in self.months) or bool(self.from_advance or self.from_subsidy)


@dataclass(frozen=True)
class RunPreview:
    group_id: int
    month: dt.date
    policy: str
    provisional: bool
    rows: tuple[RunRow, ...]
    subsidy_before: int

    @property
    def total(self) -> int:
        return sum(r.paid for r in self.rows)


class Costs:
    """What each month of each contract costs, read once per run: the scheme of each month
    and every level change of the contracts asked about."""

    def __init__(self, session: Session, group_id: int, enrolment_ids: Iterable[int]) -> None:
        self.session, self.group_id = session, group_id
        self.mode = _rounding(session, group_id)
        self._schemes: dict[dt.date, scheme_mod.Scheme] = {}
        self._levels: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        ids = list(enrolment_ids)
        if ids:
            for enrolment_id, from_month, level in session.execute(
                    select(NssfLevel.enrolment_id, NssfLevel.from_month, NssfLevel.level)
                    .where(NssfLevel.enrolment_id.in_(ids))
                    .order_by(NssfLevel.from_month, NssfLevel.id)):
                self._levels[enrolment_id].append((from_month, level))

    def scheme(self, on: dt.date) -> scheme_mod.Scheme:
        if on not in self._schemes:
            self._schemes[on] = scheme_mod.scheme(self.session, self.group_id, on)
        return self._schemes[on]

    def chosen(self, enrolment_id: int, month: dt.date) -> int:
        rows = self._levels.get(enrolment_id)
        if not rows:
            return chosen_level(self.session, enrolment_id, month)
        level = rows[0][1]
        for from_month, value in rows:
            if from_month <= month:
                level = value
        return level

    def __call__(self, e: NssfEnrolment,
                 period: dt.date) -> tuple[int, int, int, tuple[int, int, int]]:
        """(level, level number, contribution, split) of her ``period``."""
        s = self.scheme(period)
        level = scheme_mod.level_for_month(s, self.chosen(e.id, period))
        total = scheme_mod.contribution(s, level, self.mode)
        return level, s.level_number(level), total, scheme_mod.split(s, level, total, self.mode)


def _open_enrolments(session: Session, group_id: int, month: dt.date) -> list[NssfEnrolment]:
    """Each member's latest enrolment (whatever its status: the run says why it pays
    nothing)."""
    rows = session.scalars(select(NssfEnrolment).where(NssfEnrolment.group_id == group_id)
                           .order_by(NssfEnrolment.id)).all()
    latest = {e.member_id: e for e in rows}
    return list(latest.values())


def _rounding(session: Session, group_id: int) -> str:
    return settings.get(session, group_id, "rounding")


def preview_run(session: Session, actor: User, *, group_id: int, month: dt.date,
                ahead: Mapping[int, int] | None = None) -> RunPreview:
    """What the run for ``month`` would remit for each enrolled member (``ahead``: member
    id → months to pay beyond ``month``, at most the scheme's maximum; only from her pot).
    Members whose contract lapsed or ended are listed with nothing to pay and why."""
    require(session, actor, Permission.READ, group_id)
    month = month_start(clock.check_date(month))
    ahead = dict(ahead or {})
    s = scheme_mod.scheme(session, group_id, month)
    problems = []
    for extra in ahead.values():
        if isinstance(extra, bool) or not isinstance(extra, int) or extra < 0:
            problems.append(UserError(N_("Enter the months to pay ahead as a whole number.")))
        elif extra > s.max_ahead_months:
            problems.append(UserError(N_("At most {months} months can be paid ahead."),
                                      months=s.max_ahead_months))
    if problems:
        raise ValidationError(problems)
    enrols = _open_enrolments(session, group_id, month)
    covered = covered_months(session, [e.id for e in enrols])
    costs = Costs(session, group_id, [e.id for e in enrols])
    pots = ledger.member_balances(session, group_id, "nssf_pot")
    advances = ledger.member_balances(session, group_id, "nssf_advances")
    members = {m.id: m for m in session.scalars(select(Member).where(
        Member.id.in_({e.member_id for e in enrols})))}
    subsidy_left = pot.subsidy_balance(session, group_id)
    rows = []
    for e in sorted(enrols, key=lambda e: members[e.member_id].number):
        member = members[e.member_id]
        st = standing(e, covered[e.id], s.grace_months, month)
        pot_left = pots.get(member.id, 0)
        owed = advances.get(member.id, 0)
        note = ""
        periods: list[dt.date] = []
        if st.status == enrolments.LAPSED:
            note = N_("Lapsed: a month went unpaid past the grace; enrol her again to continue.")
        elif st.status == enrolments.ENDED or member.status != "active":
            note = N_("The contract has ended.")
        else:
            last = min(add_months(month, ahead.get(member.id, 0)), e.contract_end)
            if e.ended_on is not None:
                last = min(last, month_start(e.ended_on))
            periods = [p for p in enrolments.months(e.contract_start, last)
                       if p not in covered[e.id] and months_between(p, month) <= s.grace_months]
            if not periods:
                note = N_("Nothing due: paid ahead.") if covered[e.id] else ""
        dues: list[MonthDue] = []
        stopped = False
        for period in periods:
            level, number, total, split = costs(e, period)
            from_pot = min(pot_left, total)
            need = total - from_pot
            advance = subsidy = 0
            if need and not stopped:
                if period > month:
                    stopped = True   # months ahead only from her own pot
                elif s.shortage == SHORTAGE_ADVANCE:
                    if owed + need <= s.advance_limit_months * total:
                        advance = need
                    else:
                        stopped = True
                        note = N_("Short, and the advance would pass the limit: the month is "
                                  "skipped.")
                elif s.shortage == SHORTAGE_SUBSIDY:
                    if need <= subsidy_left:
                        subsidy = need
                    else:
                        stopped = True
                        note = N_("Short, and the subsidy fund is empty: the month is skipped.")
                else:
                    stopped = True
                    note = N_("Short: the month is skipped and she is in grace.")
            if stopped:
                dues.append(MonthDue(period, level, number, total, 0, 0, 0, True, split))
                continue
            pot_left -= from_pot
            owed += advance
            subsidy_left -= subsidy
            dues.append(MonthDue(period, level, number, total, from_pot, advance, subsidy, False,
                                 split))
        if stopped and not note:
            note = N_("Her pot does not cover every month asked ahead.")
        rows.append(RunRow(member.id, member.number, member.name_lao, e.id, e.ss_number,
                           st.status, pots.get(member.id, 0), advances.get(member.id, 0),
                           tuple(dues), note))
    return RunPreview(group_id, month, s.shortage, s.provisional, tuple(rows),
                      pot.subsidy_balance(session, group_id))


