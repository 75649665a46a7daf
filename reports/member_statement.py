"""One member's statement (``models.statements.member.MemberStatement``) as a workbook or a
one-page PDF, for the member herself or for a dispute.

Both show, per pot (savings, loans, fines, welfare, NSSF pot), the balance at the start, what
raised and lowered it and the balance at the end beside the ledger's figure; then every
movement with the pot's running balance. The PDF fits one A4 page: a long period is set in
smaller type (``KeepInFrame`` shrinks it) rather than running onto a second page.
"""
from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Spacer

from models.core.entry_text import kind_name
from models.core.errors import UserCancelled
from models.core.i18n import N_, gettext
from models.core.ledger import fmt_date
from models.core.money import currency, format_money
from models.core.seal import format_seal
from models.statements.member import MemberStatement
from reports import pdf
from reports.xlsx import CHECK, CHECK_FILL, COUNT, DATE, LEDGER, MONEY, Book, Col, Progress

WHOSE = {"asset": N_("she owes"), "liability": N_("held for her"),
         "equity": N_("she paid in"), "income": N_("she paid in"),
         "expense": N_("paid to her")}


def _subtitle(st: MemberStatement, t) -> str:  # noqa: ANN001
    name = st.member_name + (f" ({st.member_latin})" if st.member_latin else "")
    return t(N_("Member {number}: {name} · {group} · {start} to {end}")).format(
        number=st.member_number, name=name, group=pdf.place(st.group_name, st.village),
        start=fmt_date(st.start), end=fmt_date(st.end))


def write_statement_workbook(st: MemberStatement, path: Path | str, *, language: str,
                             progress: Progress | None = None) -> None:
    book = Book(language=language, cur=currency(st.currency), progress=progress,
                total=len(st.lines) + 10)
    try:
        _statement_sheets(book, st, language)
    except BaseException:
        book.discard()
        raise
    book.save(path)


def _statement_sheets(book: Book, st: MemberStatement, language: str) -> None:
    t = book.t
    subtitle = _subtitle(st, t)
    columns = [Col(N_("Code"), width=8), Col(N_("Account"), width=34), Col(N_("Whose")),
               Col(N_("At the start"), MONEY), Col(N_("Went up"), MONEY),
               Col(N_("Went down"), MONEY), Col(N_("At the end"), MONEY), Col(LEDGER, MONEY),
               Col(CHECK, MONEY)]
    rows = [(p.code, t(p.name), t(WHOSE.get(p.kind, p.kind)), p.opening,
             p.increases, p.decreases) for p in st.pots]
    sheet = book.sheet(N_("Summary"), columns, samples=rows,
                       heading=t(N_("Member statement")), subtitle=subtitle)
    sheet.header()
    for p, row in zip(st.pots, rows, strict=True):
        r = sheet.row + 1
        sheet.append([*(book.cell(sheet.ws, v, c.kind) for v, c in zip(row, columns,
                                                                         strict=False)),
                      book.cell(sheet.ws, f"=D{r}+E{r}-F{r}", MONEY, bold=True),
                      book.cell(sheet.ws, p.closing, MONEY),
                      book.cell(sheet.ws, f"=G{r}-H{r}", MONEY, bold=True, fill=CHECK_FILL)])
    sheet.filter()
    book.tick(5)
    columns = [Col(N_("Date"), DATE), Col(N_("Entry"), COUNT, width=8), Col(N_("Kind"), width=26),
               Col(N_("Memo"), width=40), Col(N_("Account"), width=30),
               Col(N_("Went up"), MONEY), Col(N_("Went down"), MONEY),
               Col(N_("Balance after"), MONEY)]
    moves = book.sheet(N_("Movements"), columns, heading=t(N_("Every movement")),
                       subtitle=subtitle)
    moves.header()
    for line in st.lines:
        moves.data((line.value_date, line.seq, kind_name(line.kind, language), line.memo,
                    t(line.pot_name), line.amount if line.amount > 0 else None,
                    -line.amount if line.amount < 0 else None, line.balance))
        book.tick()
    moves.totals({5: sum(max(x.amount, 0) for x in st.lines),
                  6: sum(max(-x.amount, 0) for x in st.lines)}, label_column=3)


