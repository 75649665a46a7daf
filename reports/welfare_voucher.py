"""The welfare claim voucher the member keeps: what was claimed, the rule check, who
decided, what was paid and what the fund still owes, with places to sign.

One A4 page, in the current language (the rule check's explanations are worded when the
voucher data is read, so read it and write it in the same language). A refused claim
prints the refusal with its reason instead of payments.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.welfare.fund import METHOD_NAMES
from models.welfare.rules import BENEFICIARY_NAMES
from models.welfare.voucher import ClaimVoucher
from reports import pdf

TITLES = {
    "paid": N_("Welfare payment voucher"),
    "rejected": N_("Welfare claim refused"),
    "pending": N_("Welfare claim received"),
    "approved": N_("Welfare claim approved"),
}
WIDTH = 180 * mm  # A4 less the margins


def write_voucher(voucher: ClaimVoucher, path: Path | str) -> Path:
    claim = voucher.claim
    money = lambda amount: format_money(amount, voucher.currency)  # noqa: E731
    st = pdf.styles(10.5)
    title = _(TITLES[claim.status])
    doc = pdf.document(str(path), title=title, footer=pdf.footer(
        voucher.printed_at, voucher.printed_by, is_demo=voucher.is_demo,
        seal=voucher.ledger_seal))
    story: list = [
        pdf.para(pdf.place(voucher.group_name, voucher.group_village), st["bold"]),
        pdf.para(title, st["title"]),
        pdf.para(_("Claim {number}").format(number=claim.number), st["heading"]),
    ]

    who = _(BENEFICIARY_NAMES.get(claim.beneficiary, claim.beneficiary))
    if claim.beneficiary_name:
        who = f"{who}: {claim.beneficiary_name}"
    details = [
        (_("Member"), f"{claim.member_number} · {claim.member_name}"
         + (f" ({voucher.member_village})" if voucher.member_village else "")),
        (_("Kind of claim"), claim.type_label),
        (_("Date of the event"), fmt_date(claim.event_date)),
        (_("Date of the claim"), fmt_date(claim.claim_date)),
        (_("For"), who),
        (_("Amount asked"), money(claim.amount_asked)),
        (_("Evidence seen"), claim.evidence_note or _(voucher.evidence) or "—"),
    ]
    if claim.note:
        details.append((_("Note"), claim.note))
    story.append(_pairs(details, st))

    story.append(pdf.para(_("Rule check"), st["heading"]))
    rows = [[pdf.para(_("Rule"), st["bold"]), pdf.para(_("Result"), st["bold"]),
             pdf.para(_("Why"), st["bold"])]]
    for check in voucher.checks:
        rows.append([pdf.para(check.label, st["small"]),
                     pdf.para(_("Passed") if check.passed else _("Failed"),
                              st["small"] if check.passed else st["bold"]),
                     pdf.para(check.explanation, st["small"])])
    story.append(pdf.table(rows, [42 * mm, 22 * mm, WIDTH - 64 * mm]))

    story.append(pdf.para(_("Decision"), st["heading"]))
    if claim.status == "rejected":
        story.append(_pairs([(_("Refused by"), claim.rejected_by or ""),
                             (_("Reason"), claim.rejection_reason or "")], st))
    else:
        approvers = ", ".join(claim.approvals) or _("not yet approved")
        story.append(_pairs([(_("Approved by"), approvers),
                             (_("Recorded by"), claim.recorded_by)], st))

    if voucher.payments:
        story.append(pdf.para(_("Payments"), st["heading"]))
        rows = [[pdf.para(_("Date"), st["bold"]), pdf.para(_("Entry"), st["bold"]),
                 pdf.para(_("How"), st["bold"]), pdf.para(_("Paid"), st["bold"]),
                 pdf.para(_("Still owed"), st["bold"])]]
        for p in voucher.payments:
            rows.append([pdf.para(fmt_date(p.value_date), st["body"]),
                         pdf.para(p.entry_seq, st["number"]),
                         pdf.para(_(METHOD_NAMES[p.method]), st["body"]),
                         pdf.para(money(p.amount), st["number"]),
                         pdf.para(money(p.owed_after), st["number"])])
        story.append(pdf.table(rows, [30 * mm, 20 * mm, 44 * mm, 43 * mm, WIDTH - 137 * mm]))
        story.append(Spacer(1, 2 * mm))
        story.append(_pairs([(_("Granted"), money(claim.granted)),
                             (_("Paid to the member"), money(claim.paid)),
                             (_("The fund still owes"), money(claim.owed))], st, bold=True))

    signatures = [[pdf.para(_("Member"), st["small"]), pdf.para(_("Treasurer"), st["small"]),
                   pdf.para(_("Leader"), st["small"])],
                  [pdf.para("\n\n______________", st["body"])] * 3]
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether(pdf.table(signatures, [WIDTH / 3] * 3, zebra=False)))
    pdf.build(doc, story)
    return Path(path)


def _pairs(rows: list[tuple[str, str]], st: dict, *, bold: bool = False) -> Table:
    return pdf.pairs(rows, st, width=WIDTH, label_width=45 * mm, bold=bold)
