"""The auditor's workbook of one group and period, from
``models.statements.auditor_rows.AuditorData``.

Sheets: cover (the ledger seal and the verify result), trial balance, balance sheet and
income statement by fund, cash book with the cash counts, journal (every line, hashes and
reversal links), members, loan portfolio (PAR30/60/90 on top), welfare claims, meetings,
share-outs, audit log. Every total is a ``=SUM`` with the ledger's own figure and a check
cell beside it (``reports/xlsx.py``). The journal and the cash book stream from the ledger.
"""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

from models.core.chart import FUND_NAMES, KIND_NAMES
from models.core.entry_text import kind_name
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.money import currency
from models.core.seal import format_seal
from models.loans.policy import LOAN_METHOD_NAMES
from models.meetings.attendance import ATTENDANCE, ATTENDANCE_NAMES
from models.statements.auditor_rows import AuditorData, FundPosition
from models.welfare.register import STATUS_NAMES
from models.welfare.rules import BENEFICIARY_NAMES
from reports.xlsx import (
    CHECK,
    CHECK_FILL,
    COUNT,
    DATE,
    DATETIME,
    LEDGER,
    MONEY,
    PERCENT,
    SHARE_VALUE,
    TEXT,
    TOTAL,
    Book,
    Col,
    Progress,
)

NO_FUND = N_("Not in a fund")
COUNT_KIND = N_("Cash count")


def app_version() -> str:
    try:
        return importlib.metadata.version("kongthun")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def write_auditor_workbook(data: AuditorData, path: Path | str, *, language: str,
                           progress: Progress | None = None) -> None:
    """Write the workbook to ``path`` (through a temporary file renamed at the end).
    ``progress(done, total)`` is called as rows are written; returning False cancels
    (``models.core.errors.UserCancelled``) and leaves no file."""
    cover = data.cover
    book = Book(language=language, cur=currency(cover.currency), progress=progress,
                total=data.journal_lines + 2 * cover.period_entries + 200)
    t = book.t
    name = cover.group_name + (f" ({cover.group_latin})" if cover.group_latin else "")
    subtitle = t(N_("{group} · {start} to {end}")).format(
        group=name, start=fmt_date(cover.start), end=fmt_date(cover.end))
    try:
        _cover(book, data, name)
        for write in (_trial_balance, _balance_sheet, _income, _cash_book, _journal, _members,
                      _loans, _claims, _meetings, _share_outs, _audit_log):
            write(book, data, subtitle)
    except BaseException:
        book.discard()
        raise
    book.save(path)


def _fund_name(book: Book, fund: str | None) -> str:
    if fund is None:
        return book.t(NO_FUND)
    return book.t(FUND_NAMES[fund]) if fund in FUND_NAMES else fund


def _cover(book: Book, data: AuditorData, name: str) -> None:
    t, cover = book.t, data.cover
    columns = [Col(N_("What"), width=34), Col(N_("Value"), width=72)]
    sheet = book.sheet(N_("Cover"), columns, heading=t(N_("Auditor's workbook")),
                       subtitle=name)
    sheet.header()
    if cover.problems:
        verdict = t(N_("{count} problems found")).format(count=len(cover.problems))
    else:
        verdict = t(N_("All checks passed."))
    rows = [
        (N_("Group"), cover.group_name, TEXT),
        (N_("Name in Latin letters"), cover.group_latin or "", TEXT),
        (N_("Village"), cover.village or "", TEXT),
        (N_("District"), cover.district or "", TEXT),
        (N_("Currency"), cover.currency, TEXT),
        (N_("Period from"), cover.start, DATE),
        (N_("Period to"), cover.end, DATE),
        (N_("Exported by"), cover.exported_by, TEXT),
        (N_("Exported at"), cover.exported_at, DATETIME),
        (N_("Ledger seal (head of the hash chain)"),
         format_seal(cover.seal) or t(N_("no entries yet")), TEXT),
        (N_("The whole hash of the chain head"), cover.seal or "", TEXT),
        (N_("Entries in the whole ledger"), cover.total_entries, COUNT),
        (N_("Entries in this period"), cover.period_entries, COUNT),
        (N_("Verify at export time"), verdict, TEXT),
        (N_("Kongthun version"), app_version(), TEXT),
    ]
    if cover.is_demo:
        rows.insert(0, (N_("Demo data"), t(N_("DEMO DATA")), TEXT))
    for label, value, kind in rows:
        sheet.append([book.cell(sheet.ws, t(label), bold=True), book.cell(sheet.ws, value, kind)])
    for message, params in cover.problems:
        sheet.append([None, book.cell(sheet.ws, t(message).format(**params), wrap=True)])
    sheet.append([])
    sheet.append([book.cell(sheet.ws, t(N_(
        "Every total in this workbook is a formula over its rows; beside it is the ledger's "
        "own figure and a check cell that shows any difference (0 when they agree).")),
        wrap=False)])
    book.tick(20)


