"""What a journal entry's hash covers, and the hash: the canonical text of an entry (every
field that means something, in a fixed order, with the previous hash) written out by hand,
because verify hashes millions of entries. No session, no database: ``models.core.ledger``
hashes as it posts, ``models.core.verify`` as it reads."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring

from models.core.schema import JournalEntry, JournalLine


def canonical(entry: JournalEntry, lines: Iterable[JournalLine]) -> bytes:
    """The bytes an entry's hash covers: every field that means something, in a fixed
    order, with the previous hash. Ids of the entry itself are left out (its ``seq``
    stands for its place)."""
    return canonical_fields(
        entry.group_id, entry.seq, entry.value_date, entry.recorded_at, entry.user_id,
        entry.kind, entry.memo, entry.reverses_id,
        [entry.meeting_id, entry.loan_id, entry.claim_id, entry.remittance_id],
        [[ln.line_no, ln.account_id, ln.member_id, ln.loan_id, ln.amount, ln.memo]
         for ln in sorted(lines, key=lambda ln: ln.line_no)], entry.prev_hash)


def canonical_fields(group_id: int, seq: int, value_date: dt.date | str,
                     recorded_at: dt.datetime | str, user_id: int, kind: str, memo: str | None,
                     reverses_id: int | None, links: list, lines: list,
                     prev_hash: str | None) -> bytes:
    """``canonical`` from plain values (``lines``: ``[line_no, account, member, loan,
    amount, memo]`` by line number), for batches and for verify's stream. Dates may come
    as their ISO text. The text is exactly ``json.dumps(body, ensure_ascii=False,
    separators=(",", ":"), sort_keys=True)`` (tests/models/test_canonical.py holds it to
    that), written out by hand because verify hashes millions of entries."""
    if not isinstance(value_date, str):
        value_date = value_date.isoformat()
    if not isinstance(recorded_at, str):
        recorded_at = recorded_at.isoformat(timespec="microseconds")
    esc = encode_basestring
    text = (f'{{"group":{_int(group_id)},"kind":{esc(kind)},'
            f'"lines":[{",".join(map(_line, lines))}],"links":[{",".join(map(_opt, links))}],'
            f'"memo":{esc(memo or "")},"prev":{"null" if prev_hash is None else esc(prev_hash)},'
            f'"recorded_at":{esc(recorded_at)},"reverses":{_opt(reverses_id)},'
            f'"seq":{_int(seq)},"user":{_int(user_id)},"value_date":{esc(value_date)}}}')
    return text.encode()


def _line(line: Sequence) -> str:
    number, account, member, loan, amount, memo = line
    if type(number) is type(account) is type(amount) is int and \
            (member is None or type(member) is int) and (loan is None or type(loan) is int):
        return (f"[{number},{account},{'null' if member is None else member},"
                f"{'null' if loan is None else loan},{amount},"
                f"{'null' if memo is None else _js(memo)}]")
    return _js(list(line))


def _int(value: object) -> str:
    return int.__repr__(value) if type(value) is int else _js(value)


def _opt(value: object) -> str:
    return "null" if value is None else _int(value)


def _js(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_js, value)) + "]"
    raise TypeError(f"not part of an entry's hash: {value!r}")


def hash_fields(*fields) -> str:
    """The hash of ``canonical_fields(*fields)``."""
    return hashlib.sha256(canonical_fields(*fields)).hexdigest()


def entry_hash(entry: JournalEntry, lines: Iterable[JournalLine]) -> str:
    return hashlib.sha256(canonical(entry, lines)).hexdigest()
