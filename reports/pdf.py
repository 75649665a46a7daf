"""What every Kongthun PDF shares: the merged Noto font (Latin, digits and Lao in one face),
shaped Lao paragraphs, styles in large type, page furniture.

ReportLab shapes Lao only in Paragraphs whose style has ``shaping=1`` (with uharfbuzz
installed); ``canvas.drawString(shaping=True)`` and the table ``SHAPING`` command do
nothing, so every piece of text — table cells included — goes through ``para()``.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedFragWord, TTFont, shapeFragWord
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText

from models.core.i18n import _
from models.core.seal import format_seal
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


PREPOSED_VOWELS = "\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4"  # ເ ແ ໂ ໃ ໄ: written before their consonant
FOLLOWING = "\u0eb0\u0eb2\u0eb3\u0ec6"  # ະ າ ຳ ໆ: never begin a line
WIDTH_SLACK = 0.98  # keep a little room for rounding


def _is_lao(ch: str) -> bool:
    return "\u0e80" <= ch <= "\u0eff"


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _break_points(word: str) -> list[list[int]]:
    """Where a word without spaces may break, best first: before a preposed vowel (a
    syllable surely starts there); before a consonant that carries a vowel or tone mark
    (an initial, not a final); anywhere else between two clusters of Lao."""
    tiers: list[list[int]] = [[], [], []]
    for i in range(1, len(word)):
        before, ch = word[i - 1], word[i]
        if not (_is_lao(ch) or _is_lao(before)):
            continue
        if _is_mark(ch) or ch in FOLLOWING or before in PREPOSED_VOWELS:
            continue
        after = word[i + 1] if i + 1 < len(word) else ""
        if ch in PREPOSED_VOWELS:
            tiers[0].append(i)
        elif after and (_is_mark(after) or after in FOLLOWING):
            tiers[1].append(i)
        else:
            tiers[2].append(i)
    return tiers


def shaped_width(text: str, font: str, size: float) -> float:
    """The width ``text`` takes once shaped (marks stacked, glyphs substituted)."""
    plain = pdfmetrics.stringWidth(text, font, size)
    if not text:
        return plain
    shaped = shapeFragWord([plain, (ABag(fontName=font, fontSize=size), text)])
    return shaped[0] if isinstance(shaped, ShapedFragWord) else plain


def _best_cut(word: str, fits) -> int | None:  # noqa: ANN001
    """The break of the best tier that still fills at least half of what the worst tier
    would."""
    fitting = [[i for i in tier if fits(word[:i])] for tier in _break_points(word)]
    longest = max((max(tier) for tier in fitting if tier), default=None)
    if longest is None:
        return None
    return next(max(tier) for tier in fitting if tier and max(tier) * 2 >= longest)


def break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces, and inside a run of
    Lao (which has no spaces between words) only between whole clusters, never between a
    consonant and its vowel or tone marks. Each line is then shaped whole: ReportLab's own
    splitting of a long word breaks shaped glyphs apart and prints empty boxes."""
    register_fonts()

    def fits(s: str) -> bool:
        return shaped_width(s, font, size) <= width * WIDTH_SLACK

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while word and not fits(word):
                cut = _best_cut(word, fits)
                if cut is None:
                    break  # one cluster wider than the line: leave it whole
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


class ShapedParagraph(Paragraph):
    """A Paragraph of plain text that breaks its own lines (``break_lines``) for the width
    it is given, so every line — the wrapped ones too — is shaped as a whole."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        self.plain = text
        self._broken_for: float | None = None
        super().__init__(self._markup([text]), style)

    @staticmethod
    def _markup(lines: Sequence[str]) -> str:
        return "<br/>".join(escape(line).replace("\n", "<br/>") for line in lines)

    def wrap(self, availWidth: float, availHeight: float):  # noqa: ANN201, N803
        style = self.style
        width = availWidth - style.leftIndent - style.rightIndent - style.firstLineIndent
        if width > 0 and width != self._broken_for:
            lines = break_lines(self.plain, style.fontName, style.fontSize, width)
            self._setup(self._markup(lines), style, self.bulletText, None, cleanBlockQuotedText)
            self._broken_for = width
        return super().wrap(availWidth, availHeight)


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A shaped paragraph of plain text (escaped; newlines become line breaks; every
    wrapped line shaped whole, see ``break_lines``)."""
    return ShapedParagraph(str(text), style)


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
