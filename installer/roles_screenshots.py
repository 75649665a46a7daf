"""Screenshots of the first hour's roles and rules for the docs, at 1366×768:
``python installer/roles_screenshots.py [OUTDIR]`` (default ``docs/screenshots``).

Starts a new ledger as the first-run wizard does (Keo, administrator and treasurer of a
tailors' group, with a leader and five members), then saves in Lao and in English:

- ``roles-first-run-<lang>.png``: the first-run wizard, filled in, with who does what;
- ``roles-savings-rules-<lang>.png``: the savings rules editor with a new share price from
  01/01/2027 and its preview; ``roles-savings-rules-fines-<lang>.png``: its fines tab;
- ``roles-loan-application-<lang>.png``: a loan application refused for its amount, then
  ``roles-loan-application-fixed-<lang>.png`` after the amount is corrected (no stale banner);
- ``roles-savings-closed-<lang>.png``: the savings screen of an administrator without the
  treasurer's role, with the tip of the closed Deposit button drawn under it;
- ``roles-loan-own-<lang>.png``: the loans screen of Keo, treasurer and leader, on the
  application she recorded herself, with the tip of the closed Approve button;
- ``roles-payout-confirm-<lang>.png``: the question before a loan is paid out;
- ``roles-claim-fails-<lang>.png``: what a leader sees on Approve for a claim that fails
  the rules.

Run it under a display so fonts render as on a desktop::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/roles_screenshots.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop import errors  # noqa: E402
from desktop.app import application  # noqa: E402
from desktop.context import ScreenContext  # noqa: E402
from desktop.login import FirstRunDialog  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.qt_i18n import switch_language  # noqa: E402
from desktop.screens.loan_dialogs import ApplicationDialog, DisburseDialog  # noqa: E402
from desktop.screens.savings_rules_dialog import FINES, SavingsRulesDialog  # noqa: E402
from models.core import clock, first_run, ledger, members, users
from models.core.db import Database  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.loans.application import apply_for_loan, approve_loan
from models.loans.statuses import APPLIED, APPROVED
from models.welfare import claims as welfare_claims
from models.welfare import types as welfare_types
from models.welfare.schema import WelfareClaimType  # noqa: E402

SCREEN = (1366, 728)  # 1366×768 less a taskbar
NOW = dt.datetime(2026, 11, 20, 9, 30)
MEMBERS = [("ນາງ ແກ້ວ", "Keo", "f"), ("ນາງ ບົວ", "Bua", "f"), ("ນາງ ຄຳ", "Kham", "f"),
           ("ທ້າວ ສົມ", "Som", "m"), ("ນາງ ນ້ອຍ", "Noy", "f")]


def build(path: Path) -> tuple[Database, int]:
    database = open_database(str(path))
    with database.write() as s:
        started = first_run.start_ledger(
            s, username="keo", display_name="ນາງ ແກ້ວ", password="demo", language="lo",
            group_name="ກຸ່ມຕັດຫຍິບບ້ານໜອງບອນ", village="ບ້ານໜອງບອນ")
        keo = users.reload_user(s, s.get(users.User, started.user_id))
        for name in ("chan", "admin2"):
            user = users.create_user(s, keo, username=name, display_name=name.title(),
                                     password="demo")
            role = "leader" if name == "chan" else "admin"
            users.grant_role(s, keo, user_id=user.id, role=role, group_id=started.group_id)
        for lao, latin, gender in MEMBERS:
            row = members.add_member(s, keo, group_id=started.group_id,
                                     details=members.MemberDetails(
                                         name_lao=lao, name_latin=latin, gender=gender,
                                         joined_on=dt.date(2026, 1, 10)))
            ledger.post_entry(s, keo, group_id=started.group_id, kind="deposit",
                              value_date=dt.date(2026, 6, 1), memo="Savings",
                              lines=[ledger.Line("cash", 300_000),
                                     ledger.Line("member_savings", -300_000,
                                                 member_id=row.id)])
        users.grant_role(s, keo, user_id=keo.id, role="leader", group_id=started.group_id)
        welfare_types.ensure_default_claim_types(s, started.group_id)
        hospital = s.scalar(select(WelfareClaimType.id).where(
            WelfareClaimType.group_id == started.group_id,
            WelfareClaimType.code == "hospitalization"))
        welfare_claims.record_claim(
            s, keo, group_id=started.group_id, draft=welfare_claims.ClaimDraft(
                member_id=row.id, claim_type_id=hospital, event_date=dt.date(2026, 11, 10),
                beneficiary="member", amount=700_000, evidence_note="ໃບອອກໂຮງໝໍມະໂຫສົດ"))
        for offset, amount, decide in ((1, 600_000, True), (2, 400_000, False)):
            loan = apply_for_loan(
                s, keo, group_id=started.group_id, member_id=row.id - offset, amount=amount,
                purpose="ຈັກຫຍິບຜ້າ", installments=6, annual_rate=Decimal(24),
                method="flat", guarantor_ids=())
            if decide:
                chan = s.scalar(select(users.User).where(users.User.username == "chan"))
                approve_loan(s, chan, loan_id=loan.id)
    return database, started.group_id


class Grabbed(Exception):
    """Stops a message after its picture is taken."""


def grab_messages(outdir: Path, name: str):  # noqa: ANN201
    """Replace ``MessageDialog.ask`` for one picture: show, save, answer "no"."""
    def ask(cls, parent, **kw):  # noqa: ANN001, ANN202
        dialog = cls(parent, **kw)
        dialog.show()
        QApplication.processEvents()
        dialog.adjustSize()
        save(dialog, outdir / name)
        dialog.close()
        return "no"
    return classmethod(ask)


def save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def fit(dialog: QWidget) -> None:
    """Show the dialog at the size it takes, no larger than the usable screen."""
    dialog.show()
    QApplication.processEvents()
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    dialog.resize(min(max(hint.width(), dialog.width()), SCREEN[0]),
                  min(max(hint.height(), dialog.height()), SCREEN[1]))
    QApplication.processEvents()
    if dialog.minimumSizeHint().height() > SCREEN[1]:
        print(f"  too tall: {type(dialog).__name__} needs {dialog.minimumSizeHint().height()}")


def context(database: Database, group_id: int, username: str) -> ScreenContext:
    return ScreenContext(database, users.login(database, username, "demo"), group_id)


def with_tip(widget: QWidget, tip: str) -> QWidget:
    """The widget's picture with a tooltip's text drawn under it (tooltips are their own
    windows; a grab does not show them)."""
    frame = QWidget()
    layout = QVBoxLayout(frame)
    picture = QLabel()
    picture.setPixmap(widget.grab())
    note = QLabel(tip)
    note.setWordWrap(True)
    note.setStyleSheet("background: #ffffe1; border: 1px solid #767676; padding: 6px;")
    layout.addWidget(picture)
    layout.addWidget(note)
    frame.show()
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    clock.set_now(NOW)
    application()
    with tempfile.TemporaryDirectory() as tmp:
        empty = open_database(str(Path(tmp) / "new.sqlite3"))
        database, group_id = build(Path(tmp) / "tailors.sqlite3")
        clock.set_now(NOW)
        for language in ("lo", "en"):
            switch_language(language)
            wizard = FirstRunDialog(empty)
            for field, text in ((wizard.display_name, "ນາງ ແກ້ວ"), (wizard.user_name, "keo"),
                                (wizard.password, "secret"), (wizard.password_again, "secret"),
                                (wizard.group_name, "ກຸ່ມຕັດຫຍິບບ້ານໜອງບອນ"),
                                (wizard.village, "ບ້ານໜອງບອນ")):
                field.setText(text)
            fit(wizard)
            save(wizard, args.outdir / f"roles-first-run-{language}.png")
            wizard.close()

            ctx = context(database, group_id, "keo")
            rules = SavingsRulesDialog(ctx)
            rules.inputs["share_price"].setText("20,000")
            rules.inputs["max_shares"].setValue(3)
            rules.inputs["fine_absence"].setText("5,000")
            rules.inputs["custom_fines"].add_fine("ບໍ່ໃສ່ເສື້ອກຸ່ມ", 2_000)
            rules.effective.setText("01/01/2027")
            fit(rules)
            save(rules, args.outdir / f"roles-savings-rules-{language}.png")
            rules.tabs.setCurrentIndex(FINES)
            save(rules, args.outdir / f"roles-savings-rules-fines-{language}.png")
            rules.close()

            application_form = ApplicationDialog(ctx)
            application_form.member.setCurrentIndex(1)
            application_form.amount.setText("5,000,000")
            application_form.purpose.setText("ຈັກຫຍິບຜ້າ")
            application_form.update_check()
            application_form.save()
            fit(application_form)
            save(application_form, args.outdir / f"roles-loan-application-{language}.png")
            application_form.amount.setText("600,000")
            application_form.update_check()
            save(application_form, args.outdir / f"roles-loan-application-fixed-{language}.png")
            application_form.close()

            window = MainWindow(context(database, group_id, "admin2"))
            window.resize(*SCREEN)
            window.show()
            switch_language(language)
            screen = window.show_section("savings")
            shot = with_tip(window, screen.deposit_button.toolTip())
            save(shot, args.outdir / f"roles-savings-closed-{language}.png")
            shot.close()
            window.close()

            window = MainWindow(context(database, group_id, "keo"))
            window.resize(*SCREEN)
            window.show()
            switch_language(language)
            screen = window.show_section("loans")
            rows = screen.loans_model.rows
            screen.register.selectRow(next(i for i, r in enumerate(rows)
                                           if r.status == APPLIED))
            shot = with_tip(window, screen.buttons["approve"].toolTip())
            save(shot, args.outdir / f"roles-loan-own-{language}.png")
            shot.close()
            approved = next(r for r in rows if r.status == APPROVED)
            original = errors.MessageDialog.ask
            try:
                errors.MessageDialog.ask = grab_messages(
                    args.outdir, f"roles-payout-confirm-{language}.png")
                DisburseDialog(window.ctx, approved, window).save()
                window.close()
                window = MainWindow(context(database, group_id, "chan"))
                window.resize(*SCREEN)
                window.show()
                switch_language(language)
                claims = window.show_section("welfare")
                claims.claims.select_first()
                errors.MessageDialog.ask = grab_messages(
                    args.outdir, f"roles-claim-fails-{language}.png")
                claims.approve()
            finally:
                errors.MessageDialog.ask = original
            window.close()
        empty.dispose()
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
