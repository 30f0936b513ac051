from django.contrib import admin

from ballots.models import (
    CalendarDay,
    CalendarYear,
    CountingRuleSet,
    CountyVillagersRules,
    DoubleEntryRules,
    TallyCheck,
    VillagersRulePack,
)


@admin.register(TallyCheck)
class TallyCheckAdmin(admin.ModelAdmin):
    """The coded tally checks: reword a text or change a severity; the code stays, since
    messages, the audit log and the printed list refer to it."""

    list_display = ["code", "severity", "text", "applies_to", "version", "effective_from"]
    list_filter = ["severity", "applies_to"]
    fields = ["code", "severity", "text", "applies_to", "source", "version", "effective_from"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "applies_to"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CountingRuleSet)
class CountingRuleSetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quorum", "majority_base", "secretary_by_congress", "source"]
    list_filter = ["county"]


@admin.register(DoubleEntryRules)
class DoubleEntryRulesAdmin(admin.ModelAdmin):
    """Whether a county's tallies are entered twice, and who settles two that differ."""

    list_display = ["__str__", "required", "coordinator", "source"]
    list_filter = ["county"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """For years the chinesecalendar package does not cover yet (e.g. a new State Council notice)."""

    list_display = ["year", "source"]
    inlines = [CalendarDayInline]


@admin.register(VillagersRulePack)
class VillagersRulePackAdmin(admin.ModelAdmin):
    """A province's 选举办法 as data: add a dated pack, no code needed."""

    list_display = [
        "name",
        "province_code",
        "effective_from",
        "publication_days",
        "objection_days",
        "objection_answer_days",
        "proxy_cap",
        "source",
    ]
    list_filter = ["province_code"]


@admin.register(CountyVillagersRules)
class CountyVillagersRulesAdmin(admin.ModelAdmin):
    list_display = ["county", "pack", "women_seat"]
