"""Sealed bundles: a village laptop's ledger carried to the federation office.

Most groups keep their laptop offline. ``export_bundle`` writes one group's entries (all,
or those after a seal the office already holds), with its members and chart, signed with
the group's Ed25519 key (made at the first export, kept in the village ledger). At the
office ``import_bundle`` checks the signature against the key pinned at the first import,
recomputes every entry's hash from the exact canonical text the village hashed, checks the
chain continues from what the office holds, and refuses a fork, a gap or a rewritten
history with a report; only then does it append. Each village entry is mirrored by an
entry in the office's own chain (the office's ids, its own hashes) and kept with its
canonical text (``replica_entries``), so the office can prove the village's chain at any
time. The office's copy is read-only for that group (``permissions.require`` refuses
every write) except for the import itself.

What travels is the ledger: entries, members, accounts. Loan schedules, meetings and
claims stay on the laptop; the office sees their money through the ledger.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock, groups, ledger, members
from models.core.errors import NotFound, UserError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.permissions import IMPORTING, REPLICAS, Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.core.schema_bundles import BundleKey, ReplicaEntry, ReplicaGroup

FORMAT = "kongthun-bundle/1"


class BundleRefused(UserError):
    """The bundle cannot be appended; nothing was written. The message is the report."""


@dataclass(frozen=True)
class ExportedBundle:
    data: bytes
    entries: int
    first_seq: int
    last_seq: int
    head: str


@dataclass(frozen=True)
class ImportResult:
    group_id: int
    created: bool
    appended: int
    already_held: int
    head_seq: int
    head: str


def _key_for(session: Session, group_id: int) -> Ed25519PrivateKey:
    row = session.get(BundleKey, group_id)
    if row is None:
        key = Ed25519PrivateKey.generate()
        row = BundleKey(
            group_id=group_id,
            public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex(),
            private_key=key.private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                          NoEncryption()).hex(),
            created_at=clock.now())
        session.add(row)
        session.flush()
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(row.private_key))


def find_by_seal(session: Session, group_id: int, seal: str) -> JournalEntry:
    """The group's entry a printed seal names: the hash, or its first 16 or more hex
    digits as printed (spaces and dashes ignored)."""
    digits = "".join(ch for ch in seal.lower() if ch not in " -")
    if len(digits) < 16 or any(ch not in "0123456789abcdef" for ch in digits):
        raise UserError(N_("“{seal}” is not a seal: a seal is at least 16 of the digits "
                           "0–9 and a–f."), seal=seal)
    found = session.scalars(select(JournalEntry).where(
        JournalEntry.group_id == group_id, JournalEntry.hash.startswith(digits))).all()
    if len(found) != 1:
        raise NotFound(N_("No entry of this group carries the seal {seal}."), seal=seal)
    return found[0]


def export_bundle(session: Session, actor: User, *, group_id: int,
                  since: str | None = None) -> ExportedBundle:
    """The group's entries (after the entry sealed ``since``, or all), signed."""
    require(session, actor, Permission.EXPORT, group_id)
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    if session.get(ReplicaGroup, group_id) is not None:
        raise UserError(N_("This group's books are a copy from its village laptop; bundles "
                           "are made there."))
    after = find_by_seal(session, group_id, since).seq if since else 0
    entries = session.scalars(select(JournalEntry).where(
        JournalEntry.group_id == group_id, JournalEntry.seq > after)
        .order_by(JournalEntry.seq)).all()
    if not entries:
        raise UserError(N_("Nothing was posted after that seal: there is nothing to send."))
    first = session.scalar(select(JournalEntry.hash).where(
        JournalEntry.group_id == group_id, JournalEntry.seq == 1))
    lines: dict[int, list[JournalLine]] = {}
    for line in session.scalars(select(JournalLine).where(
            JournalLine.entry_id.in_([e.id for e in entries]))):
        lines.setdefault(line.entry_id, []).append(line)
    body = {
        "format": FORMAT,
        "group": {"origin": first, "name": group.name, "name_latin": group.name_latin,
                  "village": group.village, "district": group.district,
                  "currency": group.currency, "meeting_frequency": group.meeting_frequency},
        "after_seq": after,
        "entries": [{"id": e.id, "hash": e.hash,
                     "canonical": ledger.canonical(e, lines.get(e.id, [])).decode()}
                    for e in entries],
        "accounts": {str(a.id): {"key": a.key, "code": a.code} for a in session.scalars(
            select(Account).where(Account.group_id == group_id))},
        "members": {str(m.id): {
            "number": m.number, "name_lao": m.name_lao, "name_latin": m.name_latin,
            "gender": m.gender, "birth_date": _iso(m.birth_date), "village": m.village,
            "occupation": m.occupation, "phone": m.phone, "id_number": m.id_number,
            "nssf_number": m.nssf_number, "joined_on": _iso(m.joined_on),
            "status": m.status, "status_date": _iso(m.status_date)}
            for m in session.scalars(select(Member).where(Member.group_id == group_id))},
        "exported_at": clock.now().isoformat(timespec="seconds"),
        "exported_by": actor.username,
    }
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key = _key_for(session, group_id)
    signature = key.sign(payload.encode())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    data = json.dumps({"payload": payload, "public_key": public,
                       "signature": signature.hex()}, ensure_ascii=False).encode()
    audit.record(session, actor, "bundle.export", group_id=group_id, first=entries[0].seq,
                 last=entries[-1].seq, sha256=hashlib.sha256(data).hexdigest())
    return ExportedBundle(data, len(entries), entries[0].seq, entries[-1].seq,
                          entries[-1].hash)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _read(data: bytes) -> tuple[dict, str]:
    """The bundle's body and the key that signed it, once the signature checks."""
    try:
        outer = json.loads(data.decode("utf-8"))
        payload, public, signature = outer["payload"], outer["public_key"], outer["signature"]
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleRefused(N_("This is not a Kongthun bundle.")) from None
    try:
        key.verify(bytes.fromhex(signature), payload.encode())
    except (InvalidSignature, ValueError):
        raise BundleRefused(N_("The bundle's signature does not match its contents: it was "
                               "changed after the village laptop made it.")) from None
    body = json.loads(payload)
    if body.get("format") != FORMAT:
        raise BundleRefused(N_("This bundle was made by another version of Kongthun."))
    return body, public


