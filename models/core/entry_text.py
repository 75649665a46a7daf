"""How journal entries read: one name per entry kind (every screen and paper takes it from
here), and the text of the entries the program writes itself, rendered at reading time
in the reader's language from the entry's kind, its links and its lines.

Stored memos are history and are never rewritten. A memo the program wrote (a loan's
"Loan paid out: loan 4, ນາງ ..." in the language of whoever posted it) is shown instead
as ``describe`` renders it now; a memo a person typed (a reason, a note) is shown as typed.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import ledger
from models.core.i18n import N_, gettext, load_catalog
from models.core.ledger import EntryRow
from models.core.schema import JournalEntry, Member, User

# The core's own kinds; each capability adds its kinds' names in its ``Capability``
# (``models.core.capability`` calls ``add_kinds``).
KIND_NAMES: dict[str, str] = {
    "reversal": N_("Reversal"),
    "opening_balance": N_("Opening balance"),
}

# Renders the program-written memos of some kinds: (session, group id, entries, member
# name by id) -> text by entry id.
Describer = Callable[[Session, int, Sequence[JournalEntry], Callable[[int], str]],
                     dict[int, str]]
DESCRIBERS: list[Describer] = []


def add_kinds(names: Mapping[str, str], describer: Describer | None = None) -> None:
    """A capability's entry kinds (one name per kind, never two) and its memo renderer."""
    twice = sorted(set(names) & set(KIND_NAMES))
    if twice:
        raise ValueError(f"entry kinds named twice: {twice}")
    KIND_NAMES.update(names)
    if describer is not None:
        DESCRIBERS.append(describer)


def kind_name(kind: str, language: str | None = None) -> str:
    """The kind's one name, translated (a kind nobody named shows as its code); in
    ``language`` when given (a workbook in another language than the screen's)."""
    name = KIND_NAMES.get(kind)
    return gettext(name, language) if name else kind.replace("_", " ")


@functools.cache
def _written_as(text: str) -> frozenset[str]:
    """``text`` as the program may have stored it: in English or in any catalog's words."""
    forms = {text}
    lao = load_catalog("lo").get(text)
    if lao:
        forms.add(lao)
    return frozenset(forms)


def written_as(text: str) -> frozenset[str]:
    """A fixed memo as the program may have stored it, in any language it had then."""
    return _written_as(text)


def numbered_memo(template: str, memo: str) -> str | None:
    """The number in ``memo`` when it is ``template`` ("... {number}") in any language."""
    for form in _written_as(template):
        pattern = re.escape(form).replace(re.escape("{number}"), r"(\d+)")
        found = re.fullmatch(pattern, memo)
        if found:
            return found.group(1)
    return None


def journal_entries(session: Session, actor: User, group_id: int, *, limit: int = 200,
                    offset: int = 0) -> list[EntryRow]:
    """``ledger.entries`` with every memo the program wrote rendered in today's language."""
    rows = ledger.entries(session, actor, group_id, limit=limit, offset=offset)
    texts = describe(session, group_id, [r.id for r in rows])
    return [replace(r, memo=texts[r.id]) if r.id in texts else r for r in rows]


def describe(session: Session, group_id: int, entry_ids: Sequence[int]) -> dict[int, str]:
    """The text to show for each entry the program wrote, by entry id (entries whose memo
    a person typed are left out: show their memo)."""
    if not entry_ids:
        return {}
    entries = list(session.scalars(select(JournalEntry).where(JournalEntry.id.in_(entry_ids))))
    names: dict[int, str] = {}

    def member(member_id: int) -> str:
        if member_id not in names:
            names[member_id] = session.get(Member, member_id).name_lao
        return names[member_id]

    texts: dict[int, str] = {}
    for describer in DESCRIBERS:
        texts.update(describer(session, group_id, entries, member))
    return texts
