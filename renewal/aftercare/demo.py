"""Demo data of the aftercare work: an exit audit with findings and its rectification ledger, a plan
for a key unit, and a guidance group with a visit; in the province demo, a city supervision
group over each city's counties with a visit to each county. Deterministic and idempotent: every row
is looked up by its natural key before it is written. Called by seed_demo."""

import datetime

from django.db import transaction
from django.utils import timezone

from renewal.aftercare import audits, guidance, supervision
from renewal.kit.demo import DemoCounty, DemoProvince
from renewal.models import (
    AuditCategory,
    ExitAudit,
    GuidanceGroup,
    GuidanceVisit,
    KeyUnitPlan,
    Region,
    RenewalRound,
    SupervisionGroup,
    TermMember,
    Unit,
)


def _day(year, month, day) -> datetime.date:
    # Services refuse dates after today; a demo built "earlier" stays valid.
    return min(datetime.date(year, month, day), timezone.localdate())


def seed_aftercare(rnd: RenewalRound, users: dict) -> None:
    staff, reviewer = users["chengguan"], users["zuzhibu"]
    units = Unit.objects.filter(county=rnd.county).select_related("township").order_by("code")
    township_units = list(units.filter(township=staff.profile.region)[:3])
    if not township_units:
        return
    _audit(rnd, township_units[0], staff)
    key = units.filter(is_key=True).first()
    if key is not None and not KeyUnitPlan.objects.filter(round=rnd, unit=key).exists():
        guidance.plan_save(
            unit=key,
            round_=rnd,
            content=f"{key.key_reasons}；确保换届平稳有序。",
            measures="县级领导包联，乡镇党委书记牵头，换届前逐户走访、化解矛盾；选举日派驻指导组。",
            status="in_force",
            leader_name="刘志强",
            leader_post="县委常委、组织部部长",
        )
    group = GuidanceGroup.objects.filter(round=rnd, name="第一指导组").first()
    if group is None:
        covered = township_units + ([key] if key is not None else [])
        group = guidance.group_save(
            county=rnd.county,
            round_=rnd,
            name="第一指导组",
            leader_name="高建国",
            leader_post="县人大常委会副主任",
            members=[
                ("孙丽", "县委组织部组织科科长", reviewer),
                ("马骏", "县纪委监委第二监督检查室干部", None),
                ("张伟", "县民政局基层政权股股长", None),
            ],
            units=list(dict.fromkeys(covered)),
        )
    if not GuidanceVisit.objects.filter(group=group).exists():
        guidance.visit_record(
            actor=reviewer,
            group=group,
            unit=township_units[0],
            visited_on=_day(2026, 11, 10),
            findings="个别党员反映有人以请吃饭方式拉票；村务公开栏未更新。",
            follow_up="已将线索转县纪委监委；督促三日内更新村务公开栏。",
        )


def _audit(rnd, unit, staff):
    if ExitAudit.objects.filter(round=rnd, unit=unit).exists():
        return
    audit = audits.audit_record(
        actor=staff,
        unit=unit,
        round_=rnd,
        auditor="县农牧局牵头联合审计组",
        period="2021年1月至2026年9月",
        audited_on=_day(2026, 10, 20),
        summary="财务收支基本规范，发现问题 2 项，已督促建立整改台账。",
    )
    shared = AuditCategory.objects.filter(county__isnull=True)
    cadre = (
        TermMember.objects.filter(term__unit=unit, term__round__isnull=True)
        .select_related("person")
        .order_by("post", "id")
        .first()
    )
    first = audits.finding_add(
        audit=audit,
        category=shared.get(number=1),
        description="2024年部分办公用品支出无经手人和审批人签字。",
        amount="8650.00",
        person=cadre.person if cadre else None,
    )
    line = audits.rectification_add(
        finding=first,
        measure="补齐审批手续，由村务监督委员会逐笔核对",
        responsible="村会计",
        due_on=_day(2026, 11, 15),
    )
    audits.rectification_update(
        rectification=line, status="in_progress", evidence="已补齐 2024年上半年单据"
    )
    second = audits.finding_add(
        audit=audit,
        category=shared.get(number=4),
        description="集体机动地 30 亩发包未经村民代表会议表决。",
        amount="45000",
    )
    done = audits.rectification_add(
        finding=second,
        measure="召开村民代表会议补充表决并公示",
        responsible="村党支部书记",
        due_on=_day(2026, 11, 5),
    )
    audits.rectification_update(
        rectification=done,
        status="done",
        evidence="2026年11月3日村民代表会议表决通过，公示 5 天无异议。",
        closed_on=_day(2026, 11, 3),
    )


def seed(demo: DemoCounty) -> None:
    seed_aftercare(demo.round, demo.users)


SUPERVISION_YEAR = 2026
SUPERVISION_FINDINGS = (
    (
        "抽查 3 个村党员大会会议记录，其中 1 个村计票人签字不全；候选人资格联审回执归档不及时。",
        "12 月 10 日前补齐签字，联审回执随换届档案一并归档，督查组回访核实。",
    ),
    (
        "部分社区选民登记公告张贴位置不醒目，个别外出务工人员委托投票手续不完整。",
        "重新张贴选民名单公告并拍照留存，委托投票逐人补办书面委托书。",
    ),
)


def seed_supervision(area: DemoProvince) -> None:
    """Each city's 第一巡回督查组 over its counties, with one visit to a unit of each county."""
    city_reviewer = area.users.get("shizuzhibu")
    for city in sorted(area.cities.values(), key=lambda region: region.code):
        if SupervisionGroup.objects.filter(city=city, year=SUPERVISION_YEAR).exists():
            continue
        counties = list(
            Region.objects.filter(
                parent=city, kind=Region.Kind.COUNTY, rounds__year=SUPERVISION_YEAR
            )
            .distinct()
            .order_by("code")
        )
        if not counties:
            continue
        reviews_here = city_reviewer is not None and city_reviewer.profile.region_id == city.pk
        with transaction.atomic():  # the group with its visits, or nothing for a re-run to do
            _supervision_group(city, counties, city_reviewer if reviews_here else None, area)


def _supervision_group(city, counties, city_reviewer, area) -> None:
    """One city's group; ``city_reviewer``: the demo account of this city, if any."""
    post = f"{city.name}委组织部"
    group = supervision.group_save(
        city=city,
        year=SUPERVISION_YEAR,
        name="第一巡回督查组",
        leader_name="赵建国",
        leader_post=f"{post}副部长",
        members=[("赵建国", f"{post}副部长", None), ("钱丽华", f"{post}组织科科长", city_reviewer)],
        counties=counties,
    )
    actor = city_reviewer or area.users["admin"]
    for n, county in enumerate(counties):
        findings, follow_up = SUPERVISION_FINDINGS[n % len(SUPERVISION_FINDINGS)]
        supervision.visit_record(
            actor=actor,
            group=group,
            county=county,
            unit=Unit.objects.filter(county=county).order_by("code").first(),
            visited_on=_day(2026, 11, 18 + n % 10),
            findings=findings,
            follow_up=follow_up,
        )
