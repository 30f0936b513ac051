from django.urls import path

from discipline.pledges import views

urlpatterns = [
    path("discipline/coverage/", views.coverage, name="coverage"),
    path("discipline/units/<int:unit_pk>/", views.unit_pledges_talks, name="unit-pledges-talks"),
    path("discipline/units/<int:unit_pk>/pledge/", views.pledge_record, name="pledge-record"),
    path("discipline/units/<int:unit_pk>/talk/", views.talk_record, name="talk-record"),
]
