"""A group's savings rules (dated settings) and its savings cycles.

Rules are dated settings (``models.core.settings``), so a change applies from a day and never
rewrites the past. The saving mode and the share price are fixed for a cycle: they are
read when the cycle starts and kept on the cycle row; a change applies from the next cycle.
In a free-amount cycle the share price is 1 (one minor unit is one "share"), so every
formula works on amounts for both modes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, settings
from models.core.errors import NotFound, UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_, Deferred
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.core.permissions import Permission, require, require_writer
from models.core.schema import Group, User
from models.savings.schema import SavingsCycle

SHARES, FREE = "shares", "free"
MODES = (SHARES, FREE)
MODE_NAMES = {SHARES: N_("Shares at a fixed price"), FREE: N_("Free amounts")}

VALUE_PER_SHARE, TIME_WEIGHTED, EQUAL_PROFIT = "value_per_share", "time_weighted", "equal_profit"
SHAREOUT_METHODS = (VALUE_PER_SHARE, TIME_WEIGHTED, EQUAL_PROFIT)
SHAREOUT_METHOD_NAMES = {
    VALUE_PER_SHARE: N_("Value per share (fund ÷ shares)"),
    TIME_WEIGHTED: N_("Profit by share-days (early savings earn more)"),
    EQUAL_PROFIT: N_("Profit split equally between members"),
}
NET_LOANS, BLOCK_LOANS = "net", "block"
LOAN_POLICIES = (NET_LOANS, BLOCK_LOANS)
LOAN_POLICY_NAMES = {
    NET_LOANS: N_("Take what a member owes out of her payout"),
    BLOCK_LOANS: N_("No share-out until every loan is repaid"),
}
WITHDRAWALS_NEVER, WITHDRAWALS_ALLOWED = "never", "allowed"
# The time-weighted share-out counts savings held by the day (Fineract, tontines) or by
# whole months (share-months: the count paper groups make).
SHARE_DAYS, SHARE_MONTHS = "days", "months"
TIME_UNITS = (SHARE_DAYS, SHARE_MONTHS)
TIME_UNIT_NAMES = {SHARE_DAYS: N_("Share-days (every day counts)"),
                   SHARE_MONTHS: N_("Share-months (whole months, as paper books count)")}
# A member who leaves while the loan fund is worth less than its savings (below par) gets
# her shares' current value, the loss being hers too (the common rule), or all her savings.
EXIT_CURRENT_VALUE, EXIT_PAR = "current_value", "par"
EXIT_VALUES = (EXIT_CURRENT_VALUE, EXIT_PAR)
EXIT_VALUE_NAMES = {
    EXIT_CURRENT_VALUE: N_("Her savings' current value (the fund's loss is hers too)"),
    EXIT_PAR: N_("All her savings (the members who stay carry the loss)"),
}


def _custom_fines(value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise UserError(N_("Custom fines are a list of names with amounts."))
    cleaned, names = [], set()
    for item in value:
        name = str((item or {}).get("name", "")).strip() if isinstance(item, dict) else ""
        amount = item.get("amount") if isinstance(item, dict) else None
        if not name:
            raise UserError(N_("Every custom fine needs a name."))
        if name in names:
            raise UserError(N_("Two custom fines are called {name}."), name=name)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise UserError(N_("The fine {name} needs an amount of zero or more."), name=name)
        names.add(name)
        cleaned.append({"name": name, "amount": amount})
    return cleaned


MODE = settings.define("savings.mode", SHARES, N_("How members save"), settings.choice(*MODES))
SHARE_PRICE = settings.define("savings.share_price", 10_000, N_("Price of one share"),
                                settings.whole(1))
MIN_SHARES = settings.define("savings.min_shares", 1,
                               N_("Fewest shares a member buys when she saves"), settings.whole(0))
MAX_SHARES = settings.define("savings.max_shares", 5, N_("Most shares per meeting"),
                               settings.whole(1))
MIN_DEPOSIT = settings.define("savings.min_deposit", 0,
                                N_("Smallest deposit (free-amount groups)"), settings.whole(0))
WITHDRAWALS = settings.define("savings.withdrawals", WITHDRAWALS_NEVER,
                                N_("Withdrawals during the cycle"),
                                settings.choice(WITHDRAWALS_NEVER, WITHDRAWALS_ALLOWED))
NOTICE_DAYS = settings.define("savings.withdrawal_notice_days", 0,
                                N_("Days of notice before a withdrawal"), settings.whole(0, 365))
WITHDRAWAL_PERCENT = settings.define(
    "savings.withdrawal_max_percent", 100,
    N_("Largest withdrawal, in percent of the member's savings"), settings.whole(1, 100))
LOAN_SECURITY = settings.define(
    "savings.loan_security_percent", 100,
    N_("Savings kept to secure a member's loans, in percent of what she still owes"),
    settings.whole(0, 100))
FINE_ABSENCE = settings.define("savings.fine_absence", 0, N_("Fine for missing a meeting"),
                                 settings.whole(0))
FINE_LATE = settings.define("savings.fine_late", 0, N_("Fine for coming late"),
                              settings.whole(0))
CUSTOM_FINES = settings.define("savings.custom_fines", [], N_("Other fines"), _custom_fines)
SHAREOUT_METHOD = settings.define("savings.shareout_method", VALUE_PER_SHARE,
                                    N_("How the share-out divides the fund"),
                                    settings.choice(*SHAREOUT_METHODS))
SHAREOUT_LOANS = settings.define("savings.shareout_loans", NET_LOANS,
                                   N_("Loans still owed at share-out"),
                                   settings.choice(*LOAN_POLICIES))
SHAREOUT_ROUND_TO = settings.define(
    "savings.shareout_round_to", 1,
    N_("Round payouts down to a multiple of (smallest note, in the smallest unit)"),
    settings.whole(1))
SHAREOUT_TIME_UNIT = settings.define(
    "savings.shareout_time_unit", SHARE_DAYS,
    N_("The time-weighted share-out counts savings held by"), settings.choice(*TIME_UNITS))
EXIT_BELOW_PAR = settings.define(
    "savings.exit_below_par", EXIT_CURRENT_VALUE,
    N_("A member who leaves while the fund is below its savings gets"),
    settings.choice(*EXIT_VALUES))

RULE_SPECS = (MODE, SHARE_PRICE, MIN_SHARES, MAX_SHARES, MIN_DEPOSIT, WITHDRAWALS, NOTICE_DAYS,
              WITHDRAWAL_PERCENT, LOAN_SECURITY, FINE_ABSENCE, FINE_LATE, CUSTOM_FINES,
              SHAREOUT_METHOD, SHAREOUT_LOANS, SHAREOUT_ROUND_TO, SHAREOUT_TIME_UNIT,
              EXIT_BELOW_PAR)


@dataclass(frozen=True)
class FineType:
    name: str
    amount: int


@dataclass(frozen=True)
class SavingsRules:
    """The rules in force on one day. ``mode`` and ``share_price`` are the cycle's."""

    mode: str
    share_price: int
    min_shares: int
    max_shares: int
    min_deposit: int
    withdrawals_allowed: bool
    withdrawal_notice_days: int
    withdrawal_max_percent: int
    loan_security_percent: int
    fine_absence: int
    fine_late: int
    custom_fines: tuple[FineType, ...]
    shareout_method: str
    shareout_loans: str
    shareout_round_to: int
    meeting_frequency: str
    shareout_time_unit: str = SHARE_DAYS
    exit_below_par: str = EXIT_CURRENT_VALUE

    @property
    def is_shares(self) -> bool:
        return self.mode == SHARES

    def shares(self, amount: int) -> int:
        """Whole shares in ``amount`` (the amount itself in a free-amount group)."""
        return amount // self.share_price


