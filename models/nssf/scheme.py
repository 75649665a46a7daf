"""The NSSF voluntary scheme's parameters, each a dated group setting (DOMAIN.md §5): the
law is under review, so no figure is a constant in code.

The level table shipped is *provisional* (the official 17-level table was not found in
any public source: 1,300,000 to the 4,500,000 ceiling in steps of 200,000); an
administrator replaces it with the official table and its effective date
(``set_level_table``), which clears the flag. A level is offered on a day when it is in
the table in force and not below the minimum wage in force: from the day the minimum wage
rises, the levels below it are gone, and a member whose level fell below pays the lowest
level offered (``level_for_month``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from models.core import audit, settings
from models.core.errors import UserError, ValidationError, check_text
from models.core.i18n import N_, gettext
from models.core.money import HARD_MAX_MINOR, currency, format_amount, round_to_minor
from models.core.permissions import Permission, require
from models.core.schema import User

# The national minimum wage (monthly, LAK): DOMAIN.md §5.
MINIMUM_WAGE_HISTORY = (
    ("2018-05-01", 1_100_000), ("2022-08-01", 1_200_000), ("2023-05-01", 1_300_000),
    ("2023-10-01", 1_600_000), ("2024-10-01", 2_500_000),
)
PROVISIONAL_LEVELS = tuple(range(1_300_000, 4_500_001, 200_000))  # 17 levels

SHORTAGE_ADVANCE, SHORTAGE_SUBSIDY, SHORTAGE_SKIP = "advance", "subsidy", "skip"
SHORTAGE_POLICIES = (SHORTAGE_ADVANCE, SHORTAGE_SUBSIDY, SHORTAGE_SKIP)
SHORTAGE_NAMES = {
    SHORTAGE_ADVANCE: N_("Advance from the loan fund"),
    SHORTAGE_SUBSIDY: N_("Pay from the subsidy fund"),
    SHORTAGE_SKIP: N_("Skip the month (she enters grace)"),
}
WITHDRAW_LEAVING, WITHDRAW_ANY_TIME, WITHDRAW_NEVER = "leaving", "any_time", "never"
WITHDRAW_SHARE_OUT = "share_out"
WITHDRAWAL_RULES = (WITHDRAW_LEAVING, WITHDRAW_ANY_TIME, WITHDRAW_NEVER, WITHDRAW_SHARE_OUT)
WITHDRAWAL_NAMES = {
    WITHDRAW_LEAVING: N_("Only when she leaves the scheme"),
    WITHDRAW_ANY_TIME: N_("At any time"),
    WITHDRAW_NEVER: N_("Never (paid out only when she leaves the group)"),
    WITHDRAW_SHARE_OUT: N_("Paid out with her share at the share-out, and when she leaves "
                           "the group"),
}
# Under every other rule the pot is kept for her at the share-out (carried into the new
# cycle), since it is her NSSF money, not the loan fund's.

# The remittance file's fields, in the documented order (DOMAIN.md §5).
FILE_FIELDS = ("group", "period", "ss_number", "name", "level_number", "level", "contribution",
               "health", "short_term", "long_term", "months_covered")
FILE_FIELD_TITLES = {
    "group": N_("Group"),
    "period": N_("Month"),
    "ss_number": N_("Social security number"),
    "name": N_("Name"),
    "level_number": N_("Level"),
    "level": N_("Insurable earnings"),
    "contribution": N_("Contribution"),
    "health": N_("Health insurance fund"),
    "short_term": N_("Short-term benefits fund"),
    "long_term": N_("Long-term benefits fund"),
    "months_covered": N_("Months covered"),
}


def _amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= HARD_MAX_MINOR:
        raise UserError(N_("Enter an amount of more than zero."))
    return value


def _percent(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError(N_("“{text}” is not a percentage."), text=str(value)) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise UserError(N_("Enter a percentage from 0 to 100."))
    return str(number)


def _iso(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(N_("“{text}” is not a date (YYYY-MM-DD)."), text=str(value)) from None


def _wage_history(value: Any) -> list:
    if not isinstance(value, list) or not value:
        raise UserError(N_("The minimum wage needs at least one amount with its date."))
    cleaned = sorted(((_iso(day).isoformat(), _amount(amount)) for day, amount in value))
    return [list(item) for item in cleaned]


def _level_table(value: Any) -> dict:
    if not isinstance(value, dict) or not isinstance(value.get("levels"), list):
        raise UserError(N_("The level table needs its levels."))
    levels = [_amount(v) for v in value["levels"]]
    if not levels or len(set(levels)) != len(levels):
        raise UserError(N_("The levels must be different amounts."))
    return {"levels": sorted(levels), "provisional": bool(value.get("provisional", False))}


def _split(value: Any) -> list:
    if not isinstance(value, list) or len(value) != 3:
        raise UserError(N_("The split needs three percentages: health, short-term and "
                           "long-term benefits."))
    return [_percent(v) for v in value]


FILE_LANGUAGES = ("lo", "en")  # a remittance file is written in either
LONGEST_HEADER = 60


def column_problems(layout: list[list[str]]) -> list[UserError]:
    """What is wrong with the headers of a layout ``[[field, header], ...]`` (a blank header:
    our name): a header is one line of at most ``LONGEST_HEADER`` letters, readable text,
    and no two columns carry the same header in either language a file is written in."""
    problems: list[UserError] = []
    for field, title in layout:
        name = gettext(FILE_FIELD_TITLES[field])
        if any(mark in title for mark in "\r\n\t\v\f\u2028\u2029"):
            problems.append(UserError(N_("The header of “{column}” must be on one line."),
                                      column=name))
        elif len(title) > LONGEST_HEADER:
            problems.append(UserError(N_("The header of “{column}” is too long (at most "
                                         "{count} letters)."), column=name, count=LONGEST_HEADER))
        else:
            try:
                check_text(title)
            except UserError as error:
                problems.append(error)
    for language in FILE_LANGUAGES:
        headers: dict[str, str] = {}
        for field, title in layout:
            header = title or gettext(FILE_FIELD_TITLES[field], language)
            if headers.setdefault(header.casefold(), field) != field:
                problems.append(UserError(N_("Two columns would have the header “{header}”; "
                                             "give one of them another."), header=header))
    return problems


def _columns(value: Any) -> list:
    """The file's layout, ``[[field, header], ...]`` (a blank header: our name for it). A
    header is one line of at most ``LONGEST_HEADER`` letters, and no two columns may
    carry the same header in either language the file can be written in."""
    if not isinstance(value, list) or not value:
        raise UserError(N_("The file needs at least one column."))
    cleaned, seen = [], set()
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise UserError(N_("Each column is a field and its title."))
        field, title = item
        if field not in FILE_FIELDS:
            raise UserError(N_("Unknown column {field}."), field=str(field))
        if field in seen:
            raise UserError(N_("The column {field} is there twice."), field=field)
        seen.add(field)
        cleaned.append([field, str(title or "").strip()])
    if problems := column_problems(cleaned):
        raise problems[0]
    return cleaned


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise UserError(N_("Choose yes or no."))
    return value


SETTINGS = (
    POOLING := settings.define("nssf_pooling", False,
                                 N_("The group pools members' NSSF contributions"), _flag),
    MINIMUM_WAGE := settings.define(
        "nssf_minimum_wage", [list(item) for item in MINIMUM_WAGE_HISTORY],
        N_("National minimum wage (from each date)"), _wage_history),
    CEILING := settings.define("nssf_ceiling", 4_500_000, N_("Highest insurable earnings"),
                                 _amount),
    RATE := settings.define("nssf_rate", "9", N_("Contribution (% of the level)"), _percent),
    SPLIT := settings.define("nssf_split", ["1.25", "2.5", "5.25"],
                               N_("Split by fund (% health, short-term, long-term)"), _split),
    GRACE := settings.define("nssf_grace_months", 3, N_("Months of grace for a late payment"),
                               settings.whole(0, 24)),
    MAX_AHEAD := settings.define("nssf_max_ahead_months", 24,
                                   N_("Months that may be paid ahead"), settings.whole(0, 60)),
    CONTRACT := settings.define("nssf_contract_months", 24, N_("Contract length in months"),
                                  settings.whole(1, 120)),
    RENEWAL_NOTICE := settings.define("nssf_renewal_notice_months", 2,
                                        N_("Remind of a contract's end this many months ahead"),
                                        settings.whole(0, 12)),
    LEVELS := settings.define(
        "nssf_levels", {"levels": list(PROVISIONAL_LEVELS), "provisional": True},
        N_("Level table (insurable earnings)"), _level_table),
    SHORTAGE := settings.define("nssf_shortage", SHORTAGE_SKIP,
                                  N_("When a member's pot is short"),
                                  settings.choice(*SHORTAGE_POLICIES)),
    ADVANCE_RATE := settings.define("nssf_advance_rate", "0",
                                      N_("Interest on NSSF advances (% a year)"), _percent),
    ADVANCE_LIMIT := settings.define("nssf_advance_limit_months", 3,
                                       N_("Most months' contributions a member may owe as "
                                          "advances"), settings.whole(0, 24)),
    WITHDRAWALS := settings.define("nssf_withdrawals", WITHDRAW_LEAVING,
                                     N_("Money may be taken out of a pot"),
                                     settings.choice(*WITHDRAWAL_RULES)),
    COLUMNS := settings.define("nssf_file_columns", [[f, ""] for f in FILE_FIELDS],
                                 N_("Remittance file columns"), _columns),
)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first``'s month to ``last``'s month (negative when before)."""
    return (last.year - first.year) * 12 + last.month - first.month


