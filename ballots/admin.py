from django.contrib import admin

from .models import CalendarDay, CalendarYear, CountingRuleSet


@admin.register(CountingRuleSet)
class CountingRuleSetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quorum", "majority_base", "secretary_by_congress", "source"]
    list_filter = ["county"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """For years the chinesecalendar package does not cover yet (e.g. a new State Council notice)."""

    list_display = ["year", "source"]
    inlines = [CalendarDayInline]
