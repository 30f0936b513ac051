from django.urls import path

from discipline.intake import public as views_public
from discipline.intake import views as views_intake

urlpatterns = [
    # Public: no login, no JavaScript needed.
    path("report/", views_public.report, name="public-report"),
    path("report/status/", views_public.status, name="public-status"),
    # Discipline officers.
    path("discipline/intake/new/", views_intake.report_create, name="intake-create"),
    path("discipline/intake/<int:pk>/", views_intake.report_recorded, name="intake-recorded"),
    path(
        "discipline/reports/<int:pk>/identity/",
        views_intake.report_identity,
        name="report-identity",
    ),
    path(
        "discipline/reports/<int:pk>/attachments/<int:attachment_pk>/",
        views_intake.report_attachment,
        name="report-attachment",
    ),
    path("discipline/informants/", views_intake.informant_list, name="informant-list"),
    path(
        "discipline/informants/units/<int:pk>/",
        views_intake.unit_informants,
        name="unit-informants",
    ),
    path(
        "discipline/informants/<int:pk>/deactivate/",
        views_intake.informant_deactivate,
        name="informant-deactivate",
    ),
]