def import_bundle(session: Session, actor: User, data: bytes) -> ImportResult:
    """Append a village's bundle to the office's copy of its group (made at the first
    import). Refused with a report, nothing written: a bad signature, a key other than the
    one pinned at the first import, an entry whose hash does not match its text, a chain
    that does not continue from the office's last entry, or history that differs from what
    the office already holds."""
    require(session, actor, Permission.MANAGE_GROUPS, None)
    body, public = _read(data)
    origin = body["group"]["origin"]
    replica = session.scalar(select(ReplicaGroup).where(ReplicaGroup.origin == origin))
    created = replica is None
    if replica is not None and replica.public_key != public:
        raise BundleRefused(N_("This bundle was signed with another key than the earlier "
                               "bundles of {group}: it did not come from that group's "
                               "laptop."), group=body["group"]["name"])
    held = {} if replica is None else dict(session.execute(
        select(ReplicaEntry.seq, ReplicaEntry.hash)
        .where(ReplicaEntry.group_id == replica.group_id)).all())
    entries = body["entries"]
    if created and (body["after_seq"] or not entries):
        raise BundleRefused(N_("The office has no copy of {group} yet: bring a bundle of the "
                               "whole ledger (made without a seal)."),
                            group=body["group"]["name"])
    previous = held.get(body["after_seq"]) if body["after_seq"] else None
    if body["after_seq"] and body["after_seq"] not in held:
        raise BundleRefused(N_("The bundle continues after entry {seq}, which the office "
                               "does not hold (it holds {count}). Make the bundle again from "
                               "the office's last seal."),
                            seq=body["after_seq"], count=len(held))
    fresh = []
    for position, item in enumerate(entries):
        text = item["canonical"]
        canonical = json.loads(text)
        seq = body["after_seq"] + position + 1
        if hashlib.sha256(text.encode()).hexdigest() != item["hash"] or canonical["seq"] != seq:
            raise BundleRefused(N_("Entry {seq} in the bundle does not match its seal: it was "
                                   "changed."), seq=seq)
        if canonical["prev"] != previous:
            raise BundleRefused(N_("Entry {seq} in the bundle does not follow the entry before "
                                   "it: the chain is broken."), seq=seq)
        if seq in held:
            if held[seq] != item["hash"]:
                raise BundleRefused(N_(
                    "Entry {seq} differs from the one the office already holds: the village's "
                    "history was rewritten after it was sent. Nothing was added; ask the "
                    "group what happened."), seq=seq)
        else:
            fresh.append((item, canonical))
        previous = item["hash"]

    if created:
        info = body["group"]
        group = groups.create_group(
            session, actor, name=info["name"], name_latin=info["name_latin"],
            village=info["village"], district=info["district"], currency=info["currency"],
            meeting_frequency=info["meeting_frequency"])
        replica = ReplicaGroup(group_id=group.id, origin=origin, public_key=public,
                               imported_at=clock.now())
        session.add(replica)
        session.flush()
        session.info.pop(REPLICAS, None)
    gid = replica.group_id
    session.info[IMPORTING] = gid
    try:
        people = _sync_members(session, actor, gid, body["members"])
        accounts = _accounts(session, gid, body["accounts"])
        mirrored = dict(session.execute(
            select(ReplicaEntry.hash, ReplicaEntry.entry_id)
            .where(ReplicaEntry.group_id == gid)).all())
        village_ids = {item["id"]: item["hash"] for item in entries}
        for item, canonical in fresh:
            lines = [Line(accounts[str(account)], amount,
                          member_id=people.get(str(member)) if member else None,
                          memo=memo or "")
                     for _no, account, member, _loan, amount, memo in canonical["lines"]]
            reverses = None
            if canonical["reverses"] is not None:
                reverses = mirrored.get(village_ids.get(canonical["reverses"], ""))
            entry = ledger.post_entry(
                session, actor, group_id=gid,
                value_date=dt.date.fromisoformat(canonical["value_date"]),
                kind=canonical["kind"], memo=canonical["memo"], lines=lines,
                reverses_id=reverses)
            session.add(ReplicaEntry(group_id=gid, seq=canonical["seq"], hash=item["hash"],
                                     canonical=item["canonical"], entry_id=entry.id))
            mirrored[item["hash"]] = entry.id
        session.flush()
    finally:
        session.info.pop(IMPORTING, None)
    head_seq = body["after_seq"] + len(entries)
    audit.record(session, actor, "bundle.import", group_id=gid, appended=len(fresh),
                 head=entries[-1]["hash"] if entries else None,
                 sha256=hashlib.sha256(data).hexdigest())
    return ImportResult(gid, created, len(fresh), len(entries) - len(fresh), head_seq,
                        entries[-1]["hash"])


