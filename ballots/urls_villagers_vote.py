from django.urls import path

from ballots import views_villagers_vote as views

app_name = "villagers_vote"

urlpatterns = [
    path("", views.vote_list, name="list"),
    path("<int:pk>/", views.vote_detail, name="detail"),
    path("<int:pk>/setup/", views.ballot_setup, name="setup"),
    path("<int:pk>/nominations/", views.nominations, name="nominations"),
    path(
        "<int:pk>/nominations/<int:nid>/delete/",
        views.nomination_delete,
        name="nomination-delete",
    ),
    path("<int:pk>/posts/<str:post>/confirm/", views.candidates_confirm, name="candidates-confirm"),
    path("<int:pk>/polling/", views.polling, name="polling"),
    path("<int:pk>/officials/", views.official_add, name="official-add"),
    path("<int:pk>/officials/<int:oid>/delete/", views.official_delete, name="official-delete"),
    path("<int:pk>/boxes/", views.box_add, name="box-add"),
    path("boxes/<int:bid>/", views.box_entry, name="box-entry"),
    path("<int:pk>/count/", views.count, name="count"),
    path("rounds/<int:rid>/", views.round_detail, name="round-detail"),
    path("rounds/<int:rid>/record.json", views.round_record, name="round-record"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/recalls/", views.recalls, name="recalls"),
    path("recalls/<int:rid>/vote/", views.recall_vote, name="recall-vote"),
]
