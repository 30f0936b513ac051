"""Print check of the shared sheet format: does a roster print on A4 landscape with every
column on the page width and the header on every page?

Writes a candidates' roster (the real header, ``--rows`` made-up rows with long names and
posts) with the exports' writer (``renewal.kit.xlsx_stream``), or takes an .xlsx given with ``--xlsx``; converts it to
PDF with LibreOffice (headless) and reports the page count, the page size, and whether every
page carries the first and the last header column (all columns fit the width, the header
repeats).

    .venv/bin/python bin/print_check.py [--rows 120] [--xlsx file.xlsx] [--keep DIR]

Needs ``soffice`` (Debian: libreoffice-calc-nogui); the test suite does not.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")  # no secrets needed
os.environ.setdefault("DATABASE_URL", "postgres://unused@127.0.0.1:1/unused")  # no queries


def sample_roster(path: Path, rows: int) -> None:
    import django

    django.setup()
    from candidates.exports import ROSTER_HEADER
    from renewal.kit.sheets import YearMonth
    from renewal.kit.xlsx_stream import StreamingWorkbook

    def row(n):
        return [
            n,
            "城关镇",
            f"新华村{n % 7}组社区",
            "村民委员会",
            "委员",
            "阿不都·热合曼" if n % 5 == 0 else "欧阳建国",
            "男",
            "维吾尔族" if n % 5 == 0 else "汉族",
            YearMonth(1980 + n % 20, 1 + n % 12),
            "152622********123X",
            "大学本科",
            "中共党员",
            YearMonth(2005, 7),
            "村党支部委员、村民委员会委员兼妇联主席",
            "138****5678",
            "新任",
            12,
            30,
            3,
            "优秀",
            95.5,
            "已确定为正式候选人",
        ]

    title = f"候选人花名册（{datetime.date.today():%Y年%m月%d日}导出）"
    with StreamingWorkbook(path) as wb:
        wb.table_sheet(
            "候选人",
            title=title,
            header=ROSTER_HEADER,
            rows=(row(n) for n in range(1, rows + 1)),
        )


def to_pdf(xlsx: Path, out: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    profile = out / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / (xlsx.stem + ".pdf")


def report(pdf: Path, xlsx: Path) -> bool:
    import openpyxl
    from pypdf import PdfReader

    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    header_row = (ws.freeze_panes and int(ws.freeze_panes[1:]) - 1) or 1
    header = [c.value for c in ws[header_row] if c.value]
    first, last = str(header[0]), str(header[-1])
    reader = PdfReader(str(pdf))
    ok = True
    print(f"{xlsx.name} -> {pdf.name}: {len(reader.pages)} 页")
    for number, page in enumerate(reader.pages, start=1):
        width_mm = float(page.mediabox.width) * 25.4 / 72
        height_mm = float(page.mediabox.height) * 25.4 / 72
        text = page.extract_text().replace(" ", "")
        fits = first in text and last in text
        ok &= fits and width_mm > height_mm
        print(
            f"  第 {number} 页：{width_mm:.0f}×{height_mm:.0f} mm，"
            f"{'横向' if width_mm > height_mm else '纵向'}，"
            f"表头“{first}”…“{last}”{'都在' if fits else '不全'}"
        )
    print("结论：" + ("每页 A4 横向、所有列在页宽内、表头每页重复。" if ok else "有问题，见上。"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=120)
    parser.add_argument("--xlsx", type=Path)
    parser.add_argument("--keep", type=Path, help="keep the files in this directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="print-check-"))
    try:
        xlsx = args.xlsx or work / "roster.xlsx"
        if not args.xlsx:
            sample_roster(xlsx, args.rows)
        pdf = to_pdf(xlsx, work)
        ok = report(pdf, xlsx)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in (xlsx, pdf):
                shutil.copy(path, args.keep / path.name)
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