def rules(session: Session, group_id: int, on: dt.date) -> SavingsRules:
    """The group's savings rules on ``on``, with the mode and price of the cycle then (or,
    before any cycle, of the settings then)."""
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    cycle = cycle_on(session, group_id, on)

    def get(spec: settings.SettingSpec) -> Any:
        return settings.get(session, group_id, spec.key, on=on)

    if cycle is not None:
        mode, price = cycle.mode, cycle.share_price
    else:
        mode = get(MODE)
        price = get(SHARE_PRICE) if mode == SHARES else 1
    return SavingsRules(
        mode=mode, share_price=price, min_shares=get(MIN_SHARES), max_shares=get(MAX_SHARES),
        min_deposit=get(MIN_DEPOSIT),
        withdrawals_allowed=get(WITHDRAWALS) == WITHDRAWALS_ALLOWED,
        withdrawal_notice_days=get(NOTICE_DAYS), withdrawal_max_percent=get(WITHDRAWAL_PERCENT),
        loan_security_percent=get(LOAN_SECURITY), fine_absence=get(FINE_ABSENCE),
        fine_late=get(FINE_LATE),
        custom_fines=tuple(FineType(f["name"], f["amount"]) for f in get(CUSTOM_FINES)),
        shareout_method=get(SHAREOUT_METHOD), shareout_loans=get(SHAREOUT_LOANS),
        shareout_round_to=get(SHAREOUT_ROUND_TO), meeting_frequency=group.meeting_frequency,
        shareout_time_unit=get(SHAREOUT_TIME_UNIT), exit_below_par=get(EXIT_BELOW_PAR))


