"""ledger: kept totals per account and per member, filled from the lines already posted

Revision ID: 0018_account_totals
Revises: 0010_tamper_evidence
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_account_totals"
down_revision = "0010_tamper_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_totals",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_account_totals_account_id_accounts")),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_totals")),
    )
    op.create_table(
        "member_totals",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_member_totals_account_id_accounts")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_member_totals_member_id_members")),
        sa.PrimaryKeyConstraint("account_id", "member_id", name=op.f("pk_member_totals")),
    )
    # The ledger's history, summed once: from here on every posting moves the totals.
    op.execute("INSERT INTO account_totals (account_id, total) "
               "SELECT account_id, SUM(amount) FROM journal_lines GROUP BY account_id")
    op.execute("INSERT INTO member_totals (account_id, member_id, total) "
               "SELECT account_id, member_id, SUM(amount) FROM journal_lines "
               "WHERE member_id IS NOT NULL GROUP BY account_id, member_id")


def downgrade() -> None:
    op.drop_table("member_totals")
    op.drop_table("account_totals")
