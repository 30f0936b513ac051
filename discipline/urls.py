"""The discipline pages, one namespace: intake (and the public report page), cases, pledges
and talks, and the disciplined-cadres ledger."""

from django.urls import include, path

app_name = "discipline"

urlpatterns = [
    path("", include("discipline.intake.urls")),
    path("", include("discipline.cases.urls")),
    path("", include("discipline.pledges.urls")),
    path("", include("discipline.ledger.urls")),
]
