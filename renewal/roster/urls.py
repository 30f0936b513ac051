from django.urls import path

from renewal.roster import views

app_name = "roster"

urlpatterns = [
    path("units/<int:pk>/roster/", views.member_list, name="member-list"),
    path("units/<int:pk>/roster/new/", views.member_add, name="member-add"),
    path("units/<int:pk>/roster/import/", views.roster_import, name="import"),
    path("roster/members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("roster/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("roster/import/template.xlsx", views.PAGES.template, name="import-template"),
    path("roster/import/<int:pk>/", views.PAGES.job, name="import-job"),
    path("roster/import/<int:pk>/confirm/", views.PAGES.confirm, name="import-confirm"),
    path("roster/import/<int:pk>/cancel/", views.PAGES.cancel, name="import-cancel"),
]
