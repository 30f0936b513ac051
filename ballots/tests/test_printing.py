"""Ballot and tally-sheet PDFs (ballots.congress.printing) and the 姓氏笔画 order they print in
(ballots.strokes). Pure: no database."""

import io
import itertools
import logging
import random
import re
from functools import partial

import pytest
from pypdf import PdfReader

from ballots.congress import printing
from ballots.congress.printing import (
    BallotSpec,
    MissingGlyphError,
    TallySpec,
    ballot_pdf,
    ordered_candidates,
    tally_sheet_pdf,
)
from ballots.strokes import stroke_count, stroke_sort_key, strokes

# --- strokes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "count"),
    [
        ("王", 4),
        ("李", 7),
        ("张", 7),
        ("刘", 6),
        ("陈", 7),
        ("杨", 7),
        ("赵", 9),
        ("丁", 2),
        ("马", 3),
        ("欧", 8),
        ("阳", 6),
        ("皙", 13),  # corrected in the generator: the source data says 12
        ("阝", 2),  # radicals the source lacks, added by the generator
        ("辶", 3),
    ],
)
def test_stroke_count(char, count):
    assert stroke_count(char) == count


@pytest.mark.parametrize(
    ("char", "sequence"),
    [
        ("王", "1121"),  # 横 横 竖 横
        ("江", "441121"),  # 提 counts as 横
        ("小", "234"),  # 竖钩 counts as 竖
        ("人", "34"),  # 捺 counts as 点
        ("了", "52"),  # 横撇 is a 折
        ("陈", "5215234"),  # 阝 starts with a 折
    ],
)
def test_strokes_are_classified_as_in_the_stroke_order_norm(char, sequence):
    assert strokes(char) == sequence


def test_every_gb2312_hanzi_has_stroke_data():
    hanzi = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(hanzi) == 6763
    assert [ch for ch in hanzi if stroke_count(ch) is None] == []


def test_unknown_character_has_no_count():
    assert stroke_count("A") is None
    assert stroke_count("𠮷") is None


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(
            ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "丁一"],
            ["丁一", "王建国", "刘洋", "李秀英", "杨帆", "张伟", "陈静"],
            id="surname strokes, then first stroke 横 竖 撇 点 折, then the next strokes",
        ),
        pytest.param(
            ["王五", "韦一", "王一"],
            ["王一", "王五", "韦一"],
            id="one surname stays together; then the given name decides",
        ),
        pytest.param(
            ["欧阳秀英", "洪少东"],
            ["欧阳秀英", "洪少东"],
            id="a compound surname counts by its first character (欧 8 < 洪 9)",
        ),
        pytest.param(
            ["林立", "欧文"],
            ["林立", "欧文"],
            id="equal count and first stroke: the second stroke decides (林 竖 before 欧 撇)",
        ),
        pytest.param(
            ["王", "王一", "丁"],
            ["丁", "王", "王一"],
            id="a name before the longer one it begins",
        ),
        pytest.param(
            ["高富", "高大富"],
            ["高大富", "高富"],
            id="by default a single given name is read as written (大 3 < 富 12)",
        ),
        pytest.param(
            ["Smith", "𠮷一", "赵"],
            ["赵", "Smith", "𠮷一"],
            id="unknown characters after known ones, by code point",
        ),
        pytest.param(
            ["阿不都·热合曼", "阿不都 热合曼", "阿力"],
            ["阿力", "阿不都 热合曼", "阿不都·热合曼"],
            id="separators are skipped; the raw string breaks the last tie",
        ),
    ],
)
def test_stroke_sort_key(names, expected):
    assert sorted(names, key=stroke_sort_key) == expected


def test_single_name_first_reads_a_blank_after_the_surname():
    key = partial(stroke_sort_key, single_name_first=True)
    assert sorted(["高大富", "高富", "高一", "丁"], key=key) == ["丁", "高一", "高富", "高大富"]


def test_sort_does_not_depend_on_input_order():
    names = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "丁一", "己", "已", "巳"]
    expected = sorted(names, key=stroke_sort_key)
    for seed in range(5):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=stroke_sort_key) == expected


# --- ballots ---------------------------------------------------------------------------

