"""Pictures of the settings screen's *Check the ledger* on a big ledger, for checking by eye:
``python installer/verify_screenshots.py LEDGER [OUTDIR]`` (default ``docs/screenshots``),
LEDGER a copy of a big ledger whose ``admin`` logs in with ``KONGTHUN_PASSWORD``. Saves, in
Lao and in English, ``verify-settings-<lang>.png`` (the box with the two buttons),
``verify-progress-<lang>.png`` (the progress dialog a few seconds into a full check, which
is then cancelled) and ``verify-stopped-<lang>.png`` (what the window says then)::

    xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python installer/verify_screenshots.py big.sqlite3
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton  # noqa: E402

from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.errors import MessageDialog  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from models.core import capability, users  # noqa: E402
from models.core.db import Database, sqlite_url  # noqa: E402

TASKBAR = 40


def shoot(path: Path) -> None:
    for _step in range(5):
        QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(path))
    print(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    application()
    capability.load()
    database = Database(sqlite_url(args.ledger))
    for language in ("lo", "en"):
        switch_language(language)
        user = users.login(database, "admin", os.environ["KONGTHUN_PASSWORD"])
        window = MainWindow(ScreenContext(database, user, 1))
        area = QApplication.primaryScreen().geometry()
        window.setGeometry(0, 0, area.width(), area.height() - TASKBAR)
        window.show()
        switch_language(language)
        screen = window.show_section("settings")
        screen.refresh()
        screen.check_box.parentWidget().parentWidget().parentWidget().ensureWidgetVisible(
            screen.check_box)
        shoot(args.outdir / f"verify-settings-{language}.png")

        def progress_then_cancel(lang: str = language) -> None:
            dialog = next((w for w in QApplication.topLevelWidgets()
                           if isinstance(w, QProgressDialog) and w.isVisible()), None)
            if dialog is None or dialog.value() < 5:
                QTimer.singleShot(200, progress_then_cancel)
                return
            shoot(args.outdir / f"verify-progress-{lang}.png")
            dialog.findChild(QPushButton).click()

        real_ask = MessageDialog.ask.__func__

        def ask(cls, parent, lang=language, real=real_ask, **options):  # noqa: ANN001, ANN003, ANN202
            def close() -> None:
                shoot(args.outdir / f"verify-stopped-{lang}.png")
                box = QApplication.activeModalWidget()
                if box is not None:
                    box.close()
            QTimer.singleShot(300, close)
            return real(cls, parent, **options)

        MessageDialog.ask = classmethod(ask)
        QTimer.singleShot(200, progress_then_cancel)
        screen.check_ledger(full=True)
        MessageDialog.ask = classmethod(real_ask)
        window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
