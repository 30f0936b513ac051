"""Versioned settings rows (eligibility rules, counting rules …): a county's own row in
force on a day, else the default row (county blank) in force on that day."""

import datetime


def effective_row(model, *, county_id: int, day: datetime.date):
    rows = model.objects.filter(effective_from__lte=day).order_by("-effective_from")
    return rows.filter(county_id=county_id).first() or rows.filter(county__isnull=True).first()
