"""Versioned settings (eligibility rules, counting rules, roll-up settings, handover
deadlines …): rules are data, each row a county's setting from a date on, with the
document it follows; a row with a blank county is the default for every county.

A row in force is history: a change is a new row with a later effective date, so that any
past day is judged by the rules of that day.
"""

import datetime

from django.db import models
from django.db.models import F, Q


class VersionedSetting(models.Model):
    county = models.ForeignKey(
        "renewal.Region",
        verbose_name="区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "county"},
        related_name="+",
        help_text="留空为默认规则。",
    )
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200)

    class Meta:
        abstract = True
        ordering = ["county_id", "-effective_from"]

    @classmethod
    def in_force(cls, *, county_id: int, day: datetime.date):
        """The county's own row in force on ``day``, else the default row in force then."""
        return effective_row(cls, county_id=county_id, day=day)

    @classmethod
    def in_force_by_county(cls, *, county_ids, day: datetime.date) -> dict:
        """``in_force`` of each of the counties (None where no row is), in one query."""
        return effective_rows(cls, county_ids=county_ids, day=day)


def effective_rows(model, *, county_ids, day: datetime.date) -> dict:
    """``effective_row`` of many counties at once: the rows in force on ``day`` (the
    counties' own and the defaults) read in one query, the latest of each picked here."""
    rows = model.objects.filter(
        models.Q(county_id__in=list(county_ids)) | models.Q(county__isnull=True),
        effective_from__lte=day,
    ).order_by("-effective_from")
    latest: dict = {}
    for row in rows:
        latest.setdefault(row.county_id, row)
    return {county_id: latest.get(county_id, latest.get(None)) for county_id in county_ids}


def effective_row(model, *, county_id: int, day: datetime.date):
    """In one query: the county's rows sort before the default's, each newest first."""
    return (
        model.objects.filter(effective_from__lte=day)
        .filter(Q(county_id=county_id) | Q(county__isnull=True))
        .order_by(F("county_id").asc(nulls_last=True), "-effective_from")
        .first()
    )
