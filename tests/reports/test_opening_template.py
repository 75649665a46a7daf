"""The opening-balances template: written in the user's language, filled in by hand in a
spreadsheet, read back as plain rows that the import checks."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models.core import i18n, members
from models.core.errors import UserError, ValidationError
from models.opening.balances import import_opening, preview_opening
from reports.opening_template import read_template, write_template


def test_the_template_has_a_sheet_per_part_with_headers_in_the_users_language(tmp_path):
    path = write_template(tmp_path / "opening.xlsx", group_name="ກຸ່ມຕັດຫຍິບ",
                          as_of=dt.date(2026, 6, 30))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Group", "Members", "Loans", "Instructions"]
    assert [c.value for c in wb["Members"][1]] == [
        "Member no.", "Name (Lao)", "Name (Latin letters)", "Woman / man (f, m)", "Joined on",
        "Village", "Phone", "Savings", "Unpaid fines"]
    assert wb["Group"]["B2"].value.date() == dt.date(2026, 6, 30)
    assert wb["Members"]["E2"].number_format == "DD/MM/YYYY"
    assert wb["Members"]["H2"].number_format == "#,##0"
    assert wb["Members"]["G2"].number_format == "@"

    i18n.set_language("lo")
    path = write_template(tmp_path / "opening-lo.xlsx", group_name="ກຸ່ມຕັດຫຍິບ")
    wb = load_workbook(path)
    assert wb.sheetnames == ["ກຸ່ມ", "ສະມາຊິກ", "ເງິນກູ້", "ວິທີໃຊ້"]
    assert wb.worksheets[1]["B1"].value == "ຊື່ (ພາສາລາວ)"


def test_members_already_in_the_group_are_listed(tmp_path, env):
    with env.db.read() as s:
        rows = members.list_members(s, env.user(s, "auditor"), env.group_id)
    path = write_template(tmp_path / "opening.xlsx", group_name="Tailors", members=rows)
    ws = load_workbook(path)["Members"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in (2, 3, 4)] == [
        (1, "ນາງ ແກ້ວ"), (2, "ນາງ ບົວ"), (3, "ທ້າວ ສົມ")]


def fill(path, *, group, member_rows, loan_rows=()):
    wb = load_workbook(path)
    for row, value in enumerate(group, start=2):
        wb.worksheets[0].cell(row, 2, value)
    for r, values in enumerate(member_rows, start=2):
        for c, value in enumerate(values, start=1):
            wb.worksheets[1].cell(r, c, value)
    for r, values in enumerate(loan_rows, start=2):
        for c, value in enumerate(values, start=1):
            wb.worksheets[2].cell(r, c, value)
    wb.save(path)


def test_a_filled_template_reads_back_as_plain_rows(tmp_path):
    path = write_template(tmp_path / "opening.xlsx", group_name="Weavers")
    fill(path, group=[dt.date(2026, 6, 30), 1_250_000, "2,000,000", 12.5],
         member_rows=[(1, " ນາງ ຄຳ ", "Kham", "f", dt.date(2023, 2, 1), None, "020 555 1234",
                       1_200_000, None),
                      (),
                      (3, "ນາງ ແສງ", None, "f", "15/03/2023", None, None, None, 5000.0)])
    data = read_template(path)
    assert data.group == {"as_of": dt.date(2026, 6, 30), "cash": 1_250_000,
                          "bank": "2,000,000", "welfare_fund": Decimal("12.5")}
    assert [m["row"] for m in data.members] == [2, 4]  # the empty row is skipped
    assert data.members[0]["name_lao"] == "ນາງ ຄຳ"
    assert data.members[0]["joined_on"] == dt.date(2023, 2, 1)
    assert data.members[1]["fines_owed"] == 5000 and data.members[1]["joined_on"] == "15/03/2023"
    assert data.loans == ()


def test_a_good_template_is_imported_and_a_bad_one_lists_every_problem(tmp_path, env):
    from models.core import groups, users

    with env.db.write() as s:
        admin = env.user(s, "admin")
        group = groups.create_group(s, admin, name="ກຸ່ມຕ່ຳແຜ່ນ")
        users.grant_role(s, admin, user_id=env.user_ids["treasurer"], role="treasurer",
                         group_id=group.id)
        gid = group.id
    bad = write_template(tmp_path / "bad.xlsx", group_name="ກຸ່ມຕ່ຳແຜ່ນ")
    fill(bad, group=[None, 1_000_000],
         member_rows=[(1, "ນາງ ຄຳ", None, "f", dt.date(2023, 2, 1), None, None, 15_000),
                      (2, None, None, "m", None)])
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            import_opening(s, env.user(s, "treasurer"), group_id=gid, data=read_template(bad))
    assert [str(p) for p in caught.value.problems] == [
        "Group: Balances on (date) is missing.",
        "Members, row 2: 15,000 ₭ is not a whole number of shares at 10,000 ₭ a share.",
        "Members, row 3: Enter the member's name.",
        "Members, row 3: Joined on is missing.",
    ]
    good = write_template(tmp_path / "good.xlsx", group_name="ກຸ່ມຕ່ຳແຜ່ນ")
    fill(good, group=[dt.date(2026, 6, 30), 1_000_000, None, 200_000],
         member_rows=[(1, "ນາງ ຄຳ", None, "f", dt.date(2023, 2, 1), None, None, 500_000),
                      (2, "ນາງ ຈັນ", None, "f", dt.date(2023, 2, 1), None, None, 250_000)])
    with env.db.write() as s:
        done = import_opening(s, env.user(s, "treasurer"), group_id=gid,
                              data=read_template(good))
        assert done.loan_fund_earnings == 50_000
    with env.db.read() as s:
        again = preview_opening(s, env.user(s, "treasurer"), group_id=gid,
                                data=read_template(good))
    assert "This group already has records" in str(again.problems[0])


def test_a_file_that_is_not_the_template_is_refused(tmp_path):
    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("hello")
    with pytest.raises(UserError, match="cannot be read as an Excel workbook"):
        read_template(not_excel)
    from openpyxl import Workbook

    one_sheet = tmp_path / "other.xlsx"
    Workbook().save(one_sheet)
    with pytest.raises(UserError, match="not a Kongthun opening template"):
        read_template(one_sheet)
