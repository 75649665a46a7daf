"""Pictures of the printed pages for the docs: ``python installer/pdf_screenshots.py OUTDIR``.

Builds the demo ledger (``models.demo.build_demo``, seed 1) in a temporary folder and, for
the vegetable growers' group (23 members, a 1 % loan fee paid with the installments),
writes in Lao and in English: a meeting summary, a welfare voucher, a loan schedule, a
loan repayment receipt and the last share-out statement; then turns each first page
into ``pdf-<document>-<lang>.png`` with ``pdftoppm`` (poppler-utils), 80 dpi. No display
is needed. The PDFs themselves are written next to the pictures only with ``--keep``."""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from models.core import clock, i18n
from models.core.migrate import open_database  # noqa: E402
from models.core.schema import Group, User  # noqa: E402
from models.demo import build_demo  # noqa: E402
from models.loans.receipts import repayment_receipt  # noqa: E402
from models.loans.schedule_sheet import loan_schedule_sheet
from models.loans.schema import Loan, LoanRepayment  # noqa: E402
from models.loans.statuses import ACTIVE
from models.meetings import summary as meeting_summaries  # noqa: E402
from models.meetings.schema import Meeting  # noqa: E402
from models.savings import shareout_records
from models.statements.shareout_paper import shareout_statement  # noqa: E402
from models.welfare.schema import WelfareClaim  # noqa: E402
from models.welfare.voucher import claim_voucher  # noqa: E402
from reports import shareout_pdf  # noqa: E402
from reports.loan_receipt_pdf import write_repayment_receipt  # noqa: E402
from reports.loan_schedule_pdf import write_schedule  # noqa: E402
from reports.meeting_pdf import write_meeting_summary  # noqa: E402
from reports.welfare_voucher import write_voucher  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 9, 30)
GROUP = "vegetable"  # in the demo group's Latin name


def write_all(session, actor: User, group: Group, folder: Path) -> list[Path]:  # noqa: ANN001
    """Every printed page of one group, in the current language."""
    lang = i18n.current_language()
    written = []

    def path(name: str) -> Path:
        return folder / f"pdf-{name}-{lang}.pdf"

    meeting = session.scalar(select(Meeting).where(Meeting.group_id == group.id,
                                                   Meeting.status == "posted")
                             .order_by(Meeting.meeting_date.desc()))
    summary = meeting_summaries.meeting_summary(session, actor, meeting.id)
    written.append(write_meeting_summary(summary, path("meeting")))
    claim = session.scalar(select(WelfareClaim).where(WelfareClaim.group_id == group.id,
                                                      WelfareClaim.status == "paid")
                           .order_by(WelfareClaim.id.desc()))
    written.append(write_voucher(claim_voucher(session, actor, claim.id),
                                 path("welfare-voucher")))
    loan = session.scalar(select(Loan).where(Loan.group_id == group.id,
                                             Loan.status == ACTIVE, Loan.fee > 0)
                          .order_by(Loan.id.desc()))
    written.append(write_schedule(loan_schedule_sheet(session, actor, loan_id=loan.id),
                                  path("loan-schedule")))
    repayment = session.scalar(select(LoanRepayment).join(Loan, Loan.id == LoanRepayment.loan_id)
                               .where(Loan.group_id == group.id,
                                      LoanRepayment.status == "posted", LoanRepayment.fee > 0)
                               .order_by(LoanRepayment.id.desc()))
    written.append(write_repayment_receipt(repayment_receipt(session, actor, repayment.id),
                                           path("loan-receipt")))
    last = shareout_records.share_outs(session, actor, group.id)[0]
    written.append(shareout_pdf.write_statement(
        shareout_statement(session, actor, group_id=group.id, share_out_id=last.id),
        path("shareout")))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the PDFs too")
    args = parser.parse_args(argv)
    if not shutil.which("pdftoppm"):
        print("pdftoppm (poppler-utils) is needed", file=sys.stderr)
        return 2
    args.outdir.mkdir(parents=True, exist_ok=True)
    clock.set_now(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(str(Path(tmp) / "demo.sqlite3"))
        build_demo(database, seed=1)
        with database.read() as s:
            actor = s.scalar(select(User).where(User.username == "treasurer"))
            group = next(g for g in s.scalars(select(Group))
                         if GROUP in (g.name_latin or ""))
            for language in ("lo", "en"):
                i18n.set_language(language)
                for pdf in write_all(s, actor, group, Path(tmp)):
                    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1",
                                    "-l", "1", str(pdf), str(args.outdir / pdf.stem)],
                                   check=True)
                    print(args.outdir / f"{pdf.stem}.png")
                    if args.keep:
                        shutil.copy(pdf, args.outdir / pdf.name)
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
