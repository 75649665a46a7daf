"""A village laptop sends sealed bundles to the federation office; forged ones are refused."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from models.core import bundles, ledger, members, users
from models.core.bundles import BundleRefused
from models.core.errors import PermissionDenied, UserError
from models.core.ledger import Line
from models.core.schema import Group, JournalEntry, Member, User
from models.core.schema_bundles import BundleKey
from models.core.verify import verify_database
from tests.conftest import drop_database, fresh_database


@pytest.fixture
def office(template_db, tmp_path, server):
    database = fresh_database(template_db, tmp_path, server, name="office")
    with database.write() as s:
        users.create_first_admin(s, username="office", display_name="Office", password="demo")
    yield database
    drop_database(database, server)


def office_admin(s):
    return s.scalar(select(User).where(User.username == "office"))


def deposit(env, amount, member=0, day=dt.date(2026, 11, 1)):
    with env.db.write() as s:
        return ledger.post_entry(
            s, env.user(s, "treasurer"), group_id=env.group_id, value_date=day,
            kind="savings_deposit", memo="savings",
            lines=[Line("cash", amount),
                   Line("member_savings", -amount, member_id=env.member_ids[member])]).id


def export(env, since=None):
    with env.db.write() as s:
        return bundles.export_bundle(s, env.user(s, "treasurer"), group_id=env.group_id,
                                     since=since)


def bring(office, data):
    with office.write() as s:
        return bundles.import_bundle(s, office_admin(s), data)


def balances(database, group_id):
    """Cash, and each member's savings by her member number."""
    with database.read() as s:
        numbers = dict(s.execute(select(Member.id, Member.number)
                                 .where(Member.group_id == group_id)).all())
        return (ledger.balance(s, group_id, "cash"),
                {numbers[m]: amount for m, amount in
                 ledger.member_balances(s, group_id, "member_savings").items() if amount})


def test_the_office_keeps_a_verified_read_only_copy_that_grows_bundle_by_bundle(env, office):
    """Keo saves 50,000 and Bua 20,000; a mistaken 5,000 is reversed. The whole ledger goes
    to the office: 4 entries, cash 70,000, each member's savings as on the laptop. Next
    month Som saves 30,000; the bundle since the office's seal carries that one entry."""
    deposit(env, 50_000)
    deposit(env, 20_000, member=1)
    wrong = deposit(env, 5_000, member=2)
    with env.db.write() as s:
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=wrong,
                             reason="typed twice", value_date=dt.date(2026, 11, 2))
    first = export(env)
    assert (first.entries, first.first_seq, first.last_seq) == (4, 1, 4)

    result = bring(office, first.data)
    assert result.created and result.appended == 4 and result.head == first.head
    copy = result.group_id
    with office.read() as s:
        assert verify_database(s) == []
        assert s.get(Group, copy).name == "ກຸ່ມຕັດຫຍິບ"
        reversal = s.scalar(select(JournalEntry).where(JournalEntry.group_id == copy,
                                                       JournalEntry.kind == "reversal"))
        assert reversal.reverses_id is not None
    assert balances(office, copy) == balances(env.db, env.group_id) == \
        (70_000, {1: 50_000, 2: 20_000})

    deposit(env, 30_000, member=2, day=dt.date(2026, 11, 15))
    second = export(env, since=result.head[:16])
    assert (second.entries, second.first_seq) == (1, 5)
    result = bring(office, second.data)
    assert not result.created and result.appended == 1 and result.group_id == copy
    assert balances(office, copy)[0] == 100_000
    with office.read() as s:
        assert verify_database(s) == []

    again = bring(office, second.data)  # the same bundle twice adds nothing
    assert again.appended == 0 and again.already_held == 1
    with pytest.raises(UserError, match="nothing to send"):
        export(env, since=second.head)