def _trial_balance(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Code"), width=8), Col(N_("Account"), width=34), Col(N_("Kind")),
               Col(N_("Fund")), Col(N_("Debit"), MONEY), Col(N_("Credit"), MONEY)]
    rows = [(r.code, t(r.name), t(KIND_NAMES.get(r.kind, r.kind)),
             _fund_name(book, r.fund) if r.fund else "", r.debit, r.credit)
            for r in data.trial_balance]
    sheet = book.sheet(N_("Trial balance"), columns, samples=rows,
                       heading=t(N_("Trial balance at {date}")).format(
                           date=fmt_date(data.cover.end)),
                       subtitle=subtitle)
    sheet.header()
    for row in rows:
        sheet.data(row)
    marks = sheet.totals({4: sum(r.debit for r in data.trial_balance),
                          5: sum(r.credit for r in data.trial_balance)}, label_column=1)
    sheet.append([None, book.cell(sheet.ws, t(N_("Debits less credits (should be 0)")), bold=True,
                                  fill=CHECK_FILL),
                  None, None, book.cell(sheet.ws, f"=E{marks['total']}-F{marks['total']}", MONEY,
                                        bold=True, fill=CHECK_FILL)])
    book.tick(20)


def _label_row(book: Book, sheet, text: str, *, column: int = 1) -> None:  # noqa: ANN001
    cells = [None] * column + [book.cell(sheet.ws, text, bold=True)]
    sheet.append(cells)


