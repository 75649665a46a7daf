"""Member passbooks: the lines of a member's book, its page layout, and printing that
continues where the last print ended.

A passbook has one part per section (savings, loans, welfare contributions, and the NSSF pot
once that capability posts to it). Each journal entry that touches the member's subledger
of a section is one line: date, what (the entry's kind and a short memo), in (credits: money
she brought), out (debits: money she took), and the section's balance after it. A reversal
is its own line; nothing printed is ever changed.

Where each section's print ended is kept in ``passbook_prints`` (append-only): "print new
lines" starts after the last entry printed, on the next free line of the same book page,
and rolls to a new page when the page is full. A reprint is a copy: recorded as such and
never moves where the next print starts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, settings
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.money import Currency, currency
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.meetings.meeting import meeting_members
from models.meetings.schema import Meeting, MeetingAttendance
from models.statements.schema import PassbookPrint

HEADER_LINES = 2  # the section's title line and the column titles, above the first line
MEMO_CHARS = 28


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str     # N_() text
    account: str   # the system account of the member's subledger
    order: int


SECTIONS: dict[str, SectionSpec] = {}


def register_section(spec: SectionSpec) -> SectionSpec:
    """A capability adds its part of the passbook (the NSSF pot is already registered:
    its part prints as soon as a member has lines on ``nssf_pot``)."""
    SECTIONS[spec.key] = spec
    return spec


register_section(SectionSpec("savings", N_("Savings"), "member_savings", 10))
register_section(SectionSpec("loans", N_("Loans"), "loans_receivable", 20))
register_section(SectionSpec("welfare", N_("Welfare contributions"), "welfare_fund", 30))
register_section(SectionSpec("nssf", N_("NSSF pot"), "nssf_pot", 40))


PRESETS: dict[str, dict[str, Any]] = {
    "A5": {"width": 148, "height": 210, "top": 16, "bottom": 14, "left": 10, "right": 10,
           "lines": 24, "offset_x": 0, "offset_y": 0},
    "A6": {"width": 105, "height": 148, "top": 10, "bottom": 8, "left": 6, "right": 6,
           "lines": 16, "offset_x": 0, "offset_y": 0},
}
PRESET_NAMES = {"A5": N_("A5 upright (148 × 210 mm)"), "A6": N_("A6 (105 × 148 mm)"),
                "custom": N_("Custom size")}
LIMITS = {"width": (60, 300), "height": (60, 420), "top": (0, 60), "bottom": (0, 60),
          "left": (0, 60), "right": (0, 60), "lines": (4, 60), "offset_x": (-30, 30),
          "offset_y": (-30, 30)}
FIELD_NAMES = {"width": N_("Page width (mm)"), "height": N_("Page height (mm)"),
               "top": N_("Top margin (mm)"), "bottom": N_("Bottom margin (mm)"),
               "left": N_("Left margin (mm)"), "right": N_("Right margin (mm)"),
               "lines": N_("Lines per page"), "offset_x": N_("Move right (mm)"),
               "offset_y": N_("Move down (mm)")}
MIN_LINE_MM = 4


@dataclass(frozen=True)
class PageLayout:
    """A passbook page in millimetres: the paper, the printable area inside the margins,
    the number of lines, and an offset that moves everything (to line up a printer)."""

    preset: str
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    lines: int
    offset_x: int = 0
    offset_y: int = 0

    @property
    def line_height(self) -> float:
        return (self.height - self.top - self.bottom) / (self.lines + HEADER_LINES)

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right


def clean_layout(value: Any) -> dict[str, Any]:
    """The setting's validator: a preset name, or ``custom`` with every size in whole
    millimetres inside its limits, lines at least 4 mm high. Lists every problem."""
    if not isinstance(value, dict) or value.get("preset") not in PRESET_NAMES:
        raise UserError(N_("Choose one of: {choices}."), choices="A5, A6, custom")
    preset = value["preset"]
    if preset != "custom":
        base = dict(PRESETS[preset])
        for key in ("offset_x", "offset_y"):
            if key in value:
                base[key] = value[key]
        values = base
    else:
        values = {key: value.get(key) for key in LIMITS}
    problems: list[UserError] = []
    for key, (low, high) in LIMITS.items():
        number = values[key]
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            problems.append(UserError(N_("{field}: enter a whole number from {low} to {high}."),
                                      field=FIELD_NAMES[key], low=low, high=high))
    if not problems:
        layout = PageLayout(preset=preset, **values)
        if layout.text_width < 40:
            problems.append(UserError(N_("The margins leave less than 40 mm to print on.")))
        elif layout.line_height < MIN_LINE_MM:
            problems.append(UserError(
                N_("{lines} lines do not fit on this page: each would be lower than {mm} mm."),
                lines=layout.lines, mm=MIN_LINE_MM))
    if problems:
        raise ValidationError(problems)
    return {"preset": preset, **values}


PAGE_SETTING = settings.define("passbook_page", {"preset": "A5"}, N_("Passbook page size"),
                                 clean_layout)


def page_layout(session: Session, group_id: int, on: dt.date | None = None) -> PageLayout:
    value = clean_layout(settings.get(session, group_id, "passbook_page", on))
    return PageLayout(**value)


@dataclass(frozen=True)
class PassbookLine:
    section: str
    seq: int           # the journal entry's number
    value_date: dt.date
    kind: str
    memo: str
    amount_in: int
    amount_out: int
    balance: int
    is_reversal: bool


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MEMO_CHARS else text[:MEMO_CHARS - 1].rstrip() + "…"


def member_lines(session: Session, group_id: int, member_id: int) -> dict[str, list[PassbookLine]]:
    """Every line of the member's passbook, per section, oldest first, with running
    balances in the account's normal direction (her savings, what she owes on loans, what
    she has paid into the welfare fund). One statement for all sections."""
    accounts = {spec.account: spec for spec in SECTIONS.values()}
    rows = session.execute(
        select(JournalEntry.seq, JournalEntry.value_date, JournalEntry.kind, JournalEntry.memo,
               JournalEntry.reverses_id, Account.key, Account.kind,
               func.sum(JournalLine.amount).label("net"),
               func.sum(case((JournalLine.amount > 0, JournalLine.amount), else_=0))
               .label("debits"))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.member_id == member_id, JournalEntry.group_id == group_id,
               Account.key.in_(list(accounts)))
        .group_by(JournalEntry.id, Account.id)
        .order_by(JournalEntry.seq)).all()
    out: dict[str, list[PassbookLine]] = {}
    running: dict[str, int] = {}
    for seq, value_date, kind, memo, reverses_id, key, account_kind, net, debits in rows:
        net, debits = int(net), int(debits)
        if net == 0 and debits == 0:
            continue
        spec = accounts[key]
        credits = debits - net
        balance = running.get(spec.key, 0) + chart.normal_sign(account_kind) * net
        running[spec.key] = balance
        out.setdefault(spec.key, []).append(PassbookLine(
            spec.key, seq, value_date, kind, _short(memo or ""), credits, debits, balance,
            reverses_id is not None))
    return out


NEW, FULL, COPY = "new", "full", "copy"


@dataclass(frozen=True)
class PlacedLine:
    page: int
    line: int
    row: PassbookLine


@dataclass(frozen=True)
class SectionPrint:
    section: str
    title: str  # N_() text
    is_copy: bool
    lines: tuple[PlacedLine, ...]
    # Book pages already started before this print: their header is on the paper already.
    continued_page: int | None = None


@dataclass(frozen=True)
class MemberPassbook:
    member_id: int
    number: int
    name_lao: str
    name_latin: str | None
    village: str | None
    joined_on: dt.date
    nssf_number: str | None
    cover: bool
    sections: tuple[SectionPrint, ...]

    @property
    def line_count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


@dataclass(frozen=True)
class PassbookJob:
    """Everything a passbook PDF shows: the group, the page layout, each member's cover
    and lines with their place in the book."""

    group_name: str
    village: str | None
    currency: Currency
    is_demo: bool
    seal: str | None
    layout: PageLayout
    mode: str
    printed_at: dt.datetime
    printed_by: str
    members: tuple[MemberPassbook, ...] = field(default_factory=tuple)

    @property
    def line_count(self) -> int:
        return sum(m.line_count for m in self.members)


def place_lines(rows: Sequence[PassbookLine], *, after_page: int, after_line: int,
                per_page: int) -> list[PlacedLine]:
    """Lines placed after (page, line): the next free line of the page, a new page when
    the page is full."""
    page, line = after_page, after_line
    placed = []
    for row in rows:
        line += 1
        if line > per_page:
            page, line = page + 1, 1
        placed.append(PlacedLine(page, line, row))
    return placed


@dataclass(frozen=True)
class PrintPosition:
    last_seq: int
    page: int
    line: int


def last_positions(session: Session, member_id: int) -> dict[str, PrintPosition]:
    """Where each section's last print (not a copy) ended."""
    newest = (select(func.max(PassbookPrint.id))
              .where(PassbookPrint.member_id == member_id, PassbookPrint.is_copy.is_(False))
              .group_by(PassbookPrint.section))
    rows = session.scalars(select(PassbookPrint).where(PassbookPrint.id.in_(newest)))
    return {r.section: PrintPosition(r.last_seq, r.page, r.line) for r in rows}


