"""How entries read: what the program wrote itself is shown in the reader's language, a
partly paid claim says what was paid and what is still owed (as the voucher does), and
the cash box lists only money that really came in or went out."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.core import entry_text, i18n, users
from models.core.schema import JournalEntry, Member
from models.loans import queries as loan_queries
from models.loans import repayments as loan_repayments
from models.meetings import cashbox
from models.welfare import approval as welfare_approval
from models.welfare import payout as welfare_payout
from tests.models.loan_support import D, open_loan, save
from tests.models.welfare_fixtures import change_rule, fund, record  # noqa: F401


def _partly_paid_claim(fund):  # noqa: ANN001, ANN202
    """A member's death: 900,000 ₭ granted; the fund has 690,000 and owes the rest."""
    with fund.db.write() as s:
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        second = users.create_user(s, fund.user(s, "admin"), username="leader2",
                                   display_name="ນາງ ຈັນ", password="demo")
        users.grant_role(s, fund.user(s, "admin"), user_id=second.id, role="leader",
                         group_id=fund.group_id)
        claim = record(s, fund, member=2, code="death_member", amount=900_000,
                       event=dt.date(2026, 11, 12))
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        paid = welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
    return claim, paid


def _journal(env):  # noqa: ANN001, ANN202
    with env.db.read() as s:
        return entry_text.journal_entries(s, env.user(s, "auditor"), env.group_id)


def test_the_journal_line_of_a_partly_paid_claim_says_what_was_paid_and_owed(fund):
    claim, paid = _partly_paid_claim(fund)
    assert (paid.paid, paid.owed) == (690_000, 210_000)
    payout = next(e for e in _journal(fund) if e.kind == "welfare_payout")
    assert f"Claim {claim.number}," in payout.memo
    assert "900,000 ₭ granted, 690,000 ₭ paid, 210,000 ₭ still owed" in payout.memo
    i18n.set_language("lo")
    payout = next(e for e in _journal(fund) if e.kind == "welfare_payout")
    assert "ຈ່າຍແລ້ວ 690,000 ₭" in payout.memo and "ຍັງຄ້າງຈ່າຍ 210,000 ₭" in payout.memo


def test_the_cash_box_does_not_take_claims_owed_for_money_received(fund):
    _partly_paid_claim(fund)
    with fund.db.read() as s:
        box = cashbox.cash_box(s, fund.user(s, "treasurer"), fund.group_id)
    by_code = {m.account_code: m for m in box.movements}
    assert "2100" not in by_code  # welfare claims owed: no cash moved for them
    assert by_code["5100"].paid == 690_000 and by_code["5100"].received == 0
    assert box.opening + box.received - box.paid == box.expected


def test_a_memo_written_in_lao_reads_in_english_for_an_english_reader(db, env):
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    i18n.set_language("lo")  # the treasurer who pays the loan out works in Lao
    open_loan(db, env, amount=1_000_000, installments=10, disbursed=D(2026, 6, 10))
    with db.read() as s:
        stored = s.scalar(select(JournalEntry.memo).where(
            JournalEntry.kind == "loan_disbursement"))
        name = s.get(Member, env.member_ids[0]).name_lao
    assert stored.startswith("ປ່ອຍເງິນກູ້")  # history keeps what was written
    i18n.set_language("en")
    shown = next(e for e in _journal(env) if e.kind == "loan_disbursement")
    assert shown.memo == f"Loan 1, {name}"
    assert entry_text.kind_name(shown.kind) == "Loan paid out"
    i18n.set_language("lo")
    shown = next(e for e in _journal(env) if e.kind == "loan_disbursement")
    assert shown.memo == f"ເງິນກູ້ 1, {name}"


def test_a_memo_someone_typed_is_shown_as_typed(db, env):
    with db.write() as s:
        save(s, env, 0, 100_000)
        cashbox.record_expense(s, env.user(s, "treasurer"), group_id=env.group_id,
                               amount=15_000, on=dt.date(2026, 11, 20), memo="ປຶ້ມບັນທຶກ")
    expense = next(e for e in _journal(env) if e.kind == "expense")
    assert expense.memo == "ປຶ້ມບັນທຶກ"


