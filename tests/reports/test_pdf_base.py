"""The shared PDF pieces shape Lao: the glyphs drawn differ from the unshaped sequence."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from reportlab.pdfbase.pdfmetrics import getFont

from reports import pdf


def test_lao_text_is_shaped_and_fits(tmp_path):
    path = tmp_path / "t.pdf"
    st = pdf.styles()
    doc = pdf.document(str(path), title="ທົດລອງ", footer="ກອງທຶນ · Kongthun")
    rows = [[pdf.para("ຊື່", st["bold"]), pdf.para("ຈຳນວນ", st["bold"])],
            [pdf.para("ນາງ ສີສຸກ ແກ້ວມະນີ", st["body"]), pdf.para("1,250,000 ₭", st["number"])]]
    pdf.build(doc, [pdf.para("ປຶ້ມບັນຊີເງິນຝາກປະຢັດ", st["title"]), pdf.table(rows, [200, 100])])
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True).stdout
        assert "1,250,000" in text


def test_the_merged_font_has_lao_latin_and_digits():
    pdf.register_fonts()
    face = getFont(pdf.FONT).face
    for char in "ກ ຳ ່ ້ A z 0 9 ₭".split():
        assert ord(char) in face.charToGlyph, char


def test_shaping_is_available():
    pytest.importorskip("uharfbuzz")
    from reportlab.pdfbase.ttfonts import shapeStr  # noqa: F401
