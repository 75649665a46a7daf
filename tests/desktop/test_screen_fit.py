"""A treasurer's cheap laptop: a 1366×768 screen with the taskbar leaves about 1366×728, and
the window's title bar takes some of that. At 125 % scaling the same screen is 1093×582
in the window's own pixels. Every screen of the main window and every dialog must fit
there: no minimum size beyond it, every button where she can reach it.

Dialogs are found, not listed: every ``QDialog`` subclass in ``desktop/`` must have a way
to be opened here (``OPENERS``), so a new dialog without one fails the test that says so."""
from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QTabWidget,
    QWidget,
)
from sqlalchemy import select

import desktop
from desktop.context import ScreenContext
from desktop.main_window import MainWindow
from desktop.qt_i18n import switch_language
from models.core import clock, groups, ledger, members, users
from models.core.db import Database, sqlite_url
from models.core.migrate import open_database
from models.core.schema import User
from models.demo import build_demo
from models.loans.queries import list_loans
from models.meetings import meeting as meetings
from models.savings import accounts as savings
from models.welfare import register as welfare_register
from models.welfare import types as welfare_types

TITLE_BAR = 30
SCREENS = {"100 %": QSize(1366, 728 - TITLE_BAR), "125 %": QSize(1093, 582 - TITLE_BAR)}
ABSTRACT = {"FittedDialog", "FormDialog", "_MemberForm", "_LevelForm", "_PotForm"}


def desktop_dialogs() -> dict[str, type[QDialog]]:
    """Every dialog class of the window (``module.Class``), found by importing desktop/."""
    for info in pkgutil.walk_packages(desktop.__path__, "desktop."):
        if ".cli" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    found: dict[str, type[QDialog]] = {}
    todo = list(QDialog.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("desktop.") and cls.__name__ not in ABSTRACT:
            found[f"{cls.__module__}.{cls.__name__}"] = cls
    return found


# -- the ledger: the demo's first group, one year of meetings ----------------------------

@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fit") / "demo.sqlite3"
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    database = open_database(str(path))
    build_demo(database, seed=1, groups=1, years=1)
    with database.write() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        gid = groups.visible_groups(s, admin)[0].id
        for role in ("treasurer", "leader"):
            users.grant_role(s, admin, user_id=admin.id, role=role, group_id=gid)
    database.dispose()
    clock.set_now(None)
    return path


@dataclass
class Demo:
    db: Database
    ctx: ScreenContext
    rows: dict[str, object]


@pytest.fixture
def demo(demo_file, tmp_path, app) -> Demo:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, path)
    database = Database(sqlite_url(path))
    user = users.login(database, "admin", "demo")
    with database.read() as s:
        actor = users.reload_user(s, user)
        gid = groups.visible_groups(s, actor)[0].id
        all_loans = list_loans(s, actor, gid)
        claims = welfare_register.claims_register(s, actor, gid)
        rows = {
            "group": groups.visible_groups(s, actor)[0],
            "member": members.list_members(s, actor, gid)[0],
            "saver": max(savings.member_savings(s, actor, gid), key=lambda r: r.savings),
            "loan": next(r for r in all_loans if r.status == "active"),
            "claim": claims[0],
            "entry": ledger.entries(s, actor, gid, limit=1)[0],
            "user": users.list_users(s, actor)[0],
            "claim_type": welfare_types.claim_types(s, actor, gid)[0],
            "meeting": meetings.list_meetings(s, actor, gid)[0],
        }
    yield Demo(database, ScreenContext(database, user, gid), rows)
    database.dispose()


Opener = Callable[[Demo], QDialog]


def _import(name: str):  # noqa: ANN202
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)


def _with(name: str, *keys: str, **extra) -> Opener:  # noqa: ANN003
    return lambda d: _import(name)(d.ctx, *(d.rows[k] for k in keys), **extra)


