"""A share-out on paper: one statement for the whole group, which each member signs as she
receives her money, kept with the group's records and shown to auditors.

A4 portrait, in the current language, every piece of text shaped (``reports.pdf``). The
figures are exactly those of the stored share-out, read by
``models.statements.shareout_paper.shareout_statement``: nothing is worked out again here
but the column totals and the profit (fund less savings, as the share-out screen shows it).
Where members hold NSSF pots, a second table shows each member's pot beside her payout:
what it held, what she put in from her payout (with its receipt), what was paid out with
her share (part of the cash she signs for) and what is kept for her.
Long groups run onto further pages with the column titles repeated.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_amount, format_fraction, format_money
from models.savings.rules import SHAREOUT_METHOD_NAMES, VALUE_PER_SHARE
from models.savings.shareout_records import ShareOutRecord, debt_lines, shows_pots
from models.statements.shareout_paper import ShareOutStatement
from reports import pdf

WIDTH = 180 * mm  # A4 less the margins
SIGN_HEIGHT = 6 * mm  # the empty box a member signs in (plus the cell's padding)
NAME_WIDTH, NAME_MIN = 34 * mm, 26 * mm  # the name column gives way to the signature box
SIGN_WIDTH = 36 * mm  # wide enough to sign in
TABLE_SIZES = (8.5, 8, 7.5, 7)  # type sizes of the members' table, largest first
FIGURE_WIDTH = 13 * mm  # at least, for an even look
PAD = 3  # points either side of a cell's text
TITLE = N_("Share-out of {date}")


def file_name(record: ShareOutRecord) -> str:
    return f"share-out-cycle-{record.cycle_number}-{record.on.isoformat()}.pdf"


def write_statement(sheet: ShareOutStatement, path: Path | str) -> Path:
    record = sheet.record
    money = lambda amount: format_money(amount, sheet.currency)  # noqa: E731
    st = pdf.styles(10)
    title = _(TITLE).format(date=fmt_date(record.on))
    doc = pdf.document(str(path), title=title, footer=pdf.footer(
        sheet.printed_at, sheet.printed_by, is_demo=sheet.is_demo, seal=sheet.ledger_seal))
    story: list = [
        pdf.para(pdf.place(sheet.group_name, sheet.village),
                 st["bold"]),
        pdf.para(title, st["title"]),
        pdf.pairs(_facts(sheet, money), st, width=WIDTH, label_width=42 * mm, padding=1),
        Spacer(1, 3 * mm),
        pdf.para(_("Each member signs when she receives her money. Amounts in {currency}.")
                 .format(currency=sheet.currency.symbol), st["small"]),
        Spacer(1, 1 * mm),
        _members_table(sheet),
    ]
    if shows_pots(record.rows):
        story += [Spacer(1, 3 * mm), KeepTogether([
            pdf.para(_("NSSF pots (not shared: they are not the loan fund's money)"),
                     st["heading"]), _pots_table(sheet)])]
    receipts = [_("{number} · {member}: {amount} into her NSSF pot, receipt {receipt}").format(
        number=r.number, member=r.name, amount=money(f.topped_up), receipt=f.receipt)
        for r in record.rows for f in r.funds if f.topped_up and f.receipt]
    if receipts:
        story += [Spacer(1, 2 * mm)] + [pdf.para(line, st["body"]) for line in receipts]
    debts = debt_lines(record.rows, money)
    if debts:
        story += [Spacer(1, 3 * mm), pdf.para(_("Debts paid from payouts, and what is still "
                                                "owed"), st["heading"])]
        story += [pdf.para(line, st["body"]) for line in debts]
    elif any(r.debt_left for r in record.rows):  # share-outs kept before each debt was
        story += [Spacer(1, 3 * mm), pdf.para(_("Still owed after the share-out"), st["heading"])]
        story += [pdf.para(f"{r.number} · {r.name}: {money(r.debt_left)}", st["body"])
                  for r in record.rows if r.debt_left]
    story += [Spacer(1, 8 * mm), KeepTogether(pdf.signatures(
        [_("Treasurer"), _("Leader"), _("Member who counted the cash")], st, width=WIDTH))]
    pdf.build(doc, story)
    return Path(path)


def _facts(sheet: ShareOutStatement, money) -> list[tuple[str, str]]:  # noqa: ANN001
    record = sheet.record
    if sheet.cycle_start is not None:
        cycle = _("{number}, from {start} to {end}").format(
            number=record.cycle_number, start=fmt_date(sheet.cycle_start),
            end=fmt_date(record.on))
    else:
        cycle = _("{number}, shared out on {end}").format(number=record.cycle_number,
                                                         end=fmt_date(record.on))
    facts = [
        (_("Cycle"), cycle),
        (_("Method"), _(SHAREOUT_METHOD_NAMES.get(record.method, record.method))),
        (_("Shared out"), _("{fund} = savings {savings} + profit {profit}").format(
            fund=money(record.distributable), savings=money(record.total_savings),
            profit=money(record.distributable - record.total_savings))),
    ]
    if sheet.in_shares:
        facts.append((_("Shares"), f"{record.total_shares:,}"))
        if record.method == VALUE_PER_SHARE and record.total_shares:
            facts.append((_("Value of one share"),
                          format_fraction(record.value_per_share, sheet.currency)))
    if record.loan_interest:
        facts.append((_("Interest and fees of loans paid off from payouts"),
                      money(record.loan_interest)))
    if record.round_to > 1:
        facts.append((_("Payouts rounded down to"), money(record.round_to)))
    facts.append((_("Rounding residue"),
                  _("{amount}, kept in the group's reserve for the next cycle").format(
                      amount=money(record.residue))))
    netted = sum(r.netted for r in record.rows)
    if netted:
        facts.append((_("Taken for loans and fines"), money(netted)))
    if shows_pots(record.rows):
        facts.append((_("NSSF pots"), _(
            "not shared (they are not the loan fund's money): {paid} paid out with the "
            "shares, {kept} kept for members").format(paid=money(record.total_fund_paid),
                                                      kept=money(record.total_fund_kept))))
    return facts


def _members_table(sheet: ShareOutStatement) -> Table:
    """One row per member with an empty box to sign in; totals at the foot. Each figure
    column is as wide as its widest figure (or title word); the name and the signature box
    share what is left. Very large sums take a smaller type, so the box stays wide enough
    to sign in."""
    record = sheet.record
    amount = lambda value: format_amount(value, sheet.currency)  # noqa: E731
    # (title, the row's figure, its text)
    columns: list[tuple[str, Callable[[Any], int], Callable[[int], str]]] = []
    if sheet.in_shares:
        columns.append((_("Shares"), lambda r: r.shares, lambda n: f"{n:,}"))
    columns += [(title, value, amount) for title, value in (
        (_("Savings back"), lambda r: r.savings),
        (_("Profit"), lambda r: r.profit),
        (_("Gross payout"), lambda r: r.payout),
        (_("For her debts"), lambda r: r.netted),
        (_("Into next cycle"), lambda r: r.reinvest),
        (_("Cash paid to her"), lambda r: r.cash_in_hand),
    )]
    figures = [[text(value(r)) if value(r) else "–" for r in record.rows]
               for _title, value, text in columns]
    totals = [text(sum(value(r) for r in record.rows)) for _title, value, text in columns]

    for size in TABLE_SIZES:
        st = pdf.styles(size)
        head = ParagraphStyle("head", parent=st["bold"], fontSize=size - 0.5,
                              leading=(size - 0.5) * 1.4)
        num, num_bold = st["number"], st["number_bold"]
        figure_widths = [max(_fit(title.split(), head, [*cells, total], num_bold),
                             FIGURE_WIDTH if index or not sheet.in_shares else 0)
                         for index, ((title, _v, _t), cells, total)
                         in enumerate(zip(columns, figures, totals))]
        number_width = _fit([_("Number")], head, [str(r.number) for r in record.rows], num)
        name_width = max(NAME_MIN, min(NAME_WIDTH, WIDTH - SIGN_WIDTH - number_width
                                       - sum(figure_widths)))
        widths = [number_width, name_width, *figure_widths]
        widths.append(WIDTH - sum(widths))
        if widths[-1] >= SIGN_WIDTH:
            break

    rows = [[pdf.para(_("Number"), head), pdf.para(_("Member"), head)]
            + [pdf.para(title, head) for title, _v, _t in columns]
            + [pdf.para(_("Signature"), head)]]
    for index, r in enumerate(record.rows):
        rows.append([pdf.para(r.number, num), pdf.para(r.name, st["body"])]
                    + [pdf.para(cells[index], num) for cells in figures]
                    + [Spacer(1, SIGN_HEIGHT)])
    rows.append([pdf.para("", num), pdf.para(_("Total"), st["bold"])]
                + [pdf.para(total, num_bold) for total in totals] + [pdf.para("", num)])

    t = pdf.table(rows, widths, total_row=True)
    t.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("BACKGROUND", (-1, 1), (-1, -2), colors.white),
        ("LINEBEFORE", (-1, 0), (-1, -1), 1.2, colors.black),
    ]))
    return t


def _pots_table(sheet: ShareOutStatement) -> Table:
    """Each member's NSSF pot at the share-out; the pot paid out with her share is part of
    the cash she signs for in the members' table."""
    amount = lambda value: format_amount(value, sheet.currency) if value else "–"  # noqa: E731
    st = pdf.styles(8.5)
    num, bold = st["number"], st["bold"]
    rows = [r for r in sheet.record.rows if r.funds and (r.fund_kept or r.fund_paid
                                                         or r.topped_up)]
    figures = (lambda r: sum(f.held for f in r.funds), lambda r: r.topped_up,
               lambda r: r.fund_paid, lambda r: r.fund_kept)
    out = [[pdf.para(_("Number"), bold), pdf.para(_("Member"), bold)]
           + [pdf.para(t, bold) for t in (_("Her pot before the share-out"),
                                          _("Put in from her payout"),
                                          _("Paid out with her share"),
                                          _("Kept for her into the next cycle"))]]
    out += [[pdf.para(r.number, num), pdf.para(r.name, st["body"])]
            + [pdf.para(amount(f(r)), num) for f in figures] for r in rows]
    out.append([pdf.para("", num), pdf.para(_("Total"), bold)]
               + [pdf.para(format_amount(sum(f(r) for r in rows), sheet.currency),
                           st["number_bold"]) for f in figures])
    number_width = _fit([_("Number")], bold, [str(r.number) for r in rows], num) + 3 * mm
    return pdf.table(out, [number_width, WIDTH - number_width - 4 * 29 * mm] + [29 * mm] * 4,
                     total_row=True)


def _fit(words: list[str], word_style: ParagraphStyle, cells: list[str],
         cell_style: ParagraphStyle) -> float:
    """The width a column needs so no title word and no figure is broken."""
    wide = max([stringWidth(w, word_style.fontName, word_style.fontSize) for w in words]
               + [stringWidth(c, cell_style.fontName, cell_style.fontSize) for c in cells])
    return wide + 2 * PAD + 1
