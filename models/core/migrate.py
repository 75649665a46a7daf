"""Schema migrations (Alembic), with a backup taken before any migration runs.

Whether a ledger is up to date is answered without Alembic (whose import costs a quarter of
a second at every start): the revisions come from the migration files' own ``revision`` and
``down_revision`` lines, and the ledger's from its ``alembic_version`` table. Alembic is
imported only when a migration runs."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from models.core import backup
from models.core.db import Database, resolve_url
from models.core.revisions import MIGRATIONS, head_revisions
from models.core.revisions import known_revisions as known_revisions  # re-exported
from models.core.revisions import revision_graph as revision_graph  # re-exported

if TYPE_CHECKING:
    from alembic.config import Config

def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revisions(database: Database) -> set[str]:
    """The revisions the ledger is stamped with (none for a new, empty ledger)."""
    with database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def needs_upgrade(database: Database) -> bool:
    return current_revisions(database) != head_revisions()


def upgrade(database: Database, *, backup_dir: Path | None = None,
            backup_first: bool = True) -> bool:
    """Bring the schema to the newest revision. Returns whether anything ran.

    A ledger that already holds a schema is backed up (and the backup checked) first,
    unless it is itself a scratch copy (``backup_first=False``)."""
    current = current_revisions(database)
    if current == head_revisions():
        return False
    if current and database.is_sqlite and backup_first:
        backup.backup_before(database, reason="migration", directory=backup_dir)
    from alembic import command

    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    return True


def append_only_sql(table: str, dialect: str) -> list[str]:
    """DDL that makes ``table`` refuse UPDATE and DELETE (SQLite triggers or a PostgreSQL
    trigger function). Tampering behind the app's back must first drop these, and the hash
    chain still tells."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION kongthun_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION kongthun_append_only()",
        ]
    return []


def guard_append_only(op, tables) -> None:  # noqa: ANN001
    """In a migration's upgrade: make ``tables`` append-only on the running dialect."""
    dialect = op.get_bind().dialect.name
    for table in tables:
        for statement in append_only_sql(table, dialect):
            op.execute(statement)


def unguard_append_only(op, tables) -> None:  # noqa: ANN001
    """In a migration's downgrade: drop the guards ``guard_append_only`` made."""
    dialect = op.get_bind().dialect.name
    for table in tables:
        for statement in drop_append_only_sql(table, dialect):
            op.execute(statement)


def drop_append_only_sql(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update",
                f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return []


def no_replace_sql(table: str, keys: tuple[tuple[str, ...], ...] = (("id",),)) -> list[str]:
    """SQLite DDL that refuses an insert reusing an existing key of ``table``: ``INSERT OR
    REPLACE`` deletes the old row without firing the delete guard, so this stops it first."""
    taken = " OR ".join(
        "EXISTS (SELECT 1 FROM {t} WHERE {cond})".format(
            t=table, cond=" AND ".join(f"{c} = NEW.{c}" for c in key))
        for key in keys)
    return [f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {taken} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: that row exists'); END"]


def open_database(db: str | None = None, *, migrate: bool = True,
                  backup_dir: Path | None = None) -> Database:
    """Open (creating if needed) the ledger named by ``db`` and bring its schema up to date.

    An existing file that needs migrating is backed up first (into ``backup_dir``, default
    the ``backups`` folder beside it)."""
    database = Database(resolve_url(db))
    if migrate:
        upgrade(database, backup_dir=backup_dir)
    return database
