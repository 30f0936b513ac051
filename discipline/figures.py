"""What the discipline app tells the roll-up: reports received, closed and notified.

A report may name several units (or none): each report is counted once, on the first
unit it names (lowest id), so township and county totals count every report once.
Reports that name no unit are not in the per-unit figures (the case list has them).
Read as of the end of the given day from the report's own timestamps; one query.
"""

from django.db.models import Min, Q

from discipline.models import Report
from renewal.kit.dates import end_of_day
from renewal.kit.figures import Counties, register_unit_figure
from renewal.models import Unit


def _counts(round_, unit_ids, day, condition: Q) -> dict[int, int]:
    """With ``Counties``: each county's reports, on a first unit of that county."""
    until = end_of_day(day)
    many = isinstance(round_, Counties)
    first_units = list(
        Report.objects.filter(
            county_id__in=round_.county_ids if many else [round_.county_id],
            received_at__lt=until,
        )
        .filter(condition)
        .annotate(first_unit=Min("units__id"))
        .values_list("county_id", "first_unit")
    )
    if many:
        wanted = dict(
            Unit.objects.filter(pk__in={u for _, u in first_units if u}).values_list(
                "pk", "county_id"
            )
        )
    else:
        wanted = dict.fromkeys(unit_ids, round_.county_id)
    counts: dict[int, int] = {}
    for county_id, unit_id in first_units:
        if unit_id is not None and wanted.get(unit_id) == county_id:
            counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts


def reports_received(round_, unit_ids, day):
    return _counts(round_, unit_ids, day, Q())


def reports_closed(round_, unit_ids, day):
    return _counts(round_, unit_ids, day, Q(concluded_at__lt=end_of_day(day)))


def reports_notified(round_, unit_ids, day):
    return _counts(round_, unit_ids, day, Q(notified_on__lte=day))


def register() -> None:
    register_unit_figure("reports_received", "受理举报（件）", reports_received, app="discipline")
    register_unit_figure("reports_closed", "办结举报（件）", reports_closed, app="discipline")
    register_unit_figure("reports_notified", "通报案件（件）", reports_notified, app="discipline")
