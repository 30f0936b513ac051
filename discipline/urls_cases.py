from django.urls import path

from discipline import views_cases as views

urlpatterns = [
    path("discipline/cases/", views.case_list, name="case-list"),
    path("discipline/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("discipline/cases/<int:pk>/<str:action>/", views.case_action, name="case-action"),
    path("discipline/dashboard/", views.dashboard, name="dashboard"),
    path("discipline/coverage/", views.coverage, name="coverage"),
    path("discipline/units/<int:unit_pk>/", views.unit_pledges_talks, name="unit-pledges-talks"),
    path("discipline/units/<int:unit_pk>/pledge/", views.pledge_record, name="pledge-record"),
    path("discipline/units/<int:unit_pk>/talk/", views.talk_record, name="talk-record"),
    path("discipline/ledger/", views.ledger_list, name="ledger"),
    path("discipline/ledger/template.xlsx", views.ledger_template, name="ledger-template"),
    path("discipline/ledger/uploads/<str:token>/", views.ledger_preview, name="ledger-preview"),
    path(
        "discipline/ledger/uploads/<str:token>/confirm/",
        views.ledger_confirm,
        name="ledger-confirm",
    ),
    path(
        "discipline/ledger/uploads/<str:token>/cancel/", views.ledger_cancel, name="ledger-cancel"
    ),
]