def _balance_sheet(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Code"), width=8), Col(N_("Account"), width=46), Col(N_("Amount"), MONEY)]
    sheet = book.sheet(N_("Balance sheet"), columns,
                       heading=t(N_("Balance sheet by fund at {date}")).format(
                           date=fmt_date(data.cover.end)), subtitle=subtitle)
    sheet.header()
    cash_cells = []
    for fund in data.funds:
        sheet.append([])
        _label_row(book, sheet, _fund_name(book, fund.fund), column=0)
        _label_row(book, sheet, t(N_("Assets")))
        first = sheet.row + 1
        for line in fund.assets:
            sheet.data((line.code, t(line.name), line.amount))
        sheet.data(("", t(N_("Cash and bank held for this fund")), fund.cash_share))
        cash_cells.append(f"C{sheet.row}")
        assets_total = _sum_row(book, sheet, t(N_("Total assets")), first, sheet.row)
        _label_row(book, sheet, t(N_("Liabilities and the fund")))
        first = sheet.row + 1
        for line in fund.liabilities + fund.equity:
            sheet.data((line.code, t(line.name), line.amount))
        sheet.data(("", t(N_("Income less expenses, not yet closed")), fund.unclosed_result))
        claims_total = _sum_row(book, sheet, t(N_("Total liabilities and the fund")), first,
                                sheet.row)
        _check_rows(book, sheet, fund.worth, [assets_total, claims_total])
    sheet.append([])
    _label_row(book, sheet, t(N_("Cash box and bank, all funds")), column=0)
    sheet.append([None, book.cell(sheet.ws, t(TOTAL), bold=True),
                  book.cell(sheet.ws, "=" + "+".join(cash_cells or ["0"]), MONEY, bold=True)])
    total_row = sheet.row
    _check_rows(book, sheet, data.cash_closing + data.bank_closing, [total_row])
    book.tick(20)


def _sum_row(book: Book, sheet, label: str, first: int, last: int) -> int:  # noqa: ANN001
    total = f"=SUM(C{first}:C{last})" if last >= first else 0
    sheet.append([None, book.cell(sheet.ws, label, bold=True),
                  book.cell(sheet.ws, total, MONEY, bold=True)])
    return sheet.row


def _check_rows(book: Book, sheet, figure: int, totals: list[int]) -> None:  # noqa: ANN001
    t = book.t
    sheet.append([None, book.cell(sheet.ws, t(LEDGER)), book.cell(sheet.ws, figure, MONEY)])
    ledger_row = sheet.row
    for row in totals:
        sheet.append([None, book.cell(sheet.ws, t(CHECK), bold=True, fill=CHECK_FILL),
                      book.cell(sheet.ws, f"=C{row}-C{ledger_row}", MONEY, bold=True,
                                fill=CHECK_FILL)])


def _income(book: Book, data: AuditorData, subtitle: str) -> None:
    t, cover = book.t, data.cover
    columns = [Col(N_("Code"), width=8), Col(N_("Account"), width=46), Col(N_("Amount"), MONEY)]
    sheet = book.sheet(N_("Income statement"), columns,
                       heading=t(N_("Income and expenses by fund, {start} to {end}")).format(
                           start=fmt_date(cover.start), end=fmt_date(cover.end)),
                       subtitle=subtitle)
    sheet.header()
    for fund in data.funds:
        _fund_income(book, sheet, fund)
    book.tick(20)


def _fund_income(book: Book, sheet, fund: FundPosition) -> None:  # noqa: ANN001
    t = book.t
    sheet.append([])
    _label_row(book, sheet, _fund_name(book, fund.fund), column=0)
    _label_row(book, sheet, t(N_("Income")))
    first = sheet.row + 1
    for line in fund.income:
        sheet.data((line.code, t(line.name), line.amount))
    income = _sum_row(book, sheet, t(N_("Total income")), first, sheet.row)
    _label_row(book, sheet, t(N_("Expenses")))
    first = sheet.row + 1
    for line in fund.expenses:
        sheet.data((line.code, t(line.name), line.amount))
    expenses = _sum_row(book, sheet, t(N_("Total expenses")), first, sheet.row)
    sheet.append([None, book.cell(sheet.ws, t(N_("Income less expenses")), bold=True),
                  book.cell(sheet.ws, f"=C{income}-C{expenses}", MONEY, bold=True)])
    _check_rows(book, sheet, fund.result, [sheet.row])


def _cash_book(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Date"), DATE), Col(N_("Entry"), COUNT, width=8), Col(N_("Kind"), width=26),
               Col(N_("Memo"), width=40), Col(N_("Cash in"), MONEY), Col(N_("Cash out"), MONEY),
               Col(N_("Cash box"), MONEY), Col(N_("Bank in"), MONEY),
               Col(N_("Bank out"), MONEY), Col(N_("Bank"), MONEY),
               Col(N_("Counted"), MONEY), Col(N_("Difference"), MONEY)]
    sheet = book.sheet(N_("Cash book"), columns, heading=t(N_("Cash book")), subtitle=subtitle)
    sheet.header()
    sheet.data((data.cover.start, None, t(N_("Opening balance")), "", None, None,
                data.cash_opening, None, None, data.bank_opening))
    opening_row = sheet.row
    for row in data.cash_rows():
        if row.kind == "count":
            sheet.data((row.value_date, None, t(COUNT_KIND), row.memo, None, None,
                        row.cash_balance, None, None, row.bank_balance, row.counted,
                        row.difference))
        else:
            sheet.data((row.value_date, row.seq, kind_name(row.kind, book.language), row.memo,
                        max(row.cash, 0) or None, max(-row.cash, 0) or None, row.cash_balance,
                        max(row.bank, 0) or None, max(-row.bank, 0) or None, row.bank_balance))
        book.tick()
    last = sheet.row
    sheet.append([])
    total = sheet.row + 1
    sums = [book.cell(sheet.ws, t(TOTAL), bold=True)] + [None] * 11
    for i in (4, 5, 7, 8, 11):
        sums[i] = book.cell(sheet.ws, f"=SUM({sheet.span(i, last)})", MONEY, bold=True)
    sheet.append(sums)
    closing = [book.cell(sheet.ws, t(N_("Closing balance")), bold=True)] + [None] * 11
    closing[6] = book.cell(sheet.ws, f"=G{opening_row}+E{total}-F{total}", MONEY, bold=True)
    closing[9] = book.cell(sheet.ws, f"=J{opening_row}+H{total}-I{total}", MONEY, bold=True)
    sheet.append(closing)
    ledger = [book.cell(sheet.ws, t(LEDGER))] + [None] * 11
    ledger[6] = book.cell(sheet.ws, data.cash_closing, MONEY)
    ledger[9] = book.cell(sheet.ws, data.bank_closing, MONEY)
    sheet.append(ledger)
    check = [book.cell(sheet.ws, t(CHECK), bold=True, fill=CHECK_FILL)] + [None] * 11
    check[6] = book.cell(sheet.ws, f"=G{total + 1}-G{total + 2}", MONEY, bold=True,
                         fill=CHECK_FILL)
    check[9] = book.cell(sheet.ws, f"=J{total + 1}-J{total + 2}", MONEY, bold=True,
                         fill=CHECK_FILL)
    sheet.append(check)
    sheet.filter(last)


def _journal(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Entry"), COUNT, width=8), Col(N_("Date"), DATE),
               Col(N_("Recorded at"), DATETIME), Col(N_("By"), width=12),
               Col(N_("Kind"), width=26), Col(N_("Memo"), width=40),
               Col(N_("Cancels entry"), COUNT, width=10), Col(N_("Cancelled by entry"), COUNT,
                                                              width=10),
               Col(N_("Hash"), width=66), Col(N_("Line"), COUNT, width=6),
               Col(N_("Account code"), width=9), Col(N_("Account"), width=30),
               Col(N_("Member"), width=26), Col(N_("Loan"), COUNT, width=8),
               Col(N_("Debit"), MONEY), Col(N_("Credit"), MONEY)]
    sheet = book.sheet(N_("Journal"), columns, heading=t(N_("Journal")), subtitle=subtitle)
    sheet.header()
    previous = None
    for row in data.journal_rows():
        first = row.seq != previous
        previous = row.seq
        # The entry's own facts once, on its first line; every line keeps its entry number,
        # date and kind so a filter still shows whole entries.
        sheet.data((row.seq, row.value_date, row.recorded_at if first else None,
                    row.user if first else None, kind_name(row.kind, book.language),
                    row.memo if first else None, row.reverses_seq if first else None,
                    row.reversed_by_seq if first else None, row.hash if first else None,
                    row.line_no, row.account_code, t(row.account_name), row.member or None,
                    row.loan_number, row.amount if row.amount > 0 else None,
                    -row.amount if row.amount < 0 else None))
        book.tick()
    marks = sheet.totals({14: data.journal_debits, 15: data.journal_debits}, label_column=5)
    cells = [None] * 16
    cells[5] = book.cell(sheet.ws, t(N_("Debits less credits (should be 0)")), bold=True,
                         fill=CHECK_FILL)
    cells[14] = book.cell(sheet.ws, f"=O{marks['total']}-P{marks['total']}", MONEY, bold=True,
                          fill=CHECK_FILL)
    sheet.append(cells)


def _members(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("No."), COUNT, width=6), Col(N_("Name")), Col(N_("Name in Latin letters")),
               Col(N_("Status")), Col(N_("Joined"), DATE),
               Col(N_("Savings at the start"), MONEY), Col(N_("Savings at the end"), MONEY),
               Col(N_("Loans owed"), MONEY), Col(N_("Fines owed"), MONEY),
               Col(N_("Welfare contributions in the period"), MONEY)]
    columns += [Col(title, MONEY) for title in data.member_columns]
    rows = [(m.number, m.name, m.name_latin or "", t(_member_status(m.status)), m.joined_on,
             m.opening_savings, m.closing_savings, m.loans, m.fines_owed,
             m.welfare_contributions, *m.extra) for m in data.members]
    sheet = book.sheet(N_("Members"), columns, samples=rows, heading=t(N_("Members")),
                       subtitle=subtitle)
    sheet.header()
    for row in rows:
        sheet.data(row)
    keys = ["opening_savings", "closing_savings", "loans", "fines_owed", "welfare_contributions"]
    keys += list(data.member_column_keys)
    sheet.totals({5 + i: data.member_ledger.get(key) for i, key in enumerate(keys)},
                 label_column=1)
    book.tick(20)


