"""The party organisation's numbered 公示: the page, publishing (asked first), the versions.

Thin views: the access helper, the service (ballots.congress.notices), a message, a redirect
or the PDF.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ballots.congress import access
from ballots.congress import notices as service
from ballots.congress.views import report_issuer
from ballots.notices import versions_by_number
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.file_names import dated_name, disposition
from renewal.models import DomainError


@login_required
def congress_notices(request, pk):
    congress = access.congress_for_user(request.user, pk)
    issuer = report_issuer(congress.unit)
    versions = versions_by_number(congress.notices.all()).get(service.NUMBER, [])
    return render(
        request,
        "ballots/congress_notices.html",
        {
            "congress": congress,
            "congress_url": reverse("ballots:congress-detail", args=[congress.pk]),
            "versions": versions,
            "blocker": service.notice_blocker(congress, issuer=issuer, today=timezone.localdate()),
            "can_write": access.can_write_unit(request.user, congress.unit),
            "issuer": issuer,
            "number": service.NUMBER,
            "title": service.TITLE,
            "target": (congress, bool(versions)),
        },
    )


@asks("congress-notice-publish")
def _ask_publish(target) -> Ask:
    congress, again = target
    what = f"{congress.unit.name}党组织换届{service.TITLE}（第{service.NUMBER}号）"
    if again:
        return Ask(
            action="确认发布新版本",
            question=f"重新生成并发布{what}？",
            consequence="已发布的版本保留在存档中，新版本按当前数据生成，编号不变，"
            "记录生成人和生成时间。",
        )
    return Ask(
        action="确认发布",
        question=f"发布{what}？",
        consequence="发布后公示按当前数据生成 PDF 存档，记录生成人和生成时间，不能删除；"
        "如需更正，只能生成新版本。",
    )


@login_required
@require_POST
def congress_notice_publish(request, pk):
    congress = access.congress_for_user(request.user, pk, write=True)
    again = congress.notices.exists()
    back = reverse("ballots:congress-notices", args=[congress.pk])
    if asked := ask_first(request, "congress-notice-publish", (congress, again), back=back):
        return asked
    try:
        notice = service.congress_notice_publish(
            actor=request.user, congress=congress, issuer=report_issuer(congress.unit)
        )
    except DomainError as exc:
        messages.error(request, f"公示不能发布：{exc}")
    else:
        messages.success(request, f"已发布第{notice.number}号公示（第{notice.version}版）。")
    return redirect("ballots:congress-notices", pk=congress.pk)


@login_required
def congress_notice_download(request, pk):
    notice = access.notice_for_user(request.user, pk)
    congress = notice.congress
    response = HttpResponse(bytes(notice.content), content_type="application/pdf")
    response["Content-Disposition"] = disposition(
        dated_name(
            congress.unit.name,
            f"第{notice.number}号公示（第{notice.version}版）",
            when=notice.generated_at,
            ext="pdf",
        ),
        f"congress-{congress.pk}-notice-{notice.number}-v{notice.version}.pdf",
        inline=True,
    )
    return response