def _member(session: Session, group_id: int, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise NotFound(N_("No such member."))
    return member


def _member_passbook(session: Session, member: Member, layout: PageLayout, *, mode: str,
                     first: dt.date | None, last: dt.date | None) -> MemberPassbook:
    lines = member_lines(session, member.group_id, member.id)
    positions = last_positions(session, member.id)
    as_copy = mode == COPY or (mode == FULL and bool(positions))
    sections = []
    for spec in sorted(SECTIONS.values(), key=lambda s: s.order):
        rows = lines.get(spec.key, [])
        start = positions.get(spec.key)
        continued = None
        if mode == NEW:
            if start is not None:
                rows = [r for r in rows if r.seq > start.last_seq]
                if start.line < layout.lines:
                    continued = start.page
        elif mode == COPY:
            rows = [r for r in rows if (first is None or r.value_date >= first)
                    and (last is None or r.value_date <= last)]
        if not rows:
            continue
        after = (start.page, start.line) if mode == NEW and start else (1, 0)
        placed = place_lines(rows, after_page=after[0], after_line=after[1],
                             per_page=layout.lines)
        sections.append(SectionPrint(spec.key, spec.title, as_copy, tuple(placed), continued))
    cover = mode == FULL or (mode == NEW and not positions and bool(sections))
    return MemberPassbook(member.id, member.number, member.name_lao, member.name_latin,
                          member.village, member.joined_on, member.nssf_number, cover,
                          tuple(sections))


def print_passbooks(session: Session, actor: User, *, group_id: int,
                    member_ids: Sequence[int] | None = None, mode: str = NEW,
                    first: dt.date | None = None, last: dt.date | None = None) -> PassbookJob:
    """Lay out and record a print of the members' passbooks (every active member when
    ``member_ids`` is None), in the caller's transaction. ``mode``: NEW (only lines not yet
    printed, continuing on the page where the last print ended), FULL (the whole book
    from page 1; a copy when something was printed before), COPY (lines dated
    ``first``..``last`` again, marked as a copy). The caller renders the job to paper in
    the same transaction, so a print that fails to render is not recorded."""
    require(session, actor, Permission.PRINT_PASSBOOK, group_id)
    if mode not in (NEW, FULL, COPY):
        raise UserError(N_("Choose one of: {choices}."), choices="new, full, copy")
    if first is not None and last is not None and first > last:
        raise UserError(N_("The first date is after the last date."))
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    if member_ids is None:
        member_ids = session.scalars(select(Member.id).where(
            Member.group_id == group_id, Member.status == "active")
            .order_by(Member.number)).all()
    layout = page_layout(session, group_id)
    books = []
    for member_id in member_ids:
        member = _member(session, group_id, member_id)
        book = _member_passbook(session, member, layout, mode=mode, first=first, last=last)
        books.append(book)
        now = clock.now()
        for part in book.sections:
            end = part.lines[-1]
            session.add(PassbookPrint(
                group_id=group_id, member_id=member.id, section=part.section,
                first_seq=part.lines[0].row.seq, last_seq=end.row.seq, lines=len(part.lines),
                page=end.page, line=end.line, is_copy=part.is_copy, printed_by=actor.id,
                printed_at=now))
    printed = [b for b in books if b.sections or b.cover]
    audit.record(session, actor, "passbook.print", group_id=group_id, mode=mode,
                 members=[b.member_id for b in printed],
                 lines=sum(b.line_count for b in printed))
    session.flush()
    return PassbookJob(group.name, group.village, currency(group.currency),
                       group.is_demo, group.head_hash, layout, mode, clock.now(),
                       actor.display_name or actor.username, tuple(printed))


def calibration_layout(session: Session, actor: User, group_id: int) -> PageLayout:
    """The page layout for a calibration page (anyone who may read the group)."""
    require(session, actor, Permission.READ, group_id)
    return page_layout(session, group_id)


def print_positions(session: Session, actor: User, member_id: int) -> dict[str, PrintPosition]:
    """Where each part of the member's book was printed up to (for the print dialog)."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    require(session, actor, Permission.READ, member.group_id)
    return last_positions(session, member_id)


def meeting_attendees(session: Session, actor: User, meeting_id: int) -> list[int]:
    """The members who came to a meeting (present, late or represented), by number: whose
    books are on the table after it is posted."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No such meeting."))
    require(session, actor, Permission.READ, meeting.group_id)
    absent = set(session.scalars(select(MeetingAttendance.member_id).where(
        MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.status == "absent")))
    return [m.id for m in meeting_members(session, meeting.group_id, meeting.meeting_date)
            if m.id not in absent]
