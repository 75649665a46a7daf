"""The grid a meeting is recorded in: one row per member, a cell per column the
capabilities contribute (``models.meetings.columns``), each prefilled with what the member
is expected to bring; and the checks of typed cells, for marking them as the treasurer
types and for posting (``posting.py``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import UserError
from models.core.i18n import N_, Deferred, gettext
from models.core.permissions import Permission, require
from models.core.schema import Group, Member, User
from models.meetings import columns as meeting_columns
from models.meetings import cycles
from models.meetings.attendance import PRESENT, roll_call
from models.meetings.columns import CellContext, MeetingColumn
from models.meetings.meeting import (
    POSTED,
    MeetingRow,
    find_meeting,
    meeting_members,
    meeting_row,
    members_of,
)
from models.meetings.schema import Meeting, MeetingCell

Cells = Mapping[tuple[int, str], int]


@dataclass(frozen=True)
class GridColumn:
    key: str
    label: str  # N_() text

    @property
    def title(self) -> str:
        return gettext(self.label)


@dataclass(frozen=True)
class GridRow:
    member_id: int
    number: int
    name: str
    attendance: str
    note: str
    expected: dict[str, int]  # column key -> amount to prefill
    posted: dict[str, int]  # column key -> amount posted (a posted meeting)


@dataclass(frozen=True)
class MeetingGrid:
    meeting: MeetingRow
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    currency: str
    mode: str
    share_price: int

    def expected_cells(self) -> dict[tuple[int, str], int]:
        """The grid prefilled: the cells to start from (or the posted ones)."""
        source = "posted" if self.meeting.is_posted else "expected"
        return {(row.member_id, key): amount for row in self.rows
                for key, amount in getattr(row, source).items() if amount}


def column_totals(cells: Cells) -> dict[str, int]:
    """Running total of each column of a grid being filled in."""
    totals: dict[str, int] = {}
    for (_, key), amount in cells.items():
        totals[key] = totals.get(key, 0) + amount
    return totals


def columns_of(session: Session, meeting: Meeting) -> list[MeetingColumn]:
    return meeting_columns.columns(session, meeting.group_id, meeting.meeting_date)


def cell_context(meeting: Meeting, member_id: int, scratch: dict | None = None) -> CellContext:
    return CellContext(meeting.group_id, member_id, meeting.id, meeting.meeting_date, scratch)


def posted_cells(session: Session, meeting_id: int) -> dict[int, dict[str, int]]:
    """What a posted meeting's grid took in: member -> column key -> amount."""
    cells: dict[int, dict[str, int]] = {}
    for cell in session.scalars(select(MeetingCell).where(MeetingCell.meeting_id == meeting_id)):
        cells.setdefault(cell.member_id, {})[cell.column_key] = cell.amount
    return cells


def meeting_grid(session: Session, actor: User, meeting_id: int) -> MeetingGrid:
    """One row per member of the meeting with the expected amount of every column."""
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    columns = columns_of(session, meeting)
    roll = roll_call(session, meeting.id)
    posted = posted_cells(session, meeting.id)
    rows = []
    for member in members_of(session, meeting):
        att = roll.get(member.id)
        expected = {} if meeting.status == POSTED else {
            c.key: c.expected(session, cell_context(meeting, member.id)) for c in columns}
        rows.append(GridRow(member.id, member.number, member.name_lao,
                            att.status if att else PRESENT, att.note if att else "",
                            expected, posted.get(member.id, {})))
    terms = cycles.keeper().terms(session, meeting.group_id, meeting.meeting_date)
    group = session.get(Group, meeting.group_id)
    return MeetingGrid(meeting_row(session, meeting),
                       tuple(GridColumn(c.key, c.label) for c in columns),
                       tuple(rows), group.currency, terms.mode, terms.share_price)


class CellProblem(UserError):
    """A problem with one cell of the grid, so the screen can mark it."""

    def __init__(self, member: Member, column: MeetingColumn, problem: UserError) -> None:
        super().__init__(N_("{member}, {column}: {problem}"), member=member.name_lao,
                         column=Deferred(column.label), problem=problem)
        self.member_id = member.id
        self.column_key = column.key
        self.problem = problem


LARGEST_AMOUNT = 2 ** 63 - 1  # what a BigInteger column holds

CellCheck = Callable[[Member, MeetingColumn, int], list[UserError]]


def cell_problems(members: Mapping[int, Member], columns: Mapping[str, MeetingColumn],
                  cells: Cells, check: CellCheck | None = None) -> list[UserError]:
    """Every problem of the cells, in cell order: naming no member or column of the
    meeting, or not a whole, non-negative amount a column can store; then, for a
    well-formed cell, what ``check(member, column, amount)`` finds."""
    problems: list[UserError] = []
    for (member_id, key), amount in sorted(cells.items()):
        member, column = members.get(member_id), columns.get(key)
        if member is None:
            problems.append(UserError(N_("Member {member} is not in this meeting."),
                                      member=member_id))
        elif column is None:
            problems.append(UserError(N_("There is no column {column} in this meeting."),
                                      column=key))
        elif isinstance(amount, bool) or not isinstance(amount, int):
            problems.append(CellProblem(member, column, UserError(
                N_("Amounts must be whole numbers of the smallest unit."))))
        elif amount < 0:
            problems.append(CellProblem(member, column,
                                        UserError(N_("The amount cannot be negative."))))
        elif amount > LARGEST_AMOUNT:
            problems.append(CellProblem(member, column,
                                        UserError(N_("The amount is too large."))))
        elif check is not None:
            problems.extend(check(member, column, amount))
    return problems


def column_problems(session: Session, meeting: Meeting, members: Mapping[int, Member],
                    columns: Mapping[str, MeetingColumn], cells: Cells,
                    scratch: dict | None = None) -> list[UserError]:
    """``cell_problems`` with each column's own rules for a well-formed cell (all of a
    column's cells at once where it can check them so)."""
    wanted: dict[str, list[tuple[int, int]]] = {}

    def collect(member, column, amount):  # noqa: ANN001, ANN202 - checked below, together
        wanted.setdefault(column.key, []).append((member.id, amount))
        return []

    cell_problems(members, columns, cells, collect)
    found: dict[tuple[int, str], list[UserError]] = {}
    for key, batch in wanted.items():
        column = columns[key]
        contexts = [(cell_context(meeting, member_id, scratch), amount)
                    for member_id, amount in batch]
        if column.validate_all is not None:
            each = column.validate_all(session, contexts)
        else:
            each = [column.validate(session, ctx, amount) for ctx, amount in contexts]
        for (member_id, _amount), problems in zip(batch, each, strict=True):
            found[(member_id, key)] = problems

    def check(member: Member, column: MeetingColumn, amount: int) -> list[UserError]:
        return [CellProblem(member, column, p) for p in found.get((member.id, column.key), [])]

    return cell_problems(members, columns, cells, check)


def check_cells(session: Session, actor: User, *, meeting_id: int, cells: Cells) -> list[UserError]:
    """Every problem of the cells given (an empty list when all are fine), for marking
    cells as the treasurer types. Nothing is written."""
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    columns = {c.key: c for c in columns_of(session, meeting)}
    return column_problems(session, meeting, members, columns, cells)
