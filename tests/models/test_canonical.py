"""The text an entry's hash covers never changes: the hand-written canonical text is
byte for byte the JSON the first ledgers were hashed with, for any memo a treasurer types
(Lao, quotes, line breaks) and any amount, so every chain ever written still verifies."""
from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from models.core.ledger import canonical_fields

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
ints = st.integers(-(2**63), 2**63 - 1)
maybe_int = st.none() | ints
line = st.tuples(st.integers(1, 50), ints, maybe_int, maybe_int, ints, st.none() | text)


def reference(group, seq, value_date, recorded_at, user, kind, memo, reverses, links, lines,
              prev) -> bytes:
    body = {"group": group, "seq": seq, "value_date": value_date.isoformat(),
            "recorded_at": recorded_at.isoformat(timespec="microseconds"), "user": user,
            "kind": kind, "memo": memo or "", "reverses": reverses, "links": links,
            "lines": lines, "prev": prev}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


@given(group=ints, seq=ints, value_date=st.dates(), recorded_at=st.datetimes(), user=ints,
       kind=text, memo=st.none() | text, reverses=maybe_int,
       links=st.lists(maybe_int, min_size=4, max_size=4),
       lines=st.lists(line.map(list), max_size=6), prev=st.none() | st.text("0123456789abcdef"))
def test_the_hashed_text_is_the_json_it_always_was(group, seq, value_date, recorded_at, user,
                                                   kind, memo, reverses, links, lines, prev):
    args = (group, seq, value_date, recorded_at, user, kind, memo, reverses, links, lines, prev)
    assert canonical_fields(*args) == reference(*args)
    as_text = (group, seq, value_date.isoformat(),
               recorded_at.isoformat(timespec="microseconds"), *args[4:])
    assert canonical_fields(*as_text) == reference(*args)


def test_a_lao_memo_with_quotes_and_a_line_break():
    args = (1, 7, dt.date(2026, 11, 1), dt.datetime(2026, 11, 20, 9, 30), 2, "deposit",
            'ເງິນຝາກ "ນາງ ແກ້ວ"\n\\', None, [None, None, None, None],
            [[1, 3, 5, None, 50_000, None], [2, 9, 5, None, -50_000, "ບົວ"]], "ab" * 32)
    assert canonical_fields(*args) == reference(*args)
