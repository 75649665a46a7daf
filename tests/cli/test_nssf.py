"""`kongthun nssf` as a treasurer's script uses it: the month's run, the remittance file
(the same bytes the window writes), the LSSO's receipt."""
from __future__ import annotations

import csv
import io

from desktop.cli import main
from models.core import ledger
from reports.nssf_file import export_remittance
from tests.models.nssf_support import MONTHLY, deposit, enrol, pooling


def kongthun(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def login(env) -> list[str]:
    return ["--db", str(env.db.path), "--user", "treasurer", "--group", str(env.group_id)]


def test_the_month_is_run_written_and_confirmed_from_the_command_line(env, tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    pooling(env)
    enrol(env, 0)
    enrol(env, 1)
    deposit(env, 0, 3 * MONTHLY)
    deposit(env, 1, 100_000)
    env.db.dispose()
    code, out, err = kongthun(capsys, "nssf", "run", *login(env), "--month", "2026-11",
                              "--ahead", "1=2")
    assert code == 0, err
    assert "Draft batch 1 for 11/2026: 3 member-months, 675,000 ₭." in out
    assert "Short: the month is skipped and she is in grace." in out
    target = tmp_path / "nov.csv"
    code, out, err = kongthun(capsys, "nssf", "remittance", *login(env), "--month", "2026-11",
                              "--format", "csv", "--out", str(target))
    assert code == 0, err
    assert "batch 1, 3 member-months, 675,000 ₭" in out
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Group", "Month", "Social security number"]
    assert [r[1] for r in rows[1:4]] == ["2026-11", "2026-12", "2027-01"]
    assert rows[4][0] == "Control total" and rows[4][6] == "675000"
    with env.db.write() as s:
        # The window's export of the same batch: the same bytes.
        assert export_remittance(s, env.user(s, "treasurer"), batch_id=1, fmt="csv") == \
            target.read_bytes()
    env.db.dispose()
    again = tmp_path / "again.csv"
    code, _out, err = kongthun(capsys, "nssf", "remittance", *login(env), "--month", "2026-11",
                               "--format", "csv", "--out", str(again), "--lang", "lo")
    assert code == 0, err
    assert again.read_bytes() == target.read_bytes()  # frozen in the language first used
    code, out, err = kongthun(capsys, "nssf", "confirm", *login(env), "--batch", "1",
                              "--receipt", "LSSO-2026-0042", "--paid-on", "2026-11-20")
    assert code == 0, err
    assert "Batch 1 confirmed: LSSO receipt LSSO-2026-0042, 675,000 ₭ paid on 20/11/2026." in out
    code, out, err = kongthun(capsys, "nssf", "batches", *login(env))
    assert out.splitlines() == ["1\t2026-11\tConfirmed by the LSSO\t3\t675,000 ₭\tLSSO-2026-0042"]
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "nssf_payable") == 0


def test_bad_input_is_refused_with_a_message(env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    pooling(env)
    env.db.dispose()
    code, _out, err = kongthun(capsys, "nssf", "remittance", *login(env), "--month", "2026-11",
                               "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "Nothing to remit for 11/2026." in err
    assert not (tmp_path / "x.csv").exists()
    code, _out, err = kongthun(capsys, "nssf", "confirm", *login(env), "--batch", "9",
                               "--receipt", "R", "--paid-on", "2026-11-20")
    assert code == 2 and "has no batch 9" in err
