"""Actions a clerk repeats over many rows at once: each row goes through the same service as
the single action, so the rules, the locks and the audit entries are those of the single one.

Two ways to treat a row that fails, chosen per action:

- a department's "无问题" answer is all-or-nothing: a refused row means the selection was
  out of date, so nothing is recorded and the clerk reloads the queue;
- the township's approval takes each row in its own transaction: the rows that pass the
  eligibility check are approved, those that do not are listed with the reason.
"""

from dataclasses import dataclass, field

from django.db import transaction

from candidates import services
from candidates.models import Candidacy, VettingPreset, VettingRequest
from renewal.models import DomainError


def vetting_presets() -> list[dict]:
    """The active preset groups with the ids of their departments, as the send page offers
    them (the admin edits them as 联审部门预设)."""
    presets = VettingPreset.objects.filter(is_active=True).prefetch_related("departments")
    return [
        {
            "code": p.code,
            "name": p.name,
            "source": p.source,
            "ids": sorted(d.pk for d in p.departments.all()),
        }
        for p in presets
    ]


@transaction.atomic
def vetting_answer_clear_many(*, actor, requests, document_number: str, comment: str = ""):
    """One "无问题" answer per request, each a record of its own under the same 文号.

    All or nothing: when any request is already answered, none is, and the message names who.
    """
    document_number = document_number.strip()
    if not requests:
        raise DomainError("请先勾选要答复的人员。")
    if not document_number:
        raise DomainError("请填写文号：批量答复“无问题”须注明依据的文号。")
    locked = list(
        VettingRequest.objects.select_for_update(of=("self",))
        .filter(pk__in=[r.pk for r in requests])
        .select_related("candidacy__person")
        .order_by("pk")
    )
    answered = [
        r.candidacy.person.name for r in locked if r.status != VettingRequest.Status.PENDING
    ]
    if answered:
        raise DomainError(
            "以下人员已答复，不能重复答复："
            + "、".join(answered)
            + "。本次没有保存任何答复，请刷新后重新勾选。"
        )
    return [
        services.vetting_answer(
            actor=actor, request=r, passed=True, document_number=document_number, comment=comment
        )
        for r in locked
    ]


@dataclass
class ApprovalOutcome:
    approved: list[Candidacy] = field(default_factory=list)
    refused: list[tuple[Candidacy, str]] = field(default_factory=list)


def candidacies_approve_township(*, actor, candidacies, may_approve) -> ApprovalOutcome:
    """Approve each candidacy on its own, through the single approval and its rule check.

    ``may_approve(candidacy)`` says whether the actor leads the candidacy's township; a row
    it refuses, or whose check fails, is listed with the reason and left as it was.
    """
    outcome = ApprovalOutcome()
    for candidacy in candidacies:
        if not may_approve(candidacy):
            outcome.refused.append((candidacy, "只有本乡镇(街道)党(工)委可以审核该人选"))
            continue
        if candidacy.status != Candidacy.Status.VETTED:
            outcome.refused.append(
                (candidacy, f"当前为“{candidacy.get_status_display()}”，不在待审核之列")
            )
            continue
        try:
            services.candidacy_approve_township(actor=actor, candidacy=candidacy)
        except DomainError as exc:
            outcome.refused.append((candidacy, str(exc)))
        else:
            outcome.approved.append(candidacy)
    return outcome
