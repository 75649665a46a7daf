"""Nothing typed into the meeting grid is lost: the treasurer types amounts, the program
stops before she posts, and when she opens the meeting again the amounts are back and a
line says so; posting the meeting clears what was kept."""
from __future__ import annotations

from PySide6.QtCore import Qt

from models.core.i18n import gettext
from models.meetings import drafts as meeting_drafts
from models.meetings import posting as meeting_posting
from models.meetings import summary as meeting_summaries
from tests.desktop.conftest import english_left
from tests.desktop.test_meeting_screens import amounts, cell, go, open_today, type_into


def kept(env, meeting_id: int) -> dict:  # noqa: ANN001
    with env.db.read() as s:
        return meeting_drafts.draft_cells(s, env.user(s, "auditor"), meeting_id)


def test_amounts_typed_before_the_program_stopped_are_brought_back(env, make_window, qtbot,
                                                                   messages):
    keo, bua, som = env.member_ids
    window = make_window("treasurer")
    page = open_today(window).page
    meeting_id = page.meeting.id
    assert not page.notice.isVisible()

    # Keo saves three shares, Bua five, Som nothing today; each cell is kept as typed.
    go(page, 0, "savings")
    type_into(qtbot, page, "30000")
    assert kept(env, meeting_id) == {(keo, "savings"): 30_000}
    type_into(qtbot, page, "50000")
    go(page, 2, "savings")
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert kept(env, meeting_id) == {(keo, "savings"): 30_000, (bua, "savings"): 50_000,
                                     (som, "savings"): 0}
    # Bua only brought one share after all: Esc puts back the expected amount, and the
    # kept one is forgotten.
    go(page, 1, "savings")
    qtbot.keyClick(page.grid, Qt.Key.Key_Escape)
    assert kept(env, meeting_id) == {(keo, "savings"): 30_000, (som, "savings"): 0}
    assert messages.shown == []  # kept quietly

    # The power goes: the window is gone without posting. She starts again.
    window.close()
    page = open_today(make_window("treasurer")).page
    assert page.meeting.id == meeting_id and not page.meeting.is_posted
    assert amounts(page, "savings") == [30_000, 10_000, 0]
    assert page.notice.isVisible()
    assert page.notice.text() == "2 amounts typed before the program closed were brought back."
    totals = page.totals_model
    assert totals.data(totals.index(0, cell(page, 0, "savings").column())) == "40,000 ₭"
    assert page.problem_texts() == []
    # The amounts brought back are hers, not the expected ones: Esc still puts those back.
    go(page, 0, "savings")
    qtbot.keyClick(page.grid, Qt.Key.Key_Escape)
    assert amounts(page, "savings") == [10_000, 10_000, 0]
    assert kept(env, meeting_id) == {(som, "savings"): 0}

    # Posting records what the grid shows and clears what was kept.
    messages.answer = "later"
    assert page.post()
    assert kept(env, meeting_id) == {}
    assert not page.notice.isVisible()
    with env.db.read() as s:
        summary = meeting_summaries.meeting_summary(s, env.user(s, "auditor"), meeting_id)
    assert [r.amounts.get("savings", 0) for r in summary.rows] == [10_000, 10_000, 0]


def test_going_back_to_the_list_keeps_the_grid_as_it_was_left(env, make_window, qtbot):
    screen = open_today(make_window("treasurer"))
    page = screen.page
    go(page, 2, "savings")
    type_into(qtbot, page, "20000")
    page.back_button.click()
    screen.open_today()
    assert amounts(page, "savings") == [10_000, 10_000, 20_000]
    assert not page.notice.isVisible()  # typed in this window: nothing to announce


def test_one_amount_brought_back_in_lao(env, make_window, qtbot, lao):
    page = open_today(make_window("treasurer")).page
    go(page, 1, "savings")
    type_into(qtbot, page, "40000")
    page.window().close()
    page = open_today(make_window("treasurer")).page
    assert amounts(page, "savings") == [10_000, 40_000, 10_000]
    assert page.notice.text() == gettext(
        "One amount typed before the program closed was brought back.", "lo")
    assert english_left(page) == []


def test_the_auditor_sees_the_expected_amounts_and_no_notice(env, make_window, qtbot):
    page = open_today(make_window("treasurer")).page
    go(page, 0, "savings")
    type_into(qtbot, page, "30000")
    screen = make_window("auditor").show_section("meetings")
    assert screen.open_today()
    assert amounts(screen.page, "savings") == [10_000, 10_000, 10_000]
    assert not screen.page.notice.isVisible()


def test_an_amount_that_cannot_be_kept_says_why_under_the_grid(env, make_window, qtbot,
                                                               messages):
    """The meeting was posted from another window meanwhile: what she types here can no
    longer be kept; the reason shows in the line under the grid, without a message box."""
    page = open_today(make_window("treasurer")).page
    meeting_id = page.meeting.id
    with env.db.write() as s:
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting_id,
                                     cells={(env.member_ids[0], "savings"): 10_000})
    go(page, 2, "savings")
    type_into(qtbot, page, "20000")
    assert page.problems.isVisible()
    assert page.problems.text() == (
        "The meeting cannot be posted yet:\n"
        "• The meeting of 20/11/2026 is already posted; correct it by reversing entries.")
    assert messages.shown == []
    assert kept(env, meeting_id) == {}
