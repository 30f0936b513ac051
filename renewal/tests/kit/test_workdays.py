import datetime

import pytest

from renewal.kit.workdays import (
    CalendarGap,
    is_workday,
    nth_working_day,
    nth_working_day_before,
)

D = datetime.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 11, 23), 5, D(2026, 11, 27)),  # Monday: the same week
        (D(2026, 11, 27), 5, D(2026, 12, 3)),  # Friday: the weekend is skipped
        (D(2026, 9, 28), 5, D(2026, 10, 9)),  # National Day holiday skipped
        (D(2026, 11, 22), 1, D(2026, 11, 23)),  # starting on a Sunday
    ],
    ids=["within a week", "over a weekend", "over the National Day holiday", "starts on Sunday"],
)
def test_notice_end_on_package_years(start, n, expected):
    assert nth_working_day(start, n, declared={}) == expected


def test_make_up_working_day_from_the_package():
    assert is_workday(D(2026, 10, 10), declared={}) is True  # Saturday, a make-up working day


def test_admin_declared_year_is_used():
    declared = {2027: {D(2027, 1, 1): False, D(2027, 1, 4): False, D(2027, 1, 9): True}}
    assert nth_working_day(D(2027, 1, 1), 3, declared=declared) == D(2027, 1, 7)
    assert is_workday(D(2027, 1, 9), declared=declared) is True


def test_year_in_neither_source_is_a_clear_error():
    with pytest.raises(CalendarGap, match="2031 年的法定节假日安排尚未录入"):
        nth_working_day(D(2031, 3, 1), 5, declared={})


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        (D(2026, 11, 27), 1, D(2026, 11, 26)),  # the day before, a Thursday
        (D(2026, 11, 30), 1, D(2026, 11, 27)),  # Monday: back over the weekend to Friday
        (D(2026, 10, 12), 5, D(2026, 9, 29)),  # back over the National Day holiday
        (D(2026, 10, 11), 1, D(2026, 10, 10)),  # Saturday 10-10 is a make-up working day
    ],
    ids=["the day before", "over a weekend", "over the National Day holiday", "make-up day"],
)
def test_working_days_counted_back(end, n, expected):
    assert nth_working_day_before(end, n, declared={}) == expected


def test_counting_back_into_a_year_in_neither_source_is_a_clear_error():
    with pytest.raises(CalendarGap, match="2031 年的法定节假日安排尚未录入"):
        nth_working_day_before(D(2031, 3, 1), 5, declared={})
