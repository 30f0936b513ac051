from django.urls import path

from renewal import views_aftercare as views

app_name = "aftercare"

urlpatterns = [
    path("aftercare/", views.overview, name="overview"),
    # Exit audits and the rectification ledger.
    path("audits/", views.audit_list, name="audit-list"),
    path("audits/ledger/", views.ledger, name="ledger"),
    path("audits/categories/", views.category_list, name="category-list"),
    path("audits/categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("audits/units/<int:unit_pk>/", views.unit_audit, name="unit-audit"),
    path("audits/<int:pk>/findings/new/", views.finding_add, name="finding-add"),
    path("audits/findings/<int:pk>/edit/", views.finding_edit, name="finding-edit"),
    path(
        "audits/findings/<int:pk>/rectifications/new/",
        views.rectification_add,
        name="rectification-add",
    ),
    path("audits/rectifications/<int:pk>/", views.rectification_edit, name="rectification-edit"),
    path(
        "audits/rectifications/<int:pk>/attachment/",
        views.rectification_attachment,
        name="rectification-attachment",
    ),
    # Key units' plans and the guidance groups.
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/units/<int:unit_pk>/", views.unit_plan, name="unit-plan"),
    path("guidance/", views.group_list, name="group-list"),
    path("guidance/new/", views.group_create, name="group-create"),
    path("guidance/<int:pk>/", views.group_detail, name="group-detail"),
    path("guidance/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("guidance/<int:pk>/visits/new/", views.visit_add, name="visit-add"),
    # Handovers.
    path("handovers/", views.handover_list, name="handover-list"),
    path("handovers/new/", views.handover_create, name="handover-create"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover-detail"),
    path("handovers/<int:pk>/items/<int:item_pk>/sign/", views.handover_sign, name="handover-sign"),
    path("handovers/<int:pk>/refusals/new/", views.handover_refuse, name="handover-refuse"),
    # Onboarding of the new committee.
    path("onboarding/", views.onboarding_list, name="onboarding-list"),
    path("onboarding/units/<int:unit_pk>/", views.unit_onboarding, name="unit-onboarding"),
    path("onboarding/units/<int:unit_pk>/training/", views.training_add, name="training-add"),
    path("onboarding/units/<int:unit_pk>/pledges/", views.pledge_add, name="pledge-add"),
]
