"""The daily notice as a workbook: ranking, every figure per township, and the text."""

import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from renewal.models import STAGE_NAMES
from renewal.models.rounds import STAGE_CODES
from renewal.rollup import services as rollup


def stage_order(code: str) -> int:
    """A stage's place in the workflow: the stored counts (JSON) keep no order of their own.
    A stage the product does not know goes after the known ones, before 全部完成."""
    if code == "done":
        return len(STAGE_CODES) + 1
    return STAGE_CODES.index(code) if code in STAGE_CODES else len(STAGE_CODES)


def stage_columns(snapshot) -> list[tuple[str, str]]:
    """(code, name) of every stage counted in ``snapshot``, in workflow order."""
    codes = sorted(snapshot.stage_counts, key=stage_order) if snapshot else []
    return [(code, STAGE_NAMES.get(code, code)) for code in codes]


def notice_workbook(run, snapshots, total) -> bytes:
    """排名 (ranking) and 数据 (every figure per township) sheets, plus the notice text."""
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F2DCDB")
    wb = openpyxl.Workbook()
    ranking = wb.active
    ranking.title = "排名"
    ranking.append([f"{run.county.name}村(社区)“两委”换届工作日通报（{run.day:%Y-%m-%d}）"])
    ranking["A1"].font = Font(bold=True, size=14)
    header = [
        "名次",
        "乡镇(街道)",
        "区划代码",
        "村(社区)数",
        "已完成",
        "完成率",
        "加权进度",
        "逾期",
        "日报",
    ]
    ranking.append(header)
    for row in run.ranking:
        ranking.append(
            [
                row["rank"] if row["rank"] is not None else "不参加排名",
                row["name"],
                row["code"],
                row["units"],
                row["done"],
                row["done_share"],
                row["weighted"],
                row["overdue"],
                "逾时报送" if row["late"] else ("已报送" if row["submitted"] else "未报送"),
            ]
        )
    for cells in ranking.iter_rows(min_row=3, min_col=6, max_col=7):
        for cell in cells:
            cell.number_format = "0.0%"
    ranking.append([])
    ranking.append([rollup.TIE_RULE])
    columns = stage_columns(total)
    data = wb.create_sheet("数据")
    labels = run.figure_labels
    header = (
        ["乡镇(街道)", "村(社区)数"]
        + [name for _, name in columns]
        + ["逾期"]
        + list(labels.values())
        + list(rollup.REPORT_LABELS.values())
    )
    data.append(header)
    for snap in [*snapshots, *([total] if total else [])]:
        data.append(
            [snap.region.name if snap.region_id != run.county_id else "全县合计", snap.units]
            + [snap.stage_counts.get(code, 0) for code, _ in columns]
            + [snap.overdue]
            + [snap.figures.get(code, 0) for code in labels]
            + [snap.report.get(code, 0) for code in rollup.REPORT_FIELDS]
        )
    text = wb.create_sheet("通报文字")
    for line in run.notice_text.splitlines():
        text.append([line])
    for sheet, head_row in ((ranking, 2), (data, 1)):
        for cell in sheet[head_row]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for i in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 14
    text.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
