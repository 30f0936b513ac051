from django.urls import path

from renewal.aftercare.views import (
    audits,
    guidance,
    handover,
    onboarding,
    overview,
    plans,
    supervision,
)

app_name = "aftercare"

urlpatterns = [
    path("aftercare/", overview.overview, name="overview"),
    # Exit audits and the rectification ledger.
    path("audits/", audits.audit_list, name="audit-list"),
    path("audits/ledger/", audits.ledger, name="ledger"),
    path("audits/categories/", audits.category_list, name="category-list"),
    path("audits/categories/<int:pk>/edit/", audits.category_edit, name="category-edit"),
    path("audits/units/<int:unit_pk>/", audits.unit_audit, name="unit-audit"),
    path("audits/<int:pk>/findings/new/", audits.finding_add, name="finding-add"),
    path("audits/findings/<int:pk>/edit/", audits.finding_edit, name="finding-edit"),
    path(
        "audits/findings/<int:pk>/rectifications/new/",
        audits.rectification_add,
        name="rectification-add",
    ),
    path("audits/rectifications/<int:pk>/", audits.rectification_edit, name="rectification-edit"),
    path(
        "audits/rectifications/<int:pk>/attachment/",
        audits.rectification_attachment,
        name="rectification-attachment",
    ),
    # Key units' plans and the guidance groups.
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/units/<int:unit_pk>/", plans.unit_plan, name="unit-plan"),
    path("guidance/", guidance.group_list, name="group-list"),
    path("guidance/new/", guidance.group_create, name="group-create"),
    path("guidance/<int:pk>/", guidance.group_detail, name="group-detail"),
    path("guidance/<int:pk>/edit/", guidance.group_edit, name="group-edit"),
    path("guidance/<int:pk>/visits/new/", guidance.visit_add, name="visit-add"),
    # The city's supervision groups.
    path("supervision/", supervision.group_list, name="supervision-list"),
    path("supervision/new/", supervision.group_create, name="supervision-create"),
    path("supervision/<int:pk>/", supervision.group_detail, name="supervision-detail"),
    path("supervision/<int:pk>/edit/", supervision.group_edit, name="supervision-edit"),
    path("supervision/<int:pk>/visits/new/", supervision.visit_add, name="supervision-visit-add"),
    path(
        "supervision/<int:pk>/visits/place/",
        supervision.visit_place,
        name="supervision-visit-place",
    ),
    # Handovers.
    path("handovers/", handover.handover_list, name="handover-list"),
    path("handovers/new/", handover.handover_create, name="handover-create"),
    path("handovers/<int:pk>/", handover.handover_detail, name="handover-detail"),
    path(
        "handovers/<int:pk>/items/<int:item_pk>/sign/", handover.handover_sign, name="handover-sign"
    ),
    path("handovers/<int:pk>/refusals/new/", handover.handover_refuse, name="handover-refuse"),
    # Onboarding of the new committee.
    path("onboarding/", onboarding.onboarding_list, name="onboarding-list"),
    path("onboarding/units/<int:unit_pk>/", onboarding.unit_onboarding, name="unit-onboarding"),
    path("onboarding/units/<int:unit_pk>/training/", onboarding.training_add, name="training-add"),
    path("onboarding/units/<int:unit_pk>/pledges/", onboarding.pledge_add, name="pledge-add"),
]
