"""Bulk actions over the rows ticked on a list (``name="ids"``): a department's "无问题" for
many people under one 文号, and the township's approval of many candidacies.

Every id must be one the user can see: when one is not (outside the user's reach, or gone
since the page was drawn), the whole request is refused and nothing is done. The message
does not say which, so it tells nothing about rows the user may not see.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from candidates import access, bulk, selectors
from renewal.models import DomainError


def _all_visible(queryset, ids):
    """The rows with these ids, in the order ticked; refused when any is out of reach."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    if len(rows) != len(ids):
        raise DomainError(
            f"所选记录中有 {len(ids) - len(rows)} 条不存在或不在您的工作范围内，"
            "本次没有办理任何一条。请刷新页面后重新勾选。"
        )
    return [rows[pk] for pk in ids]


@login_required
@require_POST
def vetting_answer_clear(request):
    """The department answers "无问题" for every ticked request, one record per person."""
    if not access.is_department_user(request.user):
        raise PermissionDenied("只有联审部门可以答复。")
    try:
        ids = selectors.selected_ids(request.POST.getlist("ids"))
        requests = _all_visible(access.vetting_requests_visible_to(request.user), ids)
        answered = bulk.vetting_answer_clear_many(
            actor=request.user,
            requests=requests,
            document_number=request.POST.get("document_number", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        names = "、".join(r.candidacy.person.name for r in answered)
        messages.success(request, f"已答复 {len(answered)} 人无问题：{names}。")
    return redirect("candidates:vetting-queue")


@login_required
@require_POST
def approvals_approve(request):
    """The township party committee approves the ticked candidacies, each checked on its own."""
    access.require_region_scope(request.user)
    if not access.may_approve_townships(request.user):
        raise PermissionDenied("人选由乡镇(街道)党(工)委审核。")
    try:
        ids = selectors.selected_ids(request.POST.getlist("ids"))
        candidacies = _all_visible(
            access.candidacies_visible_to(request.user).select_related("person", "unit"), ids
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("candidates:approvals")
    if not candidacies:
        messages.error(request, "请先勾选要审核通过的人选。")
        return redirect("candidates:approvals")
    outcome = bulk.candidacies_approve_township(
        actor=request.user,
        candidacies=candidacies,
        may_approve=lambda c: access.can_approve_township(request.user, c.unit),
    )
    if outcome.approved:
        names = "、".join(c.person.name for c in outcome.approved)
        messages.success(request, f"已审核通过 {len(outcome.approved)} 人：{names}。")
    if outcome.refused:
        reasons = "；".join(f"{c.unit.name}{c.person.name}：{why}" for c, why in outcome.refused)
        messages.error(request, f"以下 {len(outcome.refused)} 人未审核通过：{reasons}")
    return redirect("candidates:approvals")
