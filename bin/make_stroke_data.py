"""Generate ``ballots/stroke_data.py`` from the npm package ``cnchar-order`` (MIT).

    cd /tmp && npm pack cnchar-order@3.2.6          # -> cnchar-order-3.2.6.tgz
    npm pack hanzi-writer-data@2.0.1                 # optional, cross-check only
    python bin/make_stroke_data.py /tmp/cnchar-order-3.2.6.tgz \
        --check /tmp/hanzi-writer-data-2.0.1.tgz

cnchar-order ships, inside its minified JS, a JSON dict character -> stroke letters
(one letter per stroke, in 笔顺 order) and a table letter -> stroke name / 平笔 or
折笔. Each stroke is reduced to the five classes of 笔画序 sorting (GB13000.1 字符集汉字
字序（笔画序）规范): 1 横 (with 提), 2 竖 (with 竖钩), 3 撇, 4 点 (with 捺), 5 折 (every
other turning or hooked stroke). The stroke count is the length of that sequence.

Only the generated module is committed, never the tarballs. hanzi-writer-data (Make Me
a Hanzi, Arphic Public License) is read only to report disagreements; none of its data
ends up in the output, so its licence does not travel with the app.
"""

import argparse
import json
import re
import sys
import tarfile
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "ballots" / "stroke_data.py"

# By stroke name; every other 折笔 is class 5. 竖钩 is a 折笔 for cnchar-order (and the 折笔
# norm) but sorts as 竖 in the 笔画序 norm.
STROKE_CLASS = {
    "横": "1",
    "提": "1",
    "竖": "2",
    "竖钩": "2",
    "撇": "3",
    "点": "4",
    "点2": "4",
    "捺": "4",
}

# Corrections to cnchar-order 3.2.6, found by the hanzi-writer-data cross-check. Its other
# disagreements (棻 11, 濛 16) are old-form 艹 counted as 4 there; the 3 here is right.
CORRECTIONS = {
    "皙": "jfskssjfsfcjj",  # 析 8 + 白 5 = 13; cnchar-order drops 白's first 撇 (12)
    "脩": "sffsjslsrjj",  # 亻丨 + 攵 4 + 月 4 = 11; cnchar-order writes 夂 for 攵 (10)
}

# GB2312 radicals that cnchar-order lacks, as the strokes of the same component in a
# character it has: (source character, slice of its stroke letters).
RADICALS = {
    "丨": ("中", slice(3, 4)),
    "丿": ("千", slice(0, 1)),
    "丶": ("主", slice(0, 1)),
    "匚": ("区", slice(0, 1), slice(3, 4)),
    "刂": ("刘", slice(4, 6)),
    "亠": ("六", slice(0, 2)),
    "冫": ("冲", slice(0, 2)),
    "冖": ("写", slice(0, 2)),
    "讠": ("说", slice(0, 2)),
    "卩": ("印", slice(3, 5)),
    "阝": ("陈", slice(0, 2)),
    "廴": ("建", slice(6, 8)),
    "艹": ("花", slice(0, 3)),
    "扌": ("打", slice(0, 3)),
    "彳": ("行", slice(0, 3)),
    "彡": ("形", slice(4, 7)),
    "犭": ("狗", slice(0, 3)),
    "夂": ("处", slice(0, 3)),
    "饣": ("饭", slice(0, 3)),
    "忄": ("忙", slice(0, 3)),
    "丬": ("将", slice(0, 3)),
    "氵": ("江", slice(0, 3)),
    "宀": ("字", slice(0, 3)),
    "辶": ("这", slice(4, 7)),
    "彐": ("当", slice(3, 6)),
    "屮": ("山", slice(0, 3)),  # 屮 is written like 山: 竖, 竖折, 竖
    "纟": ("红", slice(0, 3)),
    "灬": ("点", slice(5, 9)),
    "礻": ("社", slice(0, 4)),
    "疒": ("病", slice(0, 5)),
    "衤": ("初", slice(0, 5)),
}

LINE_WIDTH = 92  # display columns (a hanzi is 2), under the 100 of pyproject.toml


