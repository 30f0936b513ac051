"""Working days on the official Chinese calendar (public notices of N working days).

Years covered by the `chinesecalendar` package use it; years an admin has entered in the
holiday table (ballots.CalendarYear) use that instead, so a county can add a new year's
State Council schedule before the package ships it. A date in neither raises CalendarGap:
a wrong notice date is worse than none.
"""

import datetime
from collections.abc import Mapping

import chinese_calendar


class CalendarGap(ValueError):
    """The message is Chinese, fit to show."""


def is_workday(day: datetime.date, *, declared: Mapping[int, Mapping[datetime.date, bool]]) -> bool:
    """`declared`: year -> {date: is_workday} for years entered by an admin."""
    if day.year in declared:
        marked = declared[day.year].get(day)
        if marked is not None:
            return marked
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarGap(
            f"{day.year} 年的法定节假日安排尚未录入，无法计算工作日。"
            f"请系统管理员在“节假日安排”中录入 {day.year} 年的放假和调休日期。"
        ) from None


def nth_working_day(
    start: datetime.date, n: int, *, declared: Mapping[int, Mapping[datetime.date, bool]]
) -> datetime.date:
    """The date of the n-th working day counting from `start` itself (n >= 1)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, seen = start, 0
    for _ in range(400):
        if is_workday(day, declared=declared):
            seen += 1
            if seen == n:
                return day
        day += datetime.timedelta(days=1)
    raise CalendarGap("一年内找不到足够的工作日，请检查节假日安排。")


def nth_working_day_before(
    end: datetime.date, n: int, *, declared: Mapping[int, Mapping[datetime.date, bool]]
) -> datetime.date:
    """The n-th working day counting back from the day before `end` (n >= 1): the latest day
    that still leaves n working days before `end` counted from it."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, seen = end - datetime.timedelta(days=1), 0
    for _ in range(400):
        if is_workday(day, declared=declared):
            seen += 1
            if seen == n:
                return day
        day -= datetime.timedelta(days=1)
    raise CalendarGap("一年内找不到足够的工作日，请检查节假日安排。")
