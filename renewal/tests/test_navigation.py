"""The main menu shows each role what it may use, grouped by the stage of the cycle, and marks
the page's own item; detail pages say where they are and what comes next."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from ballots.models import VillagersElection
from candidates import services as cs
from candidates.models import Candidacy
from discipline.models import Report
from renewal.kit.next_steps import next_step
from renewal.models import Department
from renewal.navigation import menu_for
from tests.factories import party_member, villagers_election

pytestmark = pytest.mark.django_db

COMMON = ["工作台", "换届时间表", "村(社区)", "职数审批", "候选人", "资格联审", "党员大会"]
LATER = ["审计与交接", "看板与通报", "乡镇日报"]
# County-level roles and above: the city's supervision groups and the statistical forms.
COUNTY_LATER = ["审计与交接", "巡回督查组", "看板与通报", "乡镇日报", "统计报表"]
SETTINGS = ["修改密码", "动态口令"]
CHECKS = ["计票核对规则"]  # every role that reads tallies
MENUS = {
    "staff_a": COMMON
    + ["村(居)委会选举", "两次录入核对", "承诺书与谈话"]
    + LATER
    + SETTINGS
    + CHECKS,
    "reviewer": COMMON
    + ["村(居)委会选举", "两次录入核对", "承诺书与谈话"]
    + COUNTY_LATER
    + SETTINGS
    + CHECKS,
    "discipline": COMMON
    + ["两次录入核对", "举报案件", "登记举报", "看板", "受处分台账", "民情直报员"]
    + COUNTY_LATER
    + SETTINGS
    + CHECKS,
    # Above the county: everything they read, the roll-up of their own level included.
    "city_reviewer": COMMON
    + ["村(居)委会选举", "两次录入核对", "承诺书与谈话"]
    + COUNTY_LATER
    + SETTINGS
    + CHECKS,
    "province_reviewer": COMMON
    + ["村(居)委会选举", "两次录入核对", "承诺书与谈话"]
    + COUNTY_LATER
    + SETTINGS
    + CHECKS,
    "dept": ["工作台", "资格联审"] + SETTINGS,
    # The administrator persona is also a superuser.
    "admin": COMMON
    + ["村(居)委会选举", "两次录入核对", "承诺书与谈话"]
    + COUNTY_LATER
    + SETTINGS
    + CHECKS
    + ["安全日志", "系统管理"],
}
MENU_LINK = re.compile(r'<li><a href="[^"]*"(?: aria-current="page")?>([^<]+)</a></li>')


def menu_labels(html: str) -> list[str]:
    nav = html[html.index('<nav class="sidenav"') : html.index("</nav>")]
    return MENU_LINK.findall(nav)


@pytest.mark.parametrize("persona", sorted(MENUS))
def test_each_role_sees_its_own_menu(client, personas, persona):
    client.force_login(personas[persona])
    html = client.get("/").content.decode()
    assert menu_labels(html) == MENUS[persona]
    assert html.count('aria-current="page"') == 1


def test_a_superuser_also_sees_the_admin_site(client, personas):
    user = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(user)
    labels = menu_labels(client.get("/").content.decode())
    assert labels[-2:] == ["安全日志", "系统管理"]


def test_no_menu_before_signing_in(client, world):
    assert "sidenav" not in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    ("view_name", "current"),
    [
        ("renewal:home", "工作台"),
        ("renewal:unit-detail", "村(社区)"),
        ("roster:member-list", "村(社区)"),
        ("renewal:round-detail", "换届时间表"),
        ("candidates:candidacy-detail", "候选人"),
        ("candidates:vetting-answer", "资格联审"),
        ("ballots:round-detail", "党员大会"),
        ("villagers:round-detail", "村(居)委会选举"),
        ("rollup:daily-report-edit", "乡镇日报"),
        ("rollup:township", "看板与通报"),
        ("renewal:second-factor-verify", "动态口令"),
        ("ballots:tally-checks", "计票核对规则"),
        ("aftercare:group-detail", "审计与交接"),
        ("renewal:export-detail", None),
    ],
)
def test_the_page_marks_its_own_item(personas, view_name, current):
    user = personas["staff_a"]
    items = [i for g in menu_for(user, user.profile.role, view_name) for i in g["items"]]
    assert [i["label"] for i in items if i["current"]] == ([current] if current else [])


def test_the_statistical_forms_mark_their_own_item(personas):
    user = personas["reviewer"]
    items = [i for g in menu_for(user, user.profile.role, "rollup:stat-form") for i in g["items"]]
    assert [i["label"] for i in items if i["current"]] == ["统计报表"]


def test_the_supervision_groups_mark_their_own_item(personas):
    user = personas["city_reviewer"]
    view = "aftercare:supervision-detail"
    items = [i for g in menu_for(user, user.profile.role, view) for i in g["items"]]
    assert [i["label"] for i in items if i["current"]] == ["巡回督查组"]


def step(user, obj):
    found = next_step(user, obj)
    return (found.text, found.url) if found else None


def test_a_candidacy_leads_through_inspection_vetting_and_approval(world, personas):
    staff, reviewer, leader = personas["staff_a"], personas["reviewer"], personas["leader_a"]
    unit = world["unit_a1"]
    c = cs.candidacy_create(
        actor=staff, unit=unit, person=party_member(unit), body="party", post="party_member"
    )
    here = f"/candidates/{c.pk}/"
    assert step(staff, c) == ("登记组织考察结果", f"{here}#handle")
    assert step(reviewer, c) == ("登记组织考察结果", "")  # the township does it

    cs.candidacy_record_inspection(
        actor=staff, candidacy=c, passed=True, score=90, inspected_on=datetime.date(2026, 3, 1)
    )
    c.refresh_from_db()
    assert c.status == c.Status.INSPECTED
    assert step(staff, c) == ("发送资格联审", "/candidates/vetting/send/")
    police = Department.objects.get(code="police")
    due = datetime.date.today() + datetime.timedelta(days=5)
    cs.vetting_send(actor=staff, candidacies=[c], departments=[police], due_date=due)
    assert step(reviewer, c) == (
        "等待资格联审通过（见“尚未通过联审的原因”）",
        f"{here}#vetting-blockers",
    )

    Candidacy.objects.filter(pk=c.pk).update(status=Candidacy.Status.VETTED)
    c.refresh_from_db()
    assert step(staff, c) == ("乡镇(街道)党(工)委审核", "")
    assert step(leader, c) == ("乡镇(街道)党(工)委审核", f"{here}#handle")

    cs.candidacy_approve_township(actor=leader, candidacy=c)
    c.refresh_from_db()
    assert step(staff, c) == ("确定正式候选人名单", f"/candidates/units/{unit.pk}/")

    cs.candidacy_withdraw(actor=staff, candidacy=c, reason="本人申请")
    c.refresh_from_db()
    assert step(staff, c) is None


def test_a_unit_starts_with_its_risk_assessment(world, personas):
    unit = world["unit_a1"]
    assert unit.stage == "preparation"
    assert step(personas["staff_a"], unit) == (
        "完成风险研判，登记研判完成日期",
        f"/units/{unit.pk}/edit/",
    )
    assert step(personas["reviewer"], unit) == ("完成风险研判，登记研判完成日期", "")


def test_a_congress_result_is_approved_by_the_township_not_the_county(world, personas):
    """报批与公示 links only for whoever may act on it: the township's party committee (and
    the clerk who reports it), not a county reviewer, whose grant does not reach down."""
    from ballots.congress import services as bs

    unit = world["unit_a1"]
    congress = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 20), place="会议室", chair="王书记"
    )
    unit.stage = "approval"
    url = f"/congresses/{congress.pk}/"
    assert step(personas["leader_a"], unit) == ("党员大会选举结果报批与公示", url)
    assert step(personas["staff_a"], unit) == ("党员大会选举结果报批与公示", url)
    assert step(personas["reviewer"], unit) == ("党员大会选举结果报批与公示", "")


def test_a_villagers_election_goes_from_nominations_to_the_vote(world, personas):
    election, _ = villagers_election(world["unit_a1"], world["round"])
    assert step(personas["staff_a"], election) == (
        "设置投票点与监票人，组织投票",
        f"/villagers/{election.pk}/polling/",
    )
    election.status = VillagersElection.Status.SETUP
    assert step(personas["reviewer"], election) == (
        "登记选民",
        f"/villagers/{election.pk}/voters/new/",
    )
    assert step(personas["discipline"], election)[1] == ""


def test_a_case_is_assigned_checked_concluded_and_notified(world, personas):
    report = Report.objects.create(
        channel=Report.Channel.PHONE,
        county=world["county_a"],
        township=world["township_a"],
        subject="拉票",
        content="反映拉票。",
    )
    here = f"/discipline/cases/{report.pk}/#handle"
    officer = personas["discipline"]
    assert step(officer, report) == ("交办核查组", here)
    report.status, report.substantiated = Report.Status.CONCLUDED, True
    assert step(officer, report) == ("通报查实的案件", here)
    report.substantiated = False
    assert step(officer, report) is None


def test_detail_pages_show_the_region_chain(client, world, personas):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    html = client.get(f"/units/{unit.pk}/").content.decode()
    crumbs = html[html.index('<nav class="crumbs"') : html.index("</nav>", html.index("crumbs"))]
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == ["和林格尔县", "城关镇", "大红城村"]
    assert f'href="/units/?township={world["township_a"].pk}"' in crumbs
    assert '<p class="next-step" id="next-step"><b>下一步：</b><a href=' in html
