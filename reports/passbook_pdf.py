"""Member passbooks on the book's own page size, and a calibration page to line up a
printer with a real book.

Pages are drawn at fixed positions (a line of the book is always at the same height), so the
canvas is used directly; every text still goes through a shaped Paragraph (``pdf.para``),
the only way ReportLab shapes Lao. A print that continues a half-used page leaves the lines
already printed blank and prints no header: the paper has them already.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from models.core.entry_text import kind_name
from models.core.i18n import _
from models.core.ledger import fmt_date
from models.core.money import format_amount
from models.core.seal import format_seal
from models.statements.passbook import (
    HEADER_LINES,
    MemberPassbook,
    PageLayout,
    PassbookJob,
    PlacedLine,
    SectionPrint,
)
from reports import pdf

# Column widths as parts of the printable width: date, what, in, out, balance.
COLUMNS = (0.19, 0.33, 0.16, 0.16, 0.16)


def _styles(size: float) -> dict[str, ParagraphStyle]:
    pdf.register_fonts()

    def style(name: str, *, font: str = pdf.FONT, align: int = 0, scale: float = 1.0,
              colour: str = "#000000") -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size * scale,
                              leading=size * scale * 1.35, alignment=align, shaping=1,
                              textColor=colors.HexColor(colour))

    return {"text": style("text"), "number": style("number", align=TA_RIGHT),
            "head": style("head", font=pdf.FONT_BOLD, scale=0.9, colour="#333333"),
            "head_number": style("head_number", font=pdf.FONT_BOLD, scale=0.9, align=TA_RIGHT,
                                 colour="#333333"),
            "title": style("title", font=pdf.FONT_BOLD),
            "copy": style("copy", font=pdf.FONT_BOLD, align=TA_RIGHT, colour="#b00000"),
            "big": style("big", font=pdf.FONT_BOLD, scale=1.6),
            "centre": style("centre", align=TA_CENTER),
            "small": style("small", scale=0.85, colour="#444444")}


def _font_size(layout: PageLayout) -> float:
    """Type that fits one line of the book: at most 9 pt, about half the line height."""
    return max(5.5, min(9.0, layout.line_height * mm / 2.0))


class _Page:
    """Positions on one passbook page, in points, with the layout's offset applied."""

    def __init__(self, layout: PageLayout) -> None:
        self.layout = layout
        self.x0 = (layout.left + layout.offset_x) * mm
        self.top = (layout.height - layout.top - layout.offset_y) * mm
        self.width = layout.text_width * mm
        self.line_h = layout.line_height * mm
        self.shaped: dict[tuple[str, str, float], tuple] = {}
        self.cols = []
        x = self.x0
        for part in COLUMNS:
            self.cols.append((x, part * self.width))
            x += part * self.width

    def row_bottom(self, row: int) -> float:
        """The bottom of row ``row`` counted from 1 at the top of the printable area (the
        header rows first, then the book's lines)."""
        return self.top - row * self.line_h

    def text(self, canvas: Canvas, text: str, style: ParagraphStyle, *, x: float, width: float,
             row: int) -> None:
        """One line of text in row ``row``, shortened with "…" to fit ``width``. Dates and
        amounts (plain ASCII, nothing to shape) are drawn directly, on the baseline a
        one-line Paragraph would use; anything else goes through a shaped Paragraph."""
        text = _fit(text, style, width - 2)
        bottom = self.row_bottom(row) + (self.line_h - style.leading) / 2
        if text.isascii():
            canvas.setFont(style.fontName, style.fontSize)
            canvas.setFillColor(style.textColor)
            baseline = bottom + style.leading - style.fontSize
            if style.alignment == TA_RIGHT:
                canvas.drawRightString(x + width - 1, baseline, text)
            else:
                canvas.drawString(x + 1, baseline, text)
            return
        key = (text, style.name, width)
        shaped = self.shaped.get(key)
        if shaped is None:  # the same words come back line after line: shape them once
            p = pdf.para(text, style)
            shaped = self.shaped[key] = (p, p.wrap(width - 2, self.line_h * 3)[1])
        p, h = shaped
        p.drawOn(canvas, x + 1, self.row_bottom(row) + (self.line_h - h) / 2)