def _message(d: Demo) -> QDialog:
    from desktop.errors import Button, MessageDialog

    return MessageDialog(None, kind="warning", title="Please confirm", text="Reverse? " * 60,
                         buttons=[Button("yes", "Reverse entry"), Button("no", "Cancel")],
                         details="line\n" * 80)


def _nssf(d: Demo) -> dict[str, object]:
    """An enrolment and a batch of the demo group (pooling turned on, the first member
    enrolled with money in her pot and the month's run kept as a draft, unless the demo
    has them already)."""
    if "nssf_batch" in d.rows:
        return d.rows
    from models.nssf import batches, pot, remittance, scheme
    from models.nssf import enrolment as enrolments

    gid, today = d.ctx.group_id, clock.today()
    with d.db.write() as s:
        actor = users.reload_user(s, d.ctx.user)
        if not scheme.uses_pooling(s, gid, today):
            scheme.set_scheme_settings(s, actor, group_id=gid, effective_from=today,
                                       values={"nssf_pooling": True})
        rows = enrolments.enrolments(s, actor, gid)
        if not rows:
            member = members.list_members(s, actor, gid, include_inactive=False)[0]
            enrolments.enrol(s, actor, member_id=member.id, ss_number="FIT-0001",
                             level=2_500_000, hospital="Mittaphab Hospital",
                             start_month=today.replace(day=1))
            pot.deposit_to_pot(s, actor, member_id=member.id, amount=500_000, on=today)
            rows = enrolments.enrolments(s, actor, gid)
        found = batches.batches(s, actor, gid)
        if not found:
            found = [remittance.make_run(s, actor, group_id=gid, month=today)]
        d.rows["nssf_enrolment"], d.rows["nssf_batch"] = rows[0], found[0]
    return d.rows


def _with_nssf(name: str, key: str | None = None) -> Opener:
    return lambda d: _import(name)(d.ctx, *([_nssf(d)[key]] if key else []))


