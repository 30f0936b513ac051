"""What a handover or an exit audit waits for next (see renewal.kit.next_steps)."""

from django.urls import reverse

from renewal.aftercare import access
from renewal.kit.next_steps import NextStep, register
from renewal.models import ExitAudit, Handover, Rectification


def handover_step(user, ho: Handover) -> NextStep | None:
    writer = access.can_write(user, ho.unit)
    if ho.completed_on is None:
        unsigned = sum(1 for item in ho.items.all() if not item.signed)
        return NextStep.for_user(
            f"逐项签收交接清单（还有 {unsigned} 项未签收）",
            reverse("aftercare:handover-detail", args=[ho.pk]) + "#items",
            writer,
        )
    return NextStep.for_user(
        "新班子培训与承诺",
        reverse("aftercare:unit-onboarding", args=[ho.unit_id]),
        writer,
    )


def audit_step(user, audit: ExitAudit) -> NextStep | None:
    url = reverse("aftercare:unit-audit", args=[audit.unit_id])
    writer = access.can_write(user, audit.unit)
    findings = list(audit.findings.prefetch_related("rectifications"))
    without_measures = sum(1 for f in findings if not f.rectifications.all())
    if without_measures:
        return NextStep.for_user(
            f"为 {without_measures} 个问题登记整改措施", url + "#findings", writer
        )
    open_lines = sum(
        1
        for f in findings
        for line in f.rectifications.all()
        if line.status != Rectification.Status.DONE
    )
    if open_lines:
        return NextStep.for_user(
            f"推进整改（还有 {open_lines} 项未完成）", url + "#findings", writer
        )
    return None


def register_steps() -> None:
    register(Handover, handover_step)
    register(ExitAudit, audit_step)
