"""How soon the log-in window appears after `kongthun` starts, on the first open of the day
(when the daily backup is made, in the background since issue 15), on the demo ledger and on
a ledger of about 200,000 journal lines; and when the background backup has finished.

Each figure is a fresh process started the way `kongthun` starts (``desktop.app.run_app``
on a copy of the ledger, so no backup from today exists yet): the time from starting the
process to the log-in window drawn, then to the day's backup made and checked. The log-in
is answered at once with "quit"; the program then waits for the backup, as it does when
someone closes the log-in window.

Ledgers: ``KONGTHUN_BENCH_DEMO`` / ``KONGTHUN_BENCH_BIG`` name ledger files to use (made
with ``kongthun demo --db FILE`` and ``kongthun demo --db FILE --groups G --years Y``);
without them the demo (5 groups, 2 years) and a 19-group, 10-year demo (~200,000 lines)
are built here first, which takes long on a slow machine.

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.core import capability, clock
from models.core.migrate import open_database
from models.demo import build_demo

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]

# Runs in the child: ``run_app`` with the log-in window shown, timed, and closed.
PROBE = r"""
import sys, time
started = float(sys.argv[2])
from desktop import app as app_module, backup_task
from desktop.login import LoginDialog
tasks = []
real_start = backup_task.start
backup_task.start = lambda database, **kw: tasks.append(real_start(database, **kw)) or tasks[-1]
from PySide6.QtWidgets import QApplication

def ask(database, parent=None, username=""):
    dialog = LoginDialog(database, username=username)
    dialog.show()
    QApplication.processEvents()
    print(f"login {time.time() - started:.3f}", flush=True)
    dialog.close()
    return None

LoginDialog.ask = staticmethod(ask)
print(f"imported {time.time() - started:.3f}", flush=True)
code = app_module.run_app(sys.argv[1])
print(f"ended {time.time() - started:.3f}", flush=True)
print(f"backup {tasks[0].state if tasks else 'none'}", flush=True)
sys.exit(code)
"""


def _ledger(env_name: str, folder: Path, groups: int, years: int) -> Path:
    given = os.environ.get(env_name)
    if given:
        return Path(given)
    path = folder / f"demo-{groups}x{years}.sqlite3"
    capability.load()
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    database = open_database(str(path))
    try:
        build_demo(database, seed=1, groups=groups, years=years)
    finally:
        database.dispose()
        clock.set_now(None)
    return path


def _lines(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM journal_lines").fetchone()[0]
    finally:
        connection.close()


def _start(ledger: Path, folder: Path) -> tuple[float, float, float, str]:
    copy = folder / "start" / "ledger.sqlite3"
    shutil.rmtree(copy.parent, ignore_errors=True)
    copy.parent.mkdir(parents=True)
    shutil.copyfile(ledger, copy)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    done = subprocess.run([sys.executable, "-c", PROBE, str(copy), repr(started)], env=env,
                          capture_output=True, text=True, timeout=3600, cwd=ROOT,
                          check=False)
    marks = dict(line.split() for line in done.stdout.splitlines()
                 if line.startswith(("imported ", "login ", "ended ", "backup ")))
    state = {"done": "made and checked", "failed": "FAILED (see the window's message)"}.get(
        marks.get("backup", ""), f"not made ({done.stderr.strip().splitlines()[-1:]})")
    return float(marks["login"]), float(marks["ended"]), float(marks["imported"]), state


def test_the_log_in_appears_at_once_and_the_backup_follows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("start")
    ledgers = {"demo ledger": _ledger("KONGTHUN_BENCH_DEMO", folder, 5, 2),
               "big ledger": _ledger("KONGTHUN_BENCH_BIG", folder, 19, 10)}
    print()
    for name, path in ledgers.items():
        runs = [_start(path, folder) for _ in range(3)]
        login = sorted(r[0] for r in runs)[1]
        ended = sorted(r[1] for r in runs)[1]
        opening = sorted(r[0] - r[2] for r in runs)[1]
        size = path.stat().st_size / 2**20
        print(f"{name}: {_lines(path):,} journal lines, {size:.0f} MiB: log-in shown "
              f"{login:.2f} s after the process started, {opening:.2f} s after the program's "
              f"modules were loaded (medians of 3); the day's backup {runs[-1][3]}, done "
              f"{ended:.1f} s after start")