@dataclass(frozen=True)
class Scheme:
    """The scheme's parameters in force on one day, for one group."""

    on: dt.date
    minimum_wage: int
    ceiling: int
    rate: Decimal
    split: tuple[Decimal, Decimal, Decimal]
    grace_months: int
    max_ahead_months: int
    contract_months: int
    renewal_notice_months: int
    table: tuple[int, ...]
    provisional: bool
    shortage: str
    advance_rate: Decimal
    advance_limit_months: int
    withdrawals: str
    columns: tuple[tuple[str, str], ...]
    pooling: bool

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels offered: in the table, from the minimum wage up to the ceiling."""
        return tuple(v for v in self.table if self.minimum_wage <= v <= self.ceiling)

    def level_number(self, level: int) -> int:
        """The level's place in the table (1 = the table's first), 0 when not in it."""
        return self.table.index(level) + 1 if level in self.table else 0


def minimum_wage_on(history: list, on: dt.date) -> int:
    found = history[0][1]
    for day, amount in history:
        if dt.date.fromisoformat(day) <= on:
            found = amount
    return found


def scheme(session: Session, group_id: int, on: dt.date) -> Scheme:
    """Every parameter in force on ``on``."""
    def get(spec: settings.SettingSpec) -> Any:
        return settings.get(session, group_id, spec.key, on=on)

    table = get(LEVELS)
    health, short_term, long_term = (Decimal(v) for v in get(SPLIT))  # three, as _split checks
    return Scheme(
        on=on, minimum_wage=minimum_wage_on(get(MINIMUM_WAGE), on), ceiling=get(CEILING),
        rate=Decimal(get(RATE)), split=(health, short_term, long_term),
        grace_months=get(GRACE), max_ahead_months=get(MAX_AHEAD),
        contract_months=get(CONTRACT), renewal_notice_months=get(RENEWAL_NOTICE),
        table=tuple(table["levels"]), provisional=bool(table.get("provisional")),
        shortage=get(SHORTAGE), advance_rate=Decimal(get(ADVANCE_RATE)),
        advance_limit_months=get(ADVANCE_LIMIT), withdrawals=get(WITHDRAWALS),
        columns=tuple((f, t) for f, t in get(COLUMNS)), pooling=bool(get(POOLING)))


def uses_pooling(session: Session, group_id: int, on: dt.date) -> bool:
    return bool(settings.get(session, group_id, POOLING.key, on=on))


def contribution(s: Scheme, level: int, mode: str = "half-even") -> int:
    """The month's contribution at ``level``: the rate (9 %) of the level."""
    return round_to_minor(Decimal(level) * s.rate / 100, 0, mode)