def _accounts(session: Session, group_id: int, village: dict) -> dict[str, int]:
    found = {a.key: a.id for a in session.scalars(
        select(Account).where(Account.group_id == group_id))}
    mapping = {}
    for village_id, account in village.items():
        if account["key"] not in found:
            raise BundleRefused(N_("The bundle posts to an account the office does not know "
                                   "({code}). Update Kongthun at the office."),
                                code=account["code"])
        mapping[village_id] = found[account["key"]]
    return mapping


def _sync_members(session: Session, actor: User, group_id: int,
                  village: dict) -> dict[str, int]:
    """The office's member for each village member (by number), added or brought up to
    date (status) as the bundle says."""
    office = {m.number: m for m in session.scalars(
        select(Member).where(Member.group_id == group_id))}
    mapping = {}
    for village_id, info in sorted(village.items(), key=lambda kv: kv[1]["number"]):
        member = office.get(info["number"])
        if member is None:
            row = members.add_member(session, actor, group_id=group_id,
                                     details=members.MemberDetails(
                name_lao=info["name_lao"], gender=info["gender"],
                joined_on=_date(info["joined_on"]), name_latin=info["name_latin"],
                birth_date=_date(info["birth_date"]), village=info["village"],
                occupation=info["occupation"], phone=info["phone"],
                id_number=info["id_number"], nssf_number=info["nssf_number"]))
            if row.number != info["number"]:
                raise BundleRefused(N_("Member {number} of the village is numbered {office} at "
                                       "the office."), number=info["number"], office=row.number)
            member = session.get(Member, row.id)
        if info["status"] != member.status and info["status_date"]:
            members.set_status(session, actor, member_id=member.id, status=info["status"],
                               on=_date(info["status_date"]))
        mapping[village_id] = member.id
    return mapping


def replica_problems(session: Session, group: Group) -> list[tuple[str, dict]]:
    """For an office copy: the village's chain, proven again from the texts it hashed, and
    each village entry mirrored by the office entry it names, line for line."""
    rows = session.scalars(select(ReplicaEntry).where(ReplicaEntry.group_id == group.id)
                           .order_by(ReplicaEntry.seq)).all()
    problems: list[tuple[str, dict]] = []
    previous = None
    amounts: dict[int, list[int]] = {}
    for entry_id, amount in session.execute(
            select(JournalLine.entry_id, JournalLine.amount).join(JournalEntry)
            .where(JournalEntry.group_id == group.id).order_by(JournalLine.line_no)):
        amounts.setdefault(entry_id, []).append(amount)
    for expected, row in enumerate(rows, start=1):
        canonical = json.loads(row.canonical)
        if (row.seq != expected or canonical["seq"] != row.seq
                or hashlib.sha256(row.canonical.encode()).hexdigest() != row.hash
                or canonical["prev"] != previous):
            problems.append((N_("Group {group}: the village's entry {seq}, as the office holds "
                                "it, no longer matches its seal."),
                             {"group": group.name, "seq": row.seq}))
        elif amounts.get(row.entry_id) != [line[4] for line in canonical["lines"]]:
            problems.append((N_("Group {group}: the office's copy of the village's entry "
                                "{seq} differs from what the village sent."),
                             {"group": group.name, "seq": row.seq}))
        previous = row.hash
    return problems
