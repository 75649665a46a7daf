"""verify checkpoints: where the last clean verify left each group's chain (sealed rows,
append-only), so the daily check reads only the entries after it

Revision ID: 0019_verify_checkpoints
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, no_replace_sql, unguard_append_only

revision = "0019_verify_checkpoints"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("sums", sa.Text(), nullable=False),
        sa.Column("full_checked_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_verify_checkpoints_group_id_groups")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_verify_checkpoints_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verify_checkpoints")),
    )
    with op.batch_alter_table("verify_checkpoints") as batch:
        batch.create_index(batch.f("ix_verify_checkpoints_group_id_id"), ["group_id", "id"],
                           unique=False)
    guard_append_only(op, ("verify_checkpoints",))
    if op.get_bind().dialect.name == "sqlite":
        for statement in no_replace_sql("verify_checkpoints"):
            op.execute(statement)


def downgrade() -> None:
    unguard_append_only(op, ("verify_checkpoints",))
    op.drop_table("verify_checkpoints")
