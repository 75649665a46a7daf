"""Screenshots of the meeting grid, the share-out preview and the cash count for the docs:
``python installer/meeting_screenshots.py [OUTDIR]`` (default ``docs/screenshots``).

Builds the demo ledger (``models.demo.build_demo``, seed 1) in a temporary folder, logs in
as the demo treasurer in the organic-vegetable farmers' group (23 members), opens a new
meeting on 20/11/2026 and fills some cells as a treasurer would (who came late, who sent
someone, who bought more shares, a note in Lao), then saves in Lao and in English:

- ``meeting-grid-<lang>.png``: the main window on the meeting grid;
- ``meeting-shareout-<lang>.png``: the share-out wizard's preview of the running cycle;
- ``meeting-cashcount-<lang>.png``: the cash box screen with a count typed in.

Run it under a display so fonts render as on a desktop::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/meeting_screenshots.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.meeting_grid import ATTEND, NOTE  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from desktop.shareout_wizard import ShareOutWizard  # noqa: E402
from models.core import clock, groups, users  # noqa: E402
from models.core.db import Database  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.demo import build_demo  # noqa: E402
from models.meetings import cashbox
from models.meetings import drafts as meeting_drafts

SIZE = (1366, 728)  # a 1366×768 laptop screen less its taskbar
NOW = dt.datetime(2026, 11, 20, 9, 30)
GROUP = "vegetable"  # in the demo group's Latin name
# (row, column, value) typed into the grid: attendance codes, amounts, a note.
TYPED = [(2, ATTEND, "late"), (5, ATTEND, "represented"), (9, ATTEND, "absent"),
         (0, "savings", 30_000), (3, "savings", 50_000), (6, "savings", 20_000),
         (11, "savings", 40_000), (5, NOTE, "ລູກສາວມາແທນ"), (2, NOTE, "ມາຊ້າ 20 ນາທີ")]


def build(path: Path) -> tuple[Database, int]:
    database = open_database(str(path))
    build_demo(database, seed=1, groups=4)
    admin = users.login(database, "admin", "demo")
    with database.read() as s:
        rows = groups.visible_groups(s, users.reload_user(s, admin))
    group = next(g for g in rows if GROUP in (g.name_latin or "").lower())
    return database, group.id


def save(widget, path: Path) -> None:  # noqa: ANN001
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def fill_grid(page) -> None:  # noqa: ANN001
    model = page.model
    for row, key, value in TYPED:
        if row >= len(model.lines):
            continue
        if key == ATTEND:
            model.set_attendance(row, value)
        elif key == NOTE:
            model.setData(model.index(row, next(
                c for c, f in enumerate(model.fields) if f.kind == NOTE)), value)
        elif key in model.money_keys():
            model.set_amount(row, key, value)
    page.grid.setCurrentIndex(model.index(3, model.column_of("savings")))
    page.check_all()


def count_notes(amount: int, short: int = 1_000) -> tuple[dict[int, int], int]:
    """A count of ``amount`` less ``short``: notes, largest first, and the coins left."""
    left, notes = amount - short, {}
    for value in cashbox.denominations("LAK"):
        notes[value], left = divmod(left, value)
    return notes, left


def open_window(database: Database, group_id: int, language: str) -> MainWindow:
    switch_language(language)
    user = users.login(database, "treasurer", "demo")
    window = MainWindow(ScreenContext(database, user, group_id))
    window.resize(*SIZE)
    window.show()
    switch_language(language)  # the log-in may have chosen the user's own
    return window


def close(window: MainWindow) -> None:
    window.close()
    window.deleteLater()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    clock.set_now(NOW)
    application()
    with tempfile.TemporaryDirectory() as tmp:
        database, group_id = build(Path(tmp) / "demo.sqlite3")
        clock.set_now(NOW)
        # The share-out preview and the count first: the meeting opened for the grid
        # would (rightly) stop the share-out until it is posted.
        for language in ("lo", "en"):
            window = open_window(database, group_id, language)
            wizard = ShareOutWizard(window.ctx, window)
            wizard.show()
            wizard.go(1)
            save(wizard, args.outdir / f"meeting-shareout-{language}.png")
            wizard.close()
            panel = window.show_section("cashbox").count_panel
            panel.set_counts(*count_notes(panel.expected))
            panel.why.setText("ນັບເງິນທອນຜິດ")
            save(window, args.outdir / f"meeting-cashcount-{language}.png")
            close(window)
        for language in ("lo", "en"):
            window = open_window(database, group_id, language)
            screen = window.show_section("meetings")
            screen.open_today()
            fill_grid(screen.page)
            save(window, args.outdir / f"meeting-grid-{language}.png")
            # What was typed is kept as a draft; forget it so the other language's
            # picture starts from the same expected amounts (and no "brought back" line).
            window.ctx.run(window, lambda s, actor, m=screen.page.meeting.id:
                           meeting_drafts.discard_draft(s, actor, meeting_id=m))
            close(window)
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