def test_one_name_per_kind_whichever_screens_are_loaded():
    import desktop.screens.journal  # noqa: F401
    import desktop.screens.loans  # noqa: F401
    import desktop.screens.welfare  # noqa: F401

    assert entry_text.kind_name("welfare_payout") == "Welfare benefit paid"
    assert entry_text.kind_name("loan_write_off") == "Loan written off"


def _reversed_in_lao(db, env) -> str:  # noqa: ANN001
    """Nang Kham's loan (1,200,000 ₭, flat, 124,000 ₭ a month) with a 5,000 ₭ late penalty
    after 3 days' grace. The treasurer, who works in Lao, charges the penalty on 14/07,
    then enters a payment made on 12/07 (inside the grace days: the penalty is decided
    again) and one of 10/08; then she reverses the first as entered by mistake, so the
    second is allocated again. Returns the member's name."""
    from models.loans import queries as loan_queries
    from models.loans import repayments as loan_repayments
    from models.loans.penalties import post_due_penalties
    from tests.models.loan_support import repay, set_policy

    with db.write() as s:
        save(s, env, 0, 2_000_000)
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=3)
    i18n.set_language("lo")
    loan = open_loan(db, env, amount=1_200_000, installments=12, disbursed=D(2026, 6, 10))
    with db.write() as s:
        post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                           on=D(2026, 7, 14))
    first = repay(db, env, loan, 124_000, D(2026, 7, 12))
    repay(db, env, loan, 124_000, D(2026, 8, 10))
    with db.write() as s:
        loan_repayments.reverse_repayment(s, env.user(s, "treasurer"), repayment_id=first,
                                reason="ປ້ອນຊ້ຳສອງເທື່ອ")
        return s.get(Member, env.member_ids[0]).name_lao


def _reversal_memos(env) -> list[str]:  # noqa: ANN001
    return [e.memo for e in _journal(env) if e.kind == "reversal"]


def test_the_reasons_a_replay_writes_read_in_the_readers_language(db, env):
    name = _reversed_in_lao(db, env)
    with db.read() as s:
        stored = list(s.scalars(select(JournalEntry.memo).where(JournalEntry.kind == "reversal")))
    assert f"ແບ່ງເງິນຊຳລະຄືນໃໝ່: ເງິນກູ້ເລກທີ 1, {name}" in stored  # history keeps her words
    i18n.set_language("en")
    memos = _reversal_memos(env)
    assert f"Repayment allocated again: loan 1, {name}" in memos
    assert (f"Repayments entered or reversed later: the penalty on installment 1 is decided "
            f"again: loan 1, {name}") in memos
    assert "ປ້ອນຊ້ຳສອງເທື່ອ" in memos  # the reason she typed, as she typed it
    assert not [m for m in memos if "ເງິນກູ້ເລກທີ" in m]
    i18n.set_language("lo")
    memos = _reversal_memos(env)
    assert f"ແບ່ງເງິນຊຳລະຄືນໃໝ່: ເງິນກູ້ເລກທີ 1, {name}" in memos
    assert ("ມີການບັນທຶກ ຫຼື ຍົກເລີກການຈ່າຍຄືນຍ້ອນຫຼັງ: ຕັດສິນຄ່າປັບງວດທີ 1 ຄືນໃໝ່: "
            f"ເງິນກູ້ເລກທີ 1, {name}") in memos


def test_the_loans_history_shows_a_replay_reason_in_the_readers_language(db, env):
    from models.loans.texts import reason_text

    name = _reversed_in_lao(db, env)
    i18n.set_language("en")
    with db.read() as s:
        loan_id = s.scalar(select(JournalEntry.loan_id).where(JournalEntry.loan_id.is_not(None)))
        events = loan_queries.loan_detail(s, env.user(s, "auditor"), loan_id).events
    notes = [reason_text(e.note) for e in events if e.kind == "penalty_waived"]
    assert notes and all(n.startswith("Repayments entered or reversed later") for n in notes)
    assert all(n.endswith(f"loan 1, {name}") for n in notes)
    assert reason_text("Entered twice") == "Entered twice"