CANDIDATES = [
    "王建国",
    "李秀英",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "丁一",
    "欧阳秀英",
    "阿不都·热合曼",
    "赵",
    "马小红",
    "司马相如",
    "上官婉儿",
    "诸葛孔明明",
    "高富",
]
INSTRUCTIONS = [
    "应选 5 名，在赞成的候选人姓名下方空格内划“○”，不赞成的划“×”，弃权的不划任何符号；"
    "另选他人的，在另选他人栏内写上其姓名，并在其姓名下方空格内划“○”。",
    "所划“○”（含另选他人）超过应选人数的为废票。",
]


def ballot_spec(**changes) -> BallotSpec:
    fields = {
        "title": "中共大红城村支部委员会换届选举 委员选票",
        "instructions": INSTRUCTIONS,
        "candidates": CANDIDATES,
        "seats": 5,
        "write_in_rows": 5,
        "copies": 23,
        "spares": 3,
        "serial_prefix": "DHC-2027-1-",
        "footer": "监票人签字：________",
    }
    return BallotSpec(**{**fields, **changes})


def tally_spec(**changes) -> TallySpec:
    fields = {
        "title": "中共大红城村支部委员会换届选举 委员计票表",
        "candidates": CANDIDATES,
        "seats": 5,
        "expected": 28,
        "present": 26,
        "ballots_issued": 26,
    }
    return TallySpec(**{**fields, **changes})


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """Extracted text without whitespace: a name set on two lines reads as one."""
    return re.sub(r"\s+", "", text)


def assert_in_order(text: str, names: list[str]) -> None:
    positions = [squeeze(text).find(squeeze(name)) for name in names]
    assert -1 not in positions, [n for n, p in zip(names, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


@pytest.fixture(scope="module")
def ballots() -> bytes:
    return ballot_pdf(ballot_spec())


def test_one_ballot_per_present_member_plus_spares(ballots):
    assert len(PdfReader(io.BytesIO(ballots)).pages) == 23 + 3


def test_each_ballot_has_its_own_zero_padded_serial_number(ballots):
    serials = [re.findall(r"DHC-2027-1-\d+", text) for text in page_texts(ballots)]
    assert all(len(found) == 1 for found in serials)
    flat = [found[0] for found in serials]
    assert flat == [f"DHC-2027-1-{n:04d}" for n in range(1, 27)]
    assert len(set(flat)) == len(flat)


def test_serial_numbers_widen_past_9999():
    spec = ballot_spec(copies=10_000, spares=1)
    assert printing.serial_numbers(spec)[-1] == "DHC-2027-1-10001"
    assert printing.serial_numbers(spec)[0] == "DHC-2027-1-00001"


def test_every_ballot_lists_every_candidate_in_stroke_order(ballots):
    expected = sorted(CANDIDATES, key=stroke_sort_key)
    for text in page_texts(ballots):
        assert_in_order(text, expected)


def test_ballot_prints_title_instructions_write_ins_and_footer(ballots):
    text = squeeze(page_texts(ballots)[0])
    for part in ["中共大红城村支部委员会换届选举委员选票", *INSTRUCTIONS, "另选他人", "监票人签字"]:
        assert squeeze(part) in text


def test_candidate_input_order_is_not_trusted():
    shuffled = CANDIDATES[:]
    random.Random(7).shuffle(shuffled)
    pdf = ballot_pdf(ballot_spec(candidates=shuffled, copies=1, spares=0))
    assert_in_order(page_texts(pdf)[0], sorted(CANDIDATES, key=stroke_sort_key))


def test_single_name_first_changes_the_printed_order():
    names = ["高大富", "高富"]
    pdf = ballot_pdf(ballot_spec(candidates=names, copies=1, spares=0, single_name_first=True))
    assert_in_order(page_texts(pdf)[0], ["高富", "高大富"])
    assert ordered_candidates(names) == ["高大富", "高富"]


def fonts_of(pdf: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(font.get_object())
    return fonts


def embedded_font_file(font) -> str | None:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None
    descriptor = descriptor.get_object()
    return next((key for key in ("/FontFile2", "/FontFile3") if key in descriptor), None)


@pytest.mark.parametrize(
    "make", [lambda: ballot_pdf(ballot_spec()), lambda: tally_sheet_pdf(tally_spec())]
)
def test_only_the_embedded_cjk_font_is_used(make):
    fonts = fonts_of(make())
    assert fonts
    for font in fonts:
        assert "NotoSansCJKSC" in font["/BaseFont"]
        assert embedded_font_file(font) == "/FontFile2"


def test_embedded_font_is_a_subset():
    pdf = ballot_pdf(ballot_spec(copies=1, spares=0))
    font = fonts_of(pdf)[0]["/DescendantFonts"][0].get_object()
    data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    assert len(data) < 200_000  # only the glyphs used, not the 2 MB font
    assert len(pdf) < 300_000


def test_vendored_font_ships_with_its_licence():
    assert printing.FONT_PATH.is_file()
    assert printing.FONT_PATH.stat().st_size < 4_000_000
    licence = (printing.FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_fifteen_candidates_with_long_names_and_write_ins_fit_one_page_each():
    names = [*CANDIDATES[:-1], "爱新觉罗·溥仪格格"]
    pdf = ballot_pdf(ballot_spec(candidates=names, write_in_rows=7, copies=2, spares=0))
    texts = page_texts(pdf)
    assert len(texts) == 2
    assert_in_order(texts[1], sorted(names, key=stroke_sort_key))


def test_one_candidate_one_seat():
    pdf = ballot_pdf(
        ballot_spec(candidates=["王建国"], seats=1, write_in_rows=1, copies=3, spares=0)
    )
    assert len(page_texts(pdf)) == 3


def test_too_many_names_for_one_page_is_refused():
    names = [f"王{bytes([0xB0, 0xA1 + i]).decode('gb2312')}" for i in range(80)]
    with pytest.raises(ValueError, match="排不下"):
        ballot_pdf(ballot_spec(candidates=names, copies=1, spares=0))


def test_the_fixed_labels_are_all_in_the_font(caplog):
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        ballot_pdf(ballot_spec(copies=1, spares=0))
        tally_sheet_pdf(tally_spec())
    assert not [r for r in caplog.records if "missing" in r.getMessage()]


def test_character_missing_from_the_font_is_refused_not_printed_blank():
    with pytest.raises(MissingGlyphError) as excinfo:
        ballot_pdf(ballot_spec(candidates=["王𠮷", "李四"], copies=1, spares=0))
    assert excinfo.value.chars == "𠮷"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"candidates": ["王建国", "王建国 "]}, "重复"),
        ({"candidates": []}, "为空"),
        ({"candidates": ["王建国", " "]}, "空白"),
        ({"seats": 0}, "应选人数"),
        ({"copies": 0, "spares": 0}, "至少"),
        ({"spares": -1}, "负数"),
    ],
)
def test_ballot_spec_is_validated(changes, message):
    with pytest.raises(ValueError, match=message):
        ballot_pdf(ballot_spec(**changes))


