"""The streamed workbook opened by another spreadsheet program than the one that reads it in
the other tests: LibreOffice converts it to CSV (cells as they are shown: dates in the
Chinese style, numbers as numbers, neutralised formulas as text) and prints it to PDF (A4
landscape, every column on the page width, the header on every page).

Needs LibreOffice (Debian's libreoffice-calc-nogui, installed by .ci/run): without it the
tests fail, as the browser tests do without chromium."""

import csv
import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from candidates.exports import ROSTER_HEADER
from renewal.kit.sheets import YearMonth
from renewal.kit.xlsx_stream import StreamingWorkbook
from renewal.tests.kit.xlsx_cases import CASES, HEADER, ROWS

SOFFICE = os.environ.get("SOFFICE_PATH") or shutil.which("soffice") or "/usr/bin/soffice"
# Comma, double quote, UTF-8, from the first line; cells as shown (the default).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def convert(path, target: str):
    """``path`` converted by LibreOffice (headless) to ``target``; the converted file."""
    if not os.path.exists(SOFFICE):
        pytest.fail(
            f"no LibreOffice at {SOFFICE}: apt-get install libreoffice-calc-nogui "
            "(or set SOFFICE_PATH)"
        )
    out = path.parent / "out"
    profile = path.parent / "profile"  # its own profile: no clash with another soffice
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = out / f"{path.stem}.{target.split(':')[0]}"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    return converted


def test_libreoffice_shows_the_values_we_wrote(tmp_path):
    path = tmp_path / "花名册.xlsx"
    with StreamingWorkbook(path) as wb:
        wb.table_sheet("花名册", title="候选人花名册", header=HEADER, rows=ROWS)
    with convert(path, CSV_FILTER).open(encoding="utf-8", newline="") as f:
        shown = list(csv.reader(f))
    assert shown[0][0] == "候选人花名册"
    assert shown[1] == HEADER
    assert shown[2:] == [expected for _row, _read, expected in CASES]


def test_libreoffice_prints_a4_landscape_with_the_header_on_every_page(tmp_path):
    path = tmp_path / "roster.xlsx"
    row = [1, "城关镇", "新华村社区", "村(居)民委员会", "委员", "阿不都·热合曼", "男", "维吾尔族",
           YearMonth(1980, 5), "152622********123X", "大学本科", "中共党员", YearMonth(2005, 7),
           "村党支部委员、村民委员会委员兼妇联主席", "138****5678", "新任", 12, 30, 3, "优秀",
           95.5, "已确定为正式候选人"]  # fmt: skip
    with StreamingWorkbook(path) as wb:
        wb.table_sheet("花名册", title="候选人花名册", header=ROSTER_HEADER, rows=[row] * 120)
    pages = PdfReader(convert(path, "pdf")).pages
    assert len(pages) >= 2
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (297, 210)  # A4 landscape
        text = page.extract_text().replace(" ", "")
        assert ROSTER_HEADER[0] in text and ROSTER_HEADER[-1] in text  # all columns, each page
