"""The election committee's numbered 公告 and the election's schedule (倒排).

Thin views: the access helper, the service (ballots.villagers.notices / schedule), a
message, a redirect or the PDF.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ballots.villagers import access
from ballots.villagers import notices as service
from ballots.villagers import schedule as schedules
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.file_names import dated_name, disposition
from renewal.models import DomainError


def _number(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def notice_list(request, pk):
    election = access.election_for_user(request.user, pk)
    return render(
        request,
        "ballots/villagers/notice_list.html",
        {
            "election": election,
            "rows": [
                (row, (election, row.template, row.published))
                for row in service.notice_rows(election)
            ],
            "schedule": schedules.schedule_for(election),
            "can_write": access.can_prepare(request.user, election.unit),
            "issuer": service.issuer(election),
        },
    )


def _pdf(pdf: bytes, name: str, fallback: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition(name, fallback, inline=True)
    return response


@login_required
def notice_preview(request, pk, number):
    election = access.election_for_user(request.user, pk)
    template = _template(election, number)
    try:
        pdf = service.notice_preview(election, template.number)
    except DomainError as exc:
        messages.error(request, f"无法生成第{template.number}号公告：{exc}")
        return redirect("villagers:notice-list", pk=election.pk)
    return _pdf(
        pdf,
        dated_name(election.unit.name, f"第{template.number}号公告（预览）", ext="pdf"),
        f"notice-{election.pk}-{template.number}-preview.pdf",
    )


def _template(election, number):
    try:
        return service.template_for(election, _number(number))
    except DomainError:
        raise Http404 from None


@asks("villagers-notice-publish")
def _ask_publish(target) -> Ask:
    election, template, again = target
    what = f"{election.unit.name}{election.voter_word}选举委员会第{template.number}号公告（{template.title}）"
    if again:
        return Ask(
            action="确认发布新版本",
            question=f"重新生成并发布{what}？",
            consequence="已发布的版本保留在存档中，新版本按当前数据生成，编号不变，"
            "记录生成人和生成时间。请将新版本张贴公布。",
        )
    return Ask(
        action="确认发布",
        question=f"发布{what}？",
        consequence="发布后公告按当前数据生成 PDF 存档，记录生成人和生成时间，不能删除；"
        "如需更正，只能生成新版本。",
    )


@login_required
@require_POST
def notice_publish(request, pk, number):
    election = access.election_for_user(request.user, pk, write=True)
    template = _template(election, number)
    again = election.notices.filter(number=template.number).exists()
    back = reverse("villagers:notice-list", args=[election.pk])
    if asked := ask_first(
        request, "villagers-notice-publish", (election, template, again), back=back
    ):
        return asked
    try:
        notice = service.notice_publish(
            actor=request.user, election=election, number=template.number
        )
    except DomainError as exc:
        messages.error(request, f"第{template.number}号公告不能发布：{exc}")
    else:
        messages.success(request, f"已发布第{notice.number}号公告（第{notice.version}版）。")
    return redirect("villagers:notice-list", pk=election.pk)


@login_required
def notice_download(request, pk):
    notice = access.notice_for_user(request.user, pk)
    election = notice.villagers_election
    return _pdf(
        bytes(notice.content),
        dated_name(
            election.unit.name,
            f"第{notice.number}号公告（第{notice.version}版）",
            when=notice.generated_at,
            ext="pdf",
        ),
        f"notice-{election.pk}-{notice.number}-v{notice.version}.pdf",
    )
