from django.urls import path

from discipline.ledger import views

urlpatterns = [
    path("discipline/ledger/", views.ledger_list, name="ledger"),
    path("discipline/ledger/template.xlsx", views.PAGES.template, name="ledger-template"),
    path("discipline/ledger/imports/<int:pk>/", views.PAGES.job, name="ledger-import-job"),
    path(
        "discipline/ledger/imports/<int:pk>/confirm/",
        views.PAGES.confirm,
        name="ledger-import-confirm",
    ),
    path(
        "discipline/ledger/imports/<int:pk>/cancel/",
        views.PAGES.cancel,
        name="ledger-import-cancel",
    ),
]
