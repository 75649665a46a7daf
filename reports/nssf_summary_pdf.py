"""The month's NSSF remittance on one A4 page for the leader to sign before the money goes
to the LSSO: the group, the month, the batch and its state, one row per member remitted
(her level, the months paid, and where the money came from: her pot, an advance from the
loan fund or the subsidy fund), the total of the printed rows, the members skipped this
month, and signature lines.

When the level table in force is the provisional default (the LSSO's official table has not
been entered), the page says so under the title and in the footer, so a paper made from it
is never taken for the official figures. In the current language, every text shaped
(``reports.pdf``). The figures are those of the batch as read; nothing is worked out here
but the column totals.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import clock, settings
from models.core.groups import get_group
from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import Currency, currency, format_amount, format_money
from models.core.schema import Member, User
from models.nssf import batches, scheme
from models.nssf import enrolment as enrolments
from reports import pdf

WIDTH = 180 * mm  # A4 less the margins
PAD = 3
TITLE = N_("NSSF contributions for {month}")
STATE_NAMES = {
    "draft": N_("Draft: not yet sent"),
    "exported": N_("Exported: the file was made, waiting for the LSSO's receipt"),
    "confirmed": N_("Confirmed: the LSSO gave receipt {receipt} on {date}"),
}


@dataclass(frozen=True)
class SummaryLine:
    """One member remitted: ``months`` paid at once (more than one when she pays ahead);
    ``due`` is what the LSSO gets for her, paid ``from_pot`` + ``advanced`` +
    ``subsidised``."""

    number: int
    name: str
    ss_number: str
    level: int
    months: int
    due: int
    from_pot: int
    advanced: int = 0
    subsidised: int = 0


@dataclass(frozen=True)
class SkippedLine:
    """A member not paid for this month (the group's policy was to skip): she is in grace
    until ``grace_until`` (the last month the LSSO accepts a late payment)."""

    number: int
    name: str
    due: int
    grace_until: dt.date | None


@dataclass(frozen=True)
class RemittanceSummary:
    group_name: str
    village: str
    currency: Currency
    month: dt.date  # its first day
    batch_number: int
    state: str  # draft | exported | confirmed
    lines: Sequence[SummaryLine]
    printed_at: dt.datetime
    printed_by: str
    ledger_seal: str = ""
    skipped: Sequence[SkippedLine] = ()
    corrects: int | None = None  # the batch number this one corrects
    lsso_receipt: str = ""
    confirmed_on: dt.date | None = None
    provisional: bool = False  # the level table in force is the provisional default
    table_from: dt.date | None = None  # the day the level table in force took effect
    is_demo: bool = False


def summary(session: Session, actor: User, *, batch_id: int) -> RemittanceSummary:
    """The summary of one batch as it stands (read permission needed): its lines by
    member, and for a month's run the members left unpaid that month, in grace."""
    batch = batches.batch_row(session, actor, batch_id)
    lines = batches.batch_lines(session, actor, batch_id)
    group = get_group(session, batch.group_id)
    numbers = dict(session.execute(select(Member.id, Member.number).where(
        Member.id.in_({line.member_id for line in lines} or {0}))).all())
    by_member: dict[int, list] = {}
    for line in lines:
        by_member.setdefault(line.member_id, []).append(line)
    summary_lines = []
    for member_id, own in by_member.items():
        latest = max(own, key=lambda line: line.period)
        summary_lines.append(SummaryLine(
            numbers.get(member_id, 0), latest.name, latest.ss_number, latest.level,
            sum(1 if line.contribution > 0 else -1 for line in own),
            sum(line.contribution for line in own), sum(line.from_pot for line in own),
            sum(line.from_advance for line in own), sum(line.from_subsidy for line in own)))
    summary_lines.sort(key=lambda line: line.number)
    skipped = []
    if batch.corrects_id is None:
        s = scheme.scheme(session, batch.group_id, batch.month)
        for row in enrolments.enrolments(session, actor, batch.group_id):
            paid_now = any(line.period == batch.month for line in by_member.get(row.member_id, ()))
            if (row.status == enrolments.IN_GRACE and not paid_now
                    and row.oldest_unpaid is not None and row.oldest_unpaid <= batch.month):
                due = scheme.contribution(s, scheme.level_for_month(s, row.level))
                skipped.append(SkippedLine(row.member_number, row.name, due, row.pay_by))
    table_from = max((day for day, _value in settings.history(
        session, batch.group_id, scheme.LEVELS.key) if day <= batch.month), default=None)
    return RemittanceSummary(
        group.name, group.village or "", currency(group.currency), batch.month, batch.number,
        batch.status, tuple(summary_lines), clock.now(), actor.display_name,
        group.head_hash or "", tuple(skipped), batch.corrects_number,
        batch.lsso_receipt or "", batch.paid_on, batch.provisional, table_from, group.is_demo)


def month_text(month: dt.date) -> str:
    return month.strftime("%m/%Y")


def file_name(summary: RemittanceSummary) -> str:
    return f"nssf-{summary.month:%Y-%m}-batch-{summary.batch_number}.pdf"


def write_summary(summary: RemittanceSummary, path: Path | str) -> Path:
    money = lambda amount: format_money(amount, summary.currency)  # noqa: E731
    st = pdf.styles(10)
    title = _(TITLE).format(month=month_text(summary.month))
    footer = pdf.footer(summary.printed_at, summary.printed_by, is_demo=summary.is_demo,
                        seal=summary.ledger_seal)
    if summary.provisional:
        footer = _("PROVISIONAL LEVELS") + " · " + footer
    doc = pdf.document(str(path), title=title, footer=footer)
    story: list = [pdf.para(pdf.place(summary.group_name, summary.village), st["bold"]),
                   pdf.para(title, st["title"])]
    if summary.provisional:
        story += [_provisional_box(summary, st), Spacer(1, 3 * mm)]
    story += [pdf.pairs(_facts(summary, money), st, width=WIDTH, label_width=42 * mm,
                        padding=1),
              Spacer(1, 4 * mm),
              pdf.para(_("Amounts in {currency}. The total is the sum of the rows printed "
                         "here.").format(currency=summary.currency.symbol), st["small"]),
              Spacer(1, 1 * mm),
              _lines_table(summary)]
    if summary.skipped:
        story += [Spacer(1, 4 * mm),
                  pdf.para(_("Not paid this month"), st["heading"]),
                  _skipped_table(summary, money)]
    story += [Spacer(1, 12 * mm), KeepTogether(pdf.signatures(
        [_("Leader"), _("Treasurer"), _("Member who checked")], st, width=WIDTH))]
    pdf.build(doc, story)
    return Path(path)


def _provisional_box(summary: RemittanceSummary, st: dict) -> Table:
    text = _("PROVISIONAL: the levels and contributions on this page come from the program's "
             "provisional table, not from the LSSO's official table. Check them with the "
             "LSSO before paying.")
    t = Table([[pdf.para(text, st["bold"])]], colWidths=[WIDTH], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#b3261e")),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecea")),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


def state_text(summary: RemittanceSummary) -> str:
    text = _(STATE_NAMES.get(summary.state, summary.state))
    if summary.state == "confirmed":
        text = text.format(receipt=summary.lsso_receipt,
                           date=fmt_date(summary.confirmed_on) if summary.confirmed_on else "")
    return text


def _facts(summary: RemittanceSummary, money) -> list[tuple[str, str]]:  # noqa: ANN001
    batch = _("Batch {number}").format(number=summary.batch_number)
    if summary.corrects is not None:
        batch += " · " + _("corrects batch {number}").format(number=summary.corrects)
    total = sum(line.due for line in summary.lines)
    facts = [
        (_("Month"), month_text(summary.month)),
        (_("Batch"), batch),
        (_("State"), state_text(summary)),
        (_("Members remitted"), str(len(summary.lines))),
        (_("To pay to the LSSO"), money(total)),
    ]
    if summary.table_from is not None:
        facts.append((_("Level table"), _("in force from {date}").format(
            date=fmt_date(summary.table_from))
            + (" · " + _("provisional") if summary.provisional else "")))
    return facts


def _lines_table(summary: RemittanceSummary) -> Table:
    """Number, member (her name over her social-security number), level, months, due,
    and the three sources of the money; the totals row sums the rows above it."""
    amount = lambda value: format_amount(value, summary.currency)  # noqa: E731
    st = pdf.styles(9)
    head = ParagraphStyle("head", parent=st["bold"], fontSize=8.5, leading=8.5 * 1.4)
    head_right = ParagraphStyle("head_right", parent=head, alignment=TA_RIGHT)
    num, num_bold = st["number"], st["number_bold"]
    small = st["small"]
    widths = [15 * mm, 0, 22 * mm, 16 * mm, 23 * mm, 23 * mm, 22 * mm, 22 * mm]
    widths[1] = WIDTH - sum(widths)
    rows: list[list] = [[pdf.para(_("Number"), head),
                         pdf.para(_("Member · social-security number"), head)]
                        + [pdf.para(t, head_right) for t in (
                            _("Level"), _("Months"), _("Due"), _("From her pot"),
                            _("Advance"), _("Subsidy"))]]
    for line in summary.lines:
        rows.append([
            pdf.para(line.number, num),
            [pdf.para(line.name, st["body"]), pdf.para(line.ss_number, small)],
            pdf.para(amount(line.level), num),
            pdf.para(line.months, num),
            pdf.para(amount(line.due), num),
            pdf.para(_figure(line.from_pot, amount), num),
            pdf.para(_figure(line.advanced, amount), num),
            pdf.para(_figure(line.subsidised, amount), num),
        ])
    lines = summary.lines
    rows.append([
        pdf.para("", num), pdf.para(_("Total"), st["bold"]), pdf.para("", num),
        pdf.para(sum(line.months for line in lines), num_bold),
        pdf.para(amount(sum(line.due for line in lines)), num_bold),
        pdf.para(amount(sum(line.from_pot for line in lines)), num_bold),
        pdf.para(amount(sum(line.advanced for line in lines)), num_bold),
        pdf.para(amount(sum(line.subsidised for line in lines)), num_bold),
    ])
    t = pdf.table(rows, widths, total_row=True)
    t.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
    ]))
    return t


def _skipped_table(summary: RemittanceSummary, money) -> Table:  # noqa: ANN001
    st = pdf.styles(9)
    rows = [[pdf.para(t, st["bold"]) for t in (_("Number"), _("Member"), _("Not paid"),
                                                 _("In grace until"))]]
    for line in summary.skipped:
        rows.append([pdf.para(line.number, st["number"]), pdf.para(line.name, st["body"]),
                     pdf.para(money(line.due), st["number"]),
                     pdf.para(month_text(line.grace_until) if line.grace_until else "–",
                              st["body"])])
    return pdf.table(rows, [15 * mm, WIDTH - 85 * mm, 35 * mm, 35 * mm])


def _figure(value: int, amount) -> str:  # noqa: ANN001
    return amount(value) if value else "–"
