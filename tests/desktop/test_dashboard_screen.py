"""The overview's dashboard: the charts draw the read-model's numbers, an administrator of
every group sees the groups side by side, and a new ledger's empty overview offers to create
the first group."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QBarSeries, QLineSeries

from desktop.context import ScreenContext
from desktop.main_window import MainWindow
from desktop.screens import groups as groups_screen
from desktop.screens.overview import OverviewScreen
from models.core import groups, users
from models.savings import accounts as savings
from tests.desktop.conftest import english_left


def _deposit(env, amount: int, on: dt.date) -> None:
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               amount=amount, on=on)


def test_the_dashboard_draws_the_funds_loans_and_meetings(window, env, messages,
                                                          qtmodeltester):
    _deposit(env, 50_000, dt.date(2026, 10, 5))
    overview = window.show_section("overview")
    overview.refresh()
    assert overview.tabs.tabText(0) == "Dashboard" and overview.tabs.currentIndex() == 0
    funds = overview.funds_view.chart()
    loan_line = next(s for s in funds.series() if s.name() == "Loan fund")
    assert isinstance(loan_line, QLineSeries) and loan_line.count() == 12
    assert [loan_line.at(i).y() for i in (9, 10, 11)] == [0.0, 50_000.0, 50_000.0]
    assert [a.titleText() for a in funds.axes() if a.titleText()] == ["₭"]
    loans = overview.loans_view.chart()
    assert any(isinstance(s, QBarSeries) for s in loans.series())
    assert overview.next_panel.title.text() == "Next meeting 20/11/2026 · 3 members"
    assert "30,000 ₭" in overview.next_panel.table.text()
    assert overview.tabs.isTabVisible(2)  # the administrator sees every group
    rows = overview.federation_model.rows
    assert [r.name for r in rows] == ["ກຸ່ມຕັດຫຍິບ", "All groups"]
    qtmodeltester.check(overview.federation_model, force_py=True)
    overview.refresh()
    assert messages.shown == []


def test_a_treasurer_of_one_group_has_no_all_groups_tab(make_window, env):
    overview = make_window("treasurer").show_section("overview")
    overview.refresh()
    assert not overview.tabs.isTabVisible(2)


def test_the_dashboard_is_in_lao(window, env, lao):
    overview = window.show_section("overview")
    overview.refresh()
    assert overview.funds_view.chart().title() == "ຍອດເງິນກອງທຶນ ທ້າຍແຕ່ລະເດືອນ"
    assert english_left(overview) == []


def test_an_empty_ledger_offers_to_create_the_first_group(app, db, qtbot, monkeypatch):
    with db.write() as s:
        users.create_first_admin(s, username="admin", display_name="Admin", password="demo")
    window = MainWindow(ScreenContext(db, users.login(db, "admin", "demo")))
    qtbot.addWidget(window)
    window.show()
    overview = window.show_section("overview")
    assert isinstance(overview, OverviewScreen)
    assert overview.stack.currentWidget() is overview.empty
    assert overview.create_button.isVisible()
    assert overview.create_button.text() == "Create the first group…"

    def create(parent, ctx, group=None):  # noqa: ANN001, ANN202
        with db.write() as s:
            return groups.create_group(s, users.reload_user(s, ctx.user), name="ກຸ່ມໃໝ່").id

    monkeypatch.setattr(groups_screen.GroupDialog, "ask", create)
    overview.create_button.click()
    assert window.ctx.group_id is not None
    assert overview.stack.currentWidget() is not overview.empty
    assert overview.title.text() == "ກຸ່ມໃໝ່"