def split(s: Scheme, level: int, total: int, mode: str = "half-even") -> tuple[int, int, int]:
    """``total`` by fund (health, short-term, long-term), each the fund's % of the level;
    the long-term fund takes the rounding so the three always add up to ``total``."""
    health = round_to_minor(Decimal(level) * s.split[0] / 100, 0, mode)
    short = round_to_minor(Decimal(level) * s.split[1] / 100, 0, mode)
    return health, short, total - health - short


def level_for_month(s: Scheme, chosen: int) -> int:
    """What a member who chose ``chosen`` pays on in the month ``s`` is for: her level,
    raised to the lowest level offered when the minimum wage has risen past it."""
    offered = s.levels
    if not offered or chosen >= offered[0]:
        return chosen
    return offered[0]


def check_level(s: Scheme, level: int) -> None:
    """Refuse a level the table does not offer on ``s.on``."""
    if level not in s.levels:
        cur = currency("LAK")
        raise UserError(N_("{level} is not a level offered on {date}; choose one of: {levels}."),
                        level=format_amount(level, cur), date=s.on.strftime("%d/%m/%Y"),
                        levels=", ".join(format_amount(v, cur) for v in s.levels))


def set_level_table(session: Session, actor: User, *, group_id: int, levels: list[int],
                    effective_from: dt.date, provisional: bool = False) -> None:
    """Put the official level table in force from ``effective_from`` (an administrator's
    change; the provisional flag goes unless ``provisional``)."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    settings.set_value(session, actor, group_id=group_id, key=LEVELS.key,
                       value={"levels": list(levels), "provisional": provisional},
                       effective_from=effective_from)


def record_minimum_wage(session: Session, actor: User, *, group_id: int, amount: int,
                        effective_from: dt.date) -> None:
    """A new national minimum wage from ``effective_from``: levels below it are no longer
    offered from that day."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    history = settings.get(session, group_id, MINIMUM_WAGE.key, on=dt.date.max)
    history = [item for item in history if item[0] != effective_from.isoformat()]
    history.append([effective_from.isoformat(), amount])
    settings.set_value(session, actor, group_id=group_id, key=MINIMUM_WAGE.key, value=history,
                       effective_from=effective_from)
    audit.record(session, actor, "nssf.minimum_wage", group_id=group_id, amount=amount,
                 effective_from=effective_from)


def set_scheme_settings(session: Session, actor: User, *, group_id: int,
                        effective_from: dt.date, values: dict[str, Any]) -> list[str]:
    """Several scheme settings at once from one date (keys as in ``SETTINGS``); every bad
    value listed at once, nothing changed then. Returns the keys that changed."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    specs = {spec.key: spec for spec in SETTINGS}
    problems, cleaned = [], {}
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(UserError(N_("Unknown setting {key}."), key=key))
            continue
        try:
            cleaned[key] = spec.validate(value) if spec.validate else value
        except UserError as exc:
            problems.append(UserError(N_("In “{setting}”: {problem}"), setting=gettext(spec.label),
                                      problem=exc))
    if problems:
        raise ValidationError(problems)
    changed = []
    for key, value in cleaned.items():
        if value != settings.get(session, group_id, key, on=effective_from):
            settings.set_value(session, actor, group_id=group_id, key=key, value=value,
                               effective_from=effective_from)
            changed.append(key)
    return changed
