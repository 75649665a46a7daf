"""Screenshots of the window for the docs: ``python installer/screenshots.py OUTDIR``.

Builds the demo ledger (``models.demo.build_demo``: five groups, two years of meetings) in a
temporary folder, logs in as ``admin`` and saves, in Lao and in English, 1366×728 PNGs (a
1366×768 laptop screen less its taskbar) named
``<screen>-<lang>.png``: the log-in dialog, the overview, members, journal, the loan
register with a loan's details, the loan portfolio (arrears), the welfare claims with a
claim's rule check, users and settings. The group shown is the demo's fourth (the
vegetable growers, 23 members). Run it under a display
(``xvfb-run -a -s "-screen 0 1366x768x24" ...``) so fonts render as on a desktop.
``--groups N`` builds fewer groups (faster; the group shown is then the last one);
``--all`` also saves every other tab as ``check-*.png``, for checking by eye; ``--ledger FILE``
copies a demo ledger built before (seed 1, five groups, two years, on 20/11/2026) instead
of building one."""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.login import LoginDialog  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from models.core import clock, users  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.demo import build_demo  # noqa: E402

SIZE = (1366, 728)  # a 1366×768 laptop screen less its taskbar
USERNAME, PASSWORD = "admin", "demo"
GROUP_INDEX = 3  # the demo's fourth group: vegetable growers, 23 members


def save(widget, path: Path) -> None:
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def select_row(view, row: int) -> None:
    model = view.model()
    if model is not None and model.rowCount() > row:
        view.selectRow(row)
        view.scrollTo(model.index(row, 0))


def pick_loan(screen) -> None:
    """Select a lived-in loan: being repaid, the longest schedule, paid out longest ago (so
    some installments are paid and more are to come)."""
    rows = getattr(screen.loans_model, "rows", [])
    active = [(i, row) for i, row in enumerate(rows) if getattr(row, "status", "") == "active"]
    if not active:
        select_row(screen.register, 0)
        return
    best, _row = min(active, key=lambda pair: (-pair[1].installments, pair[1].disbursed_on))
    select_row(screen.register, best)


def shoot_more(window: MainWindow, outdir: Path, language: str) -> None:
    """Every other tab, for checking by eye (``--all``; not for the docs)."""
    def shot(name: str) -> None:
        save(window, outdir / f"check-{name}-{language}.png")

    window.show_section("groups")
    shot("groups")
    loans = window.show_section("loans")
    loans.tabs.setCurrentWidget(loans.calculator)
    shot("loans-calculator")
    pick_loan(loans)
    for index in (1, 2):
        loans.tabs.setCurrentIndex(0)
        loans.detail_tabs.setCurrentIndex(index)
        shot(f"loans-detail{index}")
    loans.detail_tabs.setCurrentIndex(0)
    welfare = window.show_section("welfare")
    for index in range(1, welfare.tabs.count()):
        welfare.tabs.setCurrentIndex(index)
        shot(f"welfare-tab{index}")
    welfare.tabs.setCurrentIndex(0)


def shoot_window(window: MainWindow, outdir: Path, language: str) -> None:
    def shot(name: str) -> None:
        save(window, outdir / f"{name}-{language}.png")

    shot("overview")
    window.show_section("members")
    shot("members")
    window.show_section("journal")
    shot("journal")
    loans = window.show_section("loans")
    loans.tabs.setCurrentIndex(0)
    pick_loan(loans)
    shot("loans")
    loans.tabs.setCurrentWidget(loans.portfolio)
    shot("loans-portfolio")
    loans.tabs.setCurrentIndex(0)
    welfare = window.show_section("welfare")
    welfare.tabs.setCurrentIndex(0)
    select_row(welfare.claims, 0)
    shot("welfare")
    window.show_section("users")
    shot("users")
    window.show_section("settings")
    shot("settings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--ledger", type=Path, help="a demo ledger to copy")
    parser.add_argument("--all", action="store_true",
                        help="also every other tab, as check-*.png (for checking by eye)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    application()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite3"
        if args.ledger:
            shutil.copyfile(args.ledger, path)
        database = open_database(str(path))
        if not args.ledger:
            build_demo(database, seed=1, groups=args.groups, years=2)
        for language in ("lo", "en"):
            switch_language(language)
            login = LoginDialog(database, username=USERNAME)
            login.resize(560, 460)
            login.show()
            save(login, args.outdir / f"login-{language}.png")
            login.close()
            user = users.login(database, USERNAME, PASSWORD)
            window = MainWindow(ScreenContext(database, user))
            window.resize(*SIZE)
            window.show()
            picker = window.group_picker
            picker.setCurrentIndex(min(GROUP_INDEX, picker.count() - 1))
            shoot_window(window, args.outdir, language)
            if args.all:
                shoot_more(window, args.outdir, language)
            window.close()
            window.deleteLater()
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
