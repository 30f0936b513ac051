"""The rules of tests/html_inputs.py: which input values a browser accepts (no database)."""

import pytest

from tests.html_inputs import input_problems, input_values

ACCEPTED = [
    ('<input type="date" name="d" value="2026-11-15">', "an ISO date"),
    ('<input type="date" name="d" value="">', "an empty date"),
    ('<input type="date" name="d">', "a date without a value"),
    ('<input type="date" name="d" min="2026-01-01" max="2026-12-31">', "ISO bounds"),
    ('<input type="datetime-local" name="t" value="2026-11-15T09:30">', "a local time"),
    ('<input type="datetime-local" name="t" value="2026-11-15T09:30:05">', "with seconds"),
    ('<input type="time" name="t" value="09:30">', "a time"),
    ('<input type="month" name="m" value="2026-11">', "a month"),
    ('<input type="number" name="n" value="12500.50">', "a dot decimal"),
    ('<input type="number" name="n" value="-3">', "a negative number"),
    ('<input type="number" name="n" value="0" min="0" max="100000" step="0.01">', "bounds"),
    ('<input name="n" inputmode="numeric" value="31">', "digits on a numeric keypad"),
    ('<input name="q" value="2026/11/15">', "free text may hold anything"),
    ('<input type="hidden" name="day" value="2026年11月15日">', "a hidden value"),
    ("<select name=s><option value=1 selected>a</option><option value=2>b</option></select>", ""),
    (
        "<select name=s multiple><option value=1 selected>a</option>"
        "<option value=2 selected>b</option></select>",
        "several selected in a multiple select",
    ),
]

REFUSED = [
    ('<input type="date" name="due_date" value="2026/11/15">', "value='2026/11/15'"),
    ('<input type="date" name="d" value="2026年11月15日">', "value='2026年11月15日'"),
    ('<input type="date" name="d" value="11/15/2026">', "value='11/15/2026'"),
    ('<input type="date" name="d" value="2026-11-15" max="2026/12/31">', "max='2026/12/31'"),
    ('<input type="datetime-local" name="t" value="2026/11/15 09:30">', "value="),
    ('<input type="time" name="t" value="9:30">', "value='9:30'"),
    ('<input type="number" name="n" value="1,5">', "value='1,5'"),
    ('<input type="number" name="n" value="12,500">', "value='12,500'"),
    ('<input type="number" name="n" value="1 000">', "value='1 000'"),
    ('<input name="n" inputmode="numeric" value="1,234">', "value='1,234'"),
    (
        "<select name=s><option value=1 selected>a</option>"
        "<option value=2 selected>b</option></select>",
        "2 selected options",
    ),
]


@pytest.mark.parametrize(("html", "case"), ACCEPTED)
def test_accepts(html, case):
    assert input_problems(html) == []


@pytest.mark.parametrize(("html", "message"), REFUSED)
def test_refuses(html, message):
    problems = input_problems(html)
    assert len(problems) == 1 and message in problems[0]


def test_names_the_line_and_the_input():
    html = '<form>\n<p>\n<input type="date" name="p-birth_date" value="1980/05/06">'
    (problem,) = input_problems(html)
    assert problem.startswith("line 3: <input name='p-birth_date' type='date'>")


def test_reads_the_values_of_one_type():
    html = '<input type="date" value="2026-01-10"><input value="x"><input type="date" value="">'
    assert input_values(html, "date") == ["2026-01-10", ""]
