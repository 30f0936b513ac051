"""In a real browser: every edit page, saved without a change, leaves its records as they were.

A date the browser cannot show (a value not in ISO form) is submitted empty, and saving the
page erases it; any other value a form renders differently from how it reads it back is lost
the same way. Each edit page is opened on a record with stored values (dates included) as the
role that edits it, saved as it is, and the database rows are compared before and after. The
stored dates must also be in what the browser submitted.

All the pages share one world (a browser session per role): a test of its own per page would
rebuild the world and empty the database some twenty times. Every page is checked and all
the problems are reported together.

Pages not in the lists, and why:
- forms that start blank and add a record (a candidate, a voter, a talk, a proxy, a risk
  point, a new committee's pledge or training, a visit, a refusal to hand over): there is
  nothing stored to keep; the talk's default date is checked below;
- one-time decisions (the answer to a voter-list objection, a seat change's decision, a
  committee member's leaving, a recall vote, a vetting answer, a case's steps, a candidate's
  inspection): they cannot be saved a second time; the objection's default date is checked
  below;
- a congress round's tally and a ballot box's count: results entered once (or twice, to be
  compared), then counted.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from ballots.congress import services as congress_services
from ballots.models import (
    Attendance,
    Congress,
    SupervisionElection,
    VillagersElection,
    VoterRegistration,
)
from ballots.villagers import setup as villagers
from candidates import services as candidates
from candidates.models import Candidacy
from discipline.models import Pledge, Talk
from discipline.pledges import services as pledges
from renewal import services
from renewal.aftercare import audits
from renewal.aftercare import handover as handovers
from renewal.models import (
    AuditCategory,
    AuditFinding,
    DailyReport,
    ExitAudit,
    GuidanceGroup,
    GuidanceMember,
    Handover,
    HandoverItem,
    KeyUnitPlan,
    PartyBranch,
    Person,
    Rectification,
    Stage,
    SupervisionGroup,
    SupervisionMember,
    Unit,
    VillagerGroup,
)
from renewal.rollup import services as rollup
from renewal.tests import aftercare_setup
from tests.browser import log_in
from tests.dated_records import timetable_dates
from tests.edit_round_trip import save_unchanged, submit
from tests.factories import PersonFactory, add_roster, party_member
from tests.fixtures import PASSWORD
from tests.matrix_villagers_setup import voter_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class EditPage:
    what: str  # the record, as the failure message names it
    url: Callable[[dict], str]
    submit: str  # the button the user clicks
    records: Callable[[dict], list]  # querysets of the rows the page edits
    dates: Callable[[dict], list] = lambda r: []  # stored dates the form must send back
    htmx: bool = False  # the form swaps part of the page instead of loading a new one


def build_records(world, personas) -> dict:
    """One record with stored values (dates included) behind every edit page."""
    staff = personas["staff_a"]
    today = timezone.localdate()
    unit = world["unit_a1"]
    timetable_dates(world["round"])
    Unit.objects.filter(pk=unit.pk).update(
        risk_assessed_on=datetime.date(2026, 2, 3), is_key=True, key_reasons="宗族势力较强"
    )
    person = PersonFactory(
        name="陈静",
        sex="F",
        birth_date=datetime.date(1979, 8, 16),
        political_status="full_member",
        party_joined_on=datetime.date(2003, 7, 1),
        tags=["college_graduate"],
    )
    person.set_phone("13800138000")
    person.save()
    party_member(unit, person, joined_on=datetime.date(2003, 7, 1))
    candidacy = candidates.candidacy_create(
        actor=staff,
        unit=unit,
        person=person,
        body="party",
        post="party_member",
        is_continuing=True,
        notes="村民评价较好",
        recommendations={"party_members": 31, "masses": 120},
    )
    pledges.pledge_record(actor=staff, candidacy=candidacy, signed_on=today)
    # An objection is answered on or after the day it was received: the register is published
    # and the objection received before today, the election day stays 20 days after that.
    published_on = today - datetime.timedelta(days=2)
    election = villagers.election_create(
        actor=staff, unit=unit, election_day=published_on + datetime.timedelta(days=40)
    )
    voters = [
        villagers.voter_register(
            actor=staff,
            election=election,
            id_number=voter_id(n),
            name=f"选民{n}",
            category="resident",
            group_name="第一小组",
        )
        for n in (1, 2)
    ]
    election.refresh_from_db()
    election = villagers.register_publish(
        actor=staff,
        election=election,
        published_on=published_on,
        version=election.version,
    )
    objection = villagers.objection_receive(
        actor=staff,
        election=election,
        raised_by="李某",
        received_on=published_on + datetime.timedelta(days=1),
        reason="已迁出",
        registration=voters[1],
    )
    supervision = SupervisionElection.objects.create(
        villagers=election,
        assembly="meeting",
        seats=3,
        meeting_day=election.election_day + datetime.timedelta(days=1),
    )
    group = VillagerGroup.objects.create(unit=unit, name="第一村民小组", households=36, order=2)
    aftercare = aftercare_setup.build(world, personas)
    city_group = aftercare_setup.build_supervision(world, personas)["group"]
    city_group.counties.add(world["county_b"])
    done = audits.rectification_add(
        finding=aftercare["finding"],
        measure="退回多领补贴",
        responsible="李会计",
        due_on=today + datetime.timedelta(days=5),
    )
    done = audits.rectification_update(
        rectification=done,
        status="done",
        evidence="已退回并入账",
        closed_on=today - datetime.timedelta(days=1),
    )
    # A member with an account, and a post of two words: the form writes both on one line.
    GuidanceMember.objects.create(
        group=aftercare["group"], name="孙成员", post="县委组织部 副部长", user=personas["reviewer"]
    )
    ho = aftercare["handover"]
    item = ho.items.order_by("pk").first()
    handovers.handover_item_sign(
        actor=staff,
        item=item,
        handed_over_on=ho.approved_on,
        outgoing_name="离任0",
        incoming_name="新任0",
        detail="公章一枚",
    )
    add_roster(unit.branch, 4, probationary=1)
    congress = congress_services.congress_create(
        unit=unit, held_on=today, place="村委会会议室", chair="王书记"
    )
    voting = list(congress.attendance.filter(can_vote=True).order_by("pk"))
    congress_services.attendance_update(
        congress=congress,
        version=congress.version,
        rows=[{"id": a.pk, "present": True, "excluded": "", "approved_by": ""} for a in voting[1:]]
        + [{"id": voting[0].pk, "present": False, "excluded": "illness", "approved_by": "镇党委"}],
    )
    report = rollup.daily_report_submit(
        actor=staff, township=world["township_a"], day=today, talks_held=3, note="走访12户"
    )
    # Each unit's stage is derived from its records; saving recomputes it, so it starts current.
    services.units_refresh_stages(county=world["county_a"])
    return {
        "world": world,
        "unit": Unit.objects.get(pk=unit.pk),
        "candidacy": candidacy,
        "election": election,
        "supervision": supervision,
        "villager_group": group,
        "voter": voters[0],
        "objection": objection,
        "item": HandoverItem.objects.get(pk=item.pk),
        "report": report,
        "done_line": done,
        "congress": congress,
        "supervision_group": city_group,
        **aftercare,
    }


TOWNSHIP_PAGES = [
    EditPage(
        "村(社区)信息",
        lambda r: f"/units/{r['unit'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [Unit.objects.filter(pk=r["unit"].pk)],
        lambda r: [r["unit"].risk_assessed_on],
    ),
    EditPage(
        "党组织",
        lambda r: f"/units/{r['unit'].pk}/branch/",
        "main form button:has-text('保存')",
        lambda r: [PartyBranch.objects.filter(unit=r["unit"])],
    ),
    EditPage(
        "人选",
        lambda r: f"/candidates/{r['candidacy'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [
            Person.objects.filter(pk=r["candidacy"].person_id),
            Candidacy.objects.filter(pk=r["candidacy"].pk),
            r["candidacy"].recommendations.all(),
        ],
        lambda r: [r["candidacy"].person.birth_date, r["candidacy"].person.party_joined_on],
    ),
    EditPage(
        "换届纪律承诺书",
        lambda r: f"/discipline/units/{r['unit'].pk}/",
        "form[action$='/pledge/']:has(input[name=candidacy]) button[value=sign]",
        lambda r: [
            Candidacy.objects.filter(pk=r["candidacy"].pk),
            Pledge.objects.filter(candidacy=r["candidacy"]),
        ],
        lambda r: [r["candidacy"].pledge.signed_on],
    ),
    EditPage(
        "村(居)委会选举的选举日",
        lambda r: f"/villagers/{r['election'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [VillagersElection.objects.filter(pk=r["election"].pk)],
        lambda r: [r["election"].election_day],
    ),
    EditPage(
        "选民名单公布日期",
        lambda r: f"/villagers/{r['election'].pk}/",
        "form[action$='/publish/'] button",
        lambda r: [VillagersElection.objects.filter(pk=r["election"].pk)],
        lambda r: [r["election"].register_published_on],
    ),
    EditPage(
        "村务监督委员会的推选会议",
        lambda r: f"/villagers/{r['election'].pk}/supervision/",
        "main form button:has-text('保存')",
        lambda r: [SupervisionElection.objects.filter(pk=r["supervision"].pk)],
        lambda r: [r["supervision"].meeting_day],
    ),
    EditPage(
        "村民小组",
        lambda r: f"/villagers/{r['election'].pk}/groups/{r['villager_group'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [VillagerGroup.objects.filter(pk=r["villager_group"].pk)],
    ),
    EditPage(
        "选民登记",
        lambda r: f"/villagers/voters/{r['voter'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [VoterRegistration.objects.filter(pk=r["voter"].pk)],
    ),
    EditPage(
        "离任审计",
        lambda r: f"/audits/units/{r['unit'].pk}/",
        "main form button:has-text('保存修改')",
        lambda r: [ExitAudit.objects.filter(pk=r["audit"].pk)],
        lambda r: [r["audit"].audited_on],
    ),
    EditPage(
        "审计发现问题",
        lambda r: f"/audits/findings/{r['finding'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [AuditFinding.objects.filter(pk=r["finding"].pk)],
    ),
    EditPage(
        "整改事项",
        lambda r: f"/audits/rectifications/{r['line'].pk}/",
        "main form button:has-text('保存')",
        lambda r: [Rectification.objects.filter(pk=r["line"].pk)],
        lambda r: [r["line"].due_on],
    ),
    EditPage(
        "已整改的整改事项",
        lambda r: f"/audits/rectifications/{r['done_line'].pk}/",
        "main form button:has-text('保存')",
        lambda r: [Rectification.objects.filter(pk=r["done_line"].pk)],
        lambda r: [r["done_line"].due_on, r["done_line"].closed_on],
    ),
    EditPage(
        "交接项目签收",
        lambda r: f"/handovers/{r['handover'].pk}/",
        "#item-{item} button:has-text('更正')",
        lambda r: [
            HandoverItem.objects.filter(handover=r["handover"]),
            Handover.objects.filter(pk=r["handover"].pk),
        ],
        lambda r: [r["item"].handed_over_on],
        htmx=True,
    ),
    EditPage(
        "党员大会到会情况",
        lambda r: f"/congresses/{r['congress'].pk}/attendance/",
        "main form button:has-text('保存到会情况')",
        lambda r: [
            Attendance.objects.filter(congress=r["congress"]),
            Congress.objects.filter(pk=r["congress"].pk),
        ],
    ),
    EditPage(
        "重点难点村工作方案",
        lambda r: f"/plans/units/{r['plan'].unit_id}/",
        "main form button:has-text('保存方案')",
        lambda r: [KeyUnitPlan.objects.filter(pk=r["plan"].pk)],
    ),
    EditPage(
        "日报",
        lambda r: f"/daily-reports/{r['report'].township_id}/{r['report'].day.isoformat()}/",
        "main form button:has-text('保存修改')",
        lambda r: [DailyReport.objects.filter(pk=r["report"].pk)],
    ),
]

COUNTY_PAGES = [
    EditPage(
        "换届时间表",
        lambda r: f"/rounds/{r['world']['round'].pk}/",
        "main form button:has-text('保存时间表')",
        lambda r: [
            Stage.objects.filter(round=r["world"]["round"]),
            Unit.objects.filter(county=r["world"]["county_a"]),
        ],
        lambda r: list(r["world"]["round"].stages.values_list("due_date", flat=True)),
    ),
    EditPage(
        "审计问题类别",
        lambda r: f"/audits/categories/{r['category'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [AuditCategory.objects.filter(pk=r["category"].pk)],
    ),
    EditPage(
        "指导组",
        lambda r: f"/guidance/{r['group'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [
            GuidanceGroup.objects.filter(pk=r["group"].pk),
            GuidanceMember.objects.filter(group=r["group"]),
        ],
    ),
]


CITY_PAGES = [
    EditPage(
        "巡回督查组",
        lambda r: f"/supervision/{r['supervision_group'].pk}/edit/",
        "main form button:has-text('保存')",
        lambda r: [
            SupervisionGroup.objects.filter(pk=r["supervision_group"].pk),
            SupervisionMember.objects.filter(group=r["supervision_group"]),
        ],
    ),
]


def _save_unchanged(page, live_server, spec: EditPage, records: dict) -> list[str]:
    """Open the page, save it as it is; what changed, or why it could not be saved."""
    return save_unchanged(
        page,
        live_server.url + spec.url(records),
        spec.submit.format(item=records["item"].pk),
        spec.records(records),
        what=spec.what,
        dates=spec.dates(records),
        htmx=spec.htmx,
    )


def _default_dates_kept(page, live_server, records) -> list[str]:
    """An objection's answer and a talk start with today's date: left alone, today is saved."""
    today = timezone.localdate().isoformat()
    problems = []
    objection = records["objection"]
    page.goto(f"{live_server.url}/villagers/objections/{objection.pk}/answer/")
    shown = page.input_value("#id_answered_on")
    page.check("input[name=outcome][value=rejected]")
    page.fill("#id_answer", "经核实仍在本村居住")
    _sent, errors = submit(page, "main form button:has-text('保存答复')")
    objection.refresh_from_db()
    saved = objection.answered_on and objection.answered_on.isoformat()
    if errors or not shown == saved == today:
        problems.append(f"异议答复日期: shown {shown!r}, saved {saved}, today {today}; {errors}")

    person = records["candidacy"].person
    page.goto(f"{live_server.url}/discipline/units/{records['unit'].pk}/")
    shown = page.input_value("#id_held_on")
    page.select_option("#id_person", str(person.pk))
    page.fill("#id_talked_by", "镇党委书记")
    _sent, errors = submit(page, "form[action$='/talk/'] button:has-text('登记')")
    talk = Talk.objects.filter(person=person).first()
    saved = talk and talk.held_on.isoformat()
    if errors or not shown == saved == today:
        problems.append(f"谈心谈话日期: shown {shown!r}, saved {saved}, today {today}; {errors}")
    return problems


def test_edit_pages_save_unchanged_and_default_dates_are_kept(
    live_server, new_context, world, personas
):
    records = build_records(world, personas)
    township = new_context().new_page()
    log_in(township, live_server, "staff_a", PASSWORD)
    problems = [
        p for spec in TOWNSHIP_PAGES for p in _save_unchanged(township, live_server, spec, records)
    ]
    county = new_context().new_page()
    log_in(county, live_server, "reviewer", PASSWORD)
    problems += [
        p for spec in COUNTY_PAGES for p in _save_unchanged(county, live_server, spec, records)
    ]
    city = new_context().new_page()
    log_in(city, live_server, "city_reviewer", PASSWORD)
    problems += [
        p for spec in CITY_PAGES for p in _save_unchanged(city, live_server, spec, records)
    ]
    # Last, as they add records (an answer, a talk).
    problems += _default_dates_kept(township, live_server, records)
    assert not problems, "\n".join(problems)