def _fit(text: str, style: ParagraphStyle, width: float) -> str:
    """``text`` shortened with an ellipsis until it fits on one line of ``width``. The
    unshaped width is close enough for Lao (its marks stack, they do not widen a line)."""
    if stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    while len(text) > 1:
        text = text[:-2].rstrip() + "…"
        if stringWidth(text, style.fontName, style.fontSize) <= width:
            return text
    return text


def _what(row) -> str:  # noqa: ANN001
    what = kind_name(row.kind)
    if row.memo and row.memo != what:
        what = f"{what} · {row.memo}"
    return what


def _header(canvas: Canvas, page: _Page, st: dict, book: MemberPassbook, part: SectionPrint,
            number: int, job: PassbookJob) -> None:
    title = _("{section} · No. {number} {name} · page {page}").format(
        section=_(part.title), number=book.number, name=book.name_lao, page=number)
    page.text(canvas, title, st["title"], x=page.x0, width=page.width * 0.8, row=1)
    if part.is_copy:
        page.text(canvas, _("COPY"), st["copy"], x=page.x0 + page.width * 0.8,
                  width=page.width * 0.2, row=1)
    heads = (_("Date"), _("What"), _("In"), _("Out"), _("Balance"))
    for i, (head, (x, w)) in enumerate(zip(heads, page.cols)):
        page.text(canvas, head, st["head_number" if i >= 2 else "head"], x=x, width=w, row=2)
    canvas.setStrokeColor(colors.HexColor("#888888"))
    canvas.setLineWidth(0.4)
    y = page.row_bottom(HEADER_LINES)
    canvas.line(page.x0, y, page.x0 + page.width, y)


def _line(canvas: Canvas, page: _Page, st: dict, placed: PlacedLine, job: PassbookJob) -> None:
    row = placed.row
    cur = job.currency
    cells = (fmt_date(row.value_date), _what(row),
             format_amount(row.amount_in, cur) if row.amount_in else "",
             format_amount(row.amount_out, cur) if row.amount_out else "",
             format_amount(row.balance, cur))
    for i, (cell, (x, w)) in enumerate(zip(cells, page.cols)):
        page.text(canvas, cell, st["number" if i >= 2 else "text"], x=x, width=w,
                  row=HEADER_LINES + placed.line)


def _cover(canvas: Canvas, page: _Page, st: dict, book: MemberPassbook, job: PassbookJob) -> None:
    lay = page.layout
    rows = [
        (_("Member"), book.name_lao + (f" ({book.name_latin})" if book.name_latin else "")),
        (_("Member number"), str(book.number)),
        (_("Group"), job.group_name),
        (_("Village"), book.village or job.village or ""),
        (_("Member since"), fmt_date(book.joined_on)),
    ]
    if book.nssf_number:
        rows.append((_("Social security number"), book.nssf_number))
    y = page.top
    title = pdf.para(_("Passbook"), st["big"])
    _w, h = title.wrap(page.width, 100 * mm)
    y -= h
    title.drawOn(canvas, page.x0, y)
    y -= 3 * mm
    label_w = page.width * 0.38
    for label, value in rows:
        lp, vp = pdf.para(label, st["small"]), pdf.para(value, st["title"])
        _w, lh = lp.wrap(label_w - 2, 100 * mm)
        _w, vh = vp.wrap(page.width - label_w, 100 * mm)
        h = max(lh, vh) + 2 * mm
        y -= h
        lp.drawOn(canvas, page.x0, y + h - lh - 1 * mm)
        vp.drawOn(canvas, page.x0 + label_w, y + h - vh - 1 * mm)
        canvas.setStrokeColor(colors.HexColor("#c8c8c8"))
        canvas.setLineWidth(0.3)
        canvas.line(page.x0, y, page.x0 + page.width, y)
    foot = []
    if job.seal:
        foot.append(_("Ledger seal {seal}").format(seal=format_seal(job.seal)))
    foot.append(_("Printed {when} by {who}").format(
        when=job.printed_at.strftime("%d/%m/%Y %H:%M"), who=job.printed_by))
    if job.is_demo:
        foot.insert(0, _("DEMO DATA"))
    p = pdf.para(" · ".join(foot), st["small"])
    _w, h = p.wrap(page.width, 40 * mm)
    p.drawOn(canvas, page.x0, (lay.bottom - lay.offset_y) * mm)


