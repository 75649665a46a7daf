"""Journal reversals, groups, users and settings, driven through their screens and dialogs."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop.screens.groups import GroupDialog
from desktop.screens.journal import ReverseDialog
from desktop.screens.users import NewUserDialog, PasswordDialog, RoleDialog
from models.core import backup, ledger, settings, users
from models.core.ledger import credit, debit


@pytest.fixture
def entry(env):  # noqa: ANN001, ANN201
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                          value_date=dt.date(2026, 3, 1), kind="opening_balance",
                          memo="ເງິນຝາກເປີດບັນຊີ",
                          lines=[debit("cash", 200_000),
                                 credit("member_savings", 200_000, member_id=env.member_ids[1])])


def cell(screen, row: int, column: int) -> str:  # noqa: ANN001
    return screen.model.data(screen.model.index(row, column))


# -- journal ----------------------------------------------------------------------------

def test_a_treasurer_reverses_an_entry_with_a_reason(make_window, entry, qtbot, messages):
    window = make_window("treasurer")
    journal = window.show_section("journal")
    assert [cell(journal, 0, c) for c in range(4)] == ["1", "01/03/2026", "Opening balance",
                                                       "200,000 ₭"]
    assert journal.reverse_button.isEnabled()
    dialog = ReverseDialog(journal.ctx, journal.table.selected_row(), journal)
    qtbot.addWidget(dialog)
    assert not dialog.save()  # no reason
    assert dialog.problems.text() == "Give the reason for the reversal."
    dialog.reason.setText("ໃສ່ຜິດຄົນ")
    messages.answer = "no"
    assert not dialog.save()
    messages.answer = "yes"
    assert dialog.save()
    assert messages.last.buttons == ["Reverse entry", "Cancel"]
    assert [cell(journal, 0, c) for c in (0, 2, 5, 6)] == ["2", "Reversal", "cancels entry 1",
                                                           "ໃສ່ຜິດຄົນ"]
    assert cell(journal, 1, 5) == "cancelled by entry 2"
    journal.table.selectRow(1)
    assert not journal.reverse_button.isEnabled()  # already reversed
    assert window.statusBar().currentMessage() == "Entry 1 was reversed by entry 2."


def test_an_auditor_cannot_reverse(make_window, entry):
    journal = make_window("auditor").show_section("journal")
    assert journal.model.rowCount() == 1
    assert not journal.reverse_button.isEnabled()


# -- groups -----------------------------------------------------------------------------

def test_an_admin_adds_a_group_and_the_group_picker_offers_it(window, qtbot):
    screen = window.show_section("groups")
    assert not window.group_picker.isEnabled()  # one group: nothing to pick
    dialog = GroupDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    dialog.name.setText("ກຸ່ມສານກະດົ້ງ")
    dialog.distance.setText("far")
    assert not dialog.save()
    assert dialog.problems.text() == "Write the distance as a whole number of kilometres."
    dialog.distance.setText("27")
    assert dialog.save()
    assert sorted(cell(screen, r, 1) for r in range(2)) == ["ກຸ່ມຕັດຫຍິບ", "ກຸ່ມສານກະດົ້ງ"]
    # the number the command line's --group takes
    assert sorted(cell(screen, r, 0) for r in range(2)) == sorted(
        str(g.id) for g in screen.model.rows)
    assert window.group_picker.count() == 2 and window.group_picker.isEnabled()
    window.group_picker.setCurrentIndex(window.group_picker.findData(dialog.saved_id))
    assert window.ctx.group_id == dialog.saved_id
    members = window.show_section("members")
    assert members.model.rowCount() == 0


def test_editing_a_group_keeps_its_currency(window, qtbot):
    screen = window.show_section("groups")
    group = screen.model.rows[0]
    dialog = GroupDialog(screen.ctx, group, parent=screen)
    qtbot.addWidget(dialog)
    assert not dialog.currency.isEnabled()
    dialog.village.setText("ບ້ານໂພນສະອາດ")
    dialog.frequency.setCurrentIndex(dialog.frequency.findData("weekly"))
    assert dialog.save()
    assert cell(screen, 0, 3) == "ບ້ານໂພນສະອາດ"
    assert cell(screen, 0, 6) == "Weekly"


# -- users ------------------------------------------------------------------------------

def test_an_admin_creates_a_user_gives_and_takes_a_role(window, env, qtbot, messages):
    screen = window.show_section("users")
    dialog = NewUserDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    dialog.display_name.setText("ນາງ ພອນ")
    dialog.username.setText("phone")
    dialog.password.setText("abcd")
    dialog.password_again.setText("abcd")
    assert dialog.save()
    phone = next(u for u in screen.model.rows if u.username == "phone")
    assert phone.roles == ()
    roles = RoleDialog(screen.ctx, phone, screen.group_names, parent=screen)
    qtbot.addWidget(roles)
    roles.role.setCurrentIndex(roles.role.findData("leader"))
    assert roles.group.currentData() == env.group_id
    assert roles.save()
    row = next(r for r, u in enumerate(screen.model.rows) if u.username == "phone")
    assert cell(screen, row, 3) == "Leader in ກຸ່ມຕັດຫຍິບ"
    screen.table.selectRow(row)
    assert screen.role_choice.currentText() == "Leader in ກຸ່ມຕັດຫຍິບ"
    screen.revoke_role()
    assert messages.last.text == "Take away this role from ນາງ ພອນ: Leader in ກຸ່ມຕັດຫຍິບ?"
    assert cell(screen, row, 3) == ""


def test_an_admin_records_that_a_leader_is_a_member_so_she_cannot_approve_for_herself(
        window, env, qtbot):
    from desktop.screens.users import MemberLinkDialog

    screen = window.show_section("users")
    row = next(r for r, u in enumerate(screen.model.rows) if u.username == "leader")
    screen.table.selectRow(row)
    assert screen.member_button.isEnabled()
    dialog = MemberLinkDialog(screen.ctx, screen.model.rows[row], parent=screen)
    qtbot.addWidget(dialog)
    dialog.member.setCurrentIndex(dialog.member.findData(env.member_ids[1]))
    assert dialog.save()
    assert cell(screen, row, 4) == "ນາງ ບົວ"
    with env.db.read() as s:
        assert users.is_same_person(s, env.user(s, "leader"), env.member_ids[1])
    dialog.close()


def test_reset_a_password_lifts_a_lock_out(window, env, qtbot):
    for _attempt in range(6):
        with pytest.raises(users.LoginFailed):
            users.login(env.db, "leader", "wrong")
    screen = window.show_section("users")
    row = next(r for r, u in enumerate(screen.model.rows) if u.username == "leader")
    assert cell(screen, row, 2) == "Locked (too many wrong passwords)"
    dialog = PasswordDialog(screen.ctx, screen.model.rows[row], parent=screen)
    qtbot.addWidget(dialog)
    dialog.password.setText("newpass")
    dialog.password_again.setText("newpass")
    assert dialog.save()
    assert users.login(env.db, "leader", "newpass").username == "leader"


def test_switch_an_account_off_and_on(window, env, messages):
    screen = window.show_section("users")
    row = next(r for r, u in enumerate(screen.model.rows) if u.username == "auditor")
    screen.table.selectRow(row)
    assert screen.active_button.text() == "Switch off"
    screen.toggle_active()
    assert cell(screen, row, 2) == "Switched off"
    with pytest.raises(users.LoginFailed):
        users.login(env.db, "auditor", "demo")
    screen.table.selectRow(row)
    assert screen.active_button.text() == "Switch on"
    screen.toggle_active()
    assert cell(screen, row, 2) == "Can log in"


def test_the_admin_cannot_switch_themself_off(window, messages):
    screen = window.show_section("users")
    screen.table.selectRow(0)  # admin
    screen.toggle_active()
    assert messages.last.text == "You cannot switch off your own account."


# -- settings ---------------------------------------------------------------------------

def test_lock_the_books_after_confirming(window, env, messages):
    screen = window.show_section("settings")
    assert screen.lock_state.text() == "The books are open: nothing is locked yet."
    screen.lock_through.setText("31/10/2026")
    screen.lock_reason.setText("ກວດສອບປີ 2026")
    messages.answer = "no"
    screen.lock_books()
    assert screen.lock_state.text() == "The books are open: nothing is locked yet."
    messages.answer = "yes"
    screen.lock_books()
    assert screen.lock_state.text() == "The books are locked through 31/10/2026."
    with env.db.read() as s:
        assert ledger.locked_through(s, env.group_id) == dt.date(2026, 10, 31)


def test_the_idle_minutes_are_saved_and_used_at_once(window, env):
    screen = window.show_section("settings")
    screen.idle_minutes.setValue(3)
    screen.save_idle_minutes()
    with env.db.read() as s:
        assert settings.get(s, env.group_id, "idle_lock_minutes") == 3
    assert window.idle.timer.interval() == 3 * 60_000
    assert window.statusBar().currentMessage() == "The window now locks after 3 idle minutes."


def test_back_up_to_a_usb_stick_and_restore_from_it(window, env, tmp_path, messages, qtbot):
    screen = window.show_section("settings")
    stick = tmp_path / "usb"
    stick.mkdir()
    assert screen.back_up_to(stick)
    [copy] = stick.glob("kongthun-*.sqlite3")
    assert messages.last.text == f"The backup was saved and checked: {copy}"
    with env.db.write() as s:
        users.create_user(s, env.user(s, "admin"), username="later", display_name="Later",
                          password="abcd")
    messages.ticked = False  # the strong confirmation wants its box ticked
    assert not screen.restore_from(copy)
    messages.ticked = True
    with qtbot.waitSignal(window.logged_out):
        assert screen.restore_from(copy)
    with env.db.read() as s:
        assert "later" not in [u.username for u in users.list_users(s, env.user(s, "admin"))]
    assert backup.list_backups(env.db)  # the ledger before the restore was kept


def test_only_an_all_groups_admin_sees_the_restore_button(make_window):
    assert not make_window("admin").show_section("settings").restore_button.isHidden()
    treasurer = make_window("treasurer").show_section("settings")
    assert treasurer.restore_button.isHidden()
    assert treasurer.lock_box.isHidden() and treasurer.idle_box.isHidden()
