"""Pictures of the passbook and the dashboard for the docs:
``python installer/passbook_screenshots.py --ledger DEMO.sqlite3 [OUTDIR]`` (default
``docs/screenshots``).

Works on a copy of a demo ledger (``kongthun demo``; built here in a temporary folder when
``--ledger`` is not given). For Lao and English it saves:

- ``dashboard-<lang>.png`` and ``dashboard-groups-<lang>.png``: the overview at 1366×728
  (the usable part of a 1366×768 screen) with the group's dashboard, and the all-groups
  table of the administrator;
- ``passbook-cover-<lang>.png``, ``passbook-first-<lang>.png``: a member's first print (the
  cover and the last page of her savings part, which ends part-way down);
- ``passbook-continued-<lang>.png``: the next print after one more deposit, on the same page
  (the earlier lines blank, so the paper lines up);
- ``passbook-calibration.png``: the calibration page (in Lao).

PDF pages are rendered with ``pdftoppm -r 80``. Run under a display::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/passbook_screenshots.py
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from models.core import clock, users
from models.core.db import Database, sqlite_url  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.core.schema import Group, Member  # noqa: E402
from models.savings import accounts as savings  # noqa: E402
from models.statements import passbook
from reports.passbook_pdf import write_calibration, write_passbook  # noqa: E402

SIZE = (1366, 728)
GROUP_INDEX = 1


def save(widget, path: Path) -> None:  # noqa: ANN001
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def render(pdf: Path, page: int, out: Path) -> None:
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)
    print(out)


def passbooks(database: Database, outdir: Path, tmp: Path, language: str) -> None:
    with database.write() as s:
        treasurer = users.reload_user(s, users.login(database, "treasurer", "demo"))
        per_page = passbook.page_layout(s, 1).lines
        # A member whose savings lines end part-way down a page: the next print goes on it.
        active = s.scalars(select(Member).where(Member.status == "active")
                           .order_by(Member.group_id, Member.number)).all()
        saved = [m for m in active
                 if passbook.member_lines(s, m.group_id, m.id).get("savings")]
        member = next((m for m in saved
                       if 8 <= len(passbook.member_lines(s, m.group_id, m.id)["savings"])
                       % per_page <= per_page - 4), saved[0])
        group = s.get(Group, member.group_id)
        job = passbook.print_passbooks(s, treasurer, group_id=group.id, member_ids=[member.id],
                                       mode=passbook.NEW)
        write_passbook(job, tmp / f"first-{language}.pdf")
        savings_pages = len({p.page for p in job.members[0].sections[0].lines})
        savings.record_deposit(s, treasurer, member_id=member.id, amount=20_000,
                               on=clock.today(), note="ຝາກເພີ່ມ")
        savings.record_deposit(s, treasurer, member_id=member.id, amount=10_000,
                               on=clock.today())
        job = passbook.print_passbooks(s, treasurer, group_id=group.id, member_ids=[member.id],
                                       mode=passbook.NEW)
        write_passbook(job, tmp / f"next-{language}.pdf")
        layout = passbook.page_layout(s, group.id)
        write_calibration(layout, tmp / "calibration.pdf", group_name=group.name)
        s.rollback()  # pictures only: the copy's print records are not kept
    render(tmp / f"first-{language}.pdf", 1, outdir / f"passbook-cover-{language}.png")
    # the savings part's last page of the first print: where the next print continues
    render(tmp / f"first-{language}.pdf", 1 + savings_pages,
           outdir / f"passbook-first-{language}.png")
    render(tmp / f"next-{language}.pdf", 1, outdir / f"passbook-continued-{language}.png")
    if language == "lo":
        render(tmp / "calibration.pdf", 1, outdir / "passbook-calibration.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    parser.add_argument("--ledger", type=Path, help="a demo ledger to copy")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    application()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "ledger.sqlite3"
        if args.ledger:
            shutil.copyfile(args.ledger, path)
            database = Database(sqlite_url(path))
        else:
            from models.demo import build_demo

            database = open_database(str(path))
            build_demo(database, seed=1, groups=5, years=2)
        for language in ("lo", "en"):
            switch_language(language)
            user = users.login(database, "admin", "demo")
            window = MainWindow(ScreenContext(database, user))
            window.resize(*SIZE)
            window.show()
            window.group_picker.setCurrentIndex(GROUP_INDEX)
            overview = window.show_section("overview")
            overview.tabs.setCurrentIndex(0)
            save(window, args.outdir / f"dashboard-{language}.png")
            overview.tabs.setCurrentIndex(2)
            save(window, args.outdir / f"dashboard-groups-{language}.png")
            overview.tabs.setCurrentIndex(0)
            window.close()
            window.deleteLater()
            passbooks(database, args.outdir, tmp, language)
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
