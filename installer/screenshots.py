"""Screenshots of the window for the docs: ``python installer/screenshots.py OUTDIR``.

Builds a small ledger in a temporary folder (the demo builder's when it is installed,
otherwise one tailoring group with ten members and their opening savings), then saves the
log-in dialog, the overview and the members screen in Lao and in English as PNGs. Run it
under a display (``xvfb-run -a -s "-screen 0 1600x1000x24" ...``) so fonts render as on a
desktop. ``--all`` also saves every other screen (for checking, not for the docs)."""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
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
from models import clock, groups, ledger, members, users  # noqa: E402
from models.db import Database, open_database  # noqa: E402
from models.ledger import credit, debit  # noqa: E402
from models.members import MemberDetails  # noqa: E402

SIZE = (1280, 800)
MEMBERS = [
    ("ນາງ ແກ້ວ ສີສຸວັນ", "Keo Sisouvanh", "f", "ບ້ານໜອງບອນ", "ຊ່າງຕັດຫຍິບ", 450_000),
    ("ນາງ ບົວ ພົມມະຈັນ", "Bua Phommachanh", "f", "ບ້ານໜອງບອນ", "ຊ່າງຕັດຫຍິບ", 320_000),
    ("ນາງ ຈັນທະລາ ວົງສະຫວັນ", "Chanthala Vongsavanh", "f", "ບ້ານໂພນສະອາດ", "ຊ່າງຕັດຫຍິບ", 610_000),
    ("ນາງ ມະນີ ແສງອາລຸນ", "Many Sengaloun", "f", "ບ້ານໂພນສະອາດ", "ຂາຍເຄື່ອງ", 150_000),
    ("ທ້າວ ສົມພອນ ໄຊຍະວົງ", "Somphone Xayavong", "m", "ບ້ານໜອງບອນ", "ຊ່າງຕັດຫຍິບ", 275_000),
    ("ນາງ ດາວວອນ ພູມມະວົງ", "Daovone Phoummavong", "f", "ບ້ານຫ້ວຍຫົງ", "ຊ່າງຕັດຫຍິບ", 500_000),
    ("ນາງ ນ້ອຍ ສຸລິຍະ", "Noy Souliya", "f", "ບ້ານຫ້ວຍຫົງ", "ທໍຜ້າ", 90_000),
    ("ນາງ ພອນ ອິນທະວົງ", "Phone Inthavong", "f", "ບ້ານໜອງບອນ", "ຊ່າງຕັດຫຍິບ", 380_000),
    ("ນາງ ສີດາ ແກ້ວມະນີ", "Sida Keomany", "f", "ບ້ານໂພນສະອາດ", "ຊ່າງຕັດຫຍິບ", 220_000),
    ("ນາງ ວັນນາ ຄຳພູ", "Vanna Khamphou", "f", "ບ້ານຫ້ວຍຫົງ", "ຊ່າງຕັດຫຍິບ", 130_000),
]


def build_ledger(path: Path) -> tuple[Database, str, str]:
    """A ledger to photograph; returns it with a user name and password to log in."""
    database = open_database(str(path))
    if importlib.util.find_spec("models.demo") is not None:
        from models import demo

        summary = demo.build_demo(database, seed=1)
        if summary.entries:
            return database, "admin", "demo"
        # A demo without money yet says little: photograph our own small ledger instead.
        database.dispose()
        path = path.with_name("own-" + path.name)
        database = open_database(str(path))
    with database.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="ນາງ ສຸດາ (Admin)",
                                          password="demo")
        group = groups.create_group(s, admin, name="ກຸ່ມຊ່າງຕັດຫຍິບ ບ້ານໜອງບອນ",
                                    name_latin="Nongbone tailors", village="ບ້ານໜອງບອນ",
                                    district="ໄຊເສດຖາ", distance_km=12)
        groups.create_group(s, admin, name="ກຸ່ມສານກະດົ້ງ ບ້ານໂພນສະອາດ",
                            name_latin="Phonsaat tray makers", village="ບ້ານໂພນສະອາດ")
        treasurer = users.create_user(s, admin, username="treasurer",
                                      display_name="ນາງ ບົວພັນ", password="demo")
        users.grant_role(s, admin, user_id=treasurer.id, role="treasurer", group_id=group.id)
        for i, (lao, latin, gender, village, job, saved) in enumerate(MEMBERS):
            row = members.add_member(s, admin, group_id=group.id, details=MemberDetails(
                name_lao=lao, name_latin=latin, gender=gender, village=village, occupation=job,
                phone=f"020 5{i}{i + 3} {4000 + 37 * i}",
                birth_date=dt.date(1968 + 2 * i, 1 + i, 3 + i), joined_on=dt.date(2024, 1, 5)))
            ledger.post_entry(s, treasurer, group_id=group.id, value_date=dt.date(2024, 1, 5),
                              kind="opening_balance", memo=f"{lao}: ເງິນຝາກເປີດບັນຊີ",
                              lines=[debit("cash", saved),
                                     credit("member_savings", saved, member_id=row.id)])
        ledger.post_entry(s, treasurer, group_id=group.id, value_date=dt.date(2024, 2, 1),
                          kind="welfare_contribution", memo="ເງິນສະຫວັດດີການ ເດືອນ 2",
                          lines=[debit("cash", 100_000), credit("welfare_fund", 100_000)])
        ledger.post_entry(s, treasurer, group_id=group.id, value_date=dt.date(2024, 2, 1),
                          kind="cash_transfer", memo="ຝາກທະນາຄານ",
                          lines=[debit("bank", 1_500_000), credit("cash", 1_500_000)])
    return database, "admin", "demo"


def save(widget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--all", action="store_true", help="also every other screen")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    application()
    with tempfile.TemporaryDirectory() as tmp:
        database, username, password = build_ledger(Path(tmp) / "ledger.sqlite3")
        for language in ("lo", "en"):
            switch_language(language)
            login = LoginDialog(database, username=username)
            login.resize(560, 460)
            login.show()
            save(login, args.outdir / f"login-{language}.png")
            login.close()
            user = users.login(database, username, password)
            window = MainWindow(ScreenContext(database, user))
            window.resize(*SIZE)
            window.show()
            save(window, args.outdir / f"overview-{language}.png")
            window.show_section("members")
            save(window, args.outdir / f"members-{language}.png")
            if args.all:
                for section in window.visible_sections:
                    if section.key not in ("overview", "members"):
                        window.show_section(section.key)
                        save(window, args.outdir / f"{section.key}-{language}.png")
            window.close()
            window.deleteLater()
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
