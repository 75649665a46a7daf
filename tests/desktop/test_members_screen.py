"""A treasurer keeps the member list: search, add, edit, mark as left, read the history."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.member_dialogs import HistoryDialog, MemberDialog, StatusDialog
from desktop.screens.members import MembersScreen
from models.core import members


def names(screen) -> list[str]:  # noqa: ANN001
    return [row.name_lao for row in screen.model.rows]


def open_members(window):  # noqa: ANN001, ANN201
    return window.show_section("members")


def fill(dialog: MemberDialog, **values: str) -> None:
    for field, text in values.items():
        getattr(dialog, field).setText(text)


def test_the_list_shows_the_groups_members_by_number(window):
    screen = open_members(window)
    assert names(screen) == ["ນາງ ແກ້ວ", "ນາງ ບົວ", "ທ້າວ ສົມ"]
    assert screen.model.data(screen.model.index(0, 3)) == "Woman"
    assert screen.model.data(screen.model.index(0, 6)) == "05/01/2024"


def test_add_a_member_with_the_form(window, qtbot):
    screen = open_members(window)
    dialog = MemberDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    fill(dialog, name_lao="ນາງ ມະນີ", name_latin="Many", birth_date="03/04/1980",
         village="ບ້ານໜອງບອນ", phone="020 5555 1234", nssf_number="SS-123",
         joined_on="01/11/2026")
    dialog.gender.setCurrentIndex(dialog.gender.findData("f"))
    assert dialog.save()
    assert names(screen)[-1] == "ນາງ ມະນີ"
    added = screen.model.rows[-1]
    assert (added.number, added.birth_date, added.nssf_number) == (4, dt.date(1980, 4, 3),
                                                                   "SS-123")
    assert window.statusBar().currentMessage() == "ນາງ ມະນີ was added as member 4."


def test_a_member_known_only_by_her_latin_name_is_added_and_edited(window, qtbot, env):
    screen = open_members(window)
    dialog = MemberDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    assert dialog.names_note.text() == ("A name is required: in Lao, in Latin letters, or "
                                        "both. One of the two is enough.")
    fill(dialog, name_lao="", name_latin="Noy Phommachan", joined_on="01/11/2026")
    assert dialog.save(), dialog.problems.text()
    added = screen.model.rows[-1]
    assert (added.name_lao, added.name_latin, added.display_name) == (
        "Noy Phommachan", None, "Noy Phommachan")
    edit = MemberDialog(screen.ctx, added, parent=screen)
    qtbot.addWidget(edit)
    assert (edit.name_lao.text(), edit.name_latin.text()) == ("", "Noy Phommachan")
    fill(edit, name_lao="ນາງ ນ້ອຍ")
    assert edit.save(), edit.problems.text()
    with env.db.read() as s:
        row = members.get_member(s, env.user(s, "admin"), added.id)
    assert (row.name_lao, row.name_latin) == ("ນາງ ນ້ອຍ", "Noy Phommachan")


def test_problems_stay_in_the_form_and_nothing_is_saved(window, qtbot, messages):
    screen = open_members(window)
    dialog = MemberDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    fill(dialog, name_lao="", birth_date="01/01/2030", phone="call me",
         joined_on="01/01/2026")
    assert not dialog.save()
    shown = dialog.problems.text().splitlines()
    assert shown == ["• Enter the member's name.", "• The birth date is in the future.",
                     "• A phone number has only digits, spaces, + and -."]
    assert dialog.problems.isVisibleTo(dialog)
    assert len(names(screen)) == 3
    assert messages.shown == []  # shown in the form, not in a message box
    fill(dialog, birth_date="31/02/1980")
    assert not dialog.save()
    assert dialog.problems.text() == "“31/02/1980” is not a date; write it as dd/mm/yyyy."


def test_edit_a_member_and_read_the_change_history(window, qtbot, env):
    screen = open_members(window)
    bua = screen.model.rows[1]
    dialog = MemberDialog(screen.ctx, bua, parent=screen)
    qtbot.addWidget(dialog)
    assert dialog.name_latin.text() == "Bua"
    fill(dialog, phone="020 7777 8888", joined_on="06/01/2024")
    assert dialog.save()
    assert screen.model.rows[1].phone == "020 7777 8888"
    history = HistoryDialog(screen.ctx, screen.model.rows[1], parent=screen)
    qtbot.addWidget(history)
    rows = [[history.model.data(history.model.index(r, c)) for c in range(5)]
            for r in range(history.model.rowCount())]
    assert rows[0][1:3] == ["admin", "Added"]
    assert ["admin", "Phone", "", "020 7777 8888"] in [r[1:] for r in rows]
    assert ["admin", "Joined on", "05/01/2024", "06/01/2024"] in [r[1:] for r in rows]


def test_search_by_latin_name_and_by_lao_typed_as_key_events(window, qtbot):
    screen = open_members(window)
    qtbot.keyClicks(screen.search, "bua")
    qtbot.waitUntil(lambda: names(screen) == ["ນາງ ບົວ"])
    screen.search.clear()
    screen.search.setFocus()
    for char in "ສົມ":
        QApplication.sendEvent(screen.search, QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
    assert screen.search.text() == "ສົມ"
    qtbot.waitUntil(lambda: names(screen) == ["ທ້າວ ສົມ"])


def test_mark_a_member_as_left_after_confirming(window, qtbot, messages):
    screen = open_members(window)
    keo = screen.model.rows[0]
    dialog = StatusDialog(screen.ctx, keo, parent=screen)
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData("left"))
    dialog.on.setText("15/11/2026")
    messages.answer = "no"
    assert not dialog.save()
    assert screen.model.rows[0].status == "active"
    messages.answer = "yes"
    assert dialog.save()
    assert messages.last.text == "Record that ນາງ ແກ້ວ left the group on 15/11/2026?"
    assert screen.model.data(screen.model.index(0, 7)) == "Left 15/11/2026"
    screen.show_inactive.setChecked(False)
    assert names(screen) == ["ນາງ ບົວ", "ທ້າວ ສົມ"]


def test_keyboard_ctrl_n_adds_and_enter_opens(window, qtbot, monkeypatch):
    screen = open_members(window)
    opened = []
    monkeypatch.setattr(MemberDialog, "ask", classmethod(
        lambda cls, parent, ctx, member=None: opened.append(member and member.name_lao)))
    screen.table.setFocus()
    screen.table.selectRow(1)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["ນາງ ບົວ", None]


def test_an_auditor_reads_but_cannot_change(make_window, env):
    window = make_window("auditor")
    screen = open_members(window)
    assert len(screen.model.rows) == 3
    assert not screen.add_button.isEnabled()
    assert not screen.edit_button.isEnabled()
    assert screen.history_button.isEnabled()
    keys = [s.key for s in window.visible_sections]
    assert {"overview", "members", "journal", "settings"} <= set(keys)
    assert not {"groups", "users"} & set(keys)


def test_a_member_added_elsewhere_shows_after_the_change_signal(window, env):
    screen: MembersScreen = open_members(window)
    details = members.MemberDetails(name_lao="ນາງ ຈັນ", gender="f", joined_on=dt.date(2025, 1, 1))
    screen.ctx.run(screen, lambda s, actor: members.add_member(
        s, actor, group_id=env.group_id, details=details), changed={"members"})
    assert names(screen)[-1] == "ນາງ ຈັນ"