# --- tally sheet -------------------------------------------------------------------------

TALLY_LABELS = [
    "序号",
    "候选人姓名",
    "赞成",
    "反对",
    "弃权",
    "划“正”字计票",
    "票数",
    "合计",
    "另选他人",
    "应选5名",
    "应到会28人",
    "实到会26人",
    "发出选票26张",
    "收回选票",
    "有效票",
    "无效票",
    "计票人",
    "监票人",
    "总监票人",
]


@pytest.fixture(scope="module")
def tally() -> str:
    return "\n".join(page_texts(tally_sheet_pdf(tally_spec())))


def test_tally_sheet_lists_every_candidate_in_stroke_order(tally):
    assert_in_order(tally, sorted(CANDIDATES, key=stroke_sort_key))


def test_tally_sheet_has_the_labels_counts_and_signature_lines(tally):
    text = squeeze(tally)
    missing = [label for label in TALLY_LABELS if squeeze(label) not in text]
    assert missing == []


def test_tally_sheet_has_a_row_per_write_in(tally):
    assert squeeze(tally).count("另选他人（写姓名）") == 5


def test_tally_sheet_write_in_rows_can_be_set():
    text = "".join(page_texts(tally_sheet_pdf(tally_spec(write_in_rows=2))))
    assert squeeze(text).count("另选他人（写姓名）") == 2


def test_long_tally_sheet_repeats_the_heading_and_numbers_pages():
    names = [f"王{bytes([0xB0, 0xA1 + i]).decode('gb2312')}" for i in range(40)]
    texts = page_texts(tally_sheet_pdf(tally_spec(candidates=names, present=150)))
    assert len(texts) > 2
    for number, text in enumerate(texts, 1):
        assert "候选人姓名" in text
        assert f"第{number}页共{len(texts)}页" in squeeze(text)
    assert_in_order("".join(texts), sorted(names, key=stroke_sort_key))
    assert "总监票人" in texts[-1]


