"""The draft of an open meeting: every amount the treasurer types is kept at once, read
back after a power cut, changed or forgotten cell by cell, refused whole when a cell is
wrong, and deleted when the meeting is posted."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import groups, members
from models.core.db import Database
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.schema import AuditEvent
from models.meetings import drafts as meeting_drafts
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings.grid import CellProblem
from models.meetings.schema import MeetingDraftCell
from tests.models.savings_support import balance

DAY = dt.date(2026, 11, 20)


def open_meeting(env, on=DAY) -> int:
    with env.db.write() as s:
        return meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=on).id


def save(env, meeting_id, cells, role="treasurer") -> None:
    with env.db.write() as s:
        meeting_drafts.save_draft_cells(s, env.user(s, role), meeting_id=meeting_id, cells=cells)


def draft(env, meeting_id, role="auditor", database=None) -> dict:
    with (database or env.db).read() as s:
        return meeting_drafts.draft_cells(s, env.user(s, role), meeting_id)


def stored_cells(env) -> int:
    with env.db.read() as s:
        return s.scalar(select(func.count(MeetingDraftCell.id)))


def test_typed_amounts_are_kept_and_survive_a_power_cut(env):
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    save(env, meeting_id, {(keo, "savings"): 30_000})
    save(env, meeting_id, {(bua, "savings"): 0, (som, "fines"): 2_000})

    # The program stops without a word; the ledger file, opened afresh, still has them.
    env.db.dispose()
    reopened = Database(env.db.url)
    try:
        assert draft(env, meeting_id, database=reopened) == {
            (keo, "savings"): 30_000, (bua, "savings"): 0, (som, "fines"): 2_000}
        with reopened.read() as s:
            row = s.scalar(select(MeetingDraftCell).where(MeetingDraftCell.member_id == keo))
            assert (row.updated_by, row.updated_at) == (env.user_ids["treasurer"],
                                                        dt.datetime(2026, 11, 20, 9, 30))
    finally:
        reopened.dispose()


def test_a_cell_typed_again_is_overwritten_and_one_put_back_is_forgotten(env):
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    save(env, meeting_id, {(keo, "savings"): 30_000, (bua, "savings"): 20_000})
    save(env, meeting_id, {(keo, "savings"): 40_000})
    save(env, meeting_id, {(bua, "savings"): None, (som, "savings"): None})  # Esc, twice
    assert draft(env, meeting_id) == {(keo, "savings"): 40_000}
    assert stored_cells(env) == 1
    with env.db.read() as s:
        saves = [(e.username, e.detail["cells"]) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.draft")
            .order_by(AuditEvent.id))]
    assert saves == [
        ("treasurer", [[keo, "savings", 30_000], [bua, "savings", 20_000]]),
        ("treasurer", [[keo, "savings", 40_000]]),
        ("treasurer", [[bua, "savings", None], [som, "savings", None]])]


def test_a_bad_cell_saves_nothing_and_every_problem_is_listed(env):
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    save(env, meeting_id, {(keo, "savings"): 30_000})
    with env.db.write() as s:
        other = groups.create_group(s, env.user(s, "admin"), name="ກຸ່ມອື່ນ")
        stranger = members.add_member(s, env.user(s, "admin"), group_id=other.id,
                                      details=members.MemberDetails(
                                          name_lao="ນາງ ດາວ", gender="f",
                                          joined_on=dt.date(2024, 1, 5))).id
    with pytest.raises(ValidationError) as caught:
        save(env, meeting_id, {(keo, "savings"): 50_000, (bua, "savings"): -5,
                               (som, "savings"): 1.5, (som, "no_such_column"): 1_000,
                               (stranger, "savings"): 10_000, (bua, "fines"): True})
    assert sorted(str(p) for p in caught.value.problems) == sorted([
        "ນາງ ບົວ, Savings: The amount cannot be negative.",
        "ນາງ ບົວ, Fines paid: Amounts must be whole numbers of the smallest unit.",
        "ທ້າວ ສົມ, Savings: Amounts must be whole numbers of the smallest unit.",
        "There is no column no_such_column in this meeting.",
        f"Member {stranger} is not in this meeting."])
    cell_problems = {(p.member_id, p.column_key) for p in caught.value.problems
                     if isinstance(p, CellProblem)}
    assert cell_problems == {(bua, "savings"), (bua, "fines"), (som, "savings")}
    assert draft(env, meeting_id) == {(keo, "savings"): 30_000}  # not even the good cell


def test_only_who_records_meetings_types_a_draft_and_everyone_may_read_it(env):
    meeting_id = open_meeting(env)
    keo = env.member_ids[0]
    for role in ("auditor", "leader"):
        with pytest.raises(PermissionDenied):
            save(env, meeting_id, {(keo, "savings"): 30_000}, role=role)
    assert stored_cells(env) == 0
    save(env, meeting_id, {(keo, "savings"): 30_000})
    with pytest.raises(PermissionDenied):
        with env.db.write() as s:
            meeting_drafts.discard_draft(s, env.user(s, "auditor"), meeting_id=meeting_id)
    assert draft(env, meeting_id, role="leader") == {(keo, "savings"): 30_000}
    assert stored_cells(env) == 1


def test_posting_the_meeting_deletes_its_draft_with_the_posting(env):
    meeting_id = open_meeting(env)
    keo, bua, som = env.member_ids
    save(env, meeting_id, {(keo, "savings"): 30_000, (bua, "savings"): 15_000})

    # Refused (half a share): nothing is posted and the draft stays for the next try.
    with pytest.raises(ValidationError):
        with env.db.write() as s:
            meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                         cells=draft(env, meeting_id))
    assert stored_cells(env) == 2

    save(env, meeting_id, {(bua, "savings"): 20_000})
    with env.db.write() as s:
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                     cells=meeting_drafts.draft_cells(s, env.user(s, "treasurer"),
                                                                      meeting_id))
    assert balance(env, "cash") == 50_000
    assert stored_cells(env) == 0
    assert draft(env, meeting_id) == {}


def test_a_posted_meeting_takes_no_draft(env):
    meeting_id = open_meeting(env)
    keo = env.member_ids[0]
    with env.db.write() as s:
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                     cells={(keo, "savings"): 10_000})
    with pytest.raises(UserError, match="already posted"):
        save(env, meeting_id, {(keo, "savings"): 30_000})
    assert stored_cells(env) == 0


def test_discarding_forgets_every_typed_amount_of_that_meeting_only(env):
    first, second = open_meeting(env, on=dt.date(2026, 11, 6)), open_meeting(env)
    keo, bua, _som = env.member_ids
    save(env, first, {(keo, "savings"): 30_000, (bua, "fines"): 1_000})
    save(env, second, {(keo, "savings"): 20_000})
    with env.db.write() as s:
        assert meeting_drafts.discard_draft(s, env.user(s, "treasurer"), meeting_id=first) == 2
    assert draft(env, first) == {}
    assert draft(env, second) == {(keo, "savings"): 20_000}
    with env.db.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.draft_discard"))
        assert (event.username, event.detail["meeting"], event.detail["cells"]) == (
            "treasurer", first, 2)
