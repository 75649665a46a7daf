"""A meeting on paper: the summary for the group's records (who came, what each member paid
in each column, the cash box, the funds, signatures) and a receipt for each member who
paid ("keep the receipt"). In the current language; read the summary and write it in the
same language.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from models.core.i18n import _, gettext
from models.core.ledger import fmt_date
from models.core.money import currency, format_money
from models.meetings.attendance import ATTENDANCE, ATTENDANCE_NAMES
from models.meetings.summary import MeetingSummary, SummaryRow
from reports import pdf

LANDSCAPE_WIDTH = 267 * mm  # A4 landscape less the margins
PORTRAIT_WIDTH = 180 * mm


def _money(summary: MeetingSummary):  # noqa: ANN202
    cur = currency(summary.currency)
    return lambda amount: format_money(amount, cur)


def _footer(summary: MeetingSummary) -> str:
    return pdf.footer(summary.printed_at, summary.printed_by, is_demo=summary.is_demo,
                      seal=summary.ledger_seal)


def _heading(summary: MeetingSummary, title: str, st: dict, size: str = "title") -> list:
    place = pdf.place(summary.group_name, summary.village)
    when = _("Meeting {number} of cycle {cycle} · {date}").format(
        number=summary.meeting.number, cycle=summary.meeting.cycle_number,
        date=fmt_date(summary.meeting.meeting_date))
    return [pdf.para(place, st["bold"]), pdf.para(title, st[size]), pdf.para(when, st["body"])]


def _saved_text(summary: MeetingSummary, row: SummaryRow, money) -> str:  # noqa: ANN001
    if summary.mode == "shares":
        return _("{amount} · shares: {shares}").format(amount=money(row.savings_after),
                                                      shares=row.shares_after)
    return money(row.savings_after)


def write_meeting_summary(summary: MeetingSummary, path: Path | str) -> Path:
    """The meeting's summary on A4 landscape pages."""
    money = _money(summary)
    st = pdf.styles(10)
    title = _("Meeting summary")
    doc = pdf.document(str(path), title=title, footer=_footer(summary))
    doc.pagesize = landscape(doc.pagesize)
    story = _heading(summary, title, st)
    counts = " · ".join(_("{status}: {count}").format(status=gettext(ATTENDANCE_NAMES[s]),
                                                      count=summary.attendance[s])
                        for s in ATTENDANCE)
    story += [pdf.para(counts, st["body"]), Spacer(1, 3 * mm)]

    columns = summary.columns
    fixed = {"no": 19 * mm, "name": 48 * mm, "att": 26 * mm, "total": 28 * mm, "saved": 45 * mm}
    each = min(32 * mm, (LANDSCAPE_WIDTH - sum(fixed.values())) / max(len(columns), 1))
    header = [pdf.para(_("Number"), st["bold"]), pdf.para(_("Member"), st["bold"]),
              pdf.para(_("Attendance"), st["bold"])]
    header += [pdf.para(c.title, st["bold"]) for c in columns]
    header += [pdf.para(_("Paid in all"), st["bold"]),
               pdf.para(_("Savings after"), st["bold"])]
    rows = [header]
    for row in summary.rows:
        attendance = gettext(ATTENDANCE_NAMES[row.attendance])
        if row.fines_charged:
            attendance += "\n" + _("fined {amount}").format(amount=money(row.fines_charged))
        cells = [pdf.para(row.number, st["body"]), pdf.para(row.name, st["body"]),
                 pdf.para(attendance, st["small"])]
        cells += [pdf.para(money(row.amounts[c.key]) if row.amounts.get(c.key) else "–",
                           st["number"]) for c in columns]
        cells += [pdf.para(money(row.total) if row.total else "–", st["number_bold"]),
                  pdf.para(_saved_text(summary, row, money), st["number"])]
        rows.append(cells)
    rows.append([pdf.para("", st["body"]), pdf.para(_("Total"), st["bold"]),
                 pdf.para("", st["body"])]
                + [pdf.para(money(summary.totals.get(c.key, 0)), st["number_bold"])
                   for c in columns]
                + [pdf.para(money(summary.grand_total), st["number_bold"]),
                   pdf.para("", st["body"])])
    widths = [fixed["no"], fixed["name"], fixed["att"]] + [each] * len(columns) \
        + [fixed["total"], fixed["saved"]]
    story.append(pdf.table(rows, widths, total_row=True))

    notes = [(row.number, row.name, row.note) for row in summary.rows if row.note]
    if notes:
        story.append(pdf.para(_("Notes"), st["heading"]))
        story += [pdf.para(f"{number} · {name}: {note}", st["body"])
                  for number, name, note in notes]

    story.append(KeepTogether([pdf.para(_("Cash box"), st["heading"]),
                               _cash_table(summary, money, st)]))
    funds = [[pdf.para(_("Loan fund after the meeting"), st["body"]),
              pdf.para(money(summary.loan_fund), st["number"])],
             [pdf.para(_("Welfare fund after the meeting"), st["body"]),
              pdf.para(money(summary.welfare_fund), st["number"])]]
    story.append(KeepTogether([pdf.para(_("Funds"), st["heading"]),
                               _plain(pdf.table(funds, [90 * mm, 40 * mm], header_rows=0,
                                                zebra=False))]))
    if summary.reversed_seqs:
        story.append(Spacer(1, 3 * mm))
        story.append(pdf.para(_("Corrected since: entries {entries} of this meeting were "
                                "reversed.").format(
            entries=", ".join(str(s) for s in summary.reversed_seqs)), st["bold"]))
    story += [Spacer(1, 10 * mm), pdf.signatures(
        [_("Treasurer"), _("Leader"), _("Member who counted the cash")], st,
        width=LANDSCAPE_WIDTH, line=28)]
    pdf.build(doc, story)
    return Path(path)


