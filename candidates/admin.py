from django.contrib import admin

from candidates.models import EligibilityRules, NegativeList, NegativeListItem, VettingPreset


class ItemInline(admin.TabularInline):
    model = NegativeListItem
    extra = 1
    fields = ["number", "text", "severity", "lookback_years", "department"]


@admin.register(NegativeList)
class NegativeListAdmin(admin.ModelAdmin):
    """Admins edit the shipped lists and add a county's own (e.g. Inner Mongolia's 16 items)."""

    list_display = ["name", "version", "scope", "county", "is_active"]
    list_filter = ["scope", "is_active", "county"]
    inlines = [ItemInline]


@admin.register(EligibilityRules)
class EligibilityRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "county", "effective_from", "source"]
    list_filter = ["county"]


@admin.register(VettingPreset)
class VettingPresetAdmin(admin.ModelAdmin):
    """The groups of departments offered as one click on the joint-vetting send page."""

    list_display = ["name", "source", "position", "is_active"]
    list_filter = ["is_active"]
    filter_horizontal = ["departments"]
