"""The rules of tests/user_words.py, on HTML written here: what a reader sees, and which of
its words are not the reader's. No server."""

import pytest

from tests.user_words import visible_text, word_problems

PAGE = "<html><head><title>{}</title></head><body>{}</body></html>"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<p>已保存。</p>", None),
        ("<p>当前阶段：formal_list</p>", "raw choice value: formal_list"),
        ("<td>类型：village</td>", "raw choice value: village"),
        ("<p>Submit</p>", "English: Submit"),
        ('<button title="Delete row">×</button>', "English: Delete"),
        ('<input type="text" placeholder="Search">', "English: Search"),
        ('<a aria-label="Next page" href="?page=2">›</a>', "English: Next"),
        ('<input type="submit" value="Save">', "English: Save"),
        ("<select><option>Choose one</option></select>", "English: Choose"),
        ("<li>确保该变量至少包含 18 字符(目前字符数 4)。</li>", "generic Django message"),
        ("<li>这个字段是必填项。</li>", "generic Django message"),
        ("<li>This field is required.</li>", "generic Django message"),
        ("<p>操作人：staff_a</p>", "English: staff"),
        # What the reader does not see, or sees as it is.
        ("<script>var done = true;</script><style>.x{color:red}</style>", None),
        ('<p class="muted" data-confirm="yes" id="x">备注</p>', None),
        ('<code translate="no">EORI YQIC ZMRR</code>', None),
        ("<p>统计用区划代码 150123100201，附件 名册-2026.xlsx</p>", None),
        ("<p>导出 Excel · 下载 PDF · 图片限 PNG、jpg，不超过 10 MB；IP 地址</p>", None),
        ("<p>按住 Ctrl 可多选。</p>", None),
        ("<p>第 A1 组</p>", None),
    ],
)
def test_words_that_are_not_the_users(db, body, problem):
    problems = word_problems(PAGE.format("换届通", body))
    if problem is None:
        assert problems == []
    else:
        assert any(p.startswith(problem) for p in problems), problems


def test_the_title_is_read_and_hidden_elements_close_where_they_end():
    text = visible_text(
        PAGE.format("Dashboard", '<p>前<span translate="no">a<b>b</b>c</span>后</p><p>尾</p>')
    )
    assert text.split("\n") == ["Dashboard", "前", "后", "尾"]
