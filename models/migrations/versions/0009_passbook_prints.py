"""passbooks: the record of every passbook print (what was printed, where on the page)

Revision ID: 0009_passbook_prints
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, unguard_append_only

revision = "0009_passbook_prints"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Kept here (not imported from the schema module) so this revision never changes.
APPEND_ONLY = ("passbook_prints",)


def upgrade() -> None:
    op.create_table(
        "passbook_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=16), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("is_copy", sa.Boolean(), nullable=False),
        sa.Column("printed_by", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_passbook_prints_group_id_groups")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_passbook_prints_member_id_members")),
        sa.ForeignKeyConstraint(["printed_by"], ["users.id"],
                                name=op.f("fk_passbook_prints_printed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passbook_prints")),
    )
    with op.batch_alter_table("passbook_prints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passbook_prints_group_id"), ["group_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_passbook_prints_member_id_section_id"),
                              ["member_id", "section", "id"], unique=False)
    guard_append_only(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_append_only(op, APPEND_ONLY)
    op.drop_table("passbook_prints")