def _member_status(status: str) -> str:
    return {"active": N_("Active"), "left": N_("Left"), "deceased": N_("Deceased")}.get(status,
                                                                                       status)


def _loans(book: Book, data: AuditorData, subtitle: str) -> None:
    t, risk = book.t, data.risk
    columns = [Col(N_("Loan"), COUNT, width=8), Col(N_("No."), COUNT, width=6),
               Col(N_("Member")), Col(N_("Amount"), MONEY), Col(N_("Rate a year"), PERCENT,
                                                                width=10),
               Col(N_("Installments"), COUNT, width=10), Col(N_("Method")),
               Col(N_("Paid out"), DATE), Col(N_("Principal paid"), MONEY),
               Col(N_("Interest paid"), MONEY), Col(N_("Outstanding"), MONEY),
               Col(N_("Overdue"), MONEY), Col(N_("Penalties owed"), MONEY),
               Col(N_("Days overdue"), COUNT, width=10), Col(N_("Aging"))]
    rows = [(x.number, x.member_number, x.member_name, x.amount, x.annual_rate_bp / 10000,
             x.installments, t(LOAN_METHOD_NAMES.get(x.method, x.method)), x.disbursed_on,
             x.principal_paid, x.interest_paid, x.outstanding, x.overdue, x.penalties,
             x.days_overdue, t(x.bucket) if x.bucket else "") for x in data.loans]
    preamble = 5
    par_labels = ("", "", t(N_("Outstanding of loans overdue more than N days")), t(LEDGER),
                  t(CHECK), t(N_("Share of the portfolio")))
    sheet = book.sheet(N_("Loan portfolio"), columns, samples=[*rows, par_labels],
                       preamble=preamble,
                       heading=t(N_("Loan portfolio at {date}")).format(
                           date=fmt_date(data.cover.end)), subtitle=subtitle)
    first = sheet.header_row + 1
    last = max(first + len(rows) - 1, first)
    days, outstanding = f"N{first}:N{last}", f"K{first}:K{last}"
    sheet.append([book.cell(sheet.ws, t(N_("Portfolio at risk")), bold=True), None,
                  book.cell(sheet.ws, t(N_("Outstanding of loans overdue more than N days")),
                            bold=True),
                  book.cell(sheet.ws, t(LEDGER), bold=True),
                  book.cell(sheet.ws, t(CHECK), bold=True, fill=CHECK_FILL),
                  book.cell(sheet.ws, t(N_("Share of the portfolio")), bold=True)])
    for n in (30, 60, 90):
        r = sheet.row + 1
        sheet.append([book.cell(sheet.ws, f"PAR{n}", bold=True), book.cell(sheet.ws, n, COUNT),
                      book.cell(sheet.ws, f'=SUMIF({days},">"&B{r},{outstanding})', MONEY),
                      book.cell(sheet.ws, risk.at_risk[n] if risk else 0, MONEY),
                      book.cell(sheet.ws, f"=C{r}-D{r}", MONEY, fill=CHECK_FILL),
                      book.cell(sheet.ws, f"=IF(SUM({outstanding})=0,0,C{r}/SUM({outstanding}))",
                                PERCENT)])
    sheet.append([])
    sheet.header()
    for row in rows:
        sheet.data(row)
    sheet.totals({3: None, 8: None, 9: None, 10: data.loans_ledger, 11: None, 12: None},
                 label_column=2)
    book.tick(20)


