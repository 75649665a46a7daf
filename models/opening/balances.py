"""Bringing an existing group in: its members and what it held on a day (savings, fines
owed, outstanding loans, the welfare fund, cash and bank), posted as one opening entry
against ``opening_balance``.

The rows come as plain dicts (``reports.opening_template`` reads them from the Excel
template; any other source works too). ``preview_opening`` lists every problem of every
row at once and computes the entry; ``import_opening`` posts it all or nothing. Amounts are
in major units as people write them (``1,250,000`` kip, ``12.50`` baht).

Outstanding loans need a loan record with its terms, which the loans capability owns: each
row is checked by ``models.loans.opening.opening_loan_problems`` and recorded by
``models.loans.opening.import_opening_loan`` (a running loan whose schedule is the principal still
owed over the installments left; nothing posted), and this module posts its receivable,
naming the member and the loan, in the one opening entry. A rate outside the group's loan
policy is only a warning: the old loan keeps the terms it was made with.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger, members
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.money import HARD_MAX_MINOR, Currency, currency, format_money, parse_money
from models.core.permissions import Permission, require
from models.core.schema import Group, Member, User
from models.loans import opening as loan_opening
from models.loans.policy import get_policy
from models.savings.rules import Label, cycle_for_posting, rules

KIND_OPENING = "opening_balance"

GROUP_SHEET, MEMBERS_SHEET, LOANS_SHEET = N_("Group"), N_("Members"), N_("Loans")
# (key, label) in the template's order.
GROUP_FIELDS = (
    ("as_of", N_("Balances on (date)")),
    ("cash", N_("Cash in the box")),
    ("bank", N_("Money in the bank")),
    ("welfare_fund", N_("Welfare fund")),
)
MEMBER_FIELDS = (
    ("number", N_("Member no.")),
    ("name_lao", N_("Name (Lao)")),
    ("name_latin", N_("Name (Latin letters)")),
    ("gender", N_("Woman / man (f, m)")),
    ("joined_on", N_("Joined on")),
    ("village", N_("Village")),
    ("phone", N_("Phone")),
    ("savings", N_("Savings")),
    ("fines_owed", N_("Unpaid fines")),
)
LOAN_FIELDS = (
    ("member_number", N_("Member no.")),
    ("principal", N_("Still owed (principal)")),
    ("annual_rate", N_("Interest, % a year")),
    ("installments", N_("Installments left")),
    ("first_due", N_("Next installment due")),
    ("method", N_("Interest (flat, declining)")),
    ("disbursed_on", N_("Paid out on")),
    ("original_principal", N_("Amount first lent")),
)
GENDERS = {"f": "f", "m": "m", "x": "x", "woman": "f", "man": "m", "ຍິງ": "f", "ຊາຍ": "m",
           "ຍ": "f", "ຊ": "m"}


@dataclass(frozen=True)
class OpeningData:
    """What the template held: ``group`` maps GROUP_FIELDS keys to values; each member and
    loan row maps its fields' keys to values and ``"row"`` to its row in the sheet."""

    group: Mapping[str, Any]
    members: Sequence[Mapping[str, Any]] = ()
    loans: Sequence[Mapping[str, Any]] = ()


class RowProblem(UserError):
    """A problem of one row (or of the group sheet when ``row`` is None)."""

    def __init__(self, sheet: str, row: int | None, problem: UserError) -> None:
        if row is None:
            super().__init__(N_("{sheet}: {problem}"), sheet=Label(sheet), problem=problem)
        else:
            super().__init__(N_("{sheet}, row {row}: {problem}"), sheet=Label(sheet), row=row,
                             problem=problem)
        self.sheet, self.row, self.problem = sheet, row, problem


@dataclass(frozen=True)
class OpeningMember:
    row: int
    number: int
    name_lao: str
    existing_id: int | None
    details: members.MemberDetails | None
    savings: int
    fines_owed: int


