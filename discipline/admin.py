from django.contrib import admin

from discipline.models import ProhibitionCatalogue, ProhibitionItem


class ProhibitionItemInline(admin.TabularInline):
    model = ProhibitionItem
    extra = 1
    fields = ["number", "text"]


@admin.register(ProhibitionCatalogue)
class ProhibitionCatalogueAdmin(admin.ModelAdmin):
    """Admins edit the shipped prohibition lists and add a county's own."""

    list_display = ["name", "version", "county", "is_active"]
    list_filter = ["is_active", "county"]
    inlines = [ProhibitionItemInline]
