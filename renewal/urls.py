from django.urls import path

from renewal import views
from renewal.kit import idle, second_factor_pages

app_name = "renewal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/password/", views.PasswordChange.as_view(), name="password-change"),
    path("account/second-factor/", second_factor_pages.account, name="second-factor"),
    path(
        "account/second-factor/verify/",
        second_factor_pages.verify,
        name="second-factor-verify",
    ),
    path(
        "account/second-factor/recovery-codes/",
        second_factor_pages.recovery_codes,
        name="second-factor-codes",
    ),
    path("account/keep-alive/", idle.keep_alive, name="keep-alive"),
    path("security/events/", views.security_event_list, name="security-events"),
    path("security/events/export/", views.security_event_export, name="security-events-export"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/export/", views.unit_export, name="unit-export"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/branch/", views.branch_edit, name="branch-edit"),
    path("units/<int:pk>/risks/", views.risk_point_add, name="risk-add"),
    path(
        "units/<int:pk>/risks/<int:point_pk>/delete/",
        views.risk_point_delete,
        name="risk-delete",
    ),
    path("units/<int:pk>/seats/", views.seat_change_create, name="seat-change-create"),
    path("units/<int:pk>/history/", views.unit_history, name="unit-history"),
    path("seat-changes/", views.seat_change_list, name="seat-change-list"),
    path("seat-changes/<int:pk>/decide/", views.seat_change_decide, name="seat-change-decide"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
]
