"""One table with a cell of every kind the exports write, and what a reader must find in it;
shared by the openpyxl and the LibreOffice read-backs of the streamed workbook."""

import datetime
from decimal import Decimal

from django.utils import timezone

from renewal.kit.idcard import mask_id_number, mask_phone
from renewal.kit.sheets import YearMonth

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
HEADER = ["序号", "姓名", "出生年月", "公民身份号码", "联系电话", "得分", "日期", "时间", "备注"]
# (row as the exporter yields it, what openpyxl reads back, what LibreOffice shows)
CASES = [
    (
        [
            1,
            "王建国",
            YearMonth(1980, 5),
            ID_NUMBER,
            PHONE,
            87.5,
            datetime.date(2027, 3, 20),
            None,
            "",
        ],
        [
            1,
            "王建国",
            datetime.datetime(1980, 5, 1),
            ID_NUMBER,
            PHONE,
            87.5,
            datetime.datetime(2027, 3, 20),
            None,
            None,
        ],
        ["1", "王建国", "1980年5月", ID_NUMBER, PHONE, "87.5", "2027年3月20日", "", ""],
    ),
    (
        [
            2,
            "李秀英",
            YearMonth(1962, 12),
            mask_id_number(ID_NUMBER),
            mask_phone(PHONE),
            Decimal("60.25"),
            None,
            timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30, 5)),
            '=HYPERLINK("x")',
        ],
        [
            2,
            "李秀英",
            datetime.datetime(1962, 12, 1),
            "110105********002X",
            "138****5678",
            60.25,
            None,
            datetime.datetime(2026, 3, 1, 23, 30, 5),
            '\'=HYPERLINK("x")',
        ],
        [
            "2",
            "李秀英",
            "1962年12月",
            "110105********002X",
            "138****5678",
            "60.25",
            "",
            "2026年3月1日 23:30:05",
            '\'=HYPERLINK("x")',
        ],
    ),
    (
        [3, "+86 张 & <李>", None, "-1+1", "@SUM(A1)", 0, None, None, "  前后空格\n第二行 "],
        [3, "'+86 张 & <李>", None, "'-1+1", "'@SUM(A1)", 0, None, None, "  前后空格\n第二行 "],
        ["3", "'+86 张 & <李>", "", "'-1+1", "'@SUM(A1)", "0", "", "", "  前后空格\n第二行 "],
    ),
    (
        [4, "控\x01制\x1f符", None, "0012", "", -3, None, None, True],
        [4, "控制符", None, "0012", None, -3, None, None, True],
        ["4", "控制符", "", "0012", "", "-3", "", "", "TRUE"],
    ),
]
ROWS = [row for row, _read, _shown in CASES]
