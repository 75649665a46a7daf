"""share-outs: keep the interest and fees the loans paid off from payouts brought in

Revision ID: 0007_shareout_loan_interest
Revises: 0006_meeting_drafts
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_shareout_loan_interest"
down_revision = "0006_meeting_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Share-outs posted before this read 0: what their loans brought in was not kept.
    op.add_column("share_outs", sa.Column("loan_interest", sa.BigInteger(),
                                          server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("share_outs") as batch_op:
        batch_op.drop_column("loan_interest")
