"""Counting the SQL statements a piece of code sends (an ``executemany`` is one), for the
tests that fail when a query's statements grow with the number of rows or groups."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    @property
    def count(self) -> int:
        return len(self.sql)


@contextmanager
def counting(engine: Engine):
    found = Statements()

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            found.sql.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)
