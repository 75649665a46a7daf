"""The remittance file's columns, changed in the NSSF rules screen the way the LSSO office
asks: the file exported from the window and from ``kongthun nssf remittance`` has them, a
batch exported before keeps its own, and a layout a file cannot have changes nothing."""
from __future__ import annotations

import csv
import datetime as dt
import io

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.cli import main
from desktop.nssf_columns import ColumnChoice, check_columns
from models.core import settings
from models.core.errors import ValidationError
from models.nssf import remittance
from models.nssf.batches import RemittanceFile
from reports.nssf_file import csv_bytes, export_remittance
from tests.desktop.conftest import save_papers_to
from tests.desktop.test_nssf_screens import (  # noqa: F401  (fixtures)
    NOVEMBER,
    keo_and_bua,
    pooling,
)

SS_HEADER = "ເລກປະກັນສັງຄົມ"


def rules(window):  # noqa: ANN001, ANN201
    screen = window.show_section("nssf")
    screen.tabs.setCurrentWidget(screen.settings)
    return screen, screen.settings.columns


def row_of(editor, field: str) -> int:  # noqa: ANN001
    return editor.fields.index(field)


def press(widget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def saved_layouts(env) -> list:  # noqa: ANN001
    with env.db.read() as s:
        return settings.history(s, env.group_id, "nssf_file_columns")


def test_the_lsso_office_s_columns_are_in_the_file_from_the_window_and_the_command_line(
        keo_and_bua, make_window, messages, monkeypatch, tmp_path, capsys):
    env = keo_and_bua
    window = make_window("admin")
    screen, editor = rules(window)
    assert editor.fields[:4] == ["group", "period", "ss_number", "name"]
    assert "Group | Month | Social security number" in editor.history.text()

    # The office wants: name first, its own header for the SS number, no group column and
    # no fund parts.
    for field in ("group", "health", "short_term", "long_term"):
        editor.included[row_of(editor, field)].setChecked(False)
    for _step in range(3):
        press(editor.titles[row_of(editor, "name")], Qt.Key.Key_Up,
              Qt.KeyboardModifier.ControlModifier)
    assert editor.fields[0] == "name"
    editor.titles[row_of(editor, "ss_number")].setText(SS_HEADER)
    headers = [editor.preview.horizontalHeaderItem(c).text()
               for c in range(editor.preview.columnCount())]
    assert headers == ["Name", "Month", SS_HEADER, "Level", "Insurable earnings",
                       "Contribution", "Months covered"]
    assert editor.preview.item(0, 5).text() == "225000"  # 9 % of the lowest level, as in the file
    editor.effective.setText("15/11/2026")
    assert editor.save()
    assert not editor.problems.isVisible()
    assert "From 11/2026: Name | Month | " + SS_HEADER in editor.history.text()
    assert saved_layouts(env)[-1][0] == NOVEMBER  # a month's file: from its first day

    # The treasurer makes November's run and exports it from the window.
    screen, _editor = rules(make_window("treasurer"))
    run = screen.run
    screen.tabs.setCurrentWidget(run)
    run.month.choose(NOVEMBER)
    run.refresh()
    run.make_button.click()
    save_papers_to(monkeypatch, tmp_path)
    screen.batches.csv_button.click()
    window_file = (tmp_path / "nssf-2026-11-batch-1.csv").read_bytes()
    rows = read_csv(window_file)
    assert rows[0] == headers
    bua = next(r for r in rows if "SS-1002" in r)
    assert bua == ["ນາງ ບົວ", "2026-11", "SS-1002", "7", "2500000", "225000", "1"]
    assert rows[3][5] == "450000"  # the control total under the contributions

    # The command line writes the same batch as the same bytes.
    env.db.dispose()
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    out = tmp_path / "cli.csv"
    code = main(["--lang", "en", "nssf", "remittance", "--db", str(env.db.path), "--user",
                 "treasurer", "--group", str(env.group_id), "--month", "2026-11",
                 "--format", "csv", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes() == window_file


def test_a_batch_exported_before_the_change_is_written_again_with_its_own_columns(
        keo_and_bua, make_window):
    env = keo_and_bua
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        batch = remittance.make_run(s, treasurer, group_id=env.group_id, month=NOVEMBER)
        first = export_remittance(s, treasurer, batch_id=batch.id, fmt="csv")
        first_xlsx = export_remittance(s, treasurer, batch_id=batch.id, fmt="xlsx")
    _screen, editor = rules(make_window("admin"))
    editor.included[row_of(editor, "group")].setChecked(False)
    editor.titles[row_of(editor, "name")].setText("Full name")
    editor.effective.setText("01/11/2026")
    assert editor.save()
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        assert export_remittance(s, treasurer, batch_id=batch.id, fmt="csv") == first
        assert export_remittance(s, treasurer, batch_id=batch.id, fmt="xlsx") == first_xlsx
    assert read_csv(first)[0][:4] == ["Group", "Month", "Social security number", "Name"]


def test_a_layout_a_file_cannot_have_is_refused_and_nothing_changes(pooling, make_window):
    env = pooling
    _screen, editor = rules(make_window("admin"))
    before = saved_layouts(env)
    for check in editor.included:
        check.setChecked(False)
    assert not editor.save()
    assert "Put at least one column in the file." in editor.problems.text()
    assert editor.preview.columnCount() == 0

    for check in editor.included:
        check.setChecked(True)
    editor.titles[row_of(editor, "ss_number")].setText(" name ")
    editor.titles[row_of(editor, "level")].setText("Earnings\nper month")
    editor.effective.setText("31/02/2026")
    assert not editor.save()
    text = editor.problems.text()
    assert "Two columns would have the header “Name”" in text
    assert "The header of “Insurable earnings” must be on one line." in text
    assert "“31/02/2026” is not a date" in text
    assert saved_layouts(env) == before


def test_the_layout_check_counts_our_headers_in_both_languages():
    def choices(*pairs: tuple[str, str]) -> list[ColumnChoice]:
        return [ColumnChoice(f, True, t) for f, t in pairs]

    assert check_columns(choices(("name", " Full name "), ("period", ""))) == [
        ["name", "Full name"], ["period", ""]]
    for clash in ("Month", "ເດືອນ", "MONTH"):
        try:
            check_columns(choices(("name", clash), ("period", "")))
        except ValidationError as error:
            assert "Two columns would have the header" in str(error.problems[0])
        else:
            raise AssertionError(f"{clash} was let through beside the Month column")
    # A comma is fine: the CSV writer quotes it, and it reads back whole.
    layout = check_columns(choices(("name", "Name, surname"), ("contribution", "")))
    assert layout == [["name", "Name, surname"], ["contribution", ""]]
    data = RemittanceFile(
        1, "Tailors", NOVEMBER, None, False, "en", dt.datetime(2026, 11, 20, 9, 30),
        (("name", "Name, surname"), ("contribution", "Contribution")),
        ({"name": "Keo", "contribution": 225_000},), {"contribution": 225_000},
        "Control total", "", "")
    assert read_csv(csv_bytes(data))[:2] == [["Name, surname", "Contribution"],
                                             ["Keo", "225000"]]


def test_the_treasurer_reads_the_columns_but_cannot_change_them(pooling, make_window):
    _screen, editor = rules(make_window("treasurer"))
    assert not editor.save_button.isEnabled()
    assert not editor.titles[0].isEnabled() and not editor.included[0].isEnabled()
    assert editor.read_only.isVisibleTo(editor)
    assert "administrator" in editor.read_only.text().lower()
    assert editor.preview.columnCount() == 11


def test_on_a_laptop_screen_the_rows_of_the_list_do_not_overlap(pooling, make_window, lao):
    window = make_window("admin")
    window.resize(1366, 728)
    _screen, editor = rules(window)
    for _step in range(5):
        QApplication.processEvents()
    # The rules above wrap their Lao labels onto more lines at this width than at the
    # widest: the scrolling body makes room for them instead of squeezing this list.
    assert editor.height() >= editor.minimumSizeHint().height()
    for upper, lower in zip(editor.titles, editor.titles[1:]):
        assert lower.y() >= upper.y() + upper.height(), "two header boxes overlap"
