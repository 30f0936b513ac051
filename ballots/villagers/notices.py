"""The election committee's numbered 公告 (第1号 选举日期与方式, 第2号 选民名单 …, the list
per rule pack: ballots.NoticeTemplate), written from the election's data as printable PDFs,
and published into the archive (ballots.notices) in number order.

A 公告 is refused, with the reason, while the one before it is unpublished, while its data is
incomplete, or when its first publication would miss its legal deadline (the schedule,
ballots.villagers.schedule). A new version of a published 公告 is a correction: it is not
held to the deadline the first one met.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ballots.congress import printing
from ballots.models import (
    ElectionNotice,
    NoticeTemplate,
    ScheduleStep,
    VillagersBallotSetup,
    VillagersElection,
    VillagersPost,
)
from ballots.notices import notice_archive, versions_by_number
from ballots.villagers import schedule as schedules
from ballots.villagers import vote as vv
from renewal.kit.dates import chinese_date
from renewal.models import DomainError

STEP_DATES_FROM_DATA = {ScheduleStep.REGISTER, ScheduleStep.RESULT}


@dataclass(frozen=True)
class NoticeRow:
    template: NoticeTemplate
    versions: list  # ElectionNotice, newest first
    blocker: str | None  # why it cannot be published now
    due: datetime.date | None
    issued_on: datetime.date | None

    @property
    def published(self) -> bool:
        return bool(self.versions)


def templates_for(pack_id: int) -> list[NoticeTemplate]:
    """The pack's numbered 公告: its own rows, and the default rows for the numbers it does not set."""
    rows = NoticeTemplate.objects.filter(Q(pack__isnull=True) | Q(pack_id=pack_id))
    chosen: dict[int, NoticeTemplate] = {}
    for row in sorted(rows, key=lambda r: r.pack_id is not None):
        chosen[row.number] = row
    return [chosen[n] for n in sorted(chosen)]


def template_for(election: VillagersElection, number: int) -> NoticeTemplate:
    for t in templates_for(election.pack_id):
        if t.number == number:
            return t
    raise DomainError(f"本次选举的规则中没有第{number}号公告。")


def issuer(election: VillagersElection) -> str:
    """The 落款: the unit's 村(居)民选举委员会, named with its township."""
    return f"{election.unit.township.name}{election.unit.name}{election.voter_word}选举委员会"


def issue_day(election: VillagersElection, step: str, today: datetime.date) -> datetime.date:
    """The date a 公告 bears: the day its act was done where the data records it (the
    register's publication, the counting), else the day it is published."""
    if step == ScheduleStep.REGISTER and election.register_published_on:
        return election.register_published_on
    if step == ScheduleStep.RESULT:
        setup = VillagersBallotSetup.objects.filter(election=election).first()
        if setup and setup.counted_at:
            return timezone.localtime(setup.counted_at).date()
    return today


# --- The text of each 公告, from the data ------------------------------------------------------


def _seats_sentence(election: VillagersElection) -> str:
    seats = vv.seats_by_post(election)
    parts = [f"{VillagersPost(p).label} {n} 名" for p, n in seats.items()]
    return (
        f"本届{election.committee_name}由 {sum(seats.values())} 人组成，其中"
        + "、".join(parts)
        + "。"
    )


def _method(election: VillagersElection, sched) -> tuple[list[str], tuple[str, ...]]:
    mode = vv.setup_for(election).get_mode_display()
    register = sched.item(ScheduleStep.REGISTER)
    candidates = sched.item(ScheduleStep.CANDIDATES)
    paragraphs = [
        f"根据《中华人民共和国村民委员会组织法》和{election.pack.name}选举规则，经{election.voter_word}"
        f"选举委员会研究决定，现将本{election.place_word}{election.committee_name}选举有关事项公告如下：",
        f"一、选举日期：{chinese_date(election.election_day)}。",
        "二、选举方式：由本"
        + election.place_word
        + "登记选民以无记名投票、公开计票的方法直接选举，"
        f"选举结果当场公布。计票方式：{mode}。",
        "三、职数：" + _seats_sentence(election),
    ]
    if register and register.due:
        paragraphs.append(f"四、选民名单于{chinese_date(register.due)}前公布。")
    if candidates and candidates.due:
        paragraphs.append(f"五、正式候选人名单于{chinese_date(candidates.due)}前公布。")
    paragraphs.append("特此公告。")
    return paragraphs, ()


