"""bundles: a group's signing key, and the office's replicas of village ledgers

Revision ID: 0016_bundles
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, unguard_append_only

revision = "0016_bundles"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Kept here (not imported from the schema module) so this revision never changes.
APPEND_ONLY = ("replica_entries",)


def upgrade() -> None:
    op.create_table(
        "bundle_keys",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_bundle_keys_group_id_groups")),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_bundle_keys")),
    )
    op.create_table(
        "replica_groups",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_replica_groups_group_id_groups")),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_replica_groups")),
        sa.UniqueConstraint("origin", name=op.f("uq_replica_groups_origin")),
    )
    op.create_table(
        "replica_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_replica_entries_group_id_groups")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"],
                                name=op.f("fk_replica_entries_entry_id_journal_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica_entries")),
        sa.UniqueConstraint("group_id", "seq", name=op.f("uq_replica_entries_group_id_seq")),
    )
    with op.batch_alter_table("replica_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replica_entries_group_id"), ["group_id"],
                              unique=False)
    guard_append_only(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_append_only(op, APPEND_ONLY)
    op.drop_table("replica_entries")
    op.drop_table("replica_groups")
    op.drop_table("bundle_keys")
