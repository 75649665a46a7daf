"""The receipt a member keeps when she repays a loan between meetings: one A5 page, in the
current language, shaped (``reports.pdf``): who paid what on which loan, how the money
was allocated (penalty, fee, interest, principal), the principal still owed, and places
to sign. The receipt number is the ledger entry's number, so an auditor finds it."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.loans.receipts import RepaymentReceipt
from models.loans.statuses import PAY_ACCOUNT_NAMES
from reports import pdf

WIDTH = 118 * mm  # A5 less the margins
PAID_FROM_NAMES = {**PAY_ACCOUNT_NAMES, "member_savings": N_("The member's savings"),
                   "share_out_payable": N_("The member's share-out")}


RECEIVED_INTO = ("cash", "bank")  # money the group took in; the rest comes out of her own


def file_name(receipt: RepaymentReceipt) -> str:
    """Named by the number printed on it (the journal entry's)."""
    return f"receipt-{receipt.receipt_number}.pdf"


def write_repayment_receipt(receipt: RepaymentReceipt, path: Path | str) -> Path:
    money = lambda amount: format_money(amount, receipt.currency)  # noqa: E731
    st = pdf.styles(10.5)
    title = _("Loan repayment receipt")
    doc = pdf.document(str(path), title=title, size="A5", footer=pdf.footer(
        receipt.printed_at, receipt.printed_by, is_demo=receipt.is_demo))
    facts = [
        (_("Receipt number"), str(receipt.receipt_number)),
        (_("Member"), f"{receipt.member_number} · {receipt.member_name}"),
        (_("Loan"), str(receipt.loan_number)),
        (_("Paid on"), fmt_date(receipt.paid_on)),
        (_("Received into") if receipt.paid_from in RECEIVED_INTO else _("Paid from"),
         _(PAID_FROM_NAMES.get(receipt.paid_from, receipt.paid_from))),
    ]
    split = [(_(name), amount) for name, amount in (
        (N_("Late penalty"), receipt.penalty), (N_("Loan fee"), receipt.fee),
        (N_("Interest"), receipt.interest), (N_("Principal"), receipt.principal)) if amount]
    rows = [[pdf.para(name, st["body"]), pdf.para(money(amount), st["number"])]
            for name, amount in split]
    rows.append([pdf.para(_("Paid in all"), st["bold"]),
                 pdf.para(money(receipt.amount), st["number_bold"])])
    story: list = [
        pdf.para(pdf.place(receipt.group_name, receipt.group_village), st["bold"]),
        pdf.para(title, st["title"]),
        pdf.pairs(facts, st, width=WIDTH, label_width=40 * mm),
        Spacer(1, 4 * mm),
        pdf.table(rows, [WIDTH * 0.6, WIDTH * 0.4], header_rows=0, zebra=False,
                  total_row=True),
        Spacer(1, 3 * mm),
        pdf.table([[pdf.para(_("Loan principal still owed"), st["bold"]),
                    pdf.para(money(receipt.principal_left), st["number_bold"])]],
                  [WIDTH * 0.6, WIDTH * 0.4], header_rows=0, zebra=False),
        Spacer(1, 12 * mm),
        pdf.signatures([_("Received by (treasurer)"), _("Member")], st, width=WIDTH, line=22),
    ]
    pdf.build(doc, story)
    return Path(path)
