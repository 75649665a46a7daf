"""Pictures of the NSSF screens and of the summary the leader signs, for the docs:
``python installer/nssf_screenshots.py [OUTDIR]`` (default ``docs/screenshots``).

Builds a small demo ledger (one group, the tailors, two years) with its NSSF activity; a
demo without one is given a year of NSSF pooling (``seed_year``: from December 2025 six
members enrolled at their levels, deposits by season — tailors earn from November to May —,
a run each month exported and confirmed with the LSSO's receipt, the short pots advanced
from the loan fund up to the limit, one member paying ahead, one who stopped paying and
lapsed). Then, on 20/11/2026, in Lao and in English: the enrolment form
(``nssf-enrol-<lang>.png``), November's run with a short pot advanced
(``nssf-run-<lang>.png``), the batches after November's is exported
(``nssf-batches-<lang>.png``), the coverage with its chart and the planner
(``nssf-coverage-<lang>.png``, ``nssf-planner-<lang>.png``), and November's summary to sign
(``nssf-summary-<lang>.png``, page 1 at 80 dpi with ``pdftoppm``), and the rules tab at
the remittance file's columns (``nssf-columns-<lang>.png``; ``--only columns``: just
those). The demo ledger and the window are ``installer.fit_screenshots``'s. Run it on a
laptop-sized screen::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/nssf_screenshots.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop.context import ScreenContext  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.nssf_dialogs import EnrolDialog  # noqa: E402
from desktop.widgets import ScrollBody  # noqa: E402
from installer.fit_screenshots import (  # noqa: E402
    NOW,
    close_window,
    demo_ledger,
    open_window,
    shoot,
    with_dialog,
)
from models.core import clock, members, users  # noqa: E402
from models.core.clock import add_months  # noqa: E402
from models.core.db import Database  # noqa: E402
from models.core.schema import User  # noqa: E402
from models.nssf import batches, pot, remittance, scheme  # noqa: E402
from models.nssf import enrolment as enrolments  # noqa: E402
from reports import nssf_summary_pdf  # noqa: E402
from reports.nssf_file import export_remittance  # noqa: E402

START = dt.date(2025, 12, 1)
SEASON = (11, 12, 1, 2, 3, 4, 5)  # the tailors' busy months
# (member's place in the list, level, deposit in season, deposit out of it, first month)
PLANS = (
    (0, 2_500_000, 450_000, 0, START),
    (1, 2_500_000, 230_000, 230_000, START),
    (2, 2_500_000, 250_000, 0, START),
    (3, 2_900_000, 300_000, 0, START),  # and 3,200,000 at first: a year paid ahead
    (4, 3_100_000, 420_000, 120_000, START),
    (6, 2_500_000, 0, 0, START),           # enrolled, never brings money: lapses
    (7, 2_700_000, 300_000, 260_000, dt.date(2026, 6, 1)),
)


def seed_year(database: Database, gid: int) -> None:
    """A year of NSSF pooling for the group, month by month, as a treasurer keeps it."""
    def at(day: dt.date, hour: int = 10) -> None:
        clock.set_now(dt.datetime.combine(day, dt.time(hour)))

    with database.write() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        at(START)
        scheme.set_scheme_settings(s, admin, group_id=gid, effective_from=START, values={
            "nssf_pooling": True, "nssf_shortage": "advance",
            "nssf_advance_limit_months": 3})
        people = members.list_members(s, admin, gid, include_inactive=False)
    month = START
    while month <= NOW.date().replace(day=1):
        with database.write() as s:
            actor = users.reload_user(s, admin)
            at(month.replace(day=5))
            for index, level, _busy, _quiet, first in PLANS:
                if first == month:
                    enrolments.enrol(s, actor, member_id=people[index].id,
                                     ss_number=f"01-{people[index].number:04d}-{index}77",
                                     level=level, hospital="ໂຮງໝໍມິດຕະພາບ",
                                     start_month=month)
            at(month.replace(day=10))
            for index, _level, busy, quiet, first in PLANS:
                amount = busy if month.month in SEASON else quiet
                if index == 3 and month == START:
                    amount = 3_200_000
                if index == 1 and month == NOW.date().replace(day=1):
                    amount = 100_000  # a poor month: her pot is short, the group advances
                if first <= month and amount:
                    pot.deposit_to_pot(s, actor, member_id=people[index].id, amount=amount,
                                       on=clock.today(), receipt=f"R{month:%y%m}-{index}")
        if month == NOW.date().replace(day=1):
            break
        with database.write() as s:
            actor = users.reload_user(s, admin)
            at(month.replace(day=25))
            ahead = {people[3].id: 11} if month == START else {}
            batch = remittance.make_run(s, actor, group_id=gid, month=month, ahead=ahead)
            export_remittance(s, actor, batch_id=batch.id, fmt="csv")
            at(month.replace(day=28))
            remittance.confirm_batch(s, actor, batch_id=batch.id,
                                     receipt=f"LSSO-{month:%Y%m}-{gid:02d}",
                                     paid_on=clock.today())
        month = add_months(month, 1)
    clock.set_now(NOW)


def pdf_picture(pdf: Path, png: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True)
    print(png)


def shots(window: MainWindow, ctx: ScreenContext, step: str, name) -> None:  # noqa: ANN001
    """Before November's batch (``run``): the members with the enrolment form open, the
    run, the coverage and the planner; after it is exported (``sent``): the batches."""
    screen = window.show_section("nssf")
    if step == "sent":
        screen.tabs.setCurrentWidget(screen.batches)
        screen.batches.refresh()
        screen.batches.table.selectRow(0)
        shoot(name("batches"))
        return
    screen.tabs.setCurrentWidget(screen.members)
    shoot(name("members"))
    enrolled = {line.row.member_id for line in screen.members.model.rows}

    def fill(dialog: EnrolDialog) -> None:
        free = next(i for i in range(dialog.member.count())
                    if dialog.member.itemData(i) not in enrolled)
        dialog.member.setCurrentIndex(free)
        dialog.ss_number.setText("01-0009-2231")
        dialog.hospital.setText("ໂຮງໝໍມະໂຫສົດ")
        dialog.level.setCurrentIndex(1)

    with_dialog(EnrolDialog(ctx, parent=window), name("enrol"), fill)
    screen.tabs.setCurrentWidget(screen.run)
    screen.run.month.choose(NOW.date().replace(day=1))
    screen.run.refresh()
    shoot(name("run"))
    screen.tabs.setCurrentWidget(screen.coverage)
    screen.coverage.inner.setCurrentIndex(0)
    shoot(name("coverage"))
    screen.coverage.inner.setCurrentIndex(1)
    shoot(name("planner"))


def columns_shot(window: MainWindow, path: Path) -> None:
    """The rules tab scrolled to the remittance file's columns, laid out as an LSSO office
    might ask: no group column, the name first, its own header for the SS number."""
    screen = window.show_section("nssf")
    screen.tabs.setCurrentWidget(screen.settings)
    editor = screen.settings.columns
    editor.included[editor.fields.index("group")].setChecked(False)
    while editor.fields.index("name") > 0:
        editor.move(editor.fields.index("name"), -1)
    editor.titles[editor.fields.index("ss_number")].setText("ເລກທີ ປກສ")
    scroll = screen.settings.findChild(ScrollBody)
    QApplication.processEvents()
    scroll.verticalScrollBar().setValue(editor.y() + editor.preview_label.y() - 8)
    shoot(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=["columns"],
                        help="only these pictures (the rest stay as they are)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        database, gid = demo_ledger(tmp)
        with database.read() as s:
            admin = s.scalars(select(User).where(User.username == "admin")).one()
            has_nssf = bool(enrolments.enrolments(s, admin, gid))
        if not has_nssf:  # a demo without NSSF activity: give it a year of pooling
            seed_year(database, gid)
        november = NOW.date().replace(day=1)
        for step in ("run", "sent"):
            if args.only and step == "sent":
                break
            if step == "sent":
                with database.write() as s:
                    actor = s.scalars(select(User).where(User.username == "admin")).one()
                    batch = batches.latest_batch(s, actor, gid, november)
                    if batch is None or batch.status == batches.DRAFT:
                        batch = remittance.make_run(s, actor, group_id=gid, month=november)
                        export_remittance(s, actor, batch_id=batch.id, fmt="csv")
            for language in ("lo", "en"):
                window = open_window(database, gid, language)
                ctx = window.ctx

                def name(what: str, lang: str = language) -> Path:
                    return args.outdir / f"nssf-{what}-{lang}.png"

                if args.only:
                    columns_shot(window, name("columns"))
                    close_window(window)
                    continue
                shots(window, ctx, step, name)
                if step == "run":
                    columns_shot(window, name("columns"))
                if step == "sent":
                    with database.read() as s:
                        actor = users.reload_user(s, ctx.user)
                        latest = batches.latest_batch(s, actor, gid, november)
                        sheet = nssf_summary_pdf.summary(s, actor, batch_id=latest.id)
                    pdf = Path(tmp) / f"summary-{language}.pdf"
                    nssf_summary_pdf.write_summary(sheet, pdf)
                    pdf_picture(pdf, args.outdir / f"nssf-summary-{language}.png")
                close_window(window)
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