def _member(tar: tarfile.TarFile, name: str) -> str:
    fileobj = tar.extractfile(name)
    if fileobj is None:
        sys.exit(f"{name} missing from the tarball")
    return fileobj.read().decode("utf-8")


def read_cnchar_order(tgz: Path) -> tuple[dict[str, str], dict[str, dict]]:
    with tarfile.open(tgz) as tar:
        js = _member(tar, "package/cnchar.order.min.js")
        licence = _member(tar, "package/LICENSE")
    if "MIT License" not in licence:
        sys.exit("cnchar-order is no longer MIT licensed: check before regenerating")
    blobs = [json.loads(m) for m in re.findall(r"JSON\.parse\('(.*?)'\)", js, flags=re.S)]
    orders = next(b for b in blobs if "一" in b)
    letters = next(b for b in blobs if "j" in b and isinstance(b["j"], dict))
    return orders, letters


def read_hanzi_writer_counts(tgz: Path) -> dict[str, int]:
    counts = {}
    with tarfile.open(tgz) as tar:
        for member in tar:
            name = member.name.removeprefix("package/")
            if len(name) == 6 and name.endswith(".json"):
                counts[name[0]] = len(json.loads(_member(tar, member.name))["strokes"])
    return counts


def gb2312_hanzi() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def stroke_classes(orders: dict[str, str], letters: dict[str, dict]) -> dict[str, str]:
    def classify(letter: str) -> str:
        info = letters[letter]
        if info["name"] in STROKE_CLASS:
            return STROKE_CLASS[info["name"]]
        if info["type"] != "折笔":
            sys.exit(f"unknown 平笔 {info}")
        return "5"

    orders = {**orders, **CORRECTIONS}
    for radical, (source, *parts) in RADICALS.items():
        orders.setdefault(radical, "".join(orders[source][part] for part in parts))
    return {ch: "".join(map(classify, seq)) for ch, seq in orders.items()}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render(table: dict[str, str], source: str) -> str:
    lines, line = [], ""
    for ch in sorted(table):
        entry = ch + table[ch]
        if line and width(line) + 1 + width(entry) > LINE_WIDTH:
            lines.append(line)
            line = entry
        else:
            line = f"{line} {entry}" if line else entry
    lines.append(line)
    body = "\n".join(lines)
    return f'''"""Stroke data for 姓氏笔画 ordering. GENERATED by bin/make_stroke_data.py: do not edit.

Source: {source} (npm), MIT licence:
  Copyright (c) 2017 - present theajack <theajack@qq.com>
  Permission is hereby granted, free of charge, to any person obtaining a copy of this
  software and associated documentation files (the "Software"), to deal in the Software
  without restriction, including without limitation the rights to use, copy, modify,
  merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
  permit persons to whom the Software is furnished to do so, subject to the following
  conditions: The above copyright notice and this permission notice shall be included in
  all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS",
  WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
  WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN
  NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
  OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
  OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

Each entry is a character followed by its strokes in writing order, one digit per
stroke: 1 横(提) 2 竖(竖钩) 3 撇 4 点(捺) 5 折. The stroke count is the number of digits.
{len(table)} characters, all of GB2312's 6763 hanzi included.
"""

STROKES = """
{body}
"""
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cnchar_order_tgz", type=Path)
    parser.add_argument("--check", type=Path, help="hanzi-writer-data tarball to compare with")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    orders, letters = read_cnchar_order(args.cnchar_order_tgz)
    table = stroke_classes(orders, letters)
    missing = [ch for ch in gb2312_hanzi() if ch not in table]
    if missing:
        sys.exit(f"GB2312 hanzi without stroke data: {''.join(missing)}")
    if args.check:
        reference = read_hanzi_writer_counts(args.check)
        for ch in sorted(table):
            if ch in reference and reference[ch] != len(table[ch]):
                print(f"{ch}: {len(table[ch])} here, {reference[ch]} in hanzi-writer-data")
    source = args.cnchar_order_tgz.name.removesuffix(".tgz")
    args.output.write_text(render(table, source), encoding="utf-8")
    print(f"wrote {len(table)} characters to {args.output}")


if __name__ == "__main__":
    main()