OPENERS: dict[str, Opener] = {
    "desktop.nssf_dialogs.EnrolDialog": _with_nssf("desktop.nssf_dialogs.EnrolDialog"),
    "desktop.nssf_dialogs.LevelDialog": _with_nssf("desktop.nssf_dialogs.LevelDialog",
                                                   "nssf_enrolment"),
    "desktop.nssf_dialogs.PotDepositDialog": _with_nssf(
        "desktop.nssf_dialogs.PotDepositDialog", "nssf_enrolment"),
    "desktop.nssf_dialogs.SavingsTransferDialog": _with_nssf(
        "desktop.nssf_dialogs.SavingsTransferDialog", "nssf_enrolment"),
    "desktop.nssf_dialogs.PotWithdrawalDialog": _with_nssf(
        "desktop.nssf_dialogs.PotWithdrawalDialog", "nssf_enrolment"),
    "desktop.nssf_dialogs.AdvanceRepaymentDialog": _with_nssf(
        "desktop.nssf_dialogs.AdvanceRepaymentDialog", "nssf_enrolment"),
    "desktop.nssf_dialogs.EndContractDialog": _with_nssf(
        "desktop.nssf_dialogs.EndContractDialog", "nssf_enrolment"),
    "desktop.nssf_history.HistoryDialog": _with_nssf("desktop.nssf_history.HistoryDialog",
                                                     "nssf_enrolment"),
    "desktop.nssf_batch_dialogs.ConfirmBatchDialog": _with_nssf(
        "desktop.nssf_batch_dialogs.ConfirmBatchDialog", "nssf_batch"),
    "desktop.nssf_batch_dialogs.CorrectionDialog": _with_nssf(
        "desktop.nssf_batch_dialogs.CorrectionDialog", "nssf_batch"),
    "desktop.nssf_batch_dialogs.GrantDialog": _with_nssf("desktop.nssf_batch_dialogs.GrantDialog"),
    "desktop.errors.MessageDialog": _message,
    "desktop.login.LoginDialog": lambda d: _import("desktop.login.LoginDialog")(d.db),
    "desktop.login.FirstRunDialog": lambda d: _import("desktop.login.FirstRunDialog")(d.db),
    "desktop.meeting_cash.TransferDialog": _with("desktop.meeting_cash.TransferDialog"),
    "desktop.meeting_cash.ExpenseDialog": _with("desktop.meeting_cash.ExpenseDialog"),
    "desktop.meeting_cash.CashCountDialog": lambda d: _import(
        "desktop.meeting_cash.CashCountDialog")(d.ctx, meeting_id=None, on=clock.today()),
    "desktop.member_dialogs.MemberDialog": _with("desktop.member_dialogs.MemberDialog"),
    "desktop.member_dialogs.StatusDialog": _with("desktop.member_dialogs.StatusDialog",
                                                 "member"),
    "desktop.member_dialogs.HistoryDialog": _with("desktop.member_dialogs.HistoryDialog",
                                                  "member"),
    "desktop.savings_dialogs.DepositDialog": _with("desktop.savings_dialogs.DepositDialog",
                                                   "saver"),
    "desktop.savings_dialogs.WithdrawalDialog": _with(
        "desktop.savings_dialogs.WithdrawalDialog", "saver"),
    "desktop.savings_dialogs.NoticeDialog": _with("desktop.savings_dialogs.NoticeDialog",
                                                  "saver"),
    "desktop.savings_dialogs.ExitDialog": _with("desktop.savings_dialogs.ExitDialog", "saver"),
    "desktop.savings_import.OpeningImportDialog": _with(
        "desktop.savings_import.OpeningImportDialog"),
    "desktop.shareout_wizard.ShareOutWizard": _with("desktop.shareout_wizard.ShareOutWizard"),
    "desktop.screens.groups.GroupDialog": _with("desktop.screens.groups.GroupDialog", "group"),
    "desktop.screens.journal.ReverseDialog": _with("desktop.screens.journal.ReverseDialog",
                                                   "entry"),
    "desktop.screens.loan_dialogs.ApplicationDialog": _with(
        "desktop.screens.loan_dialogs.ApplicationDialog"),
    "desktop.screens.loan_dialogs.DisburseDialog": _with(
        "desktop.screens.loan_dialogs.DisburseDialog", "loan"),
    "desktop.screens.loan_dialogs.RepaymentDialog": _with(
        "desktop.screens.loan_dialogs.RepaymentDialog", "loan"),
    "desktop.screens.loan_dialogs.RescheduleDialog": _with(
        "desktop.screens.loan_dialogs.RescheduleDialog", "loan"),
    "desktop.screens.loan_dialogs.ReasonDialog": lambda d: _import(
        "desktop.screens.loan_dialogs.ReasonDialog")(d.ctx, "Write off loan 12", "Write off",
                                                     lambda s, actor, reason: None),
    "desktop.screens.loan_policy_dialog.LoanPolicyDialog": _with(
        "desktop.screens.loan_policy_dialog.LoanPolicyDialog"),
    "desktop.screens.meetings.DateDialog": lambda d: _import(
        "desktop.screens.meetings.DateDialog")(),
    "desktop.screens.users.NewUserDialog": _with("desktop.screens.users.NewUserDialog"),
    "desktop.screens.users.RoleDialog": lambda d: _import("desktop.screens.users.RoleDialog")(
        d.ctx, d.rows["user"], {d.rows["group"].id: d.rows["group"].name}),
    "desktop.screens.users.PasswordDialog": _with("desktop.screens.users.PasswordDialog",
                                                  "user"),
    "desktop.screens.users.MemberLinkDialog": _with("desktop.screens.users.MemberLinkDialog",
                                                    "user"),
    "desktop.screens.welfare_dialogs.ClaimDialog": _with(
        "desktop.screens.welfare_dialogs.ClaimDialog"),
    "desktop.screens.welfare_dialogs.RejectDialog": _with(
        "desktop.screens.welfare_dialogs.RejectDialog", "claim"),
    "desktop.screens.welfare_dialogs.PayDialog": _with(
        "desktop.screens.welfare_dialogs.PayDialog", "claim"),
    "desktop.screens.welfare_dialogs.ContributionDialog": _with(
        "desktop.screens.welfare_dialogs.ContributionDialog"),
    "desktop.screens.welfare_setup.RuleDialog": _with("desktop.screens.welfare_setup.RuleDialog",
                                                      "claim_type"),
    "desktop.screens.welfare_setup.TypeDialog": _with("desktop.screens.welfare_setup.TypeDialog",
                                                      "claim_type"),
    "desktop.screens.savings_rules_dialog.SavingsRulesDialog": _with(
        "desktop.screens.savings_rules_dialog.SavingsRulesDialog"),
    "desktop.export_dialogs.ExportDialog": lambda d: _import(
        "desktop.export_dialogs.ExportDialog")(
        title="Export for the auditor", intro="The whole history of the group " * 8,
        suggested="tailors.xlsx", suffixes=(".xlsx",)),
    "desktop.login.DemoOfferDialog": lambda d: _import("desktop.login.DemoOfferDialog")(),
    "desktop.login.DemoProgressDialog": lambda d: _import("desktop.login.DemoProgressDialog")(),
    "desktop.passbook_print.PassbookDialog": lambda d: _import(
        "desktop.passbook_print.PassbookDialog")(None, d.ctx, d.rows["member"]),
    "desktop.passbook_print.PageSizeDialog": lambda d: _import(
        "desktop.passbook_print.PageSizeDialog")(None, d.ctx, d.ctx.group_id),
    "desktop.recovery_dialog.RecoveryDialog": lambda d: _import(
        "desktop.recovery_dialog.RecoveryDialog")(d.db.path, _import(
            "models.core.recovery.LedgerState").DAMAGED),
}


