"""Admin for the aftercare catalogues and settings: audit categories, handover items and deadlines."""

from django.contrib import admin

from renewal.models import AuditCategory, HandoverDeadline, HandoverItemKind


@admin.register(AuditCategory)
class AuditCategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "county", "needs_local_check", "is_active"]
    list_filter = ["county", "needs_local_check", "is_active"]
    search_fields = ["name"]


@admin.register(HandoverDeadline)
class HandoverDeadlineAdmin(admin.ModelAdmin):
    list_display = ["county", "effective_from", "days", "source"]
    list_filter = ["county"]


@admin.register(HandoverItemKind)
class HandoverItemKindAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "is_active"]
    list_editable = ["is_active"]
