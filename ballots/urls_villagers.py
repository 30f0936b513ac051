"""Villagers' / residents' committee elections: set-up, register, objections, proxies (issue 5A).

Included under ``villagers/``; the results side (part B) lives under ``villagers-results/``.
"""

from django.urls import path

from ballots import views_villagers_setup as views

app_name = "villagers"

urlpatterns = [
    path("", views.election_list, name="election-list"),
    path("units/<int:unit_pk>/new/", views.election_create, name="election-create"),
    path("objections/", views.open_objections, name="open-objections"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("<int:pk>/", views.election_detail, name="election-detail"),
    path("<int:pk>/edit/", views.election_edit, name="election-edit"),
    path("<int:pk>/committee/", views.committee_add, name="committee-add"),
    path("<int:pk>/voters/", views.voter_list, name="voter-list"),
    path("<int:pk>/voters/new/", views.voter_create, name="voter-create"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/publish/", views.register_publish, name="register-publish"),
    path("<int:pk>/objections/", views.objection_list, name="objection-list"),
    path("<int:pk>/proxies/", views.proxy_list, name="proxy-list"),
    path("<int:pk>/proxies/print/", views.proxy_print, name="proxy-print"),
    path("committee/<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("voters/<int:pk>/edit/", views.voter_edit, name="voter-edit"),
    path("voters/<int:pk>/active/", views.voter_active, name="voter-active"),
    path("voters/<int:pk>/unmask/", views.voter_unmask, name="voter-unmask"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("proxies/<int:pk>/withdraw/", views.proxy_withdraw, name="proxy-withdraw"),
]
