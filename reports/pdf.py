"""What every Kongthun PDF shares: the merged Noto font (Latin, digits and Lao in one face),
shaped Lao paragraphs, styles in large type, page furniture.

ReportLab shapes Lao only in Paragraphs whose style has ``shaping=1`` (with uharfbuzz
installed); ``canvas.drawString(shaping=True)`` and the table ``SHAPING`` command do
nothing, so every piece of text — table cells included — goes through ``para()``.
"""
from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from models.i18n import _
from models.seal import format_seal
from resources import font_path

FONT, FONT_BOLD = "KongthunPDF", "KongthunPDF-Bold"
_registered = False


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(font_path("KongthunPDF-Regular.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path("KongthunPDF-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    _registered = True


def styles(base_size: float = 11) -> dict[str, ParagraphStyle]:
    """Body, small, heading, title, right-aligned number and centred styles; all shaped.
    Lao stacks marks above and below the line, so leading is generous (1.5×)."""
    register_fonts()

    def style(name: str, size: float, *, font: str = FONT, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.5,
                              shaping=1, **kw)

    return {
        "body": style("body", base_size),
        "small": style("small", base_size - 2, textColor=colors.HexColor("#444444")),
        "bold": style("bold", base_size, font=FONT_BOLD),
        "number": style("number", base_size, alignment=TA_RIGHT),
        "number_bold": style("number_bold", base_size, font=FONT_BOLD, alignment=TA_RIGHT),
        "centre": style("centre", base_size, alignment=TA_CENTER),
        "heading": style("heading", base_size + 3, font=FONT_BOLD, spaceBefore=6, spaceAfter=4),
        "title": style("title", base_size + 7, font=FONT_BOLD, spaceAfter=6),
    }


def place(group_name: str, village: str | None) -> str:
    """The group and its village for a page's first line; the village once only (group
    names often already end with it)."""
    if not village or village in group_name:
        return group_name
    return f"{group_name} · {village}"


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A shaped paragraph of plain text (escaped; newlines become line breaks)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def table(rows: Sequence[Sequence[object]], col_widths: Sequence[float], *,
          header_rows: int = 1, total_row: bool = False,
          zebra: bool = True) -> Table:
    """A table of Paragraph cells with a shaded header, light grid and zebra rows.
    Cells must already be flowables (use ``para``)."""
    t = Table(list(rows), colWidths=list(col_widths), repeatRows=header_rows, hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#dfe8f1")))
    if zebra:
        for r in range(header_rows, len(rows) - (1 if total_row else 0)):
            if (r - header_rows) % 2:
                commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f4f6f8")))
    if total_row:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black))
    t.setStyle(TableStyle(commands))
    return t


def pairs(rows: Sequence[tuple[str, str]], st: dict, *, width: float, label_width: float,
          bold: bool = False, padding: float = 2) -> Table:
    """Label–value lines without a header row: small grey labels, a hairline under each."""
    value_style = st["bold"] if bold else st["body"]
    t = Table([[para(label, st["small"]), para(value, value_style)] for label, value in rows],
              colWidths=[label_width, width - label_width], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8c8c8")),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]))
    return t


def signatures(roles: Sequence[str], st: dict, *, width: float, line: int = 26) -> Table:
    """A line to sign above each role, side by side, no grid."""
    t = Table([[para("_" * line, st["body"]) for _role in roles],
               [para(role, st["small"]) for role in roles]],
              colWidths=[width / len(roles)] * len(roles), hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def footer(printed_at, printed_by: str, *, is_demo: bool, seal: str | None = None) -> str:  # noqa: ANN001
    """The line at the foot of every page: the ledger seal (when the page shows the
    ledger's state), when and by whom it was printed, and DEMO DATA for demo groups."""
    when = printed_at.strftime("%d/%m/%Y %H:%M")
    if seal:
        text = _("Ledger seal {seal} · printed {when} by {who}").format(
            seal=format_seal(seal), when=when, who=printed_by)
    else:
        text = _("Printed {when} by {who}").format(when=when, who=printed_by)
    if is_demo:
        text = _("DEMO DATA") + " · " + text
    return text + " ·"


def document(path: str, *, title: str, size: str = "A4", footer: str = "") -> SimpleDocTemplate:
    """A document with 15 mm margins whose pages carry ``footer`` and the page number."""
    register_fonts()
    pagesize = A5 if size == "A5" else A4
    doc = SimpleDocTemplate(str(path), pagesize=pagesize, title=title, author="Kongthun",
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm)
    doc.kongthun_footer = footer
    return doc


def build(doc: SimpleDocTemplate, story: list) -> None:
    """Build with the footer (shaped through a Paragraph, so Lao footers render)."""
    footer_style = styles(8)["small"]

    def on_page(canvas, document) -> None:  # noqa: ANN001
        canvas.saveState()
        text = f"{document.kongthun_footer}   {document.page}".strip()
        p = para(text, footer_style)
        width = document.pagesize[0] - document.leftMargin - document.rightMargin
        _, h = p.wrap(width, 20 * mm)
        p.drawOn(canvas, document.leftMargin, 8 * mm)
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