def _claims(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Claim"), COUNT, width=8), Col(N_("No."), COUNT, width=6),
               Col(N_("Member")), Col(N_("Claim type")), Col(N_("Event date"), DATE),
               Col(N_("Claim date"), DATE), Col(N_("For whom")), Col(N_("Asked"), MONEY),
               Col(N_("Status")), Col(N_("Rule results"), width=70), Col(N_("Approved by")),
               Col(N_("Refused by")), Col(N_("Granted"), MONEY), Col(N_("Still owed"), MONEY)]
    rows = []
    for c in data.claims:
        rules = "; ".join(
            ("✓ " if passed else "✗ ") + t(label) + ": " + t(message).format(**params)
            for label, passed, message, params in c.rules)
        rows.append((c.number, c.member_number, c.member_name, t(c.type_name), c.event_date,
                     c.claim_date, t(BENEFICIARY_NAMES.get(c.beneficiary, c.beneficiary)),
                     c.amount_asked, t(STATUS_NAMES.get(c.status, c.status)), rules,
                     ", ".join(c.approvers), c.rejected_by or "", c.granted, c.owed))
    sheet = book.sheet(N_("Welfare claims"), columns, heading=t(N_("Welfare claims")),
                       samples=[r[:9] + ("",) + r[10:] for r in rows], subtitle=subtitle)
    sheet.header()
    for row in rows:
        sheet.data(row)
    sheet.totals({7: None, 12: data.claims_ledger, 13: None}, label_column=2)
    book.tick(20)


