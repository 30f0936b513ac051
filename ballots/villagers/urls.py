"""Villagers' / residents' committee elections, all under ``villagers/``: the set-up (election,
committee, register, objections, proxies, import) and the vote (nominations, polling,
boxes, counting, result, recall).

Addresses under ``villagers-results/`` are from before the two halves shared a namespace;
they answer with a permanent redirect to the same page here.
"""

from django.urls import path

from ballots.villagers.views import bodies, notices, setup, sheets, vote

app_name = "villagers"

urlpatterns = [
    # The set-up and the register.
    path("", setup.election_list, name="election-list"),
    path("units/<int:unit_pk>/new/", setup.election_create, name="election-create"),
    path("objections/", setup.open_objections, name="open-objections"),
    path("import/template.xlsx", setup.PAGES.template, name="import-template"),
    path("import/<int:pk>/", setup.PAGES.job, name="import-job"),
    path("import/<int:pk>/confirm/", setup.PAGES.confirm, name="import-confirm"),
    path("import/<int:pk>/cancel/", setup.PAGES.cancel, name="import-cancel"),
    path("<int:pk>/", setup.election_detail, name="election-detail"),
    path("<int:pk>/edit/", setup.election_edit, name="election-edit"),
    path("<int:pk>/committee/", setup.committee_add, name="committee-add"),
    path("<int:pk>/voters/", setup.voter_list, name="voter-list"),
    path("<int:pk>/voters/new/", setup.voter_create, name="voter-create"),
    path("<int:pk>/import/", setup.import_upload, name="import"),
    path("<int:pk>/publish/", setup.register_publish, name="register-publish"),
    path("<int:pk>/voters/print/", setup.voter_print, name="voter-print"),
    path("<int:pk>/corrections/new/", setup.register_correct, name="register-correct"),
    path("<int:pk>/changes/", setup.register_changes, name="register-changes"),
    path("<int:pk>/objections/", setup.objection_list, name="objection-list"),
    path("<int:pk>/proxies/", setup.proxy_list, name="proxy-list"),
    path("<int:pk>/proxies/print/", setup.proxy_print, name="proxy-print"),
    path("committee/<int:pk>/leave/", setup.member_leave, name="member-leave"),
    path("voters/<int:pk>/edit/", setup.voter_edit, name="voter-edit"),
    path("voters/<int:pk>/active/", setup.voter_active, name="voter-active"),
    path("voters/<int:pk>/unmask/", setup.voter_unmask, name="voter-unmask"),
    path("objections/<int:pk>/answer/", setup.objection_answer, name="objection-answer"),
    path("proxies/<int:pk>/withdraw/", setup.proxy_withdraw, name="proxy-withdraw"),
    # The schedule and the numbered 公告.
    path("<int:pk>/notices/", notices.notice_list, name="notice-list"),
    path("<int:pk>/notices/<int:number>/preview/", notices.notice_preview, name="notice-preview"),
    path("<int:pk>/notices/<int:number>/publish/", notices.notice_publish, name="notice-publish"),
    path("notices/<int:pk>/", notices.notice_download, name="notice-download"),
    # The vote.
    path("vote/", vote.vote_list, name="vote-list"),
    path("<int:pk>/vote/", vote.vote_detail, name="vote-detail"),
    path("<int:pk>/ballot-setup/", vote.ballot_setup, name="ballot-setup"),
    path("<int:pk>/nominations/", vote.nominations, name="nominations"),
    path(
        "<int:pk>/nominations/<int:nid>/delete/",
        vote.nomination_delete,
        name="nomination-delete",
    ),
    path("<int:pk>/posts/<str:post>/confirm/", vote.candidates_confirm, name="candidates-confirm"),
    path("<int:pk>/polling/", vote.polling, name="polling"),
    path("<int:pk>/officials/", vote.official_add, name="official-add"),
    path("<int:pk>/officials/<int:oid>/delete/", vote.official_delete, name="official-delete"),
    path("<int:pk>/boxes/", vote.box_add, name="box-add"),
    path("boxes/<int:bid>/", vote.box_entry, name="box-entry"),
    path("boxes/<int:bid>/tally.pdf", sheets.box_tally_pdf, name="box-tally-pdf"),
    path("<int:pk>/count/", vote.count, name="count"),
    path("rounds/<int:rid>/", vote.round_detail, name="round-detail"),
    path("rounds/<int:rid>/record.json", vote.round_record, name="round-record"),
    path("rounds/<int:rid>/tally.pdf", sheets.round_tally_pdf, name="round-tally-pdf"),
    path("<int:pk>/approve/", vote.approve, name="approve"),
    path("<int:pk>/write-ins/<int:wid>/", vote.write_in_resolve, name="write-in-resolve"),
    path("<int:pk>/recalls/", vote.recalls, name="recalls"),
    path("recalls/<int:rid>/vote/", vote.recall_vote, name="recall-vote"),
    # The other bodies: the supervision committee, the groups' representatives and leaders.
    path("<int:pk>/supervision/", bodies.supervision_page, name="supervision"),
    path(
        "<int:pk>/supervision/nominations/",
        bodies.supervision_nominate,
        name="supervision-nominate",
    ),
    path(
        "<int:pk>/supervision/nominations/<int:nid>/delete/",
        bodies.supervision_nomination_delete,
        name="supervision-nomination-delete",
    ),
    path("<int:pk>/supervision/confirm/", bodies.supervision_confirm, name="supervision-confirm"),
    path("<int:pk>/supervision/approve/", bodies.supervision_approve, name="supervision-approve"),
    path("supervision/rounds/<int:rid>/", bodies.supervision_round, name="supervision-round"),
    path(
        "supervision/rounds/<int:rid>/record.json",
        bodies.supervision_record,
        name="supervision-record",
    ),
    path("<int:pk>/groups/", bodies.group_list, name="groups"),
    path("<int:pk>/groups/<int:gid>/edit/", bodies.group_edit, name="group-edit"),
    path("<int:pk>/officers/", bodies.officer_add, name="officer-add"),
    path("officers/<int:oid>/delete/", bodies.officer_delete, name="officer-delete"),
]
