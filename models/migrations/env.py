"""Alembic environment: runs on the connection that ``models.core.migrate`` hands over."""
from __future__ import annotations

from alembic import context

from models.core.tables import load_all

target_metadata = load_all().metadata
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
