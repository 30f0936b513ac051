"""The daily notice as a workbook: ranking, every figure per township, and the text."""

import io

import openpyxl

from renewal.kit.dates import chinese_date
from renewal.kit.sheets import print_setup, table_sheet
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
    rows = [
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
        for row in run.ranking
    ]
    return _workbook(
        run,
        (header, rows),
        snapshots,
        total,
        parts="乡镇(街道)",
        whole="全县合计",
        rule=rollup.TIE_RULE,
    )


def area_workbook(run, snapshots, total, *, part_name: str) -> bytes:
    """A city's or a province's notice: its ranking of the regions below, their figures,
    the counties missing from the sums, and the text."""
    header, rows = _area_ranking_table(run.ranking, part_name)
    return _workbook(
        run,
        (header, rows),
        snapshots,
        total,
        parts=part_name,
        whole="合计",
        rule=rollup.tie_rule(part_name),
        missing=run.missing,
    )


def _area_ranking_table(ranking, part_name: str, *, with_city: bool = False):
    """(header, rows) of a city's or a province's ranking of the regions below it."""
    city = ["所属市(州、盟)"] if with_city else []
    header = [
        "名次",
        part_name,
        *city,
        "区划代码",
        "村(社区)数",
        "已完成",
        "完成率",
        "加权进度",
        "逾期",
        "乡镇(街道)数",
        "已报送日报",
        "未报送日报的下级",
    ]
    rows = [
        [
            row["rank"] if row["rank"] is not None else "不参加排名",
            row["name"],
            *([row.get("city", "")] if with_city else []),
            row["code"],
            row["units"],
            row["done"],
            row["done_share"],
            row["weighted"],
            row["overdue"],
            row.get("townships", 0),
            row.get("reports_submitted", 0),
            "、".join(row.get("laggards", [])),
        ]
        for row in ranking
    ]
    return header, rows


def _workbook(run, ranking_table, snapshots, total, *, parts, whole, rule, missing=()) -> bytes:
    heading = f"{run.county.name}村(社区)“两委”换届工作日通报（{chinese_date(run.day)}）"
    wb = openpyxl.Workbook()
    ranking = wb.active
    ranking.title = "排名"
    header, rows = ranking_table
    table_sheet(
        ranking, title=f"{heading} 排名", header=header, rows=rows, formats={5: "0.0%", 6: "0.0%"}
    )
    ranking.append([])
    ranking.append([rule])
    if missing:
        ranking.append(["数据不完整，以下区县当日日统计未生成或需重新生成："])
        for row in missing:
            ranking.append([row["name"], row["code"], row["reason"]])
    columns = stage_columns(total)
    labels = run.figure_labels
    header = (
        [parts, "村(社区)数"]
        + [name for _, name in columns]
        + ["逾期"]
        + list(labels.values())
        + list(rollup.REPORT_LABELS.values())
    )
    rows = [
        [snap.region.name if snap.region_id != run.county_id else whole, snap.units]
        + [snap.stage_counts.get(code, 0) for code, _ in columns]
        + [snap.overdue]
        + [snap.figures.get(code, 0) for code in labels]
        + [snap.report.get(code, 0) for code in rollup.REPORT_FIELDS]
        for snap in [*snapshots, *([total] if total else [])]
    ]
    table_sheet(wb.create_sheet("数据"), title=f"{heading} 数据", header=header, rows=rows)
    if run.county_ranking:
        # A province's ranking of all its counties, with the city each belongs to.
        header, rows = _area_ranking_table(run.county_ranking, "区县", with_city=True)
        table_sheet(
            wb.create_sheet("各区县排名"),
            title=f"{heading} 各区县排名",
            header=header,
            rows=rows,
            formats={6: "0.0%", 7: "0.0%"},
        )
    text = wb.create_sheet("通报文字")
    for line in run.notice_text.splitlines():
        text.append([line])
    text.column_dimensions["A"].width = 100
    print_setup(text, orientation="portrait")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
