"""The xlsx writers of the big exports, side by side: rows/s, peak RSS and file size.

    DATABASE_URL=… .venv/bin/python bin/bench_xlsx.py [--rows 100000,500000] [--writers …]

Every writer gets the same synthetic rows, shaped like the candidates' roster (22 columns as
``candidates.exports.roster_rows`` yields them: numbers, Chinese labels, months of birth and
of joining, masked ID numbers and phones, a score, and a few formula-like names), so the
figures measure the writer alone; the roster's query and decryption come on top (see the
candidates part of ``make bench``). Each measurement runs in a child process of its own
(Django loaded as in a worker; peak RSS: the kernel's high-water mark, reset after
the imports, so it is the peak while writing). Writers:

- ``rows``: the rows generated and thrown away (what every other line includes);
- ``stream``: ``renewal.kit.exports.write_xlsx``, the product's writer
  (``renewal.kit.xlsx_stream``);
- ``openpyxl``: openpyxl write-only with ``renewal.kit.sheets.table_sheet``, the writer
  before it;
- ``xlsxwriter``: bare xlsxwriter in ``constant_memory`` mode (header, widths, frozen pane,
  date formats, print set-up), if installed;
- ``rustpy``: rustpy-xlsxwriter from a generator of dicts, if installed.

xlsxwriter and rustpy-xlsxwriter are not requirements of the product: install them apart
(``pip install --target DIR xlsxwriter rustpy-xlsxwriter``) and put DIR on ``PYTHONPATH``
to compare. Prints a Markdown table; writes nothing under docs/.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITERS = ("rows", "stream", "openpyxl", "xlsxwriter", "rustpy")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏"
GIVEN = "建国秀英伟洋静帆磊军敏丽强娟艳杰涛明超华霞平刚玉兰志红春梅海燕凤金文斌宏晓东娜永淑珍"
TOWNS = ["城关镇", "新华街道", "巴彦乡", "河口镇", "长胜乡", "草原街道", "红旗镇", "团结乡"]
BODIES = ["党组织委员会", "村(居)民委员会", "村(居)务监督委员会"]
POSTS = ["书记", "副书记", "委员", "主任", "副主任", "妇女委员"]
EDUCATIONS = ["初中", "高中", "中专", "大专", "大学本科", "研究生"]
STATUSES = ["草稿", "待乡镇审核", "已提交县级审核", "已通过", "退回修改"]
INSPECTIONS = ["", "优秀", "合格", "基本合格"]


def log(message: str = "") -> None:
    print(message, flush=True)


def roster_rows(count: int):
    """``count`` rows as the roster export yields them (masked: the more common export)."""
    from candidates.exports import ROSTER_HEADER
    from renewal.kit.sheets import YearMonth

    assert len(ROSTER_HEADER) == 22
    for n in range(1, count + 1):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[n * 7 % len(GIVEN)] + GIVEN[n * 13 % len(GIVEN)]
        if n % 997 == 0:
            name = "=" + name  # what a careless import may leave behind
        born = YearMonth(1960 + n % 40, 1 + n % 12)
        yield [
            n,
            TOWNS[n % len(TOWNS)],
            f"{TOWNS[n % len(TOWNS)][:2]}第{n % 300 + 1}村",
            BODIES[n % len(BODIES)],
            POSTS[n % len(POSTS)],
            name,
            "男" if n % 3 else "女",
            "汉族" if n % 5 else "蒙古族",
            born,
            f"1501******{n % 10000:04d}",
            EDUCATIONS[n % len(EDUCATIONS)],
            "中共党员" if n % 4 else "群众",
            YearMonth(1985 + n % 30, 1 + n * 5 % 12) if n % 4 else "",
            "村党支部委员" if n % 2 else "",
            f"138****{n % 10000:04d}",
            "继任" if n % 2 else "新任",
            n % 90,
            n % 400,
            n % 9,
            INSPECTIONS[n % len(INSPECTIONS)],
            float(60 + n % 400 / 10),
            STATUSES[n % len(STATUSES)],
        ]


def write_rows(path: Path, count: int) -> int:
    n = 0
    for _row in roster_rows(count):
        n += 1
    return n


def write_stream(path: Path, count: int) -> int:
    from candidates.exports import ROSTER_HEADER
    from renewal.kit.exports import Export, write_xlsx

    export = Export("候选人花名册", ROSTER_HEADER, roster_rows(count), count, "候选人花名册")
    return write_xlsx(path, export, title="候选人花名册（基准测试）", on_progress=lambda n: None)


def write_openpyxl(path: Path, count: int) -> int:
    from openpyxl import Workbook

    from candidates.exports import ROSTER_HEADER
    from renewal.kit.sheets import table_sheet

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("候选人花名册")
    n = table_sheet(
        ws,
        title="候选人花名册（基准测试）",
        header=ROSTER_HEADER,
        rows=roster_rows(count),
        on_progress=lambda n: None,
    )
    wb.save(path)
    return n


def write_xlsxwriter(path: Path, count: int) -> int:
    import itertools

    import xlsxwriter

    from candidates.exports import ROSTER_HEADER
    from renewal.kit.sheets import CHINESE_MONTH, SAMPLE_ROWS, YearMonth, fitted_widths, safe_cell

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("候选人花名册")
    bold = wb.add_format({"bold": True, "bg_color": "#EEF1F4", "bottom": 1, "text_wrap": True})
    month = wb.add_format({"num_format": CHINESE_MONTH})
    rows = roster_rows(count)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for i, width in enumerate(fitted_widths(ROSTER_HEADER, sample)):
        ws.set_column(i, i, width)
    ws.freeze_panes(2, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0, 1)
    ws.fit_to_pages(1, 0)
    ws.write(0, 0, "候选人花名册（基准测试）", wb.add_format({"bold": True, "font_size": 14}))
    ws.write_row(1, 0, ROSTER_HEADER, bold)
    n = 0
    for r, row in enumerate(itertools.chain(sample, rows), start=2):
        for c, value in enumerate(row):
            if type(value) is YearMonth:
                ws.write_datetime(r, c, datetime.date(value.year, value.month, 1), month)
            elif value != "":
                ws.write(r, c, safe_cell(value))
        n += 1
    ws.autofilter(1, 0, n + 1, len(ROSTER_HEADER) - 1)
    wb.close()
    return n


def write_rustpy(path: Path, count: int) -> int:
    import rustpy_xlsxwriter

    from candidates.exports import ROSTER_HEADER
    from renewal.kit.sheets import CHINESE_MONTH, YearMonth, safe_cell

    counted = [0]

    def records():
        for row in roster_rows(count):
            counted[0] += 1
            yield {
                h: datetime.datetime(v.year, v.month, 1) if type(v) is YearMonth else safe_cell(v)
                for h, v in zip(ROSTER_HEADER, row, strict=True)
            }

    rustpy_xlsxwriter.write_worksheet(
        records(),
        str(path),
        sheet_name="候选人花名册",
        freeze_row=1,
        bold_headers=True,
        autofilter=True,
        datetime_format=CHINESE_MONTH,
        column_width=12,
        page_setup={"landscape": True, "paper_size": 9, "repeat_rows": 0, "fit_to_pages": (1, 0)},
    )
    return counted[0]


def child(writer: str, count: int, result: Path) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    write = globals()[f"write_{writer}"]
    # ru_maxrss keeps the high-water mark of the imports; reset the kernel's one so that
    # VmHWM afterwards is the peak while writing.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = proc_status("VmRSS")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        t0, cpu0 = time.perf_counter(), time.process_time()
        rows = write(path, count)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        size = path.stat().st_size if path.exists() else 0
    peak = proc_status("VmHWM")
    result.write_text(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": peak,
                "baseline_mb": baseline,
                "bytes": size,
            }
        )
    )
    return 0


def proc_status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def available(writer: str) -> bool:
    module = {"xlsxwriter": "xlsxwriter", "rustpy": "rustpy_xlsxwriter"}.get(writer)
    if module is None:
        return True
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return probe.returncode == 0


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(
        description="大批量 Excel 导出的写入器对比（行/秒、峰值内存）。"
    )
    parser.add_argument("--rows", default="100000,500000", help="行数，逗号分隔")
    parser.add_argument(
        "--writers", default=",".join(WRITERS), help=f"逗号分隔：{','.join(WRITERS)}"
    )
    parser.add_argument("--child", choices=WRITERS, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    counts = [int(x) for x in args.rows.split(",")]
    if args.child:
        return child(args.child, counts[0], args.result)

    writers = [w for w in args.writers.split(",") if w]
    missing = [w for w in writers if not available(w)]
    log(f"Python {platform.python_version()}, {os.cpu_count()} CPU, load {loadavg()}")
    for w in missing:
        log(f"- {w}: not installed, left out")
    results = []
    load_start = loadavg()
    for count in counts:
        for writer in (w for w in writers if w not in missing):
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                before = loadavg()
                cmd = [sys.executable, __file__, "--child", writer, "--rows", str(count)]
                done = subprocess.run([*cmd, "--result", out.name], cwd=ROOT)
                if done.returncode:
                    log(f"- {writer} {count}: failed (exit {done.returncode})")
                    continue
                r = json.loads(Path(out.name).read_text())
            r.update(writer=writer, count=count, load=before)
            results.append(r)
            log(
                f"{writer:10} {count:>7} rows  {r['seconds']:7.1f} s  "
                f"{r['rows'] / r['seconds']:8.0f} rows/s  "
                f"(CPU {r['cpu']:.1f} s, {r['rows'] / r['cpu']:.0f} rows/s)  "
                f"peak {r['peak_mb']:5.0f} MB (before {r['baseline_mb']:.0f})  "
                f"file {r['bytes'] / 2**20:5.1f} MB  load {before}"
            )
    log(f"\nload {load_start} -> {loadavg()}\n")
    log(
        "| writer | rows | s | rows/s | CPU s | rows per CPU s | peak RSS MB | "
        "peak − RSS before MB | file MB | load 1/5/15 at start |"
    )
    log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        log(
            f"| {r['writer']} | {r['count']} | {r['seconds']:.1f} "
            f"| {r['rows'] / r['seconds']:.0f} | {r['cpu']:.1f} | {r['rows'] / r['cpu']:.0f} "
            f"| {r['peak_mb']:.0f} | {r['peak_mb'] - r['baseline_mb']:.0f} "
            f"| {r['bytes'] / 2**20:.1f} | {r['load']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
