"""Pictures of a 1366×768 laptop screen for checking by eye that everything fits:
``python installer/fit_screenshots.py [OUTDIR]`` (default ``docs/screenshots``).

Builds a small demo ledger (one group, two years), logs in as ``admin`` (who is also the
group's treasurer and leader here) and saves the whole screen, in Lao and in English, as
``fit-<what>-<lang>.png``: the window with the loans register and schedule, the loan
calculator, the welfare claims, and with each of these dialogs open over it: a new welfare
claim, the loan rules, the share-out wizard, the exit settlement, the cash count, the
question "print or save", the file dialog and the print dialog. Run it on a screen of
that size::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/fit_screenshots.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop import documents  # noqa: E402
from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.meeting_cash import CashCountDialog  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from desktop.savings_dialogs import ExitDialog  # noqa: E402
from desktop.screens.loan_policy_dialog import LoanPolicyDialog  # noqa: E402
from desktop.screens.welfare_dialogs import ClaimDialog  # noqa: E402
from desktop.shareout_wizard import ShareOutWizard  # noqa: E402
from models.core import clock, groups, users
from models.core.db import Database  # noqa: E402
from models.core.i18n import _  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.core.schema import User  # noqa: E402
from models.demo import build_demo  # noqa: E402
from models.savings import accounts as savings  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 9, 30)
TASKBAR = 40  # what a Windows or Linux taskbar takes of a 768-pixel screen


def shoot(path: Path) -> None:
    for _step in range(5):
        QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(path))
    print(path)


def with_dialog(dialog: QWidget, path: Path, prepare: Callable[[QWidget], None] | None = None,
                ) -> None:
    dialog.show()
    if prepare is not None:
        prepare(dialog)
    shoot(path)
    dialog.close()
    dialog.deleteLater()


def modal(make: Callable[[], QWidget], path: Path) -> None:
    """Open a dialog that runs its own loop (``exec``) and shoot it once it is shown."""
    def take() -> None:
        dialog = QApplication.activeModalWidget()
        shoot(path)
        if dialog is not None:
            dialog.reject()

    QTimer.singleShot(400, take)
    make()


def demo_ledger(folder: str | Path) -> tuple[Database, int]:
    """A small demo ledger in ``folder`` (one group, two years) whose ``admin`` is also the
    group's treasurer and leader, with the Qt application made and the clock at ``NOW``."""
    clock.set_now(NOW)
    application()
    database = open_database(str(Path(folder) / "demo.sqlite3"))
    build_demo(database, seed=1, groups=1, years=2)
    with database.write() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        gid = groups.visible_groups(s, admin)[0].id
        for role in ("treasurer", "leader"):
            users.grant_role(s, admin, user_id=admin.id, role=role, group_id=gid)
    clock.set_now(NOW)
    return database, gid


def open_window(database: Database, gid: int, language: str) -> MainWindow:
    """``admin`` logged in, the window in ``language`` filling the screen above the
    taskbar."""
    switch_language(language)
    window = MainWindow(ScreenContext(database, users.login(database, "admin", "demo"), gid))
    area = QApplication.primaryScreen().geometry()
    window.setGeometry(0, 0, area.width(), area.height() - TASKBAR)
    window.show()
    switch_language(language)
    return window


def close_window(window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        database, gid = demo_ledger(tmp)
        for language in ("lo", "en"):
            window = open_window(database, gid, language)

            def name(what: str, lang: str = language) -> Path:
                return args.outdir / f"fit-{what}-{lang}.png"

            loans = window.show_section("loans")
            loans.tabs.setCurrentIndex(0)
            rows = loans.loans_model.rows
            active = next((i for i, r in enumerate(rows) if r.status == "active"), 0)
            loans.register.selectRow(active)
            shoot(name("loans"))
            loans.tabs.setCurrentWidget(loans.calculator)
            loans.calculator.amount.setText("3,000,000")
            loans.calculator.installments.setValue(12)
            shoot(name("calculator"))
            loans.tabs.setCurrentIndex(0)
            with_dialog(LoanPolicyDialog(window.ctx, window), name("loan-rules"))
            welfare = window.show_section("welfare")
            welfare.tabs.setCurrentIndex(0)
            welfare.claims.selectRow(0)
            shoot(name("welfare"))
            with_dialog(ClaimDialog(window.ctx, window), name("welfare-claim"))
            saver = max(window.ctx.read(lambda s, a: savings.member_savings(s, a, gid)),
                        key=lambda r: r.savings)
            window.show_section("savings")
            with_dialog(ExitDialog(window.ctx, saver, window), name("exit"))
            window.show_section("cashbox")
            with_dialog(CashCountDialog(window.ctx, meeting_id=None, on=clock.today(),
                                        parent=window), name("cashcount"))
            window.show_section("shareout")
            with_dialog(ShareOutWizard(window.ctx, window), name("shareout"),
                        lambda wizard: wizard.go(1))
            modal(lambda w=window: documents.ask_how(w, _("the receipt"), printable=True),
                  name("print-or-save"))
            dialog = documents.save_dialog(window, _("Where to save {what}").format(
                what=_("the receipt")), "receipt-369.pdf")
            with_dialog(dialog, name("file-dialog"))
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            with_dialog(QPrintDialog(printer, window), name("print-dialog"))
            close_window(window)
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
