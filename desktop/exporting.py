"""Exports both front ends run the same way (no Qt here): read the ledger, write the file
(through a temporary name, renamed at the end), then audit the export with the file's SHA-256.

``progress(done, total) -> bool`` is called while writing; returning False cancels
(``models.core.errors.UserCancelled``) and no file is left. If the audit event cannot be written
the file is removed too: an export nobody can trace is not handed out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.core import users
from models.core.db import Database
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.schema import User
from models.statements.auditor import auditor_data, file_sha256, record_export
from models.statements.member import member_statement
from reports.auditor_workbook import write_auditor_workbook
from reports.member_statement import write_statement_pdf, write_statement_workbook
from reports.xlsx import Progress


@dataclass(frozen=True)
class Exported:
    path: Path
    sha256: str
    start: dt.date
    end: dt.date
    entries: int  # journal entries in the period (auditor) or movements (statement)


def _check_out(out: Path | str, suffixes: tuple[str, ...]) -> Path:
    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise UserError(N_("The file name must end in {suffixes}."),
                        suffixes=" / ".join(suffixes))
    if not path.parent.is_dir():
        raise UserError(N_("The folder {folder} does not exist."), folder=str(path.parent))
    return path


def _audit(database: Database, user: User, *, group_id: int, what: str, path: Path,
           **detail: object) -> str:
    sha = file_sha256(path)
    try:
        with database.write() as session:
            record_export(session, users.reload_user(session, user), group_id=group_id,
                          what=what, path=path, sha256=sha, **detail)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return sha


def export_auditor(database: Database, user: User, *, group_id: int,
                   start: dt.date | None = None, end: dt.date | None = None,
                   language: str, out: Path | str,
                   progress: Progress | None = None) -> Exported:
    path = _check_out(out, (".xlsx",))
    if start and end and start > end:
        raise UserError(N_("The period starts after it ends."))
    with database.read() as session:
        actor = users.reload_user(session, user)
        data = auditor_data(session, actor, group_id=group_id, start=start, end=end)
        write_auditor_workbook(data, path, language=language, progress=progress)
    cover = data.cover
    sha = _audit(database, user, group_id=group_id, what="auditor_workbook", path=path,
                 start=cover.start, end=cover.end, seal=cover.seal, language=language)
    return Exported(path, sha, cover.start, cover.end, cover.period_entries)


def export_statement(database: Database, user: User, *, group_id: int, member_number: int,
                     start: dt.date | None = None, end: dt.date | None = None,
                     language: str, out: Path | str,
                     progress: Progress | None = None) -> Exported:
    """The statement as a workbook (``.xlsx``) or a one-page PDF (``.pdf``)."""
    path = _check_out(out, (".xlsx", ".pdf"))
    if start and end and start > end:
        raise UserError(N_("The period starts after it ends."))
    with database.read() as session:
        actor = users.reload_user(session, user)
        st = member_statement(session, actor, group_id=group_id, member_number=member_number,
                              start=start, end=end)
    if path.suffix.lower() == ".pdf":
        write_statement_pdf(st, path, language=language, progress=progress)
    else:
        write_statement_workbook(st, path, language=language, progress=progress)
    sha = _audit(database, user, group_id=group_id, what="member_statement", path=path,
                 member=member_number, start=st.start, end=st.end, seal=st.seal,
                 language=language)
    return Exported(path, sha, st.start, st.end, len(st.lines))
