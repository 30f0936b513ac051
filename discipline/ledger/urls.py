from django.urls import path

from discipline.ledger import views

urlpatterns = [
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
