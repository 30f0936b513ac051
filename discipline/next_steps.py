"""A case's next step, from its status: assign it to a check group, record the check,
conclude it, and notify a substantiated one (发现一起、查处一起、通报一起)."""

from django.urls import reverse

from discipline.models import Report
from renewal.kit.next_steps import NextStep, register

STEPS = {
    Report.Status.RECEIVED: "交办核查组",
    Report.Status.ASSIGNED: "登记核查情况",
    Report.Status.CHECKED: "办结：认定是否属实",
}


def case_step(user, report: Report) -> NextStep | None:
    # Whoever may open a case (the county's discipline officers) may take it on.
    here = reverse("discipline:case-detail", args=[report.pk]) + "#handle"
    if report.status in STEPS:
        return NextStep(STEPS[report.status], here)
    if report.status == Report.Status.CONCLUDED and report.substantiated:
        return NextStep("通报查实的案件", here)
    return None


def register_steps() -> None:
    register(Report, case_step)
