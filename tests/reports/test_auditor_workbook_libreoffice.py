"""What the auditor will do: open the workbook in LibreOffice, let it recalculate every
formula, and see each total agree with the ledger's figure and every check cell show 0."""
from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from desktop.exporting import export_auditor
from models.core import capability
from tests.reports.auditor_support import demo, demo_template, user  # noqa: F401

capability.load()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"
CHECKS = ("Check (should be 0)", "Debits less credits (should be 0)")


def recalculated_sheets(workbook, tmp_path) -> dict[str, list[list[str]]]:  # noqa: ANN001
    out = tmp_path / "csv"
    out.mkdir()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", CSV_FILTER, "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=600)
    sheets = {}
    for path in out.glob("*.csv"):
        name = path.stem.removeprefix(workbook.stem + "-")
        with open(path, encoding="utf-8") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets


def number(text: str) -> int:
    return int(text)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: run "
                    "`make system` (Debian package libreoffice-calc-nogui) to run this test")
def test_libreoffice_recalculates_every_total_to_the_ledgers_figure(demo, tmp_path):  # noqa: F811
    workbook = tmp_path / "auditor.xlsx"
    export_auditor(demo, user(demo, "auditor"), group_id=1, language="en", out=workbook)
    sheets = recalculated_sheets(workbook, tmp_path)
    assert len(sheets) == 12, sorted(sheets)
    checks = totals = 0
    for name, rows in sheets.items():
        for i, row in enumerate(rows):
            if any(cell in CHECKS for cell in row) and row[0] != "Portfolio at risk":
                label = next(j for j, cell in enumerate(row) if cell in CHECKS)
                values = [c for c in row[label + 1:] if c != ""]
                assert values, (name, row)
                assert all(number(v) == 0 for v in values), (name, i + 1, row)
                checks += 1
            if "Ledger's figure" in row[:3]:  # (the PAR block's header has it further right)
                label = row.index("Ledger's figure")
                above = rows[i - 1]  # the total (or closing balance) it stands under
                for col, figure in enumerate(row):
                    if col > label and figure != "":
                        assert number(above[col]) == number(figure), (name, i + 1, col)
                        totals += 1
        errors = ("Err:", "#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#N/A")
        assert not any(cell.startswith(errors) for row in rows for cell in row), name
    assert checks >= 15 and totals >= 10, (checks, totals)
    par = [r for r in sheets["Loan portfolio"] if r and r[0] in ("PAR30", "PAR60", "PAR90")]
    assert len(par) == 3 and all(number(r[2]) == number(r[3]) for r in par)
