from django.urls import path

from candidates import views, views_bulk, views_import, views_reserves

app_name = "candidates"

urlpatterns = [
    path("candidates/", views.candidacy_list, name="candidacy-list"),
    path("candidates/new/", views.candidacy_create, name="candidacy-create"),
    path("candidates/export/", views.candidacy_export, name="candidacy-export"),
    path("candidates/approvals/", views.approvals, name="approvals"),
    path("candidates/approvals/approve/", views_bulk.approvals_approve, name="approvals-approve"),
    path("candidates/status-counts/", views.status_counts, name="status-counts"),
    path("candidates/<int:pk>/", views.candidacy_detail, name="candidacy-detail"),
    path("candidates/<int:pk>/edit/", views.candidacy_edit, name="candidacy-edit"),
    path("candidates/<int:pk>/unmask/", views.candidacy_unmask, name="candidacy-unmask"),
    path(
        "candidates/<int:pk>/inspection/", views.candidacy_inspection, name="candidacy-inspection"
    ),
    path("candidates/<int:pk>/<str:action>/", views.candidacy_action, name="candidacy-action"),
    path("candidates/units/<int:unit_pk>/", views.unit_candidates, name="unit-candidates"),
    path(
        "candidates/units/<int:unit_pk>/confirm/<str:body>/",
        views.unit_formal_confirm,
        name="unit-formal-confirm",
    ),
    path("candidates/vetting/", views.vetting_queue, name="vetting-queue"),
    path("candidates/vetting/send/", views.vetting_send, name="vetting-send"),
    path(
        "candidates/vetting/answer-clear/",
        views_bulk.vetting_answer_clear,
        name="vetting-answer-clear",
    ),
    path("candidates/vetting/<int:pk>/", views.vetting_answer, name="vetting-answer"),
    path(
        "candidates/vetting/<int:pk>/attachment/",
        views.vetting_attachment,
        name="vetting-attachment",
    ),
    path("candidates/vetting/<int:pk>/caution/", views.vetting_caution, name="vetting-caution"),
    path("candidates/vetting/<int:pk>/overturn/", views.vetting_overturn, name="vetting-overturn"),
    path("candidates/reserves/", views_reserves.reserve_list, name="reserve-list"),
    path("candidates/reserves/new/", views_reserves.reserve_add, name="reserve-add"),
    path("candidates/reserves/<int:pk>/edit/", views_reserves.reserve_edit, name="reserve-edit"),
    path(
        "candidates/reserves/<int:pk>/retire/",
        views_reserves.reserve_retire,
        name="reserve-retire",
    ),
    path(
        "candidates/reserves/<int:pk>/propose/",
        views_reserves.reserve_propose,
        name="reserve-propose",
    ),
    path("candidates/reserves/import/", views_reserves.reserve_import, name="reserve-import"),
    path(
        "candidates/reserves/import/template.xlsx",
        views_reserves.PAGES.template,
        name="reserve-import-template",
    ),
    path(
        "candidates/reserves/import/<int:pk>/",
        views_reserves.PAGES.job,
        name="reserve-import-job",
    ),
    path(
        "candidates/reserves/import/<int:pk>/confirm/",
        views_reserves.PAGES.confirm,
        name="reserve-import-confirm",
    ),
    path(
        "candidates/reserves/import/<int:pk>/cancel/",
        views_reserves.PAGES.cancel,
        name="reserve-import-cancel",
    ),
    path("candidates/import/", views_import.import_upload, name="import"),
    path("candidates/import/template.xlsx", views_import.PAGES.template, name="import-template"),
    path("candidates/import/<int:pk>/", views_import.PAGES.job, name="import-job"),
    path("candidates/import/<int:pk>/confirm/", views_import.PAGES.confirm, name="import-confirm"),
    path("candidates/import/<int:pk>/cancel/", views_import.PAGES.cancel, name="import-cancel"),
]