# -- what "fits" means ---------------------------------------------------------------------

def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _shown_in(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0


def misfits(top: QWidget, screen: QSize, where: str) -> list[str]:
    """What does not fit when ``top`` is laid out on ``screen``: its minimum size, and
    every button outside the window or squashed (buttons in a scroll area are reached by
    scrolling)."""
    QApplication.processEvents()
    problems = []
    need = top.minimumSizeHint().expandedTo(top.minimumSize())
    if need.width() > screen.width() or need.height() > screen.height():
        problems.append(f"{where}: needs {need.width()}×{need.height()}, "
                        f"the screen has {screen.width()}×{screen.height()}")
    area = QRect(QPoint(0, 0), top.size())
    for button in top.findChildren(QAbstractButton):
        if not _shown_in(button, top) or _in_scroll_area(button, top):
            continue
        place = QRect(button.mapTo(top, QPoint(0, 0)), button.size())
        if not area.contains(place):
            problems.append(f"{where}: button “{button.text()}” at {place.getRect()} is "
                            f"outside the {area.width()}×{area.height()} window")
        elif button.height() < button.minimumSizeHint().height() - 2:
            problems.append(f"{where}: button “{button.text()}” is squashed to "
                            f"{button.height()} px")
    return problems


def fit(top: QWidget, screen: QSize) -> None:
    """Give ``top`` the size the window system would: what it asks for, within the
    screen, and lay it out."""
    want = top.sizeHint().expandedTo(top.minimumSizeHint()).boundedTo(screen)
    top.resize(want.expandedTo(top.minimumSize()).boundedTo(
        top.minimumSize().expandedTo(screen)))
    QApplication.processEvents()


def misfits_in_every_tab(top: QWidget, screen: QSize, where: str) -> list[str]:
    problems = misfits(top, screen, where)
    for tabs in top.findChildren(QTabWidget):
        if not tabs.isVisibleTo(top):
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            problems += misfits(top, screen, f"{where}, tab “{tabs.tabText(index)}”")
        tabs.setCurrentIndex(0)
    return problems


# -- the tests -------------------------------------------------------------------------------

def test_every_dialog_of_the_window_can_be_opened_here():
    missing = sorted(set(desktop_dialogs()) - set(OPENERS))
    assert missing == [], f"add a way to open {missing} to OPENERS"


@pytest.mark.parametrize("language", ["lo", "en"])
@pytest.mark.parametrize("scale", list(SCREENS))
def test_every_dialog_fits_the_laptop_screen(demo, qtbot, language, scale):
    switch_language(language)
    screen = SCREENS[scale]
    problems = []
    try:
        for name in sorted(desktop_dialogs()):
            dialog = OPENERS[name](demo)
            qtbot.addWidget(dialog)
            dialog.show()
            fit(dialog, screen)
            problems += misfits_in_every_tab(dialog, screen, name)
            pages = getattr(dialog, "pages", None)
            for index in range(1, pages.count() if pages is not None else 0):
                pages.setCurrentIndex(index)
                problems += misfits(dialog, screen, f"{name}, page {index + 1}")
            dialog.close()
    finally:
        switch_language("en")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["lo", "en"])
