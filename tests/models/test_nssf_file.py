"""The remittance file a leader carries to the LSSO: read back as the office would read it,
in the group's configured columns, with its control total, the same bytes every time."""
from __future__ import annotations

import csv
import datetime as dt
import io
import time

from openpyxl import load_workbook

from models.core import clock, i18n
from models.nssf import enrolment as enrolments
from models.nssf import remittance
from reports.nssf_file import export_remittance
from tests.models.nssf_support import (
    MONTHLY,
    NOV,
    deposit,
    enrol,
    pooling,
    run,
    set_scheme,
)


def month_with_two_members(env):
    pooling(env)
    enrol(env, 0)
    enrol(env, 1, level=3_100_000)
    deposit(env, 0, MONTHLY)
    deposit(env, 1, 279_000)
    return run(env)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_reads_back_with_every_value_and_the_control_total(env):
    batch = month_with_two_members(env)
    with env.db.write() as s:
        content = export_remittance(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv")
    rows = read_csv(content)
    assert rows[0] == ["Group", "Month", "Social security number", "Name", "Level",
                       "Insurable earnings", "Contribution", "Health insurance fund",
                       "Short-term benefits fund", "Long-term benefits fund", "Months covered"]
    assert rows[1] == ["ກຸ່ມຕັດຫຍິບ", "2026-11", "SS-0001", "ນາງ ແກ້ວ", "7", "2500000", "225000",
                       "31250", "62500", "131250", "1"]
    assert rows[2] == ["ກຸ່ມຕັດຫຍິບ", "2026-11", "SS-0002", "ນາງ ບົວ", "10", "3100000", "279000",
                       "38750", "77500", "162750", "1"]
    assert rows[3] == ["Control total", "", "", "", "", "5600000", "504000", "70000", "140000",
                       "294000", "2"]
    assert rows[4][0] == "Provisional: the level table is not yet the LSSO's official one."


def test_the_group_chooses_the_columns_their_titles_and_order(env):
    set_scheme(env, file_columns=[["ss_number", "SSO No."], ["name", ""],
                                  ["contribution", "Amount"], ["period", "Period"]])
    batch = month_with_two_members(env)
    with env.db.write() as s:
        content = export_remittance(s, env.user(s, "treasurer"), batch_id=batch.id,
                                    fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["SSO No.", "Name", "Amount", "Period"]
    assert load_workbook(io.BytesIO(content)).properties.modified == dt.datetime(2026, 11, 20,
                                                                                 9, 30)
    assert values[1] == ["SS-0001", "ນາງ ແກ້ວ", 225_000, "2026-11"]
    assert values[3][:3] == ["Control total", None, 504_000]
    assert sheet.cell(row=2, column=3).number_format == "#,##0"


def test_an_exported_batch_gives_the_same_bytes_every_time(env):
    batch = month_with_two_members(env)
    with env.db.write() as s:
        first_csv = export_remittance(s, env.user(s, "treasurer"), batch_id=batch.id,
                                      fmt="csv")
        first_xlsx = export_remittance(s, env.user(s, "treasurer"), batch_id=batch.id,
                                       fmt="xlsx")
    time.sleep(1.1)  # openpyxl dates a workbook by the wall clock: a second later, the same
    # A week later, in Lao, by the auditor, after the member's name and level changed:
    clock.set_now(dt.datetime(2026, 11, 27, 15, 0))
    i18n.set_language("lo")
    set_scheme(env, on=dt.date(2026, 11, 21), file_columns=[["name", "X"]])
    with env.db.write() as s:
        enrolments.change_level(s, env.user(s, "treasurer"),
                                enrolment_id=enrolments.latest_enrolment(s, env.member_ids[0]).id,
                                level=4_500_000, from_month=NOV)
        assert export_remittance(s, env.user(s, "auditor"), batch_id=batch.id,
                                 fmt="csv") == first_csv
        assert export_remittance(s, env.user(s, "auditor"), batch_id=batch.id,
                                 fmt="xlsx") == first_xlsx


def test_a_lao_file_has_lao_titles_and_a_correction_names_its_batch(env):
    batch = month_with_two_members(env)
    i18n.set_language("lo")
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        lao = read_csv(export_remittance(s, treasurer, batch_id=batch.id, fmt="csv"))
        enrolments.change_level(s, treasurer,
                                enrolment_id=enrolments.latest_enrolment(s, env.member_ids[1]).id,
                                level=2_900_000, from_month=NOV)
        fix = remittance.make_correction(s, treasurer, batch_id=batch.id,
                                         note="ລະດັບຜິດ")
        rows = read_csv(export_remittance(s, treasurer, batch_id=fix.id, fmt="csv"))
    assert lao[0][0] != "Group" and lao[3][0] != "Control total"
    assert rows[1][3:7] == ["ນາງ ບົວ", "9", "2900000", "-18000"] and rows[1][10] == "-1"
    assert rows[2][6] == "-18000"  # the control total
    assert rows[-1][0] == i18n.gettext("Corrects batch {number}: {note}", "lo").format(
        number=1, note="ລະດັບຜິດ")
