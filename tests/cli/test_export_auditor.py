"""`kongthun export auditor` and `kongthun export statement` as the federation's auditor and
the treasurer type them."""
from __future__ import annotations

import hashlib

from openpyxl import load_workbook

from desktop.cli import main
from tests.reports.auditor_support import demo, demo_template  # noqa: F401


def kongthun(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_auditor_exports_a_period_in_lao(demo, tmp_path, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    out = tmp_path / "tailors.xlsx"
    code, text, err = kongthun(capsys, "export", "auditor", "--db", str(demo.path), "--user",
                               "auditor", "--group", "1", "--from", "2026-01-01", "--to",
                               "2026-06-30", "--lang", "lo", "--out", str(out))
    assert code == 0, err
    assert "Writing… 100%" in err  # the progress line
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"SHA-256 {digest}" in text and "from 2026-01-01 to 2026-06-30" in text
    assert load_workbook(out, read_only=True).sheetnames[0] == "ໜ້າປົກ"


def test_a_wrong_group_number_lists_the_groups(demo, tmp_path, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    code, _, err = kongthun(capsys, "export", "auditor", "--db", str(demo.path), "--user",
                            "auditor", "--group", "7", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2
    assert "No group number 7" in err and "1 " in err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_wrong_file_type_is_refused(demo, tmp_path, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    code, _, err = kongthun(capsys, "export", "statement", "--db", str(demo.path), "--user",
                            "treasurer", "--group", "1", "--member", "2", "--out",
                            str(tmp_path / "x.docx"))
    assert code == 2 and ".xlsx / .pdf" in err
    assert list(tmp_path.glob("x.*")) == []


def test_the_treasurer_prints_a_statement(demo, tmp_path, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    out = tmp_path / "member-2.pdf"
    code, text, err = kongthun(capsys, "export", "statement", "--db", str(demo.path), "--user",
                               "treasurer", "--group", "1", "--member", "2", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and "movements" in text


def test_ctrl_c_half_way_leaves_no_file(demo, tmp_path, capsys, monkeypatch):  # noqa: F811
    from desktop.cli import _progress

    def interrupted(self, done, total):  # noqa: ANN001, ANN202
        if done * 2 > total:
            raise KeyboardInterrupt
        return True

    monkeypatch.setattr(_progress.ProgressLine, "__call__", interrupted)
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    (tmp_path / "usb").mkdir()
    code, text, _ = kongthun(capsys, "export", "auditor", "--db", str(demo.path), "--user",
                             "auditor", "--group", "1", "--out",
                             str(tmp_path / "usb" / "tailors.xlsx"))
    assert code == 130 and "no file was written" in text
    assert list((tmp_path / "usb").iterdir()) == []
