"""A loan's repayment schedule on paper: what a leader shows a member before she borrows
(the calculator) or gives her once the loan is paid out. One A4 page (more for long
loans), in the current language, every piece of text shaped (``reports.pdf``)."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.loans.policy import FEE_AT_PAYOUT, LOAN_METHOD_NAMES
from models.loans.schedule_sheet import ScheduleSheet
from reports import pdf

WIDTH = 180 * mm


TITLE_PREVIEW = N_("Loan calculation")
TITLE_LOAN = N_("Loan {number}: repayment schedule")


def write_schedule(sheet: ScheduleSheet, path: Path | str) -> Path:
    """Lay out the rows of ``models.loans.schedule_sheet`` (no database read here)."""
    money = lambda amount: format_money(amount, sheet.currency)  # noqa: E731
    st = pdf.styles(10.5)
    title = (_(TITLE_LOAN).format(number=sheet.loan_number) if sheet.loan_number
             else _(TITLE_PREVIEW))
    doc = pdf.document(str(path), title=title, footer=pdf.footer(
        sheet.printed_at, sheet.printed_by, is_demo=sheet.is_demo))
    total_interest = sheet.total_interest
    fees_in_installments = sheet.fees_in_installments
    facts = []
    if sheet.member_name:
        facts.append((_("Member"), sheet.member_name))
    if sheet.purpose:
        facts.append((_("Purpose"), sheet.purpose))
    facts += [
        (_("Amount lent"), money(sheet.amount)),
        (_("Interest rate"), _("{rate} % a year").format(rate=sheet.annual_rate)),
        (_("Way of charging interest"), _(LOAN_METHOD_NAMES[sheet.method])),
        (_("Paid out on"), fmt_date(sheet.disbursed)),
        (_("Installments"), str(len(sheet.lines))),
        (_("Total interest"), money(total_interest)),
    ]
    if sheet.fee and sheet.fee_timing == FEE_AT_PAYOUT:
        facts.append((_("Loan fee"), _("{fee}, kept from the money paid out: the member "
                                       "receives {received}").format(
            fee=money(sheet.fee), received=money(sheet.amount - sheet.fee))))
    elif sheet.fee:
        facts.append((_("Loan fee"), _("{fee}, paid with the installments").format(
            fee=money(sheet.fee))))
    facts.append((_("Total to repay"), money(sheet.amount + total_interest
                                              + fees_in_installments)))
    story: list = [pdf.para(sheet.group_name, st["bold"]), pdf.para(title, st["title"]),
                   pdf.table([[pdf.para(k, st["bold"]), pdf.para(v, st["body"])]
                              for k, v in facts], [60 * mm, 120 * mm], header_rows=0,
                             zebra=False),
                   Spacer(1, 5 * mm)]
    with_fee = bool(fees_in_installments)
    titles = [N_("No."), N_("Due date"), N_("Principal"), N_("Interest")]
    widths = [14 * mm, 30 * mm, 34 * mm, 32 * mm, 36 * mm, 34 * mm]
    if with_fee:  # a column of its own only when the installments carry the fee
        titles.append(N_("Fee"))
        widths = [12 * mm, 27 * mm, 30 * mm, 27 * mm, 23 * mm, 31 * mm, 30 * mm]
    titles += [N_("To pay"), N_("Left to repay")]
    rows = [[pdf.para(_(h), st["bold"]) for h in titles]]
    for i in sheet.lines:
        row = [pdf.para(i.n, st["centre"]), pdf.para(fmt_date(i.due_date), st["body"]),
               pdf.para(money(i.principal), st["number"]),
               pdf.para(money(i.interest), st["number"])]
        if with_fee:
            row.append(pdf.para(money(i.fee), st["number"]))
        row += [pdf.para(money(i.total), st["number_bold"]),
                pdf.para(money(i.balance), st["number"])]
        rows.append(row)
    total = [pdf.para("", st["body"]), pdf.para(_("Total"), st["bold"]),
             pdf.para(money(sheet.amount), st["number_bold"]),
             pdf.para(money(total_interest), st["number_bold"])]
    if with_fee:
        total.append(pdf.para(money(fees_in_installments), st["number_bold"]))
    total += [pdf.para(money(sheet.amount + total_interest + fees_in_installments),
                       st["number_bold"]),
              pdf.para("", st["body"])]
    rows.append(total)
    story.append(pdf.table(rows, widths, total_row=True))
    story += [Spacer(1, 6 * mm),
              pdf.para(_("Pay on or before each due date. A late installment may be charged "
                         "a penalty under the group's rules. Keep this page with your "
                         "receipts."), st["small"])]
    pdf.build(doc, story)
    return Path(path)
