"""NSSF pooling: enrolments, their level changes (append-only), remittance batches and
their lines

Revision ID: 0017_nssf
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, no_replace_sql, unguard_append_only

revision = "0017_nssf"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Kept here (not imported from the schema module) so this revision never changes.
APPEND_ONLY = ("nssf_levels",)


def upgrade() -> None:
    op.create_table(
        "nssf_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("ss_number", sa.String(length=60), nullable=False),
        sa.Column("hospital", sa.String(length=200), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("contract_start", sa.Date(), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("follows_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["follows_id"], ["nssf_enrolments.id"],
                                name=op.f("fk_nssf_enrolments_follows_id_nssf_enrolments")),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_nssf_enrolments_group_id_groups")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_nssf_enrolments_member_id_members")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_nssf_enrolments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nssf_enrolments")),
    )
    with op.batch_alter_table("nssf_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nssf_enrolments_group_id_member_id"),
                              ["group_id", "member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nssf_enrolments_ss_number"), ["ss_number"],
                              unique=False)

    op.create_table(
        "nssf_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("level", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enrolment_id"], ["nssf_enrolments.id"],
                                name=op.f("fk_nssf_levels_enrolment_id_nssf_enrolments")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_nssf_levels_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nssf_levels")),
    )
    with op.batch_alter_table("nssf_levels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nssf_levels_enrolment_id_from_month_id"),
                              ["enrolment_id", "from_month", "id"], unique=False)

    op.create_table(
        "nssf_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("group_name", sa.String(length=200), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("exported_by", sa.Integer(), nullable=True),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("layout", sa.JSON(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("csv_sha256", sa.String(length=64), nullable=True),
        sa.Column("xlsx_sha256", sa.String(length=64), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("lsso_receipt", sa.String(length=60), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_from", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["confirmed_by"], ["users.id"],
                                name=op.f("fk_nssf_batches_confirmed_by_users")),
        sa.ForeignKeyConstraint(["corrects_id"], ["nssf_batches.id"],
                                name=op.f("fk_nssf_batches_corrects_id_nssf_batches")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_nssf_batches_created_by_users")),
        sa.ForeignKeyConstraint(["exported_by"], ["users.id"],
                                name=op.f("fk_nssf_batches_exported_by_users")),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_nssf_batches_group_id_groups")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nssf_batches")),
    )
    with op.batch_alter_table("nssf_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nssf_batches_group_id_month"),
                              ["group_id", "month"], unique=False)

    op.create_table(
        "nssf_batch_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("ss_number", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level_number", sa.Integer(), nullable=False),
        sa.Column("level", sa.BigInteger(), nullable=False),
        sa.Column("contribution", sa.BigInteger(), nullable=False),
        sa.Column("health", sa.BigInteger(), nullable=False),
        sa.Column("short_term", sa.BigInteger(), nullable=False),
        sa.Column("long_term", sa.BigInteger(), nullable=False),
        sa.Column("from_pot", sa.BigInteger(), nullable=False),
        sa.Column("from_advance", sa.BigInteger(), nullable=False),
        sa.Column("from_subsidy", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["nssf_batches.id"],
                                name=op.f("fk_nssf_batch_lines_batch_id_nssf_batches")),
        sa.ForeignKeyConstraint(["enrolment_id"], ["nssf_enrolments.id"],
                                name=op.f("fk_nssf_batch_lines_enrolment_id_nssf_enrolments")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_nssf_batch_lines_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nssf_batch_lines")),
    )
    with op.batch_alter_table("nssf_batch_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nssf_batch_lines_batch_id"), ["batch_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_nssf_batch_lines_enrolment_id"), ["enrolment_id"],
                              unique=False)

    guard_append_only(op, APPEND_ONLY)
    if op.get_bind().dialect.name == "sqlite":
        for statement in no_replace_sql("nssf_levels", (("id",),)):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS nssf_levels_no_replace")
    unguard_append_only(op, APPEND_ONLY)
    with op.batch_alter_table("nssf_batch_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nssf_batch_lines_enrolment_id"))
        batch_op.drop_index(batch_op.f("ix_nssf_batch_lines_batch_id"))
    op.drop_table("nssf_batch_lines")
    with op.batch_alter_table("nssf_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nssf_batches_group_id_month"))
    op.drop_table("nssf_batches")
    with op.batch_alter_table("nssf_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nssf_levels_enrolment_id_from_month_id"))
    op.drop_table("nssf_levels")
    with op.batch_alter_table("nssf_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nssf_enrolments_ss_number"))
        batch_op.drop_index(batch_op.f("ix_nssf_enrolments_group_id_member_id"))
    op.drop_table("nssf_enrolments")
