"""welfare fund: claim types, dated claim rules, claims, approvals

Revision ID: 0004_welfare
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, unguard_append_only

revision = "0004_welfare"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Kept here (not imported from the schema module) so this revision never changes.
APPEND_ONLY = ("welfare_claim_rules", "welfare_claim_approvals")


def upgrade() -> None:
    op.create_table(
        "welfare_claim_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_welfare_claim_types_group_id_groups")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_claim_types")),
        sa.UniqueConstraint("group_id", "code", name=op.f("uq_welfare_claim_types_group_id_code")),
    )
    with op.batch_alter_table("welfare_claim_types", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_claim_types_group_id"), ["group_id"],
                              unique=False)

    op.create_table(
        "welfare_claim_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_type_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("max_amount", sa.BigInteger(), nullable=False),
        sa.Column("frequency_count", sa.Integer(), nullable=True),
        sa.Column("frequency_window", sa.String(length=16), nullable=False),
        sa.Column("frequency_months", sa.Integer(), nullable=False),
        sa.Column("frequency_scope", sa.String(length=8), nullable=False),
        sa.Column("waiting_months", sa.Integer(), nullable=False),
        sa.Column("beneficiaries", sa.JSON(), nullable=False),
        sa.Column("requires_good_standing", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_type_id"], ["welfare_claim_types.id"],
            name=op.f("fk_welfare_claim_rules_claim_type_id_welfare_claim_types")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_welfare_claim_rules_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_claim_rules")),
    )
    with op.batch_alter_table("welfare_claim_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_claim_rules_claim_type_id_effective_from_id"),
            ["claim_type_id", "effective_from", "id"], unique=False)

    op.create_table(
        "welfare_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("claim_type_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("claim_date", sa.Date(), nullable=False),
        sa.Column("beneficiary", sa.String(length=16), nullable=False),
        sa.Column("beneficiary_name", sa.String(length=200), nullable=True),
        sa.Column("amount_asked", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("rejected_by", sa.Integer(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_type_id"], ["welfare_claim_types.id"],
            name=op.f("fk_welfare_claims_claim_type_id_welfare_claim_types")),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_welfare_claims_group_id_groups")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_welfare_claims_member_id_members")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_welfare_claims_recorded_by_users")),
        sa.ForeignKeyConstraint(["rejected_by"], ["users.id"],
                                name=op.f("fk_welfare_claims_rejected_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_claims")),
        sa.UniqueConstraint("group_id", "number", name=op.f("uq_welfare_claims_group_id_number")),
    )
    with op.batch_alter_table("welfare_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_claims_group_id"), ["group_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_welfare_claims_member_id_event_date"),
                              ["member_id", "event_date"], unique=False)

    op.create_table(
        "welfare_claim_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["welfare_claims.id"],
                                name=op.f("fk_welfare_claim_approvals_claim_id_welfare_claims")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_welfare_claim_approvals_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_claim_approvals")),
        sa.UniqueConstraint("claim_id", "user_id",
                            name=op.f("uq_welfare_claim_approvals_claim_id_user_id")),
    )
    with op.batch_alter_table("welfare_claim_approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_claim_approvals_claim_id"), ["claim_id"],
                              unique=False)

    guard_append_only(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_append_only(op, APPEND_ONLY)
    with op.batch_alter_table("welfare_claim_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_claim_approvals_claim_id"))
    op.drop_table("welfare_claim_approvals")
    with op.batch_alter_table("welfare_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_claims_member_id_event_date"))
        batch_op.drop_index(batch_op.f("ix_welfare_claims_group_id"))
    op.drop_table("welfare_claims")
    with op.batch_alter_table("welfare_claim_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_claim_rules_claim_type_id_effective_from_id"))
    op.drop_table("welfare_claim_rules")
    with op.batch_alter_table("welfare_claim_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_claim_types_group_id"))
    op.drop_table("welfare_claim_types")