def _cash_table(summary: MeetingSummary, money, st: dict) -> Table:  # noqa: ANN001
    rows = [[pdf.para(_("Cash at the start of the meeting"), st["body"]),
             pdf.para(money(summary.cash_opening), st["number"])]]
    for m in summary.cash_movements:
        if m.received:
            rows.append([pdf.para(_("Received: {what}").format(what=m.label), st["body"]),
                         pdf.para(money(m.received), st["number"])])
        if m.paid:
            rows.append([pdf.para(_("Paid out: {what}").format(what=m.label), st["body"]),
                         pdf.para("-" + money(m.paid), st["number"])])
    rows.append([pdf.para(_("Cash there should be at the end"), st["bold"]),
                 pdf.para(money(summary.cash_closing), st["number_bold"])])
    count = summary.cash_count
    if count is not None:
        rows.append([pdf.para(_("Cash counted"), st["body"]),
                     pdf.para(money(count.counted), st["number"])])
        if count.difference:
            label = _("Over") if count.difference > 0 else _("Short")
            text = f"{label}: {count.note}" if count.note else label
            rows.append([pdf.para(text, st["body"]),
                         pdf.para(money(count.difference), st["number"])])
    return _plain(pdf.table(rows, [90 * mm, 40 * mm], header_rows=0, zebra=False))


def _plain(t: Table) -> Table:
    """A two-column list without the header shading ``pdf.table`` gives row 0."""
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.white)]))
    return t


RECEIPT_BOX = colors.HexColor("#6b6b6b")


def write_receipts(summary: MeetingSummary, path: Path | str, *,
                   member_ids: Iterable[int] | None = None) -> Path:
    """One receipt per member who paid (or for ``member_ids``), several to an A4 page,
    each with what she paid at the meeting and her balances after it."""
    money = _money(summary)
    st = pdf.styles(10)
    wanted = set(member_ids) if member_ids is not None else None
    rows = [r for r in summary.rows if (r.member_id in wanted if wanted is not None else r.paid)]
    doc = pdf.document(str(path), title=_("Receipts"), footer=_footer(summary))
    story: list = []
    for row in rows:
        story.append(KeepTogether([_receipt(summary, row, money, st), Spacer(1, 6 * mm)]))
    if not story:
        story.append(pdf.para(_("Nobody paid at this meeting."), st["body"]))
    pdf.build(doc, story)
    return Path(path)


def _receipt(summary: MeetingSummary, row: SummaryRow, money, st: dict) -> Table:  # noqa: ANN001
    head = _heading(summary, _("Receipt"), st, size="heading")
    member = pdf.para(_("Member {number} · {name}").format(number=row.number, name=row.name),
                      st["bold"])
    paid = [[pdf.para(c.title, st["body"]), pdf.para(money(row.amounts[c.key]), st["number"])]
            for c in summary.columns if row.amounts.get(c.key)]
    paid.append([pdf.para(_("Paid in all"), st["bold"]),
                 pdf.para(money(row.total), st["number_bold"])])
    after = [[pdf.para(_("Savings now"), st["body"]),
              pdf.para(_saved_text(summary, row, money), st["number"])]]
    if row.fines_owed_after:
        after.append([pdf.para(_("Fines still owed"), st["body"]),
                      pdf.para(money(row.fines_owed_after), st["number"])])
    if row.loan_after:
        after.append([pdf.para(_("Loan still owed"), st["body"]),
                      pdf.para(money(row.loan_after), st["number"])])
    inner = PORTRAIT_WIDTH - 8 * mm
    body = [*head, member, Spacer(1, 2 * mm),
            _plain(pdf.table(paid, [inner * 0.6, inner * 0.4], header_rows=0, zebra=False,
                             total_row=True)),
            Spacer(1, 2 * mm),
            _plain(pdf.table(after, [inner * 0.6, inner * 0.4], header_rows=0, zebra=False)),
            Spacer(1, 8 * mm),
            pdf.signatures([_("Received by (treasurer)"), _("Member")], st, width=inner, line=28)]
    box = Table([[body]], colWidths=[PORTRAIT_WIDTH])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, RECEIPT_BOX),
                             ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                             ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
    return box

