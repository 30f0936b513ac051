"""A member's status and dates, checked without a database (renewal.roster.rules)."""

import datetime

import pytest

from renewal.roster.rules import MemberDates, member_problems

D = datetime.date
TODAY = D(2026, 3, 10)
BORN = D(1980, 5, 6)

# (rule, dates, field with a problem or None, words)
CASES = [
    ("a plain full member is fine", MemberDates("full", D(2005, 7, 1)), None, ""),
    ("a status of the two", MemberDates("", D(2005, 7, 1)), "status", "正式党员或预备党员"),
    ("joined in the future", MemberDates("full", D(2026, 4, 1)), "joined_on", "不能晚于今天"),
    ("joined before the party", MemberDates("full", D(1900, 1, 1)), "joined_on", "1921-07-01"),
    ("joined under 18", MemberDates("full", D(1997, 5, 5)), "joined_on", "未满 18 周岁"),
    (
        "a probationary member has no 转正 date",
        MemberDates("probationary", D(2025, 7, 1), regularized_on=D(2026, 1, 1)),
        "regularized_on",
        "预备党员尚未转正",
    ),
    (
        "转正 after joining",
        MemberDates("full", D(2005, 7, 1), regularized_on=D(2005, 7, 1)),
        "regularized_on",
        "应晚于入党时间",
    ),
    (
        "留党察看 needs its end",
        MemberDates("full", D(2005, 7, 1), on_probation=True),
        "probation_until",
        "须填写期满日期",
    ),
    (
        "an end without 留党察看",
        MemberDates("full", D(2005, 7, 1), probation_until=D(2026, 6, 1)),
        "probation_until",
        "未勾选",
    ),
    (
        "transfer in before joining",
        MemberDates("full", D(2005, 7, 1), transferred_in_on=D(2004, 1, 1)),
        "transferred_in_on",
        "不能早于入党时间",
    ),
    (
        "transfer out after the transfer in",
        MemberDates("full", D(2005, 7, 1), transferred_in_on=D(2020, 1, 1), left_on=D(2019, 1, 1)),
        "left_on",
        "应晚于转入日期 2020-01-01",
    ),
    (
        "transfer out not in the future",
        MemberDates("full", D(2005, 7, 1), left_on=D(2026, 5, 1)),
        "left_on",
        "不能晚于今天",
    ),
    (
        "a transfer out after joining is fine",
        MemberDates("full", D(2005, 7, 1), left_on=D(2026, 3, 1)),
        None,
        "",
    ),
]


@pytest.mark.parametrize(
    ("dates", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_member_problems(dates, field, words):
    problems = member_problems(dates, birth_date=BORN, today=TODAY)
    if field is None:
        assert problems == {}
    else:
        assert list(problems) == [field]
        assert words in problems[field]