def write_statement_pdf(st: MemberStatement, path: Path | str, *, language: str,
                        progress: Progress | None = None) -> None:
    """One A4 page in ``language`` (through a temporary file, renamed at the end)."""
    cur = currency(st.currency)

    def t(message: str) -> str:
        return gettext(message, language)
    base = 10 if len(st.lines) <= 30 else 8
    s = pdf.styles(base)
    width = 180 * mm
    story = [pdf.para(t(N_("Member statement")), s["title"]),
             pdf.para(_subtitle(st, t), s["body"]), Spacer(1, 3 * mm)]
    rows = [[pdf.para(t(h), s["bold"]) for h in (N_("Account"), N_("At the start"),
                                                 N_("Went up"), N_("Went down"),
                                                 N_("At the end"))]]
    for p in st.pots:
        name = f"{t(p.name)} ({t(WHOSE.get(p.kind, p.kind))})"
        rows.append([pdf.para(name, s["body"])] + [
            pdf.para(format_money(v, cur), s["number"])
            for v in (p.opening, p.increases, p.decreases, p.closing)])
    story.append(pdf.table(rows, [68 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm]))
    story.append(Spacer(1, 4 * mm))
    story.append(pdf.para(t(N_("Every movement")), s["heading"]))
    small = pdf.styles(base - 2)
    heads = (N_("Date"), N_("Entry"), N_("Kind"), N_("Held for her"), N_("Balance"),
             N_("She owes"), N_("Balance"), N_("She paid in"), N_("Paid to her"))
    rows = [[pdf.para(t(h), small["bold"]) for h in heads]]
    entries = _by_entry(st)
    for i, e in enumerate(entries):
        rows.append([pdf.para(fmt_date(e["date"]), small["body"]),
                     pdf.para(e["seq"], small["number"]),
                     pdf.para(kind_name(e["kind"], language), small["body"])] +
                    [pdf.para(_signed(e.get(k), cur), small["number"])
                     for k in ("held", "held_balance", "owes", "owes_balance", "paid_in",
                               "paid_out")])
        if progress is not None and i % 50 == 0 and not progress(i, len(entries) + 1):
            raise UserCancelled()
    if len(rows) == 1:
        rows.append([pdf.para(t(N_("No movements in this period.")), small["body"])] +
                    [pdf.para("", small["body"])] * 8)
    moves = pdf.table(rows, [21 * mm, 13 * mm, 28 * mm, 20 * mm, 20 * mm, 20 * mm, 20 * mm,
                             19 * mm, 19 * mm])
    moves.setStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    story.append(moves)
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    doc = pdf.document(str(partial), title=t(N_("Member statement")),
                       footer=_footer(st, t))
    try:
        pdf.build(doc, [KeepInFrame(width, doc.height, story, mode="shrink")])
        if progress is not None and not progress(len(st.lines) + 1, len(st.lines) + 1):
            raise UserCancelled()
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


def _signed(value: int | None, cur) -> str:  # noqa: ANN001
    return "" if value is None else format_money(value, cur)


def _by_entry(st: MemberStatement) -> list[dict]:
    """One row per entry: the change of what the group holds for her and of what she owes
    (with both running totals), what she paid in (contributions, interest, fines) and what
    was paid to her (benefits)."""
    held = sum(p.opening for p in st.pots if p.kind == "liability")
    owes = sum(p.opening for p in st.pots if p.kind == "asset")
    rows: list[dict] = []
    for line in st.lines:
        if not rows or rows[-1]["seq"] != line.seq:
            rows.append({"date": line.value_date, "seq": line.seq, "kind": line.kind})
        row = rows[-1]
        kind = st_kind(st, line.pot_code)
        if kind == "liability":
            held += line.amount
            row["held"] = row.get("held", 0) + line.amount
        elif kind == "asset":
            owes += line.amount
            row["owes"] = row.get("owes", 0) + line.amount
        elif kind == "expense":
            row["paid_out"] = row.get("paid_out", 0) + line.amount
        else:
            row["paid_in"] = row.get("paid_in", 0) + line.amount
        row["held_balance"], row["owes_balance"] = held, owes
    return rows


def st_kind(st: MemberStatement, code: str) -> str:
    return next((p.kind for p in st.pots if p.code == code), "")


def _footer(st: MemberStatement, t) -> str:  # noqa: ANN001
    """``reports.pdf.footer`` in the statement's own language."""
    when = st.printed_at.strftime("%d/%m/%Y %H:%M")
    if st.seal:
        text = t("Ledger seal {seal} · printed {when} by {who}").format(
            seal=format_seal(st.seal), when=when, who=st.printed_by)
    else:
        text = t("Printed {when} by {who}").format(when=when, who=st.printed_by)
    if st.is_demo:
        text = t("DEMO DATA") + " · " + text
    return text + " ·"