@pytest.mark.parametrize("scale", list(SCREENS))
def test_every_screen_fits_the_laptop_screen(demo, qtbot, language, scale):
    _nssf(demo)  # the NSSF screen with its tabs, not only the offer to start pooling
    switch_language(language)
    screen = SCREENS[scale]
    window = MainWindow(demo.ctx)
    qtbot.addWidget(window)
    window.show()
    window.resize(screen)
    problems = []
    try:
        for section in window.visible_sections:
            widget = window.show_section(section.key)
            problems += misfits_in_every_tab(window, screen, f"screen {section.key}")
            if scale == "100 %":
                problems += needs_no_scrolling(widget, f"screen {section.key}")
            if section.key == "meetings":
                assert widget.show_meeting(demo.rows["meeting"].id)
                problems += misfits(window, screen, "the meeting page")
                if scale == "100 %":
                    problems += needs_no_scrolling(widget, "the meeting page")
    finally:
        switch_language("en")
    assert problems == [], "\n".join(problems)


def needs_no_scrolling(screen: QWidget, where: str) -> list[str]:
    """At 100 % a screen fits the window as it is: nothing of it hidden below the window's
    edge (the scroll bars are for 125 %), every button of it in view."""
    QApplication.processEvents()
    viewport = screen.parentWidget()
    need = screen.minimumSizeHint()
    if need.height() > viewport.height() or need.width() > viewport.width():
        return [f"{where}: needs {need.width()}×{need.height()}, the window gives it "
                f"{viewport.width()}×{viewport.height()}"]
    return misfits_in_every_tab(screen, viewport.size(), where)


@pytest.mark.parametrize("language", ["lo", "en"])
def test_the_loans_screen_shows_a_meetings_worth_of_loans_and_installments(demo, qtbot,
                                                                           language):
    """At a meeting the treasurer looks down the register and at one loan's schedule: on
    the laptop (window maximized, 1366×698 inside its title bar) she sees at least ten
    loans and eight installments of the selected loan without scrolling."""
    switch_language(language)
    window = MainWindow(demo.ctx)
    qtbot.addWidget(window)
    window.show()
    window.resize(SCREENS["100 %"])
    try:
        screen = window.show_section("loans")
        QApplication.processEvents()

        def rows_in_view(view) -> float:  # noqa: ANN001
            return view.viewport().height() / view.verticalHeader().defaultSectionSize()

        assert screen.register.isVisible() and screen.schedule_view.isVisible()
        assert rows_in_view(screen.register) >= 10
        assert rows_in_view(screen.schedule_view) >= 8
    finally:
        switch_language("en")