def test_the_office_cannot_record_into_a_village_copy(env, office):
    deposit(env, 50_000)
    copy = bring(office, export(env).data).group_id
    with pytest.raises(PermissionDenied, match="read-only"):
        with office.write() as s:
            ledger.post_entry(s, office_admin(s), group_id=copy, value_date=dt.date(2026, 11, 3),
                              kind="expense", lines=[Line("expenses", 1_000),
                                                     Line("cash", -1_000)])
    with pytest.raises(PermissionDenied, match="read-only"):
        with office.write() as s:
            members.add_member(s, office_admin(s), group_id=copy, details=members.MemberDetails(
                name_lao="ນາງ ດາ", gender="f", joined_on=dt.date(2026, 1, 1)))
    assert balances(office, copy)[0] == 50_000


def _forge(data: bytes, change, key: Ed25519PrivateKey | None = None) -> bytes:
    """The bundle with ``change`` applied to its body; re-signed with ``key`` if given (an
    attacker holding a key), else left with the old signature."""
    outer = json.loads(data)
    body = json.loads(outer["payload"])
    change(body)
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    outer["payload"] = payload
    if key is not None:
        outer["signature"] = key.sign(payload.encode()).hex()
    return json.dumps(outer, ensure_ascii=False).encode()


def _rehash_from(body, seq):
    """Recompute the chain from entry ``seq`` on, as someone rewriting history would."""
    prev = body["entries"][seq - 2]["hash"] if seq > 1 else None
    for item in body["entries"][seq - 1:]:
        canonical = json.loads(item["canonical"])
        canonical["prev"] = prev
        text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        item["canonical"], item["hash"] = text, hashlib.sha256(text.encode()).hexdigest()
        prev = item["hash"]


def _double_second_amount(body):
    canonical = json.loads(body["entries"][1]["canonical"])
    canonical["lines"][0][4] *= 2
    canonical["lines"][1][4] *= 2
    body["entries"][1]["canonical"] = json.dumps(canonical, ensure_ascii=False,
                                                 separators=(",", ":"), sort_keys=True)


def test_forged_bundles_are_refused_and_nothing_is_written(env, office):
    """A bundle changed on the way (old signature), the village's history rewritten and
    re-signed with the laptop's own key, a stranger's key, and a bundle that skips entries
    the office never received: each refused with its reason, the office's copy unchanged."""
    for amount in (10_000, 20_000, 30_000):
        deposit(env, amount)
    whole = export(env).data
    copy = bring(office, whole).group_id
    with env.db.read() as s:
        village_key = Ed25519PrivateKey.from_private_bytes(
            bytes.fromhex(s.get(BundleKey, env.group_id).private_key))

    changed = _forge(whole, _double_second_amount)
    with pytest.raises(BundleRefused, match="signature does not match"):
        bring(office, changed)

    def rewrite(body):
        _double_second_amount(body)
        _rehash_from(body, 2)
    with pytest.raises(BundleRefused, match="history was rewritten"):
        bring(office, _forge(whole, rewrite, key=village_key))

    unhashed = _forge(whole, _double_second_amount, key=village_key)
    with pytest.raises(BundleRefused, match="does not match its seal"):
        bring(office, unhashed)

    stranger = Ed25519PrivateKey.generate()
    outer = json.loads(_forge(whole, lambda body: None, key=stranger))
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    outer["public_key"] = stranger.public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw).hex()
    with pytest.raises(BundleRefused, match="another key"):
        bring(office, json.dumps(outer).encode())

    deposit(env, 40_000)
    deposit(env, 50_000)
    with env.db.read() as s:
        fourth = s.scalar(select(JournalEntry.hash).where(
            JournalEntry.group_id == env.group_id, JournalEntry.seq == 4))
    gap = export(env, since=fourth)  # entry 5 only: the office never had entry 4
    with pytest.raises(BundleRefused, match="does not hold"):
        bring(office, gap.data)

    with pytest.raises(BundleRefused, match="not a Kongthun bundle"):
        bring(office, b"PK\x03\x04 a spreadsheet")

    assert balances(office, copy)[0] == 60_000
    with office.read() as s:
        assert verify_database(s) == []


def test_the_first_bundle_must_hold_the_whole_ledger(env, office):
    first = deposit(env, 10_000)
    deposit(env, 20_000)
    with env.db.read() as s:
        seal = s.get(JournalEntry, first).hash
    with pytest.raises(BundleRefused, match="no copy of"):
        bring(office, export(env, since=seal).data)
    with office.read() as s:
        assert s.scalar(select(Group.id)) is None
