"""Every screen opens in Lao and in English, has no English left in Lao, its tables pass
Qt's model tester, and a language switch retranslates what is on screen at once."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.member_dialogs import HistoryDialog, MemberDialog, StatusDialog
from desktop.qt_i18n import switch_language
from desktop.screens import discover
from desktop.screens.groups import GroupDialog
from desktop.screens.journal import ReverseDialog
from desktop.screens.users import NewUserDialog, PasswordDialog, RoleDialog
from desktop.widgets.tables import RowTableModel
from models.core import backup, ledger
from models.core.i18n import gettext
from models.core.ledger import credit, debit
from models.core.seal import format_seal
from tests.desktop.conftest import english_left

SECTION_KEYS = ["overview", "members", "journal", "groups", "users", "settings"]


@pytest.fixture
def entries(env):  # noqa: ANN001, ANN201
    """Two entries: opening savings of the first member, and a welfare contribution."""
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        ledger.post_entry(s, treasurer, group_id=env.group_id, value_date=dt.date(2026, 1, 5),
                          kind="opening_balance", memo="ເງິນຝາກເປີດບັນຊີ",
                          lines=[debit("cash", 450_000),
                                 credit("member_savings", 450_000, member_id=env.member_ids[0])])
        ledger.post_entry(s, treasurer, group_id=env.group_id, value_date=dt.date(2026, 2, 1),
                          kind="welfare_contribution", memo="ສະຫວັດດີການ",
                          lines=[debit("cash", 30_000), credit("welfare_fund", 30_000)])


def test_the_sections_are_discovered_in_order():
    keys = [s.key for s in discover()]  # other capabilities add theirs in between
    assert [k for k in keys if k in SECTION_KEYS] == SECTION_KEYS
    orders = [s.order for s in discover()]
    assert orders == sorted(orders)


@pytest.mark.parametrize("language", ["lo", "en"])
def test_every_screen_opens_in_both_languages(window, entries, messages, language):
    switch_language(language)
    for key in SECTION_KEYS:
        screen = window.show_section(key)
        assert window.current_screen() is screen
        screen.refresh()
    assert messages.shown == []
    overview = window.show_section("overview")
    assert overview.card_values["cash"].text() == "480,000 ₭"
    assert overview.card_values["loan_fund"].text() == "450,000 ₭"
    assert overview.card_values["welfare_fund"].text() == "30,000 ₭"
    assert overview.card_values["active_members"].text() == "3"
    assert overview.entries_value.text() == "2"
    assert overview.seal_value.text() == format_seal(_head(window))
    assert overview.total_value.text() == "480,000 ₭  /  480,000 ₭"


def _head(window) -> str:  # noqa: ANN001
    from models.core import groups

    return window.ctx.read(lambda s, a: groups.get_group(s, window.ctx.group_id).head_hash)


def test_no_english_is_left_on_any_screen_in_lao(window, entries, lao):
    leftovers = english_left(window)
    for key in SECTION_KEYS:
        screen = window.show_section(key)
        leftovers += [(key, *found) for found in english_left(screen)]
    assert leftovers == []


def test_no_english_is_left_in_the_dialogs_in_lao(window, entries, qtbot, lao):
    ctx = window.ctx
    member = window.show_section("members").model.rows[0]
    entry = window.show_section("journal").model.rows[0]
    user = window.show_section("users").model.rows[0]
    group = window.show_section("groups").model.rows[0]
    dialogs = [MemberDialog(ctx), MemberDialog(ctx, member), StatusDialog(ctx, member),
               HistoryDialog(ctx, member), ReverseDialog(ctx, entry), GroupDialog(ctx),
               GroupDialog(ctx, group), NewUserDialog(ctx), RoleDialog(ctx, user, {1: "ກຸ່ມ"}),
               PasswordDialog(ctx, user), window.cover]
    leftovers = []
    for dialog in dialogs:
        if dialog is not window.cover:
            qtbot.addWidget(dialog)
        leftovers += [(type(dialog).__name__, *found) for found in english_left(dialog)]
    assert leftovers == []


def test_switching_language_retranslates_the_open_screen_without_restart(window):
    screen = window.show_section("members")
    assert screen.add_button.text() == "Add member"
    assert screen.title.text() == "Members"
    switch_language("lo")
    assert screen.add_button.text() == gettext("Add member", "lo") != "Add member"
    assert screen.title.text() == gettext("Members", "lo")
    assert window.nav.item(1).text() == gettext("Members", "lo")
    assert screen.model.headerData(1, Qt.Orientation.Horizontal) \
        == gettext("Name", "lo")
    assert window.ctx.user.language == "lo"
    switch_language("en")
    assert screen.add_button.text() == "Add member"
    assert window.logout_button.text() == "Log out"


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_every_table_model_passes_the_model_tester(window, entries, env, qtmodeltester, key):
    backup.daily_backup(env.db)  # so the list of backups has a row
    screen = window.show_section(key)
    screen.refresh()  # the entries were posted after the window opened
    # The first table (the overview's all-groups table is checked in test_dashboard_screen).
    model = screen.findChildren(RowTableModel)[0]
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    screen.refresh()  # the tester checks again on every signal
    switch_language("lo")
    switch_language("en")


def test_the_history_table_passes_the_model_tester(window, qtmodeltester):
    member = window.show_section("members").model.rows[0]
    history = HistoryDialog(window.ctx, member, window)
    qtmodeltester.check(history.model, force_py=True)
    history.retranslate()


def test_an_empty_table_passes_the_model_tester(window, qtmodeltester):
    empty = RowTableModel([], window)
    qtmodeltester.check(empty, force_py=True)
    empty.set_rows([])


def test_the_demo_banner_shows_on_demo_ledgers_only(window, env, make_window):
    assert not window.demo_banner.isVisible()
    with env.db.write() as s:
        from models.core.schema import Group

        s.get(Group, env.group_id).is_demo = True
    demo_window = make_window("admin")
    assert demo_window.demo_banner.isVisible()


def test_qt_s_own_texts_follow_the_language(app, lao):
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QLineEdit", "&Copy") == gettext("Copy", "lo")
    assert QCoreApplication.translate("QLineEdit", "Select All") == gettext("Select all", "lo")
    assert QCoreApplication.translate("QLineEdit", "Something else") == "Something else"
    switch_language("en")
    assert QCoreApplication.translate("QLineEdit", "&Copy") == "&Copy"