def test_tally_sheet_refuses_missing_glyphs():
    with pytest.raises(MissingGlyphError):
        tally_sheet_pdf(tally_spec(candidates=["王𠮷"]))


# --- written reports: 避头尾 line breaking, names and numbers kept whole, the 落款 --------

CLOSING = tuple("，。、；：！？）」")
PEOPLE = ["欧阳建国", "李秀英", "阿不都·热合曼", "张伟"]


def pdf_lines(content: bytes) -> list[str]:
    """The text of a PDF as printed lines: the pieces drawn on one baseline, left to right."""
    rows: dict[tuple[int, float], list[tuple[float, str]]] = {}
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                rows.setdefault((number, round(tm[5], 1)), []).append((tm[4], text))

        page.extract_text(visitor_text=visit)
    # PDF y grows upwards: top lines first.
    return [
        "".join(text for _x, text in sorted(rows[key])).strip()
        for key in sorted(rows, key=lambda k: (k[0], -k[1]))
    ]


def long_paragraphs() -> list[str]:
    """Paragraphs where plain character wrapping would start lines with punctuation and
    split names and numbers: the same sentence shifted one character at a time."""
    sentence = "，".join(
        f"{name}得票 {votes} 票（有效票 150123 张）"
        for name, votes in zip(PEOPLE, (98, 87, 76, 65), strict=True)
    )
    return ["测" * shift + sentence + "。" + sentence + "。" for shift in range(24)]


def report(**changes) -> printing.Report:
    values = {
        "title": "关于新华村党组织换届选举结果的报告",
        "addressee": "城关镇党(工)委：",
        "paragraphs": tuple(long_paragraphs()),
        "issuer": "中共城关镇新华村支部委员会",
        "date": "2027年3月20日",
        "keep": tuple(PEOPLE),
    }
    return printing.Report(**(values | changes))


def test_no_printed_line_starts_with_closing_punctuation():
    lines = pdf_lines(printing.report_pdf(report()))
    assert len(lines) > 100
    assert [line for line in lines if line.startswith(CLOSING)] == []


def test_names_and_numbers_are_never_split_across_lines():
    lines = pdf_lines(printing.report_pdf(report()))
    text = "\n".join(lines)
    for name in PEOPLE:
        assert text.count(name) == 2 * 24  # every mention whole, on one line
    assert text.count("150123") == 8 * 24
    for line, after in itertools.pairwise(lines):
        assert not (re.search(r"\d$", line) and re.match(r"\d", after)), (line, after)


def test_report_ends_with_the_issuer_and_the_date_at_the_right():
    lines = pdf_lines(printing.report_pdf(report(paragraphs=("特此报告，请予批复。",))))
    assert lines[-2:] == ["中共城关镇新华村支部委员会", "2027年3月20日"]


def test_wrapping_hangs_punctuation_only_when_a_piece_fills_a_line():
    pdf = printing._new_pdf("测试", "P")
    pdf.add_page()
    width = pdf.get_string_width("测" * 10)
    lines = printing.wrap_text(pdf, "测" * 9 + "张伟，好。", width, keep=["张伟"])
    assert lines == ["测" * 9, "张伟，好。"]
    lines = printing.wrap_text(pdf, "（" + "测" * 9 + "）" + "测", width)
    assert not lines[1].startswith("）") and not lines[0].endswith("（")


def test_tally_sheet_has_the_reconciliation_block_the_scrutineers_sign():
    blank = squeeze("".join(page_texts(tally_sheet_pdf(tally_spec()))))
    assert "选票清点核对" in blank and "印制选票＿＿＿＿张＝发出选票26张" in blank
    assert "计票人：" in blank and "总监票人：" in blank
    filled = squeeze(
        "".join(
            page_texts(
                tally_sheet_pdf(
                    tally_spec(reconciliation={"printed": 30, "spoiled": 1, "unused": 3})
                )
            )
        )
    )
    assert "印制选票30张＝发出选票26张＋作废选票（损坏调换）1张＋未使用选票3张" in filled