@dataclass(frozen=True)
class OpeningLoan:
    row: int
    member_number: int
    principal: int
    annual_rate: Decimal
    installments: int
    first_due: dt.date
    method: str
    disbursed_on: dt.date | None
    original_principal: int | None = None


@dataclass(frozen=True)
class OpeningPreview:
    as_of: dt.date | None
    cash: int
    bank: int
    welfare_fund: int
    members: tuple[OpeningMember, ...]
    loans: tuple[OpeningLoan, ...]
    problems: tuple[UserError, ...]
    # Worth a look, not stopping the import (a loan's rate outside today's policy).
    warnings: tuple[UserError, ...] = ()

    @property
    def total_savings(self) -> int:
        return sum(m.savings for m in self.members)

    @property
    def total_fines(self) -> int:
        return sum(m.fines_owed for m in self.members)

    @property
    def total_loans(self) -> int:
        return sum(loan.principal for loan in self.loans)

    @property
    def loan_fund_earnings(self) -> int:
        """What the loan fund held beyond the savings: its earnings not yet shared out
        (negative: a loss). Posted to ``opening_balance``."""
        return (self.cash + self.bank + self.total_loans + self.total_fines
                - self.total_savings - self.welfare_fund)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _amount(value: Any, cur: Currency) -> int:
    """Money in major units, blank = 0."""
    if _blank(value):
        return 0
    if isinstance(value, float):
        value = repr(value)
    return parse_money(str(value), cur)


def _whole(value: Any) -> int:
    text = _text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise UserError(N_("“{text}” is not a whole number."), text=text) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise UserError(N_("“{text}” is not a whole number."), text=text)
    if abs(number) > HARD_MAX_MINOR:
        raise UserError(N_("“{text}” is too large: at most {limit}."), text=text,
                        limit=f"{HARD_MAX_MINOR:,}")
    return int(number)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return clock.check_date(value.date())
    if isinstance(value, dt.date):
        return clock.check_date(value)
    text = _text(value)
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return clock.check_date(parse(text))
        except ValueError:
            continue
    raise UserError(N_("“{text}” is not a date; write dd/mm/yyyy."), text=text)


class _Row:
    """Reads the fields of one row, collecting a problem per bad field."""

    def __init__(self, sheet: str, row: int | None, values: Mapping[str, Any],
                 labels: dict[str, str], problems: list[UserError]) -> None:
        self.sheet, self.row, self.values, self.labels = sheet, row, values, labels
        self.problems = problems
        self.ok = True

    def add(self, problem: UserError) -> None:
        self.ok = False
        self.problems.append(RowProblem(self.sheet, self.row, problem))

    def get(self, key: str, parse: Callable[[Any], Any], *, required: bool = False,
            default: Any = None) -> Any:
        value = self.values.get(key)
        if _blank(value):
            if required:
                self.add(UserError(N_("{column} is missing."), column=Label(self.labels[key])))
            return default
        try:
            return parse(value)
        except UserError as problem:
            self.add(UserError(N_("{column}: {problem}"), column=Label(self.labels[key]),
                               problem=problem))
            return default