def set_rules(session: Session, actor: User, *, group_id: int, effective_from: dt.date,
              changes: dict[str, Any]) -> SavingsRules:
    """Change several savings rules from one day (the admin's rules form). Every value is
    checked, and the combination too (fewest shares not above most shares); all problems
    are listed at once. Keys are the setting keys without the ``savings.`` prefix."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    specs = {spec.key.removeprefix("savings."): spec for spec in RULE_SPECS}
    problems: list[UserError] = []
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(UserError(N_("Unknown setting {key}."), key=name))
            continue
        try:
            cleaned[name] = spec.validate(value) if spec.validate else value
        except UserError as exc:
            problems.append(UserError(N_("{setting}: {problem}"), setting=Label(spec.label),
                                      problem=exc))
    current = rules(session, group_id, effective_from)
    low = cleaned.get("min_shares", current.min_shares)
    high = cleaned.get("max_shares", current.max_shares)
    if low > high:
        problems.append(UserError(N_("The fewest shares ({low}) is more than the most shares "
                                     "({high})."), low=low, high=high))
    if problems:
        raise ValidationError(problems)
    for name, value in cleaned.items():
        settings.set_value(session, actor, group_id=group_id, key=specs[name].key, value=value,
                           effective_from=effective_from)
    return rules(session, group_id, effective_from)


# A message parameter translated when shown (kept under this name for its users).
Label = Deferred


def money_text(session: Session, group_id: int, amount: int) -> str:
    """``amount`` in the group's currency, the one money format (``1,250,000 ₭``)."""
    return format_money(amount, group_currency(session, group_id))


@dataclass(frozen=True)
class CycleRow:
    id: int
    group_id: int
    number: int
    start_date: dt.date
    mode: str
    share_price: int
    closed_on: dt.date | None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def cycle_row(cycle: SavingsCycle) -> CycleRow:
    return CycleRow(cycle.id, cycle.group_id, cycle.number, cycle.start_date, cycle.mode,
                    cycle.share_price, cycle.closed_on)


def cycle_on(session: Session, group_id: int, on: dt.date) -> SavingsCycle | None:
    """The cycle a day belongs to: the newest one started on or before it. A share-out
    closes a cycle and starts the next on the same day, so that day belongs to the next."""
    return session.scalar(select(SavingsCycle)
                          .where(SavingsCycle.group_id == group_id,
                                 SavingsCycle.start_date <= on)
                          .order_by(SavingsCycle.start_date.desc(), SavingsCycle.number.desc())
                          .limit(1))


def open_cycle(session: Session, group_id: int) -> SavingsCycle | None:
    return session.scalar(select(SavingsCycle).where(SavingsCycle.group_id == group_id,
                                                     SavingsCycle.closed_on.is_(None)))


def list_cycles(session: Session, actor: User, group_id: int) -> list[CycleRow]:
    require(session, actor, Permission.READ, group_id)
    return [cycle_row(c) for c in session.scalars(
        select(SavingsCycle).where(SavingsCycle.group_id == group_id)
        .order_by(SavingsCycle.number))]


def new_cycle(session: Session, actor: User, *, group_id: int, start_date: dt.date) -> SavingsCycle:
    """Start a cycle with the mode and share price the settings give on ``start_date``
    (callers check that no other cycle is open). Any posting starts the group's first
    cycle, so the floor is a writing role in the group, as for ``ledger.post_entry``."""
    require_writer(session, actor, group_id)
    mode = settings.get(session, group_id, MODE.key, on=start_date)
    price = settings.get(session, group_id, SHARE_PRICE.key, on=start_date) if mode == SHARES else 1
    last = session.scalar(select(SavingsCycle.number).where(SavingsCycle.group_id == group_id)
                          .order_by(SavingsCycle.number.desc()).limit(1)) or 0
    cycle = SavingsCycle(group_id=group_id, number=last + 1, start_date=start_date, mode=mode,
                         share_price=price, closed_on=None)
    session.add(cycle)
    session.flush()
    audit.record(session, actor, "cycle.start", group_id=group_id, number=cycle.number,
                 start=start_date, mode=mode, share_price=price)
    return cycle


def start_first_cycle(session: Session, actor: User, *, group_id: int,
                      start_date: dt.date) -> CycleRow:
    """Start the group's first savings cycle (later cycles start at each share-out)."""
    require(session, actor, Permission.RECORD, group_id)
    if session.scalar(select(SavingsCycle.id).where(SavingsCycle.group_id == group_id)):
        raise UserError(N_("This group already has a savings cycle; the next one starts at "
                           "the share-out."))
    return cycle_row(new_cycle(session, actor, group_id=group_id, start_date=start_date))


def cycle_for_posting(session: Session, actor: User, group_id: int, on: dt.date) -> SavingsCycle:
    """The open cycle that money dated ``on`` goes into. A group's very first money starts
    its first cycle on that day; a day of a cycle already shared out is refused. The actor
    needs a writing role in the group (money is about to be posted)."""
    require_writer(session, actor, group_id)
    cycle = cycle_on(session, group_id, on)
    if cycle is None:
        if session.scalar(select(SavingsCycle.id).where(SavingsCycle.group_id == group_id)):
            first = session.scalar(select(func.min(SavingsCycle.start_date))
                                   .where(SavingsCycle.group_id == group_id))
            raise UserError(N_("The group's savings start on {date}; nothing can be saved "
                               "before that."), date=fmt_date(first))
        return new_cycle(session, actor, group_id=group_id, start_date=on)
    if cycle.closed_on is not None:
        raise UserError(N_("Cycle {number} was shared out on {date}; nothing more can be "
                           "recorded in it."), number=cycle.number, date=fmt_date(cycle.closed_on))
    return cycle
