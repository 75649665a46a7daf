"""loans: the append-only loan tables refuse INSERT OR REPLACE as well

Revision ID: 0010_loan_replace_guards
Revises: 0005_loan_fees
"""
from alembic import op

from models.core.migrate import no_replace_sql

revision = "0010_loan_replace_guards"
down_revision = "0005_loan_fees"
branch_labels = None
depends_on = None

KEYS = {
    "loan_terms": (("id",), ("loan_id", "version")),
    "loan_installments": (("id",), ("loan_id", "version", "n")),
    "loan_events": (("id",),),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, keys in KEYS.items():
            for statement in no_replace_sql(table, keys):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in KEYS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