def _register(election: VillagersElection, sched) -> tuple[list[str], tuple[str, ...]]:
    if not election.register_published_on:
        raise DomainError("选民名单尚未公布（请先在选举概况中记录名单公布日期）。")
    voters = vv.registered_voters(election)
    total = voters.count()
    if not total:
        raise DomainError("尚未登记选民。")
    pack = election.pack
    raise_by = election.register_published_on + datetime.timedelta(days=pack.objection_days)
    paragraphs = [
        f"根据《中华人民共和国村民委员会组织法》，本{election.place_word}选民登记工作已经结束。"
        f"经{election.voter_word}选举委员会审核，本次选举登记选民共 {total} 人，"
        f"现将选民名单予以公布（名单张贴于本{election.place_word}公开栏）。",
        f"对选民名单有异议的，可以自名单公布之日起 {pack.objection_days} 日内，即"
        f"{chinese_date(raise_by)}前，向{election.voter_word}选举委员会提出，"
        f"选举委员会应当自收到之日起 {pack.objection_answer_days} 日内作出处理决定。",
        f"选举日：{chinese_date(election.election_day)}。",
        "特此公告。",
    ]
    return paragraphs, ()


def _candidates(election: VillagersElection, sched) -> tuple[list[str], tuple[str, ...]]:
    seats = vv.seats_by_post(election)
    formal = vv.formal_candidates(election)
    missing = [VillagersPost(p).label for p in seats if not formal.get(p)]
    if missing:
        raise DomainError("尚未确定以下职位的正式候选人：" + "、".join(missing) + "。")
    paragraphs = [
        f"经本{election.place_word}选民提名、{election.voter_word}选举委员会审查确认，"
        f"现将{election.committee_name}正式候选人名单公布如下（以姓氏笔画为序）：",
    ]
    names: list[str] = []
    for post, n in seats.items():
        ordered = printing.ordered_candidates(formal[post])
        names += ordered
        paragraphs.append(
            f"{VillagersPost(post).label}（应选 {n} 名）：" + "、".join(ordered) + "。"
        )
    paragraphs += [
        f"选举日：{chinese_date(election.election_day)}。",
        "特此公告。",
    ]
    return paragraphs, tuple(names)


def _result(election: VillagersElection, sched) -> tuple[list[str], tuple[str, ...]]:
    if election.status not in (VillagersElection.Status.COUNTED, VillagersElection.Status.APPROVED):
        raise DomainError("尚未完成计票，不能公告选举结果。")
    pending = vv.unresolved_write_ins(election)
    if pending:
        names = "、".join(f"“{w.name}”" for w in pending)
        raise DomainError(f"另选他人当选的{names}尚未确认是哪位登记选民，不能公告选举结果。")
    elected = vv.elected_by_post(election)
    if not elected:
        raise DomainError("尚无当选人，不能公告选举结果。")
    first = election.vote_rounds.order_by("number").first()
    paragraphs = [
        f"{chinese_date(election.election_day)}，本{election.place_word}依法进行{election.committee_name}"
        f"选举。登记选民 {first.expected or 0} 人，参加投票 {first.present or 0} 人。"
        "经公开计票，选举结果如下：",
    ]
    names: list[str] = []
    for post in VillagersPost.values:
        if elected.get(post):
            names += elected[post]
            paragraphs.append(
                f"当选{VillagersPost(post).label}：" + "、".join(elected[post]) + "。"
            )
    paragraphs.append("特此公告。")
    return paragraphs, tuple(names)


CONTENT = {
    ScheduleStep.METHOD: _method,
    ScheduleStep.REGISTER: _register,
    ScheduleStep.CANDIDATES: _candidates,
    ScheduleStep.RESULT: _result,
}


