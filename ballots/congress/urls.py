from django.urls import path

from ballots import double_entry_views
from ballots.congress import notice_views, views

app_name = "ballots"

urlpatterns = [
    path("tally-checks/", views.tally_checks, name="tally-checks"),
    path("tally-checks/pdf/", views.tally_checks_pdf, name="tally-checks-pdf"),
    path("double-entries/", double_entry_views.dispute_list, name="double-entry-list"),
    path(
        "double-entries/<str:kind>/<int:pk>/",
        double_entry_views.dispute_detail,
        name="double-entry-detail",
    ),
    path("congresses/", views.congress_list, name="congress-list"),
    path("units/<int:unit_pk>/congress/new/", views.congress_create, name="congress-create"),
    path("congresses/<int:pk>/", views.congress_detail, name="congress-detail"),
    path("congresses/<int:pk>/attendance/", views.congress_attendance, name="congress-attendance"),
    path("congresses/<int:pk>/quorum/", views.congress_quorum, name="congress-quorum"),
    path("congresses/<int:pk>/scrutineers/", views.scrutineer_add, name="scrutineer-add"),
    path(
        "congresses/<int:pk>/scrutineers/<int:scrutineer_pk>/remove/",
        views.scrutineer_remove,
        name="scrutineer-remove",
    ),
    path("congresses/<int:pk>/rounds/", views.round_create, name="round-create"),
    path("congresses/<int:pk>/report/", views.congress_report, name="congress-report"),
    path("congresses/<int:pk>/report.pdf", views.congress_report_pdf, name="congress-report-pdf"),
    path("congresses/<int:pk>/approve/", views.congress_approve, name="congress-approve"),
    path("congresses/<int:pk>/notices/", notice_views.congress_notices, name="congress-notices"),
    path(
        "congresses/<int:pk>/notices/publish/",
        notice_views.congress_notice_publish,
        name="congress-notice-publish",
    ),
    path(
        "congress-notices/<int:pk>/",
        notice_views.congress_notice_download,
        name="congress-notice-download",
    ),
    path("congresses/<int:pk>/reopen/", views.congress_reopen, name="congress-reopen"),
    path(
        "congresses/<int:pk>/file-secretary/",
        views.congress_file_secretary,
        name="congress-file-secretary",
    ),
    path("congress-rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("congress-rounds/<int:pk>/reduce/", views.round_reduce, name="round-reduce"),
    path(
        "congress-rounds/<int:pk>/write-ins/<int:entrant_pk>/",
        views.write_in_resolve,
        name="write-in-resolve",
    ),
    path("congress-rounds/<int:pk>/record.json", views.round_record, name="round-record"),
    path("congress-rounds/<int:pk>/<str:what>.pdf", views.round_pdf, name="round-pdf"),
]
