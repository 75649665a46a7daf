"""loans: the loan fee (fixed per loan, kept from the payout or owed with the installments)

Revision ID: 0005_loan_fees
Revises: 0003_loans
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, unguard_append_only

revision = "0005_loan_fees"
down_revision = "0003_loans"
branch_labels = None
depends_on = None

# Adding a column leaves the append-only triggers of loan_terms and loan_installments in
# place (SQLite's ALTER TABLE ADD COLUMN does not rebuild the table); older rows read 0.
COLUMNS = (
    ("loans", sa.Column("fee", sa.BigInteger(), server_default="0", nullable=False)),
    ("loans", sa.Column("fee_timing", sa.String(length=16), server_default="payout",
                        nullable=False)),
    ("loan_terms", sa.Column("carried_fees", sa.BigInteger(), server_default="0",
                             nullable=False)),
    ("loan_installments", sa.Column("fee", sa.BigInteger(), server_default="0",
                                    nullable=False)),
    ("loan_repayments", sa.Column("fee", sa.BigInteger(), server_default="0",
                                  nullable=False)),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade() -> None:
    # Dropping a column rebuilds a SQLite table, which drops its triggers: guard again.
    guarded = ("loan_terms", "loan_installments")
    unguard_append_only(op, guarded)
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column.name)
    guard_append_only(op, guarded)