def _require_committee(election: VillagersElection) -> None:
    if not election.committee_members.filter(left_on__isnull=True).exists():
        raise DomainError(
            f"尚未推选{election.voter_word}选举委员会，不能以选举委员会名义发布公告。"
        )


def notice_report(
    election: VillagersElection, template: NoticeTemplate, *, issued_on: datetime.date, sched
) -> printing.Report:
    """The 公告 as a printable report; DomainError (the reason) when its data is incomplete."""
    build = CONTENT.get(template.step)
    if build is None:
        raise DomainError(f"第{template.number}号公告的内容暂不能由系统生成。")
    _require_committee(election)
    paragraphs, names = build(election, sched)
    unit = election.unit
    return printing.Report(
        title=f"{unit.name}{election.voter_word}选举委员会公告",
        subtitle=f"（第{template.number}号）",
        addressee="",
        paragraphs=tuple(paragraphs),
        issuer=issuer(election),
        date=chinese_date(issued_on),
        keep=(unit.name, unit.township.name, *names),
    )


def notice_pdf(election, template, *, issued_on, sched) -> bytes:
    try:
        return printing.report_pdf(
            notice_report(election, template, issued_on=issued_on, sched=sched)
        )
    except printing.MissingGlyphError as exc:
        raise DomainError(str(exc)) from None


# --- What may be published ----------------------------------------------------------------------


def _deadline_blocker(template, item, issued_on: datetime.date) -> str | None:
    if item is None:
        return None
    if item.due is None:
        return f"第{template.number}号公告的法定期限无法计算：{item.note}。"
    if issued_on > item.due:
        return (
            f"已超过法定期限：{item.rule.label}应于 {item.due:%Y-%m-%d} 前完成"
            f"（{item.rule.text}），公告日期 {issued_on:%Y-%m-%d} 已逾期。"
            "请报乡镇(街道)指导，依法调整选举日后再行公告。"
        )
    return None


def notice_rows(
    election: VillagersElection, *, today: datetime.date | None = None
) -> list[NoticeRow]:
    today = today or timezone.localdate()
    sched = schedules.schedule_for(election, today=today)
    versions = versions_by_number(ElectionNotice.objects.filter(villagers_election=election))
    rows, previous_missing = [], None
    for template in templates_for(election.pack_id):
        published = versions.get(template.number, [])
        issued_on = issue_day(election, template.step, today)
        item = sched.item(template.step)
        blocker = None
        if previous_missing is not None and not published:
            blocker = f"请先发布第{previous_missing}号公告。"
        if blocker is None:
            try:
                notice_report(election, template, issued_on=issued_on, sched=sched)
            except DomainError as exc:
                blocker = str(exc)
        if blocker is None and not published:
            blocker = _deadline_blocker(template, item, issued_on)
        rows.append(NoticeRow(template, published, blocker, item.due if item else None, issued_on))
        if not published and previous_missing is None:
            previous_missing = template.number
    return rows


@transaction.atomic
def notice_publish(
    *, actor, election: VillagersElection, number: int, today: datetime.date | None = None
) -> ElectionNotice:
    """Publish 公告 ``number`` (a new version when it is already published)."""
    today = today or timezone.localdate()
    election = (
        VillagersElection.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__township", "pack", "round")
        .get(pk=election.pk)
    )
    template = template_for(election, number)
    row = next(r for r in notice_rows(election, today=today) if r.template.number == number)
    if row.blocker:
        raise DomainError(row.blocker)
    sched = schedules.schedule_for(election, today=today)
    pdf = notice_pdf(election, template, issued_on=row.issued_on, sched=sched)
    return notice_archive(
        actor=actor,
        owner={"villagers_election": election},
        number=number,
        step=template.step,
        title=template.title,
        issued_on=row.issued_on,
        pdf=pdf,
    )


def notice_preview(election: VillagersElection, number: int, *, today=None) -> bytes:
    """The 公告 as it would be published today, not archived (DomainError if incomplete)."""
    today = today or timezone.localdate()
    template = template_for(election, number)
    sched = schedules.schedule_for(election, today=today)
    return notice_pdf(
        election, template, issued_on=issue_day(election, template.step, today), sched=sched
    )
