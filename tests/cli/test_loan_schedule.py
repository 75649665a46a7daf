"""``kongthun loan-schedule``: the public command-line contract (DESIGN.md).

tests/conftest.py freezes the clock and sets English before each test."""
from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from models.core import clock
from models.core.i18n import parse_po

ROOT = Path(__file__).resolve().parents[2]
RS02 = ["loan-schedule", "--principal", "5000.00", "--annual-rate", "12",
        "--installments", "18", "--method", "declining",
        "--amortization", "equal-installments", "--interest-period", "repayment",
        "--decimals", "2", "--multiple", "1.00", "--rounding", "half-even",
        "--disbursed", "2022-11-01"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_reproduces_fineract_rs02(capsys):
    code, out, err = run(capsys, *RS02, "--format", "csv")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "n,due_date,principal,interest,total,balance"
    assert lines[1] == "1,2022-12-01,255.00,50.00,305.00,4745.00"
    assert lines[2] == "2,2023-01-01,257.55,47.45,305.00,4487.45"
    assert lines[18] == "18,2024-05-01,300.22,3.00,303.22,0.00"
    assert len(lines) == 19
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sum(float(r["interest"]) * 100 for r in rows) == pytest.approx(48822)


def test_json_has_the_csv_keys_and_string_amounts(capsys):
    code, out, _ = run(capsys, *RS02, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data) == 18
    assert data[0] == {"n": 1, "due_date": "2022-12-01", "principal": "255.00",
                       "interest": "50.00", "total": "305.00", "balance": "4745.00"}
    assert data[-1]["total"] == "303.22" and data[-1]["balance"] == "0.00"


def test_table_groups_thousands_and_ends_with_totals(capsys):
    code, out, _ = run(capsys, "--lang", "en", *RS02)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["No.", "Due", "date", "Principal", "Interest", "Total",
                                "Balance"]
    assert lines[2].split() == ["1", "2022-12-01", "255.00", "50.00", "305.00", "4,745.00"]
    assert lines[-1].split() == ["Total", "5,000.00", "488.22", "5,488.22"]
    # Right-aligned numbers: every amount column ends at the same place on each line.
    ends = {len(line) for line in lines[2:20]}
    assert len(ends) == 1


def test_table_in_lao_aligns_by_display_width(capsys):
    code, out, _ = run(capsys, "--lang", "lo", *RS02)
    assert code == 0
    header, rule = out.splitlines()[:2]
    assert "ເງິນຕົ້ນ" in header and "ດອກເບ້ຍ" in header
    assert "ລວມ" in out.splitlines()[-1]
    # Each header cell ends where its rule of dashes ends (Lao marks take no column).
    from desktop.cli.loan_schedule import _width
    assert _width(header) == len(rule)


def test_kip_defaults_zero_decimals_and_multiple(capsys):
    code, out, _ = run(capsys, "loan-schedule", "--principal", "5,000,000", "--annual-rate",
                       "18", "--installments", "12", "--multiple", "1000",
                       "--disbursed", "2024-01-15", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "1,2024-02-15,383000,75000,458000,4617000"
    assert lines[-1] == "12,2025-01-15,456370,6846,463216,0"


def test_flat_weekly_with_first_due(capsys):
    code, out, _ = run(capsys, "loan-schedule", "--principal", "1000000", "--annual-rate",
                       "26", "--installments", "4", "--method", "flat",
                       "--frequency", "weekly", "--disbursed", "2024-01-01",
                       "--first-due", "2024-01-10", "--format", "csv")
    assert code == 0
    # 1,000,000 × 26 % / 52 = 5,000 a week; the first due date is 9 days out, 2 days
    # more than a week: 5,000 × 2/7 = 1,428.57 → 1,429 more on the first installment.
    assert out.splitlines()[1:] == ["1,2024-01-10,250000,6429,256429,750000",
                                    "2,2024-01-17,250000,5000,255000,500000",
                                    "3,2024-01-24,250000,5000,255000,250000",
                                    "4,2024-01-31,250000,5000,255000,0"]


def test_a_first_due_date_three_months_out_matches_the_hand_worked_schedule(capsys):
    """Issue 10, fault 2: 1,200,000 ₭ at 24 % a year flat, 12 monthly, paid out
    15/01/2026, first due 15/04/2026. Each month's interest is 1,200,000 × 2 % = 24,000;
    the first installment pays for three months (72,000), so 100,000 + 72,000 = 172,000;
    the other eleven 124,000; the last due 15/03/2027 (14 months after payout), interest
    14 × 24,000 = 336,000 in all. Declining balance: EMI 113,472; installment 1 =
    24,000 + 48,000 interest and 113,472 − 24,000 = 89,472 principal."""
    late = ["loan-schedule", "--principal", "1200000", "--annual-rate", "24",
            "--installments", "12", "--disbursed", "2026-01-15", "--first-due", "2026-04-15",
            "--format", "csv"]
    code, out, _ = run(capsys, *late, "--method", "flat")
    assert code == 0
    expected = ["1,2026-04-15,100000,72000,172000,1100000"]
    for n in range(2, 13):
        year, month = (2026, n + 3) if n <= 9 else (2027, n - 9)
        expected.append(f"{n},{year}-{month:02d}-15,100000,24000,124000,{1_200_000 - n * 100_000}")
    assert out.splitlines()[1:] == expected

    code, out, _ = run(capsys, *late, "--method", "declining")
    lines = out.splitlines()
    assert lines[1] == "1,2026-04-15,89472,72000,161472,1110528"
    assert lines[2] == "2,2026-05-15,91261,22211,113472,1019267"
    assert lines[12].startswith("12,2027-03-15,") and lines[12].endswith(",0")


def test_defaults_disburse_today_and_first_due_a_month_later(capsys):
    clock.set_now(dt.datetime(2024, 1, 31, 9, 0))  # tests/conftest.py resets the clock
    code, out, _ = run(capsys, "loan-schedule", "--principal", "300000", "--annual-rate",
                       "12", "--installments", "2", "--format", "csv")
    assert code == 0
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["2024-02-29",
                                                                     "2024-03-31"]


def test_half_up_changes_the_result(capsys):
    base = ["loan-schedule", "--principal", "1234.50", "--annual-rate", "12",
            "--installments", "1", "--decimals", "2", "--disbursed", "2024-01-01",
            "--format", "csv"]
    _, even, _ = run(capsys, *base)
    _, up, _ = run(capsys, *base, "--rounding", "half-up")
    assert even.splitlines()[1] == "1,2024-02-01,1234.50,12.34,1246.84,0.00"
    assert up.splitlines()[1] == "1,2024-02-01,1234.50,12.35,1246.85,0.00"


@pytest.mark.parametrize(("args", "message"), [
    (["--principal", "-5000"], "cannot be negative"),
    (["--principal", "0"], "more than zero"),
    (["--principal", "abc"], "is not an amount"),
    (["--principal", "5000.123"], "--principal: Amounts have at most 2 decimals."),
    (["--installments", "0"], "between 1 and"),
    (["--installments", "2.5"], "whole number"),
    (["--annual-rate", "100.5"], "between 0 and 100"),
    (["--annual-rate", "-1"], "between 0 and 100"),
    (["--annual-rate", "twelve"], "is not an interest rate"),
    (["--disbursed", "2024-02-30"], "is not a date"),
    (["--first-due", "01/02/2024"], "is not a date"),
    (["--first-due", "2022-11-01"], "must be after the disbursement date"),
    (["--multiple", "-1"], "cannot be negative"),
    (["--decimals", "9"], "between 0 and 4"),
    (["--multiple", "5000"], "multiple of 5000.00"),
])
def test_bad_input_exits_2_with_a_message(capsys, args, message):
    argv = ["--lang", "en", "loan-schedule", "--principal", "5000.00", "--annual-rate", "12",
            "--installments", "18", "--decimals", "2", "--disbursed", "2022-11-01"]
    for flag, value in zip(args[::2], args[1::2]):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err


def test_errors_are_translated(capsys):
    code, _, err = run(capsys, "--lang", "lo", "loan-schedule", "--principal", "-1",
                       "--annual-rate", "12", "--installments", "3")
    assert code == 2
    assert "--principal: ຈຳນວນເງິນຈະຕິດລົບບໍ່ໄດ້." in err


def test_unknown_choice_is_an_argparse_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["loan-schedule", "--principal", "1", "--annual-rate", "1", "--installments",
              "1", "--method", "balloon"])
    assert exc.value.code == 2


def test_installed_command_prints_csv():
    exe = ROOT / ".venv" / "bin" / "kongthun"
    if not exe.exists():
        exe = Path(sys.executable).with_name("kongthun")
    result = subprocess.run(
        [str(exe), "loan-schedule", "--principal", "5000.00", "--annual-rate", "12",
         "--installments", "18", "--decimals", "2", "--multiple", "1",
         "--disbursed", "2022-11-01", "--format", "csv"],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "n,due_date,principal,interest,total,balance"
    assert lines[1] == "1,2022-12-01,255.00,50.00,305.00,4745.00"
    assert lines[-1] == "18,2024-05-01,300.22,3.00,303.22,0.00"


def test_every_cli_message_has_a_lao_translation():
    catalog = {}
    for po in sorted((ROOT / "resources/translations/lo").glob("*.po")):
        catalog.update(parse_po(po.read_text(encoding="utf-8")))
    tree = ast.parse((ROOT / "desktop/cli/loan_schedule.py").read_text(encoding="utf-8"))
    messages = {node.args[0].value for node in ast.walk(tree)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_") and node.args
                and isinstance(node.args[0], ast.Constant)}
    assert messages
    for message in messages:
        assert message in catalog, message
        assert set(re.findall(r"{\w+}", catalog[message])) == set(re.findall(r"{\w+}", message))


def test_the_amount_is_read_as_the_window_reads_it(capsys):
    """The command line reads amounts with the window's parser (``parse_money``): the
    treasurer may write the loan as it is written on paper, with spaces between the
    thousands or the kip sign, and gets the same schedule."""
    base = ["loan-schedule", "--annual-rate", "12", "--installments", "2",
            "--disbursed", "2024-01-01", "--format", "csv"]
    _, plain, _ = run(capsys, *base, "--principal", "1200000")
    for written in ("1 200 000", "1,200,000 ₭", "₭1,200,000"):
        code, out, err = run(capsys, *base, "--principal", written)
        assert (code, err) == (0, "")
        assert out == plain