def preview_opening(session: Session, actor: User, *, group_id: int,
                    data: OpeningData) -> OpeningPreview:
    """Check every row and compute the opening entry; nothing is written."""
    require(session, actor, Permission.READ, group_id)
    group = session.get(Group, group_id)
    cur = currency(group.currency)
    problems: list[UserError] = []
    if group.entry_count:
        problems.append(UserError(N_("This group already has records; opening balances can "
                                     "only be brought into a group that has none.")))

    head = _Row(GROUP_SHEET, None, data.group, dict(GROUP_FIELDS), problems)
    as_of = head.get("as_of", _date, required=True)
    if as_of is not None and as_of > clock.today():
        head.add(UserError(N_("{date} is in the future."), date=fmt_date(as_of)))
        as_of = None
    cash, bank, welfare = (head.get(k, lambda v: _amount(v, cur), default=0)
                           for k in ("cash", "bank", "welfare_fund"))
    r = rules(session, group_id, as_of or clock.today())

    existing = {m.number: m for m in session.scalars(
        select(Member).where(Member.group_id == group_id))}
    opening_members, seen = [], set()
    for values in data.members:
        row = _Row(MEMBERS_SHEET, values.get("row"), values, dict(MEMBER_FIELDS), problems)
        number = row.get("number", _whole, required=True)
        name = _text(values.get("name_lao"))
        if not name:
            row.add(UserError(N_("Enter the member's name.")))
        gender = GENDERS.get(_text(values.get("gender")).lower())
        known = existing.get(number)
        joined = row.get("joined_on", _date, required=known is None)
        saved = row.get("savings", lambda v: _amount(v, cur), default=0)
        fines = row.get("fines_owed", lambda v: _amount(v, cur), default=0)
        if number is not None:
            if number < 1:
                row.add(UserError(N_("A member number is 1 or more.")))
            elif number in seen:
                row.add(UserError(N_("Member number {number} is used twice."), number=number))
            seen.add(number)
        if saved % r.share_price:
            row.add(UserError(N_("{amount} is not a whole number of shares at {price} a share."),
                              amount=_money(saved, cur), price=_money(r.share_price, cur)))
        if joined is not None and as_of is not None and joined > as_of:
            row.add(UserError(N_("She joined after {date}, the day of the balances."),
                              date=fmt_date(as_of)))
        details = None
        if known is not None:
            if name and known.name_lao != name:
                row.add(UserError(N_("Number {number} is {name} in this group."),
                                  number=number, name=known.name_lao))
        elif name and joined is not None:
            if gender is None:
                row.add(UserError(N_("Write f for a woman or m for a man.")))
            else:
                details = members.MemberDetails(
                    name_lao=name, gender=gender, joined_on=joined,
                    name_latin=_text(values.get("name_latin")) or None,
                    village=_text(values.get("village")) or None,
                    phone=_text(values.get("phone")) or None)
                try:
                    # The member form's own checks (name, dates, phone, NSSF number).
                    members._validate(session, members._clean(details), None)
                except ValidationError as failed:
                    for problem in failed.problems:
                        row.add(problem)
        if row.ok:
            opening_members.append(OpeningMember(row.row, number, name or known.name_lao,
                                                 known.id if known else None, details, saved,
                                                 fines))

    numbers = seen | set(existing)
    opening_loans, warnings = [], []
    for values in data.loans:
        row = _Row(LOANS_SHEET, values.get("row"), values, dict(LOAN_FIELDS), problems)
        number = row.get("member_number", _whole, required=True)
        principal = row.get("principal", lambda v: _amount(v, cur), required=True)
        rate = row.get("annual_rate", _rate, required=True)
        count = row.get("installments", _whole, required=True)
        first_due = row.get("first_due", _date, required=True)
        method = _text(values.get("method")).lower() or "declining"
        disbursed = row.get("disbursed_on", _date)
        original = row.get("original_principal", lambda v: _amount(v, cur)) or None
        if number is not None and number not in numbers:
            row.add(UserError(N_("There is no member number {number}."), number=number))
        if principal is not None and principal <= 0:
            row.add(UserError(N_("The amount still owed must be more than zero.")))
        if count is not None and count < 1:
            row.add(UserError(N_("The loan needs at least one installment.")))
        if method not in ("flat", "declining"):
            row.add(UserError(N_("Write flat or declining for the interest.")))
        if first_due is not None and as_of is not None and first_due <= as_of:
            row.add(UserError(N_("The next installment must fall due after {date}."),
                              date=fmt_date(as_of)))
        if row.ok and as_of is not None:
            for problem in loan_opening.opening_loan_problems(
                    session, group_id=group_id, principal=principal, annual_rate=rate,
                    installments=count, method=method, first_due=first_due, as_of=as_of,
                    disbursed_on=disbursed, original_principal=original):
                row.add(problem)
        if row.ok and as_of is not None:
            policy = get_policy(session, group_id, as_of)
            if not policy.min_rate <= rate <= policy.max_rate:
                warnings.append(RowProblem(LOANS_SHEET, row.row, UserError(
                    N_("The rate of {rate} % a year is outside the group's range, "
                       "{low}–{high} %; the loan keeps the rate it was made with."),
                    rate=rate, low=policy.min_rate, high=policy.max_rate)))
            opening_loans.append(OpeningLoan(row.row, number, principal, rate, count,
                                             first_due, method, disbursed, original))
    return OpeningPreview(as_of, cash or 0, bank or 0, welfare or 0, tuple(opening_members),
                          tuple(opening_loans), tuple(problems), tuple(warnings))


