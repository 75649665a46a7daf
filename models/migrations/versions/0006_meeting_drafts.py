"""meetings: the draft of an open meeting's grid (amounts kept as they are typed)

Revision ID: 0006_meeting_drafts
Revises: 0002_savings
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_meeting_drafts"
down_revision = "0002_savings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_draft_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("column_key", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_draft_cells_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_meeting_draft_cells_member_id_members")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_meeting_draft_cells_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_draft_cells")),
        sa.UniqueConstraint("meeting_id", "member_id", "column_key",
                            name=op.f("uq_meeting_draft_cells_meeting_id_member_id_column_key")),
    )


def downgrade() -> None:
    op.drop_table("meeting_draft_cells")
