"""A meeting: the roll call, the grid prefilled from the rules, every cell checked, and the
whole grid posted at once or not at all."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import ledger
from models.core.errors import LedgerIntegrityError, UserError, ValidationError
from models.core.schema import Group, JournalEntry
from models.meetings import columns as meeting_columns
from models.meetings import grid as meeting_grids
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import roll as meeting_roll
from models.meetings import summary as meeting_summaries
from models.meetings.schema import MeetingAttendance, MeetingCell
from models.savings import accounts as savings
from tests.models.savings_support import assert_ledger_whole, balance, with_rules

DAY = dt.date(2026, 10, 5)


def open_meeting(env, on=DAY) -> int:
    with env.db.write() as s:
        return meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=on).id


def post(env, meeting_id, cells, attendance=None, notes=None):
    with env.db.write() as s:
        return meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                            cells=cells, attendance=attendance, notes=notes)


def grid(env, meeting_id):
    with env.db.read() as s:
        return meeting_grids.meeting_grid(s, env.user(s, "treasurer"), meeting_id)


def entry_count(env) -> int:
    with env.db.read() as s:
        return s.get(Group, env.group_id).entry_count


def test_one_meeting_a_day_in_the_cycle_of_that_day(env):
    meeting_id = open_meeting(env)
    with env.db.read() as s:
        row = meetings.get_meeting(s, env.user(s, "auditor"), meeting_id)
    assert (row.meeting_date, row.cycle_number, row.number, row.status) == (DAY, 1, 1, "open")
    with pytest.raises(UserError, match="already a meeting on 05/10/2026"):
        open_meeting(env)
    with pytest.raises(UserError, match="in the future"):
        open_meeting(env, on=dt.date(2026, 12, 1))
    second = open_meeting(env, on=dt.date(2026, 11, 2))
    with env.db.read() as s:
        rows = meetings.list_meetings(s, env.user(s, "auditor"), env.group_id)
    assert [(r.id, r.number) for r in rows] == [(second, 2), (meeting_id, 1)]


def test_the_grid_is_prefilled_from_the_rules_and_the_roll_call(env):
    with_rules(env, min_shares=2, fine_absence=5_000, fine_late=1_000)
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    with env.db.write() as s:
        meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                       attendance={bua: "absent", som: "late"},
                                       notes={som: "came at 10"})
    g = grid(env, meeting_id)
    assert [c.key for c in g.columns][:1] == ["savings"]
    assert "fines" in [c.key for c in g.columns]
    assert [(r.name, r.attendance, r.note) for r in g.rows] == [
        ("ນາງ ແກ້ວ", "present", ""), ("ນາງ ບົວ", "absent", ""), ("ທ້າວ ສົມ", "late", "came at 10")]
    expected = {(r.member_id, k): v for r in g.rows for k, v in r.expected.items()
                if k in ("savings", "fines")}
    assert expected == {(keo, "savings"): 20_000, (keo, "fines"): 0,
                        (bua, "savings"): 0, (bua, "fines"): 0,
                        (som, "savings"): 20_000, (som, "fines"): 1_000}
    assert (g.mode, g.share_price) == ("shares", 10_000)
    assert meeting_grids.column_totals(g.expected_cells())["savings"] == 40_000


def test_posting_the_grid_records_everything_and_the_summary_says_who_paid(env):
    with_rules(env, fine_absence=5_000)
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    post(env, meeting_id, {(keo, "savings"): 30_000, (som, "savings"): 10_000},
         attendance={bua: "absent"}, notes={keo: "paid for 3 shares"})
    assert balance(env, "member_savings", keo) == 30_000
    assert balance(env, "fines_receivable", bua) == 5_000  # her absence fine, owed
    assert balance(env, "cash") == 40_000
    with env.db.read() as s:
        summary = meeting_summaries.meeting_summary(s, env.user(s, "auditor"), meeting_id)
    assert summary.meeting.is_posted and summary.meeting.posted_by == "treasurer"
    assert summary.totals == {"savings": 40_000}
    assert summary.attendance == {"present": 2, "late": 0, "represented": 0, "absent": 1}
    assert [(r.name, r.total, r.paid, r.fines_charged, r.savings_after, r.shares_after)
            for r in summary.rows] == [("ນາງ ແກ້ວ", 30_000, True, 0, 30_000, 3),
                                       ("ນາງ ບົວ", 0, False, 5_000, 0, 0),
                                       ("ທ້າວ ສົມ", 10_000, True, 0, 10_000, 1)]
    assert summary.rows[0].note == "paid for 3 shares"
    assert (summary.cash_opening, summary.cash_closing) == (0, 40_000)
    assert summary.loan_fund == 45_000  # savings 40,000 + the fine earned 5,000
    assert_ledger_whole(env)


def test_a_bad_last_row_stops_the_whole_meeting_and_every_problem_is_listed(env):
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    before = entry_count(env)
    with pytest.raises(ValidationError) as caught:
        post(env, meeting_id, {(keo, "savings"): 20_000, (bua, "savings"): 15_000,
                               (som, "savings"): 90_000, (som, "fines"): 1_000},
             attendance={keo: "late"})
    problems = caught.value.problems
    assert [str(p) for p in problems] == [
        "ນາງ ບົວ, Savings: 15,000 ₭ is not a whole number of shares at 10,000 ₭ a share.",
        "ທ້າວ ສົມ, Fines paid: She owes only 0 ₭ in fines.",
        "ທ້າວ ສົມ, Savings: At most 5 shares a meeting (50,000 ₭).",
    ]
    assert [(p.member_id, p.column_key) for p in problems] == [
        (bua, "savings"), (som, "fines"), (som, "savings")]
    assert entry_count(env) == before
    with env.db.read() as s:
        assert s.scalar(select(func.count(MeetingAttendance.id))) == 0
        assert meetings.get_meeting(s, env.user(s, "auditor"), meeting_id).status == "open"
    assert_ledger_whole(env)


@pytest.fixture
def failing_column():
    """A column whose posting fails for one member, as a broken capability might."""
    victims: set[int] = set()

    def post_cell(session, actor, ctx, amount):
        if ctx.member_id in victims:
            raise LedgerIntegrityError("The account 9999 is closed.")
        ledger.post_entry(session, actor, group_id=ctx.group_id, value_date=ctx.on,
                          kind="test_column", meeting_id=ctx.meeting_id,
                          lines=[ledger.Line("cash", amount), ledger.Line("other_income", -amount)])

    meeting_columns.register(meeting_columns.MeetingColumn(
        key="test_failing", label="Failing", order=99, expected=lambda s, c: 0,
        validate=lambda s, c, a: [], post=post_cell))
    yield victims
    meeting_columns._REGISTRY.pop("test_failing")


def test_a_failure_while_posting_the_last_row_leaves_nothing_behind(env, failing_column):
    with_rules(env, fine_late=1_000)
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    failing_column.add(som)
    before = entry_count(env)
    with env.db.write() as s:
        with pytest.raises(LedgerIntegrityError):
            meeting_posting.post_meeting(
                s, env.user(s, "treasurer"), meeting_id=meeting_id,
                cells={(keo, "savings"): 20_000, (bua, "test_failing"): 1_000,
                       (som, "savings"): 10_000, (som, "test_failing"): 500},
                attendance={bua: "represented", som: "late"})
        # Even a caller that goes on and commits keeps nothing of the meeting.
    assert entry_count(env) == before
    assert balance(env, "cash") == 0
    with env.db.read() as s:
        assert s.scalar(select(func.count(MeetingCell.id))) == 0
        assert s.scalar(select(func.count(MeetingAttendance.id))) == 0
        assert s.scalar(select(func.count(JournalEntry.id))) == 0
        assert meetings.get_meeting(s, env.user(s, "auditor"), meeting_id).status == "open"
    failing_column.clear()
    post(env, meeting_id, {(keo, "savings"): 20_000, (bua, "test_failing"): 1_000})
    assert balance(env, "cash") == 21_000
    assert_ledger_whole(env)


def test_absent_members_pay_nothing_unless_someone_represents_them(env):
    meeting_id = open_meeting(env)
    bua = env.member_ids[1]
    with pytest.raises(ValidationError) as caught:
        post(env, meeting_id, {(bua, "savings"): 10_000}, attendance={bua: "absent"})
    assert [str(p) for p in caught.value.problems] == [
        "ນາງ ບົວ, Savings: She was absent; mark her as represented if someone paid for her."]
    post(env, meeting_id, {(bua, "savings"): 10_000}, attendance={bua: "represented"})
    assert balance(env, "member_savings", bua) == 10_000


def test_fines_of_the_meeting_and_earlier_ones_can_be_paid_in_the_grid(env):
    with_rules(env, fine_late=2_000)
    first = open_meeting(env, on=dt.date(2026, 9, 5))
    keo = env.member_ids[0]
    post(env, first, {}, attendance={keo: "late"})
    second = open_meeting(env)
    with env.db.write() as s:
        meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=second,
                                       attendance={keo: "late"})
    g = grid(env, second)
    assert g.rows[0].expected["fines"] == 4_000  # last month's and today's
    post(env, second, {(keo, "fines"): 4_000})
    assert balance(env, "fines_receivable", keo) == 0
    assert balance(env, "fine_income") == 4_000
    assert_ledger_whole(env)


def test_cells_are_checked_as_they_are_typed_without_writing(env):
    meeting_id = open_meeting(env)
    keo = env.member_ids[0]
    with env.db.read() as s:
        problems = meeting_grids.check_cells(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                             cells={(keo, "savings"): 12_000, (keo, "nope"): 5,
                                                    (999, "savings"): 10_000,
                                                    (keo, "fines"): -5})
    assert [str(p) for p in problems] == [
        "ນາງ ແກ້ວ, Fines paid: The amount cannot be negative.",
        "There is no column nope in this meeting.",
        "ນາງ ແກ້ວ, Savings: 12,000 ₭ is not a whole number of shares at 10,000 ₭ a share.",
        "Member 999 is not in this meeting.",
    ]


def test_a_posted_meeting_is_not_posted_again(env):
    meeting_id = open_meeting(env)
    post(env, meeting_id, {(env.member_ids[0], "savings"): 10_000})
    with pytest.raises(UserError, match="already posted"):
        post(env, meeting_id, {(env.member_ids[0], "savings"): 10_000})
    with env.db.write() as s:
        with pytest.raises(UserError, match="already posted"):
            meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                           attendance={env.member_ids[0]: "absent"})
    g = grid(env, meeting_id)
    assert g.expected_cells() == {(env.member_ids[0], "savings"): 10_000}


def test_a_wrong_attendance_mark_is_refused(env):
    meeting_id = open_meeting(env)
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                           attendance={env.member_ids[0]: "asleep", 999: "present"})
    assert [str(p) for p in caught.value.problems] == [
        "ນາງ ແກ້ວ: mark present, late, represented or absent.",
        "Member 999 is not in this meeting."]


def test_members_who_joined_later_or_left_before_are_not_in_the_grid(env):
    from models.core.schema import Member

    with env.db.write() as s:
        s.get(Member, env.member_ids[2]).joined_on = dt.date(2026, 10, 20)
        left = s.get(Member, env.member_ids[1])
        left.status, left.status_date = "left", dt.date(2026, 10, 1)
    meeting_id = open_meeting(env)
    assert [r.member_id for r in grid(env, meeting_id).rows] == [env.member_ids[0]]


def test_a_reversed_cell_is_flagged_on_the_summary(env):
    meeting_id = open_meeting(env)
    post(env, meeting_id, {(env.member_ids[0], "savings"): 10_000})
    with env.db.write() as s:
        entry = s.scalar(select(JournalEntry).where(JournalEntry.kind == savings.KIND_DEPOSIT))
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry.id,
                             reason="wrong member")
        seq = entry.seq
    with env.db.read() as s:
        summary = meeting_summaries.meeting_summary(s, env.user(s, "auditor"), meeting_id)
    assert summary.reversed_seqs == (seq,)


def test_verify_finds_a_grid_that_no_longer_matches_the_ledger(env):
    meeting_id = open_meeting(env)
    post(env, meeting_id, {(env.member_ids[0], "savings"): 20_000})
    with env.db.write() as s:
        cell = s.scalar(select(MeetingCell))
        cell.amount = 30_000  # changed behind the app's back
    with env.db.read() as s:
        from models.core import verify

        problems = [str(p) for p in verify.verify_database(s)]
    assert problems == ["Group ກຸ່ມຕັດຫຍິບ: the meeting of 05/10/2026 took 30000 in its savings "
                        "column but the ledger has 20000."]
