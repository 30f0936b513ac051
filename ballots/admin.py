from django.contrib import admin

from ballots.models import (
    CalendarDay,
    CalendarYear,
    CountingRuleSet,
    CountyVillagersRules,
    DoubleEntryRules,
    NoticeTemplate,
    ScheduleDeadline,
    TallyCheck,
    VillagersRulePack,
)


@admin.register(TallyCheck)
class TallyCheckAdmin(admin.ModelAdmin):
    """The coded tally checks: reword a text or change a severity; the code stays, since
    messages, the audit log and the printed list refer to it."""

    list_display = ["code", "severity", "text", "applies_to", "version", "effective_from"]
    list_filter = ["severity", "applies_to"]
    fields = [
        "code",
        "severity",
        "text",
        "villagers_text",
        "applies_to",
        "source",
        "version",
        "effective_from",
    ]

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


class ScheduleDeadlineInline(admin.TabularInline):
    """The pack's own deadlines; steps it does not list follow the default rows."""

    model = ScheduleDeadline
    extra = 0
    fields = ["step", "label", "direction", "days", "counting", "order", "source"]


class NoticeTemplateInline(admin.TabularInline):
    model = NoticeTemplate
    extra = 0
    fields = ["number", "step", "title", "source"]


@admin.register(ScheduleDeadline)
class ScheduleDeadlineAdmin(admin.ModelAdmin):
    """The legal deadlines counted from election day; rows without a pack are the defaults."""

    list_display = ["label", "pack", "direction", "days", "counting", "order", "source"]
    list_filter = ["pack", "counting"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    """The numbered 公告 of the election committee; rows without a pack are the defaults."""

    list_display = ["number", "title", "step", "pack", "source"]
    list_filter = ["pack"]


@admin.register(VillagersRulePack)
class VillagersRulePackAdmin(admin.ModelAdmin):
    """A province's 选举办法 as data: add a dated pack, no code needed."""

    list_display = [
        "name",
        "province_code",
        "effective_from",
        "law_edition",
        "publication_days",
        "objection_days",
        "objection_answer_days",
        "proxy_cap",
        "source",
    ]
    list_filter = ["province_code", "law_edition"]
    inlines = [ScheduleDeadlineInline, NoticeTemplateInline]


@admin.register(CountyVillagersRules)
class CountyVillagersRulesAdmin(admin.ModelAdmin):
    list_display = ["county", "pack", "women_seat"]