def _rate(value: Any) -> Decimal:
    text = _text(value).replace("%", "").strip()
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise UserError(N_("“{text}” is not a rate; write 18 for 18 % a year."),
                        text=text) from None
    if not rate.is_finite() or rate < 0 or rate > 1000:
        raise UserError(N_("“{text}” is not a rate; write 18 for 18 % a year."), text=text)
    return rate


def _money(amount: int, cur: Currency) -> str:
    return format_money(amount, cur)


def import_opening(session: Session, actor: User, *, group_id: int,
                   data: OpeningData) -> OpeningPreview:
    """Create the members and post the opening entry, all or nothing. Refused with every
    problem listed (``ValidationError`` of ``RowProblem``s)."""
    require(session, actor, Permission.RECORD, group_id)
    require(session, actor, Permission.MANAGE_MEMBERS, group_id)
    preview = preview_opening(session, actor, group_id=group_id, data=data)
    if preview.problems:
        raise ValidationError(preview.problems)
    as_of = preview.as_of
    with session.begin_nested():
        cycle_for_posting(session, actor, group_id, as_of)
        ids = {m.number: m.id for m in session.scalars(
            select(Member).where(Member.group_id == group_id))}
        for m in sorted(preview.members, key=lambda m: m.number):
            if m.existing_id is not None:
                continue
            created = members.add_member(session, actor, group_id=group_id, details=m.details)
            if created.number != m.number:
                # Keep the number of the paper book (checked free above).
                session.get(Member, created.id).number = m.number
                session.flush()
            ids[m.number] = created.id
        lines = _opening_lines(session, actor, group_id, preview, ids)
        entry = None
        if lines:
            entry = ledger.post_entry(session, actor, group_id=group_id, value_date=as_of,
                                      kind=KIND_OPENING, memo="", lines=lines)
        audit.record(session, actor, "opening.import", group_id=group_id, as_of=as_of,
                     members=len(preview.members), loans=len(preview.loans),
                     entry=entry.seq if entry else None)
    return preview


def _opening_lines(session: Session, actor: User, group_id: int, preview: OpeningPreview,
                   ids: dict[int, int]) -> list[Line]:
    lines = []
    if preview.cash:
        lines.append(Line("cash", preview.cash))
    if preview.bank:
        lines.append(Line("bank", preview.bank))
    for loan in preview.loans:
        member_id = ids[loan.member_number]
        loan_id = loan_opening.import_opening_loan(
            session, actor, group_id=group_id, member_id=member_id, principal=loan.principal,
            annual_rate=loan.annual_rate, installments=loan.installments, method=loan.method,
            first_due=loan.first_due, as_of=preview.as_of, disbursed_on=loan.disbursed_on,
            original_principal=loan.original_principal)
        lines.append(Line("loans_receivable", loan.principal, member_id=member_id,
                          loan_id=loan_id))
    for m in preview.members:
        if m.fines_owed:
            lines.append(Line("fines_receivable", m.fines_owed, member_id=ids[m.number]))
        if m.savings:
            lines.append(Line("member_savings", -m.savings, member_id=ids[m.number]))
    if preview.welfare_fund:
        lines.append(Line("welfare_fund", -preview.welfare_fund))
    if preview.loan_fund_earnings:
        lines.append(Line("opening_balance", -preview.loan_fund_earnings))
    return lines if any(line.amount for line in lines) else []
