"""loans: applications, guarantors, schedules (versioned), penalties, repayments, requests,
history

Revision ID: 0003_loans
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

from models.core.migrate import guard_append_only, unguard_append_only

revision = "0003_loans"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Kept here (not imported from the schema module) so this revision never changes.
APPEND_ONLY = ("loan_terms", "loan_installments", "loan_events")


def upgrade() -> None:
    op.create_table('loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=False),
    sa.Column('installments', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amortization', sa.String(length=24), nullable=False),
    sa.Column('interest_period', sa.String(length=16), nullable=False),
    sa.Column('multiple', sa.BigInteger(), nullable=False),
    sa.Column('rounding', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('disbursed_via', sa.String(length=24), nullable=True),
    sa.Column('principal_outstanding', sa.BigInteger(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_loans_decided_by_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_loans_group_id_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_loans_member_id_members')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_loans_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loans')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_loans_group_id_number'))
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_group_id_status'), ['group_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_member_id'), ['member_id'], unique=False)

    op.create_table('loan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_events_loan_id_loans')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_loan_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_events'))
    )
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_events_loan_id'), ['loan_id'], unique=False)

    op.create_table('loan_guarantors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_guarantors_loan_id_loans')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_loan_guarantors_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_guarantors')),
    sa.UniqueConstraint('loan_id', 'member_id', name=op.f('uq_loan_guarantors_loan_id_member_id'))
    )
    with op.batch_alter_table('loan_guarantors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_guarantors_loan_id'), ['loan_id'], unique=False)

    op.create_table('loan_installments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal', sa.BigInteger(), nullable=False),
    sa.Column('interest', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_installments_loan_id_loans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_installments')),
    sa.UniqueConstraint('loan_id', 'version', 'n', name=op.f('uq_loan_installments_loan_id_version_n'))
    )
    op.create_table('loan_penalties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('charged_on', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('waived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_loan_penalties_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_penalties_loan_id_loans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_penalties')),
    sa.UniqueConstraint('loan_id', 'version', 'n', name=op.f('uq_loan_penalties_loan_id_version_n'))
    )
    op.create_table('loan_repayments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_from', sa.String(length=24), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('penalty', sa.BigInteger(), nullable=False),
    sa.Column('interest', sa.BigInteger(), nullable=False),
    sa.Column('principal', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('reversal_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_loan_repayments_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_repayments_loan_id_loans')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_loan_repayments_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_repayments')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_loan_repayments_entry_id'))
    )
    with op.batch_alter_table('loan_repayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_repayments_loan_id_status_paid_on'), ['loan_id', 'status', 'paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_repayments_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('loan_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('installments', sa.Integer(), nullable=True),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=True),
    sa.Column('first_due', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_loan_requests_decided_by_users')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_requests_loan_id_loans')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_loan_requests_requested_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_requests'))
    )
    with op.batch_alter_table('loan_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_requests_loan_id'), ['loan_id'], unique=False)

    op.create_table('loan_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('principal', sa.BigInteger(), nullable=False),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=False),
    sa.Column('installments', sa.Integer(), nullable=False),
    sa.Column('first_due', sa.Date(), nullable=True),
    sa.Column('carried_interest', sa.BigInteger(), nullable=False),
    sa.Column('carried_penalties', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_terms_loan_id_loans')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_loan_terms_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_terms')),
    sa.UniqueConstraint('loan_id', 'version', name=op.f('uq_loan_terms_loan_id_version'))
    )

    guard_append_only(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_append_only(op, APPEND_ONLY)
    op.drop_table('loan_terms')
    with op.batch_alter_table('loan_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_requests_loan_id'))

    op.drop_table('loan_requests')
    with op.batch_alter_table('loan_repayments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_repayments_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_loan_repayments_loan_id_status_paid_on'))

    op.drop_table('loan_repayments')
    op.drop_table('loan_penalties')
    op.drop_table('loan_installments')
    with op.batch_alter_table('loan_guarantors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_guarantors_loan_id'))

    op.drop_table('loan_guarantors')
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_events_loan_id'))

    op.drop_table('loan_events')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_member_id'))
        batch_op.drop_index(batch_op.f('ix_loans_group_id_status'))

    op.drop_table('loans')
