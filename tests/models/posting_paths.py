"""The two ways into the ledger, for tests that must hold on both: ``post_entry`` (one entry)
and ``post_entries`` (a batch, here of one). Use the ``post`` fixture::

    from tests.models.posting_paths import post  # noqa: F401 (the fixture)

    def test_x(env, post):
        post(s, actor, group_id=..., value_date=..., kind=..., lines=[...])
"""
from __future__ import annotations

import pytest

from models.core import ledger
from models.core.schema import JournalEntry


def post_one(session, actor, **kw):
    return ledger.post_entry(session, actor, **kw)


def post_in_batch(session, actor, *, group_id, lines, **kw):
    posted = ledger.post_entries(session, actor, group_id=group_id, postings=[
        ledger.Posting(lines=tuple(lines), **kw)])
    return session.get(JournalEntry, posted[0].id)


PATHS = {"post_entry": post_one, "post_entries": post_in_batch}


@pytest.fixture(params=sorted(PATHS))
def post(request):
    return PATHS[request.param]