def _meetings(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Date"), DATE), Col(N_("Status"))]
    columns += [Col(ATTENDANCE_NAMES[s], COUNT) for s in ATTENDANCE]
    columns += [Col(label, MONEY) for label in data.meeting_columns]
    sheet = book.sheet(N_("Meetings"), columns, heading=t(N_("Meetings")), subtitle=subtitle)
    sheet.header()
    statuses = {"open": N_("Open"), "posted": N_("Posted")}
    for m in data.meetings:
        sheet.data((m.meeting_date, t(statuses.get(m.status, m.status)), *m.attendance,
                    *m.amounts))
    sheet.totals({i: None for i in range(2, len(columns))}, label_column=1)
    book.tick(20)


def _share_outs(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("Date"), DATE), Col(N_("Cycle"), COUNT, width=8),
               Col(N_("No."), COUNT, width=6), Col(N_("Member")), Col(N_("Savings"), MONEY),
               Col(N_("Shares"), COUNT), Col(N_("Value of one share"), SHARE_VALUE),
               Col(N_("Payout"), MONEY), Col(N_("Debts netted"), MONEY),
               Col(N_("Re-invested"), MONEY), Col(N_("Paid in cash"), MONEY),
               Col(N_("Debt left"), MONEY), Col(N_("Her funds paid out (NSSF pot)"), MONEY),
               Col(N_("Put into her funds from the payout"), MONEY),
               Col(N_("Cash handed to her"), MONEY)]
    rows = [(s.share_out_date, s.cycle, s.member_number, s.member_name, s.savings, s.shares,
             s.value_per_share, s.payout, s.debts_netted, s.reinvested, s.cash_paid, s.debt_left,
             s.funds_paid_out, s.funds_topped_up, s.cash_in_hand)
            for s in data.share_outs]
    sheet = book.sheet(N_("Share-outs"), columns, samples=rows, heading=t(N_("Share-outs")),
                       subtitle=subtitle)
    sheet.header()
    for row in rows:
        sheet.data(row)
    sheet.totals({i: None for i in (4, 7, 8, 9, 10, 11, 12, 13, 14)}, label_column=3)
    book.tick(20)


def _audit_log(book: Book, data: AuditorData, subtitle: str) -> None:
    t = book.t
    columns = [Col(N_("When"), DATETIME), Col(N_("User"), width=14), Col(N_("Action"), width=24),
               Col(N_("Done"), width=8), Col(N_("Details"), width=90)]
    sheet = book.sheet(N_("Audit log"), columns, heading=t(N_("Audit log")), subtitle=subtitle)
    sheet.header()
    yes, no = t(N_("yes")), t(N_("no"))
    for e in data.audit:
        sheet.data((e.at, e.username, e.action, yes if e.ok else no, e.detail))
    sheet.filter()
    book.tick(20)

