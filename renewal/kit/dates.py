"""Dates the whole product counts with: ages in whole years and the bounds of a day.

Everything that reads "as of the end of day D" (the nightly roll-up, stage checks, the
discipline dashboard) compares timestamps with ``end_of_day(D)``, so a row written at
23:59 Beijing time counts for D and one written at 00:00 for the next day.
"""

import datetime


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Whole years (周岁) reached on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the project's time zone (aware)."""
    # Imported here so that the pure rules (age_on, used by eligibility) need no Django.
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the project's time zone (aware)."""
    return start_of_day(day + datetime.timedelta(days=1))


def chinese_date(day: datetime.date) -> str:
    """A date as official documents write it, without leading zeros: 2027年3月20日."""
    return f"{day.year}年{day.month}月{day.day}日"
