"""tamper evidence: the audit log chained, an access log (users, grants, passwords) chained,
a seal history, and guards against INSERT OR REPLACE on the append-only tables

Revision ID: 0010_tamper_evidence
Revises: 0001_foundation

Existing ledgers: the audit log is chained as it stands, the access log starts with every
user and grant there is now, the seal history with every group's head now.
"""
import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from models.core import clock
from models.core.access_log import secret_digest
from models.core.chain import row_hash
from models.core.migrate import (
    append_only_sql,
    drop_append_only_sql,
    guard_append_only,
    no_replace_sql,
    unguard_append_only,
)

revision = "0010_tamper_evidence"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

FOUNDATION_GUARDED = ("journal_entries", "journal_lines", "period_locks", "group_settings",
                      "member_changes", "audit_events")
NEW_TABLES = ("access_changes", "ledger_seals")
REPLACE_KEYS = {
    "journal_entries": (("id",), ("group_id", "seq"), ("reverses_id",)),
    "journal_lines": (("id",), ("entry_id", "line_no")),
}


def _when(value):  # noqa: ANN001, ANN202
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "access_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_changes")),
    )
    with op.batch_alter_table("access_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_access_changes_user_id"), ["user_id"], unique=False)
    op.create_table(
        "ledger_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_seals")),
    )
    with op.batch_alter_table("ledger_seals") as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_seals_group_id_entry_count"),
                              ["group_id", "entry_count"], unique=False)

    now = clock.now().replace(microsecond=0)
    stamp = now.isoformat(sep=" ", timespec="microseconds")
    # The audit log as it stands becomes the start of its chain (its guard is lifted for
    # the one UPDATE that writes the hashes, then put back).
    for statement in drop_append_only_sql("audit_events", dialect):
        op.execute(statement)
    prev = None
    rows = bind.execute(sa.text("SELECT id, at, user_id, username, action, group_id, detail, ok "
                                "FROM audit_events ORDER BY id")).all()
    for id_, at, user_id, username, action, group_id, detail, ok in rows:
        if isinstance(detail, str):
            detail = json.loads(detail)
        fields = {"at": _when(at), "user": user_id, "username": username, "action": action,
                  "group": group_id, "detail": detail or {}, "ok": bool(ok)}
        digest = row_hash(fields, prev)
        bind.execute(sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                     {"p": prev, "h": digest, "i": id_})
        prev = digest
    for statement in append_only_sql("audit_events", dialect):
        op.execute(statement)

    prev = None
    users = bind.execute(sa.text("SELECT id, username, password_hash FROM users ORDER BY id")).all()
    grants = bind.execute(sa.text("SELECT user_id, group_id, role FROM role_grants "
                                  "ORDER BY id")).all()
    records = [("user", uid, name, None, None, secret_digest(pw)) for uid, name, pw in users]
    records += [("grant", uid, None, gid, role, None) for uid, gid, role in grants]
    for change, uid, name, gid, role, secret in records:
        fields = {"at": now, "change": change, "user": uid, "username": name, "group": gid,
                  "role": role, "secret": secret, "by": None}
        digest = row_hash(fields, prev)
        bind.execute(sa.text(
            "INSERT INTO access_changes (at, change, user_id, username, group_id, role, "
            "secret, by_user_id, prev_hash, hash) VALUES (:at, :c, :u, :n, :g, :r, :s, NULL, "
            ":p, :h)"), {"at": stamp, "c": change, "u": uid, "n": name, "g": gid, "r": role,
                         "s": secret, "p": prev, "h": digest})
        prev = digest

    prev = None
    heads = bind.execute(sa.text("SELECT id, entry_count, head_hash FROM groups "
                                 "WHERE head_hash IS NOT NULL ORDER BY id")).all()
    for gid, count, head in heads:
        fields = {"group": gid, "entries": count, "seal": head, "at": now}
        digest = row_hash(fields, prev)
        bind.execute(sa.text(
            "INSERT INTO ledger_seals (group_id, entry_count, seal, recorded_at, prev_hash, "
            "hash) VALUES (:g, :c, :s, :at, :p, :h)"),
            {"g": gid, "c": count, "s": head, "at": stamp, "p": prev, "h": digest})
        prev = digest

    guard_append_only(op, NEW_TABLES)
    if dialect == "sqlite":
        for table in FOUNDATION_GUARDED + NEW_TABLES:
            for statement in no_replace_sql(table, REPLACE_KEYS.get(table, (("id",),))):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in FOUNDATION_GUARDED + NEW_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    unguard_append_only(op, NEW_TABLES)
    op.drop_table("ledger_seals")
    op.drop_table("access_changes")
    unguard_append_only(op, ("audit_events",))
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    guard_append_only(op, ("audit_events",))
