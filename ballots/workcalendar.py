"""The holiday table an admin entered (ballots.CalendarYear / CalendarDay) in the shape
renewal.kit.workdays reads: year -> {date: is_workday}."""

from ballots.models import CalendarDay, CalendarYear


def declared_calendar() -> dict:
    declared: dict = {}
    for day in CalendarDay.objects.select_related("year"):
        declared.setdefault(day.year.year, {})[day.date] = day.is_workday
    for year in CalendarYear.objects.values_list("year", flat=True):
        declared.setdefault(year, {})
    return declared
