"""savings: cycles, meetings, attendance, posted grid cells, cash counts, withdrawal notices,
share-outs, exit settlements

Revision ID: 0002_savings
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

revision = '0002_savings'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('savings_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('share_price', sa.BigInteger(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_savings_cycles_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_savings_cycles')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_savings_cycles_group_id_number'))
    )
    with op.batch_alter_table('savings_cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_savings_cycles_group_id'), ['group_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['savings_cycles.id'], name=op.f('fk_meetings_cycle_id_savings_cycles')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_meetings_group_id_groups')),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_meetings_opened_by_users')),
    sa.ForeignKeyConstraint(['posted_by'], ['users.id'], name=op.f('fk_meetings_posted_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('group_id', 'meeting_date', name=op.f('uq_meetings_group_id_meeting_date'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_group_id'), ['group_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_attendance_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_meeting_attendance_meeting_id_member_id'))
    )
    op.create_table('meeting_cells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('column_key', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_cells_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_cells_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_cells')),
    sa.UniqueConstraint('meeting_id', 'member_id', 'column_key', name=op.f('uq_meeting_cells_meeting_id_member_id_column_key'))
    )
    with op.batch_alter_table('meeting_cells', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_cells_member_id'), ['member_id'], unique=False)

    op.create_table('cash_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('counted_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('denominations', sa.JSON(), nullable=False),
    sa.Column('other', sa.BigInteger(), nullable=False),
    sa.Column('counted', sa.BigInteger(), nullable=False),
    sa.Column('expected', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_cash_counts_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_cash_counts_group_id_groups')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_cash_counts_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cash_counts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_counts'))
    )
    with op.batch_alter_table('cash_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_counts_group_id_head_seq'), ['group_id', 'head_seq'], unique=False)

    op.create_table('withdrawal_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_withdrawal_notices_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_withdrawal_notices_group_id_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_withdrawal_notices_member_id_members')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_withdrawal_notices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_notices'))
    )
    with op.batch_alter_table('withdrawal_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_notices_member_id'), ['member_id'], unique=False)

    op.create_table('share_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('share_out_date', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('loans_policy', sa.String(length=16), nullable=False),
    sa.Column('round_to', sa.BigInteger(), nullable=False),
    sa.Column('distributable', sa.BigInteger(), nullable=False),
    sa.Column('total_savings', sa.BigInteger(), nullable=False),
    sa.Column('residue', sa.BigInteger(), nullable=False),
    sa.Column('next_cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['savings_cycles.id'], name=op.f('fk_share_outs_cycle_id_savings_cycles')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_share_outs_group_id_groups')),
    sa.ForeignKeyConstraint(['next_cycle_id'], ['savings_cycles.id'], name=op.f('fk_share_outs_next_cycle_id_savings_cycles')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_share_outs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_outs')),
    sa.UniqueConstraint('cycle_id', name=op.f('uq_share_outs_cycle_id'))
    )
    with op.batch_alter_table('share_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_outs_group_id'), ['group_id'], unique=False)

    op.create_table('share_out_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_out_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('savings', sa.BigInteger(), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('payout', sa.BigInteger(), nullable=False),
    sa.Column('debts_netted', sa.BigInteger(), nullable=False),
    sa.Column('reinvested', sa.BigInteger(), nullable=False),
    sa.Column('cash_paid', sa.BigInteger(), nullable=False),
    sa.Column('debt_left', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_share_out_lines_member_id_members')),
    sa.ForeignKeyConstraint(['share_out_id'], ['share_outs.id'], name=op.f('fk_share_out_lines_share_out_id_share_outs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_out_lines')),
    sa.UniqueConstraint('share_out_id', 'member_id', name=op.f('uq_share_out_lines_share_out_id_member_id'))
    )
    with op.batch_alter_table('share_out_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_out_lines_member_id'), ['member_id'], unique=False)

    op.create_table('exit_settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('savings', sa.BigInteger(), nullable=False),
    sa.Column('debts_netted', sa.BigInteger(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('debt_left', sa.BigInteger(), nullable=False),
    sa.Column('paid_to', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_exit_settlements_group_id_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_exit_settlements_member_id_members')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exit_settlements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exit_settlements'))
    )
    with op.batch_alter_table('exit_settlements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exit_settlements_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('exit_settlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exit_settlements_member_id'))

    op.drop_table('exit_settlements')
    with op.batch_alter_table('share_out_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_out_lines_member_id'))

    op.drop_table('share_out_lines')
    with op.batch_alter_table('share_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_outs_group_id'))

    op.drop_table('share_outs')
    with op.batch_alter_table('withdrawal_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withdrawal_notices_member_id'))

    op.drop_table('withdrawal_notices')
    with op.batch_alter_table('cash_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_counts_group_id_head_seq'))

    op.drop_table('cash_counts')
    with op.batch_alter_table('meeting_cells', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_cells_member_id'))

    op.drop_table('meeting_cells')
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_group_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_cycle_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('savings_cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_savings_cycles_group_id'))

    op.drop_table('savings_cycles')
