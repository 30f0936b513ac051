"""The party organisation's 公示 of its election result (5 working days, set when the result
is reported to the township), written from the congress's data as a printable PDF and
published into the same archive as the villagers' 公告 (ballots.notices): numbered, each
generation a new version with who generated it and when.

Refused, with the reason, before the result is reported (no 公示 period yet) and, for the
first version, after the 公示 period has begun (it would start late).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ballots.congress import printing
from ballots.congress.services import (
    NOTICE_WORKING_DAYS,
    elected_members,
    elected_officers,
    unresolved_write_ins,
)
from ballots.models import Congress, ElectionNotice, ScheduleStep
from ballots.notices import notice_archive
from renewal.kit.dates import chinese_date
from renewal.models import DomainError

NUMBER = 1  # the party side publishes one 公示 per congress: its result
TITLE = "选举结果公示"


def notice_report(congress: Congress, *, issuer: str, issued_on: datetime.date) -> printing.Report:
    """The 公示; DomainError (the reason) while its data is incomplete."""
    if not congress.notice_start or not congress.notice_end:
        raise DomainError("选举结果尚未报批，公示期未定，不能发布公示。")
    pending = unresolved_write_ins(congress)
    if pending:
        names = "、".join(f"“{e.name}”" for e in pending)
        raise DomainError(f"另选他人当选的{names}尚未确认是名册中的哪位党员，不能公示。")
    members = elected_members(congress)
    if not members:
        raise DomainError("尚未选出委员会委员，不能公示。")
    officers = elected_officers(congress)
    unit, township = congress.unit, congress.unit.township
    paragraphs = [
        f"{chinese_date(congress.held_on)}，{unit.name}召开党员大会，选举产生新一届委员会。"
        "现将选举结果公示如下：",
        "当选委员（以姓氏笔画为序）："
        + "、".join(printing.ordered_candidates([m.name for m in members]))
        + "。",
        *(f"当选{o.round.get_kind_display()}：{o.name}。" for o in officers),
        f"公示期：{chinese_date(congress.notice_start)}至{chinese_date(congress.notice_end)}。"
        f"公示期间，党员和群众如有意见，可以向{township.name}党(工)委反映。",
        "特此公示。",
    ]
    return printing.Report(
        title=f"{unit.name}党组织换届{TITLE}",
        subtitle=f"（第{NUMBER}号）",
        addressee="",
        paragraphs=tuple(paragraphs),
        issuer=issuer,
        date=chinese_date(issued_on),
        keep=(unit.name, township.name, *(m.name for m in members), *(o.name for o in officers)),
    )


def notice_blocker(congress: Congress, *, issuer: str, today: datetime.date) -> str | None:
    try:
        notice_report(congress, issuer=issuer, issued_on=today)
    except DomainError as exc:
        return str(exc)
    published = ElectionNotice.objects.filter(congress=congress, number=NUMBER).exists()
    if not published and today > congress.notice_start:
        return (
            f"公示期自 {congress.notice_start:%Y-%m-%d} 开始，今天发布公示已不足 "
            f"{NOTICE_WORKING_DAYS} 个工作日。"
            "请重新确定公示开始日期后再发布。"
        )
    return None


def notice_pdf(congress: Congress, *, issuer: str, issued_on: datetime.date) -> bytes:
    try:
        return printing.report_pdf(notice_report(congress, issuer=issuer, issued_on=issued_on))
    except printing.MissingGlyphError as exc:
        raise DomainError(str(exc)) from None


@transaction.atomic
def congress_notice_publish(
    *, actor, congress: Congress, issuer: str, today: datetime.date | None = None
) -> ElectionNotice:
    """Publish the 公示 (a new version when it is already published)."""
    today = today or timezone.localdate()
    congress = (
        Congress.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__township", "round")
        .get(pk=congress.pk)
    )
    blocker = notice_blocker(congress, issuer=issuer, today=today)
    if blocker:
        raise DomainError(blocker)
    return notice_archive(
        actor=actor,
        owner={"congress": congress},
        number=NUMBER,
        step=ScheduleStep.PARTY_RESULT,
        title=TITLE,
        issued_on=today,
        pdf=notice_pdf(congress, issuer=issuer, issued_on=today),
    )
