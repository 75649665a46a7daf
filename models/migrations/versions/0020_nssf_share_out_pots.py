"""NSSF pots at a share-out: what each member's pot held, what was paid out with her
share, what she put into it from her payout

Revision ID: 0020_nssf_share_out_pots
Revises: 0017_nssf
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_nssf_share_out_pots"
down_revision = "0017_nssf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nssf_share_out_pots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("share_out_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("paid_out", sa.BigInteger(), nullable=False),
        sa.Column("topped_up", sa.BigInteger(), nullable=False),
        sa.Column("paid_entry_id", sa.Integer(), nullable=True),
        sa.Column("top_up_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_nssf_share_out_pots_group_id_groups")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_nssf_share_out_pots_member_id_members")),
        sa.ForeignKeyConstraint(
            ["paid_entry_id"], ["journal_entries.id"],
            name=op.f("fk_nssf_share_out_pots_paid_entry_id_journal_entries")),
        sa.ForeignKeyConstraint(
            ["top_up_entry_id"], ["journal_entries.id"],
            name=op.f("fk_nssf_share_out_pots_top_up_entry_id_journal_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nssf_share_out_pots")),
    )
    with op.batch_alter_table("nssf_share_out_pots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nssf_share_out_pots_group_id"), ["group_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_nssf_share_out_pots_share_out_id_member_id"),
                              ["share_out_id", "member_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("nssf_share_out_pots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nssf_share_out_pots_share_out_id_member_id"))
        batch_op.drop_index(batch_op.f("ix_nssf_share_out_pots_group_id"))
    op.drop_table("nssf_share_out_pots")