def write_passbook(job: PassbookJob, path: str | Path) -> int:
    """Write the job's pages (a cover where asked, then each section's book pages, a new
    PDF page per book page and per member). Returns the number of PDF pages (0: nothing
    to print, and no file is written)."""
    pages = sum(int(book.cover) + sum(len({p.page for p in part.lines})
                                      for part in book.sections)
                for book in job.members)
    if not pages:
        return 0
    layout = job.layout
    canvas = Canvas(str(path), pagesize=(layout.width * mm, layout.height * mm))
    canvas.setTitle(_("Passbook") + " · " + job.group_name)
    canvas.setAuthor("Kongthun")
    st = _styles(_font_size(layout))
    page = _Page(layout)
    for book in job.members:
        if book.cover:
            _cover(canvas, page, st, book, job)
            canvas.showPage()
        for part in book.sections:
            by_page: dict[int, list[PlacedLine]] = {}
            for placed in part.lines:
                by_page.setdefault(placed.page, []).append(placed)
            for number, lines in by_page.items():
                if number != part.continued_page:
                    _header(canvas, page, st, book, part, number, job)
                for placed in lines:
                    _line(canvas, page, st, placed, job)
                canvas.showPage()
    canvas.save()
    return pages


def write_calibration(layout: PageLayout, path: str | Path, *, group_name: str) -> None:
    """One page of the passbook's size: a millimetre ruler along the top and left edges,
    a 10 mm grid, the printable area and every line of the book. Printed on plain paper
    and held against the book, it shows how far to move the margins or the offset."""
    canvas = Canvas(str(path), pagesize=(layout.width * mm, layout.height * mm))
    canvas.setTitle(_("Calibration page"))
    width, height = layout.width, layout.height
    canvas.setStrokeColor(colors.HexColor("#d0d0d0"))
    canvas.setLineWidth(0.25)
    for x in range(10, width, 10):
        canvas.line(x * mm, 0, x * mm, height * mm)
    for y in range(10, height, 10):
        canvas.line(0, (height - y) * mm, width * mm, (height - y) * mm)
    canvas.setStrokeColor(colors.black)
    canvas.setFont(pdf.FONT, 5)
    for x in range(0, width + 1):
        tick = 4 if x % 10 == 0 else 2.5 if x % 5 == 0 else 1.2
        canvas.line(x * mm, height * mm, x * mm, (height - tick) * mm)
        if x % 10 == 0 and 0 < x < width:
            canvas.drawCentredString(x * mm, (height - 6.5) * mm, str(x))  # digits only
    for y in range(0, height + 1):
        tick = 4 if y % 10 == 0 else 2.5 if y % 5 == 0 else 1.2
        canvas.line(0, (height - y) * mm, tick * mm, (height - y) * mm)
        if y % 10 == 0 and 0 < y < height:
            canvas.drawString(5 * mm, (height - y) * mm - 1.7, str(y))
    page = _Page(layout)
    canvas.setStrokeColor(colors.HexColor("#1a5fb4"))
    canvas.setLineWidth(0.5)
    bottom = page.row_bottom(HEADER_LINES + layout.lines)
    canvas.rect(page.x0, bottom, page.width, page.top - bottom)
    canvas.setDash(2, 2)
    canvas.setLineWidth(0.3)
    for row in range(1, HEADER_LINES + layout.lines):
        canvas.line(page.x0, page.row_bottom(row), page.x0 + page.width, page.row_bottom(row))
    for x, _w in page.cols[1:]:
        canvas.line(x, bottom, x, page.row_bottom(HEADER_LINES))
    canvas.setDash()
    st = _styles(_font_size(layout))
    page.text(canvas, _("Calibration page") + " · " + group_name, st["title"], x=page.x0,
              width=page.width, row=1)
    page.text(canvas, _("{width} × {height} mm, {lines} lines").format(
        width=width, height=height, lines=layout.lines), st["small"], x=page.x0,
        width=page.width, row=2)
    note = pdf.para(_("Print this page on plain paper and hold it against a passbook page. "
                      "If the lines do not sit on the book's lines, change the margins or "
                      "the offset in the page settings."), st["small"])
    _w, h = note.wrap(page.width - 4 * mm, 60 * mm)
    y = page.row_bottom(HEADER_LINES + 2) - h
    canvas.setFillColor(colors.white)
    canvas.rect(page.x0 + 1 * mm, y - 1 * mm, page.width - 2 * mm, h + 2 * mm, stroke=0, fill=1)
    note.drawOn(canvas, page.x0 + 2 * mm, y)
    canvas.showPage()
    canvas.save()
