from django.urls import path

from renewal.rollup import views, views_areas, views_stats

app_name = "rollup"

urlpatterns = [
    path("dashboard/", views.dashboard_home, name="dashboard-home"),
    path("dashboard/<int:county_pk>/", views.dashboard, name="dashboard"),
    path("dashboard/<int:county_pk>/noncompliant/", views.noncompliant, name="noncompliant"),
    path("screen/<int:county_pk>/", views.screen, name="screen"),
    path("rollup/townships/<int:pk>/", views.township_detail, name="township"),
    path("dashboard/areas/<int:pk>/", views_areas.area_dashboard, name="area-dashboard"),
    path("screen/areas/<int:pk>/", views_areas.area_screen, name="area-screen"),
    path("rollup/area-notices/<int:pk>/", views_areas.area_notice, name="area-notice"),
    path(
        "rollup/area-notices/<int:pk>/text/",
        views_areas.area_notice_text,
        name="area-notice-text",
    ),
    path(
        "rollup/area-notices/<int:pk>/xlsx/",
        views_areas.area_notice_xlsx,
        name="area-notice-xlsx",
    ),
    path("rollup/<int:county_pk>/notices/", views.notice_list, name="notice-list"),
    path("rollup/<int:county_pk>/run/", views.rollup_start, name="run"),
    path("rollup/notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("rollup/notices/<int:pk>/text/", views.notice_text, name="notice-text"),
    path("rollup/notices/<int:pk>/xlsx/", views.notice_xlsx, name="notice-xlsx"),
    path("stat-forms/", views_stats.stat_home, name="stat-home"),
    path("stat-forms/<int:county_pk>/", views_stats.stat_form_list, name="stat-form-list"),
    path("stat-forms/<int:county_pk>/<slug:code>/", views_stats.stat_form, name="stat-form"),
    path(
        "stat-forms/<int:county_pk>/<slug:code>/xlsx/",
        views_stats.stat_form_xlsx,
        name="stat-form-xlsx",
    ),
    path("daily-reports/", views.daily_report_list, name="daily-report-list"),
    path(
        "daily-reports/<int:township_pk>/<str:day>/",
        views.daily_report_edit,
        name="daily-report-edit",
    ),
]
