"""share-outs: each debt a member's payout paid (or could not pay), for her statement

Revision ID: 0008_shareout_debts
Revises: 0007_shareout_loan_interest
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_shareout_debts"
down_revision = "0007_shareout_loan_interest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Share-outs posted before this keep only each member's totals (netted, still owed).
    op.create_table(
        "share_out_debts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_out_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("netted", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_share_out_debts_member_id_members")),
        sa.ForeignKeyConstraint(["share_out_id"], ["share_outs.id"],
                                name=op.f("fk_share_out_debts_share_out_id_share_outs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_out_debts")),
    )
    with op.batch_alter_table("share_out_debts") as batch_op:
        batch_op.create_index(batch_op.f("ix_share_out_debts_share_out_id"), ["share_out_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("share_out_debts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_out_debts_share_out_id"))
    op.drop_table("share_out_debts")
