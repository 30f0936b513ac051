from django.contrib import admin
from django.utils import timezone

from renewal.models import RollupSettings


@admin.register(RollupSettings)
class RollupSettingsAdmin(admin.ModelAdmin):
    """The daily report deadline and structure targets, per county, by effective date."""

    list_display = [
        "county",
        "effective_from",
        "daily_report_deadline",
        "target_women_min",
        "target_young_age",
        "target_college_min",
        "source",
    ]
    list_filter = ["county"]

    def has_change_permission(self, request, obj=None):
        # A version in force is history: add a new row with a later effective date.
        return obj is None or obj.effective_from > timezone.localdate()
