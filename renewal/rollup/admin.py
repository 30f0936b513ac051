from django import forms
from django.contrib import admin
from django.utils import timezone

from renewal.kit import measures
from renewal.kit.forms import ModelForm
from renewal.models import RollupSettings, StatColumn, StatForm


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


class StatColumnForm(ModelForm):
    """A column's measure chosen from the registered measures (renewal.kit.measures)."""

    class Meta:
        model = StatColumn
        fields = ["order", "group", "label", "measure"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.measure if self.instance.pk else ""
        options = measures.choices()
        if current and current not in dict(options):
            options.append((current, f"{current}（未登记）"))
        self.fields["measure"] = forms.ChoiceField(
            label="统计指标", choices=[("", "---------"), *options]
        )


class StatColumnInline(admin.TabularInline):
    model = StatColumn
    form = StatColumnForm
    extra = 1
    ordering = ["order"]


@admin.register(StatForm)
class StatFormAdmin(admin.ModelAdmin):
    """The statistical forms: a county's own version under the same code replaces the
    default one for that county; its columns, headings and order are edited here."""

    list_display = ["name", "code", "county", "version", "is_active", "source"]
    list_filter = ["county", "is_active"]
    inlines = [StatColumnInline]
    save_as = True
