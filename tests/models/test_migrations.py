"""The migrations build exactly the schema the models describe, and upgrading backs up."""
from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from models.core import migrate
from models.core.db import Database
from models.core.migrate import open_database
from models.core.tables import load_all

pytestmark = pytest.mark.sqlite_only  # builds ledgers of older versions as SQLite files


def test_migrations_match_models(tmp_path):
    database = open_database(str(tmp_path / "fresh.sqlite3"))
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, load_all().metadata)
    database.dispose()
    assert diff == []


def test_the_revisions_read_from_the_files_are_alembics():
    """The start-up check reads the migration files itself (no Alembic import); it must
    name the same heads and revisions as Alembic's own script directory."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revisions() == set(script.get_heads())
    assert migrate.known_revisions() == {rev.revision for rev in script.walk_revisions()}
    ours = {rev: tuple(sorted(downs)) for rev, downs in migrate.revision_graph().items()}
    assert ours == {rev.revision: tuple(sorted(rev._all_down_revisions))
                    for rev in script.walk_revisions()}


def test_a_ledger_opened_at_every_head_does_not_import_alembic(tmp_path):
    """Opening an up-to-date ledger (every start of the program) never loads Alembic."""
    import subprocess
    import sys

    path = tmp_path / "ledger.sqlite3"
    open_database(str(path)).dispose()
    probe = ("import sys; from models.core.migrate import open_database; "
             f"open_database({str(path)!r}).dispose(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_fresh_ledger_is_at_every_head(tmp_path):
    database = open_database(str(tmp_path / "fresh.sqlite3"))
    assert migrate.current_revisions(database) == migrate.head_revisions()
    assert not migrate.needs_upgrade(database)
    database.dispose()


def _ledger_at(path, revision: str) -> None:  # noqa: ANN001
    """A ledger file migrated only up to ``revision`` (an older version of the app)."""
    from alembic import command

    database = Database(f"sqlite:///{path}")
    config = migrate.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    database.dispose()


def test_an_older_ledger_is_backed_up_before_it_is_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    _ledger_at(path, "0001_foundation")
    if migrate.head_revisions() == {"0001_foundation"}:
        # Only the first revision exists: pretend the file is older by stamping it empty.
        con = sqlite3.connect(path)
        con.execute("DELETE FROM alembic_version")
        con.execute("INSERT INTO alembic_version VALUES ('0001_foundation')")
        con.commit()
        con.close()
        return
    backups = tmp_path / "backups"
    reopened = open_database(str(path), backup_dir=backups)
    assert migrate.current_revisions(reopened) == migrate.head_revisions()
    made = list((backups / "special").glob("kongthun-*-before-migration.sqlite3"))
    assert len(made) == 1
    reopened.dispose()


def test_append_only_tables_refuse_update_and_delete(db, env):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    with db.write() as s:
        s.execute(text("INSERT INTO audit_events (at, username, action, detail, ok) "
                       "VALUES ('2026-01-01 00:00:00', 'x', 'test', '{}', 1)"))
    with pytest.raises(DatabaseError, match="append-only"):
        with db.write() as s:
            s.execute(text("UPDATE audit_events SET action = 'other'"))
    with pytest.raises(DatabaseError, match="append-only"):
        with db.write() as s:
            s.execute(text("DELETE FROM audit_events"))


def test_checking_a_backup_leaves_the_file_untouched(env, tmp_path):
    import hashlib

    from models.core import backup

    copy = tmp_path / "copy.sqlite3"
    backup.write_backup(env.db, copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    copy.chmod(0o444)
    result = backup.check_backup(copy)
    assert result.ok
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert not (tmp_path / "copy.sqlite3-wal").exists()


def test_the_fee_columns_come_with_a_default_and_keep_the_append_only_guards(tmp_path):
    path = tmp_path / "before-fees.sqlite3"
    _ledger_at(path, "0003_loans")
    reopened = open_database(str(path), backup_dir=tmp_path / "backups")
    reopened.dispose()
    con = sqlite3.connect(path)
    columns = {row[1]: row[4] for row in con.execute("PRAGMA table_info(loan_installments)")}
    triggers = {row[0] for row in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name IN ('loan_installments', 'loan_terms')")}
    con.close()
    assert columns["fee"] == "'0'"
    assert triggers == {"loan_installments_no_update", "loan_installments_no_delete",
                        "loan_installments_no_replace", "loan_terms_no_update",
                        "loan_terms_no_delete", "loan_terms_no_replace"}


def test_a_ledger_from_before_nssf_is_checked_and_upgraded(tmp_path):
    """A group's ledger written before the NSSF capability existed (its tables absent, its
    revision not stamped): the backup before the migration is checked with every rule the
    old ledger can answer, the NSSF check skipped, and the upgrade goes through. Before,
    the NSSF check asked for its table in the old file and the ledger could not be opened."""
    import datetime as dt

    from models.core import capability, groups, ledger, members, users
    from models.core.ledger import Line
    from models.core.verify import verify_database

    capability.load()
    path = tmp_path / "old.sqlite3"
    database = open_database(str(path))
    with database.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                         password="demo")
        group = groups.create_group(s, admin, name="ກຸ່ມຕັດຫຍິບ", name_latin="Tailors")
        member = members.add_member(s, admin, group_id=group.id, details=members.MemberDetails(
            name_lao="ນາງ ແກ້ວ", name_latin="Keo", gender="f", joined_on=dt.date(2024, 1, 5)))
        ledger.post_entry(s, admin, group_id=group.id, value_date=dt.date(2024, 2, 1),
                          kind="deposit", lines=[Line("cash", 50_000),
                                                 Line("member_savings", -50_000,
                                                      member_id=member.id)])
    database.dispose()
    con = sqlite3.connect(path)
    nssf = [name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'nssf%'")]
    assert nssf
    for name in nssf:
        con.execute(f"DROP TABLE {name}")
    con.execute("DELETE FROM alembic_version WHERE version_num LIKE '%nssf%'")
    con.commit()
    con.close()
    backups = tmp_path / "backups"
    reopened = open_database(str(path), backup_dir=backups)
    assert migrate.current_revisions(reopened) == migrate.head_revisions()
    assert list((backups / "special").glob("kongthun-*-before-migration.sqlite3"))
    with reopened.read() as session:
        assert verify_database(session) == []
    reopened.dispose()


def test_a_ledger_at_this_version_that_lacks_a_table_fails_verify(tmp_path):
    """Skipping a check is only for a ledger an older version wrote: at this version's
    revisions, a capability's table gone is named."""
    from models.core import capability
    from models.core.verify import verify_database

    capability.load()
    path = tmp_path / "ledger.sqlite3"
    open_database(str(path)).dispose()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE nssf_share_out_pots")
    con.commit()
    con.close()
    reopened = Database(f"sqlite:///{path}")
    with reopened.read() as session:
        assert [p.params.get("tables") for p in verify_database(session)] == [
            "nssf_share_out_pots"]
    reopened.dispose()
