"""welfare: the append-only welfare tables refuse INSERT OR REPLACE as well

Revision ID: 0010_welfare_replace_guards
Revises: 0004_welfare
"""
from alembic import op

from models.core.migrate import no_replace_sql

revision = "0010_welfare_replace_guards"
down_revision = "0004_welfare"
branch_labels = None
depends_on = None

KEYS = {
    "welfare_claim_rules": (("id",),),
    "welfare_claim_approvals": (("id",), ("claim_id", "user_id")),
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
