"""Cases: every transition, deadlines and overdue cases, the identity grant, disqualification
of named candidates, the open-case flag, notice compliance and the officers' pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.models import UserObjectPermission

from candidates import services as cs
from candidates.flags import flags_for
from candidates.models import Candidacy, CandidacyLog
from discipline import access
from discipline.cases import services
from discipline.flags import OPEN_CASE
from discipline.intake import crypto
from discipline.models import ProhibitionCatalogue, ProhibitionItem, Report, ReporterIdentity
from discipline.tests import REPORTER, leaks
from renewal.models import Department, DomainError, Profile
from tests.factories import party_member
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db
S = Report.Status
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def items(world):
    cat = ProhibitionCatalogue.objects.create(code="test-cases", name="测试严禁", source="测试")
    return [
        ProhibitionItem.objects.create(catalogue=cat, number=1, text="严禁以礼品礼金拉票"),
        ProhibitionItem.objects.create(catalogue=cat, number=2, text="严禁以宴请拉票"),
    ]


@pytest.fixture
def other_county_item(world):
    cat = ProhibitionCatalogue.objects.create(
        code="test-county-b", name="清水河县补充", source="测试", county=world["county_b"]
    )
    return ProhibitionItem.objects.create(catalogue=cat, number=1, text="县定条目")


@pytest.fixture
def officer(personas):
    return personas["discipline"]


@pytest.fixture
def officer2(world, personas):
    return make_user("discipline2", Profile.Role.DISCIPLINE_OFFICER, world["county_a"])


@pytest.fixture
def officer_b(world, personas):
    return make_user("discipline_b", Profile.Role.DISCIPLINE_OFFICER, world["county_b"])


def new_report(world, township="township_a", **fields):
    report = Report.objects.create(
        channel=Report.Channel.PHONE,
        county=world["county_a"] if township != "township_c" else world["county_b"],
        township=world[township] if township else None,
        subject=fields.pop("subject", "某候选人拉票"),
        content=fields.pop("content", "来电反映：某候选人请客吃饭拉票。"),
        **fields,
    )
    ReporterIdentity.objects.create(report=report, sealed=crypto.seal(REPORTER))
    return report


@pytest.fixture
def report(world):
    return new_report(world)


@pytest.fixture
def candidacy(world, personas):
    return cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=party_member(world["unit_a1"]),
        body="party",
        post="party_member",
    )


def assign(report, officer, *others):
    return services.case_assign(
        actor=officer, report=report, officers=[officer, *others], check_group="第一核查组"
    )


def step(report, officer, to, *, substantiated=True, items=()):
    """One service call moving a report to status `to`."""
    if to == S.ASSIGNED:
        return assign(report, officer)
    if to == S.CHECKED:
        return services.case_check(actor=officer, report=report, findings="经走访核实。")
    if to == S.CONCLUDED:
        return services.case_conclude(
            actor=officer,
            report=report,
            substantiated=substantiated,
            items=items if substantiated else (),
            action_taken="给予党内警告处分" if substantiated else "",
        )
    return services.case_notify(
        actor=officer, report=report, notified_on=TODAY(), scope="全县换届工作群"
    )


def walk(report, officer, to, **kwargs):
    """Move a received report forward through the services up to status `to`."""
    steps = [S.ASSIGNED, S.CHECKED, S.CONCLUDED, S.NOTIFIED]
    for status in steps[: steps.index(to) + 1]:
        report = step(report, officer, status, **kwargs)
    return report


# --- The path and its deadlines ---------------------------------------------------------------


def test_full_path_from_received_to_notified_sets_each_deadline(report, officer, items):
    report = assign(report, officer)
    assert report.status == S.ASSIGNED and report.assigned_at
    assert report.stage_due == TODAY() + 15 * DAY
    report = services.case_check(actor=officer, report=report, findings="经走访核实。")
    assert report.status == S.CHECKED and report.stage_due == TODAY() + 5 * DAY
    report = services.case_conclude(
        actor=officer, report=report, substantiated=True, items=items, action_taken="党内警告"
    )
    assert report.status == S.CONCLUDED and report.stage_due == TODAY() + 7 * DAY
    assert report.needs_notice
    report = services.case_notify(actor=officer, report=report, notified_on=TODAY(), scope="全县")
    report.refresh_from_db()
    assert report.status == S.NOTIFIED and report.stage_due is None
    assert (report.notified_on, report.notice_scope) == (TODAY(), "全县")
    assert set(report.items.all()) == set(items)


def test_unfounded_case_ends_at_conclusion_without_a_deadline(report, officer):
    report = walk(report, officer, S.CONCLUDED, substantiated=False)
    assert report.substantiated is False and report.stage_due is None
    assert services.is_finished(report.status, report.substantiated)


def test_stage_limits_come_from_settings(settings, report, officer):
    settings.DISCIPLINE_STAGE_DAYS = {"check": 3}
    assert services.stage_limits() == {"assign": 2, "check": 3, "conclude": 5, "notify": 7}
    assert assign(report, officer).stage_due == TODAY() + 3 * DAY


def test_received_due_counts_from_the_receipt_date():
    received = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    assert services.received_due(received) == datetime.date(2026, 3, 4)


# --- Illegal moves ---------------------------------------------------------------------------


def _at(report, status, substantiated=None):
    Report.objects.filter(pk=report.pk).update(status=status, substantiated=substantiated)
    report.refresh_from_db()
    return report


ILLEGAL = [
    ("check before assignment", S.RECEIVED, None, "check"),
    ("conclude before assignment", S.RECEIVED, None, "conclude"),
    ("conclude before the check", S.ASSIGNED, None, "conclude"),
    ("notify before the check", S.ASSIGNED, None, "notify"),
    ("notify before conclusion", S.CHECKED, None, "notify"),
    ("check twice", S.CHECKED, None, "check"),
    ("conclude twice", S.CONCLUDED, True, "conclude"),
    ("check a concluded case", S.CONCLUDED, True, "check"),
    ("notify an unfounded case", S.CONCLUDED, False, "notify"),
    ("notify twice", S.NOTIFIED, True, "notify"),
    ("reassign a concluded case", S.CONCLUDED, True, "assign"),
    ("reassign a notified case", S.NOTIFIED, True, "assign"),
    ("relink a concluded case", S.CONCLUDED, True, "link"),
]


@pytest.mark.parametrize(("rule", "status", "substantiated", "action"), ILLEGAL)
def test_illegal_transition_is_refused(report, officer, items, rule, status, substantiated, action):
    report = _at(report, status, substantiated)
    calls = {
        "assign": lambda: assign(report, officer),
        "check": lambda: services.case_check(actor=officer, report=report, findings="情况"),
        "conclude": lambda: services.case_conclude(
            actor=officer, report=report, substantiated=True, items=items, action_taken="处理"
        ),
        "notify": lambda: services.case_notify(
            actor=officer, report=report, notified_on=TODAY(), scope="全县"
        ),
        "link": lambda: services.case_link(actor=officer, report=report, units=[], candidacies=[]),
    }
    with pytest.raises(DomainError):
        calls[action]()
    report.refresh_from_db()
    assert report.status == status


LEGAL = [
    ("assign a received report", S.RECEIVED, S.ASSIGNED),
    ("record the check", S.ASSIGNED, S.CHECKED),
    ("conclude after the check", S.CHECKED, S.CONCLUDED),
    ("notify a substantiated case", S.CONCLUDED, S.NOTIFIED),
]


@pytest.mark.parametrize(("rule", "start", "end"), LEGAL)
def test_each_legal_step(report, officer, items, rule, start, end):
    if start != S.RECEIVED:
        report = walk(report, officer, start, items=items)
    assert report.status == start
    report = step(report, officer, end, items=items)
    report.refresh_from_db()
    assert report.status == end


def test_reassignment_keeps_status_and_deadline(report, officer, officer2):
    report = walk(report, officer, S.CHECKED)
    due = report.stage_due
    report = services.case_assign(
        actor=officer, report=report, officers=[officer2], check_group="第二核查组"
    )
    report.refresh_from_db()
    assert (report.status, report.stage_due, report.check_group) == (S.CHECKED, due, "第二核查组")
    assert list(report.officers.all()) == [officer2]


@pytest.mark.parametrize(
    ("rule", "kwargs", "message"),
    [
        ("no officer", {"officers": []}, "至少指定一名"),
        ("no group name", {"check_group": " "}, "核查组名称"),
        ("township staff", {"officers": "staff_a"}, "不是本县纪检监察人员"),
        ("other county's officer", {"officers": "officer_b"}, "不是本县纪检监察人员"),
    ],
)
def test_assignment_checks_the_officers(
    report, personas, officer, officer_b, rule, kwargs, message
):
    args = {"officers": [officer], "check_group": "第一核查组"} | kwargs
    if args["officers"] == "staff_a":
        args["officers"] = [personas["staff_a"]]
    elif args["officers"] == "officer_b":
        args["officers"] = [officer_b]
    with pytest.raises(DomainError, match=message):
        services.case_assign(actor=officer, report=report, **args)
    report.refresh_from_db()
    assert report.status == S.RECEIVED


def test_conclusion_needs_items_and_action_when_substantiated(report, officer, items):
    report = walk(report, officer, S.CHECKED)
    with pytest.raises(DomainError, match="纪律条目"):
        services.case_conclude(actor=officer, report=report, substantiated=True, action_taken="x")
    with pytest.raises(DomainError, match="处理结果"):
        services.case_conclude(actor=officer, report=report, substantiated=True, items=items)
    with pytest.raises(DomainError, match="不属实"):
        services.case_conclude(actor=officer, report=report, substantiated=False, items=items)


def test_another_countys_items_cannot_be_cited(report, officer, other_county_item):
    report = walk(report, officer, S.CHECKED)
    with pytest.raises(DomainError, match="不适用"):
        services.case_conclude(
            actor=officer,
            report=report,
            substantiated=True,
            items=[other_county_item],
            action_taken="处理",
        )


def test_notice_date_must_be_real(report, officer, items):
    report = walk(report, officer, S.CONCLUDED, items=items)
    with pytest.raises(DomainError, match="晚于今天"):
        services.case_notify(actor=officer, report=report, notified_on=TODAY() + DAY, scope="全县")
    with pytest.raises(DomainError, match="早于办结"):
        services.case_notify(actor=officer, report=report, notified_on=TODAY() - DAY, scope="全县")
    with pytest.raises(DomainError, match="通报范围"):
        services.case_notify(actor=officer, report=report, notified_on=TODAY(), scope="")


# --- The identity grant ---------------------------------------------------------------------------


def _grants(report):
    return set(
        UserObjectPermission.objects.filter(
            permission__codename="view_reporter_identity", object_pk=str(report.pk)
        ).values_list("user__username", flat=True)
    )


def test_assignment_grants_identity_and_reassignment_takes_it_back(report, officer, officer2):
    assert not access.can_read_identity(officer, report)
    report = assign(report, officer, officer2)
    assert _grants(report) == {"discipline", "discipline2"}
    assert access.can_read_identity(officer, report) and access.can_read_identity(officer2, report)
    services.case_assign(actor=officer, report=report, officers=[officer2], check_group="第二组")
    assert _grants(report) == {"discipline2"}
    assert not access.can_read_identity(officer, report)
    assert access.can_read_identity(officer2, report)


# --- Links and disqualification -----------------------------------------------------------------


def test_substantiated_case_disqualifies_the_named_candidate(report, officer, candidacy, items):
    services.case_link(actor=officer, report=report, units=[], candidacies=[candidacy])
    assert set(report.units.all()) == {candidacy.unit}  # the candidate's unit is named too
    walk(report, officer, S.CONCLUDED, items=items)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.DISQUALIFIED
    log = CandidacyLog.objects.filter(candidacy=candidacy).last()
    assert log.action == "纪律案件查实取消资格" and log.by == officer
    assert log.reason.startswith("纪律核查属实：")
    assert "测试严禁第1条" in log.reason and "严禁以宴请拉票" in log.reason
    assert candidacy.status_reason == log.reason


def test_unfounded_case_leaves_the_candidate_alone(report, officer, candidacy):
    services.case_link(actor=officer, report=report, units=[], candidacies=[candidacy])
    walk(report, officer, S.CONCLUDED, substantiated=False)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.PRELIMINARY


def test_closed_candidacy_is_not_disqualified_again(report, officer, personas, candidacy, items):
    services.case_link(actor=officer, report=report, units=[], candidacies=[candidacy])
    cs.candidacy_withdraw(actor=personas["staff_a"], candidacy=candidacy, reason="本人申请")
    walk(report, officer, S.CONCLUDED, items=items)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.WITHDRAWN


def test_links_stay_in_the_county(world, report, officer, personas):
    with pytest.raises(DomainError, match="不在本案所属区县"):
        services.case_link(actor=officer, report=report, units=[world["unit_c1"]], candidacies=[])


def test_open_case_flags_the_candidate_without_details(report, officer, personas, candidacy):
    cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[candidacy],
        departments=Department.objects.filter(code="police"),
        due_date=TODAY() + 5 * DAY,
    )
    services.case_link(actor=officer, report=report, units=[], candidacies=[candidacy])
    flags = flags_for(candidacy.person)
    assert [f.source for f in flags] == ["discipline-case"]
    assert flags[0].message == OPEN_CASE
    assert report.subject not in OPEN_CASE and not leaks(OPEN_CASE)
    assert OPEN_CASE in cs.vetting_blockers(candidacy)
    walk(report, officer, S.CONCLUDED, substantiated=False)
    assert flags_for(candidacy.person) == []


def test_an_unfounded_case_lets_the_held_vetting_pass(report, officer, personas, candidacy):
    police = Department.objects.get(code="police")
    cs.candidacy_record_inspection(
        actor=personas["staff_a"], candidacy=candidacy, passed=True, score=90, inspected_on=TODAY()
    )
    cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[candidacy],
        departments=[police],
        due_date=TODAY() + 5 * DAY,
    )
    services.case_link(actor=officer, report=report, units=[], candidacies=[candidacy])
    cs.vetting_answer(
        actor=personas["dept"], request=candidacy.vetting.get(department=police), passed=True
    )
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.INSPECTED  # held by the open case
    walk(report, officer, S.CONCLUDED, substantiated=False)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.VETTED  # nobody had to ask
    log = candidacy.log.last()
    assert (log.action, log.by) == ("联审通过", officer)
    assert log.reason == "自动核对：此前的标记已解除"


# --- Overdue cases and compliance --------------------------------------------------------------


@pytest.fixture
def overdue_set(world, officer, items):
    """Reports in every state, some past their deadline."""
    late_assigned = walk(new_report(world, subject="逾期核查"), officer, S.ASSIGNED)
    Report.objects.filter(pk=late_assigned.pk).update(stage_due=TODAY() - DAY)
    on_time = walk(new_report(world, subject="按期核查"), officer, S.ASSIGNED)
    late_notice = walk(new_report(world, subject="逾期通报"), officer, S.CONCLUDED, items=items)
    Report.objects.filter(pk=late_notice.pk).update(stage_due=TODAY() - DAY)
    unfounded = walk(
        new_report(world, subject="不属实旧案"), officer, S.CONCLUDED, substantiated=False
    )
    Report.objects.filter(pk=unfounded.pk).update(stage_due=TODAY() - 30 * DAY)
    notified = walk(new_report(world, subject="已通报旧案"), officer, S.NOTIFIED, items=items)
    Report.objects.filter(pk=notified.pk).update(stage_due=TODAY() - 30 * DAY)
    old = new_report(world, subject="久未交办", received_at=timezone.now() - 5 * DAY)
    fresh = new_report(world, subject="今日受理")
    return {
        "late": {late_assigned.pk, late_notice.pk, old.pk},
        "not_late": {on_time.pk, unfounded.pk, notified.pk, fresh.pk},
    }


def test_overdue_means_past_the_deadline_and_not_finished(overdue_set):
    late = set(Report.objects.filter(services.overdue_q()).values_list("pk", flat=True))
    assert late == overdue_set["late"]


def test_overdue_cases_are_listed(client, officer, overdue_set):
    client.force_login(officer)
    page = client.get("/discipline/cases/?status=overdue").content.decode()
    for subject in ("逾期核查", "逾期通报", "久未交办"):
        assert subject in page
    for subject in ("按期核查", "不属实旧案", "已通报旧案", "今日受理"):
        assert subject not in page
    assert "已逾期" in page


@pytest.mark.parametrize(
    ("substantiated", "notified", "percent"),
    [(0, 0, None), (4, 4, 100), (4, 3, 75), (3, 1, 33), (1, 0, 0)],
)
def test_compliance_is_notified_over_substantiated(substantiated, notified, percent):
    assert services.compliance_percent(substantiated, notified) == percent


def test_compliance_per_township(world, officer, items):
    walk(new_report(world), officer, S.NOTIFIED, items=items)
    walk(new_report(world), officer, S.CONCLUDED, items=items)
    walk(new_report(world), officer, S.CONCLUDED, substantiated=False)
    walk(new_report(world, township="township_b"), officer, S.CHECKED)
    new_report(world, township="township_c")  # county B: not this officer's
    figures = services.dashboard_figures(officer)
    rows = {r.name: r for r in figures["rows"]}
    assert set(rows) == {"城关镇", "盛乐镇"}
    a, b = rows["城关镇"], rows["盛乐镇"]
    assert (a.substantiated, a.notified, a.compliance) == (2, 1, 50)
    assert (a.open, a.closed) == (0, 3)
    assert (b.substantiated, b.compliance, b.open, b.ages) == (0, None, 1, [1, 0, 0, 0])
    assert figures["total"].compliance == 50 and figures["total"].open == 1


# --- Pages -------------------------------------------------------------------------------------


def test_pages_never_show_the_reporter(client, officer, report, items):
    assign(report, officer)
    client.force_login(officer)
    for url in ("/discipline/cases/", f"/discipline/cases/{report.pk}/", "/discipline/dashboard/"):
        response = client.get(url)
        assert response.status_code == 200
        assert leaks(response.content) == [], url


def test_assigned_officer_gets_a_link_to_the_identity_page(client, officer, officer2, report):
    assign(report, officer)
    link = f'action="/discipline/reports/{report.pk}/identity/"'
    client.force_login(officer)
    assert link in client.get(f"/discipline/cases/{report.pk}/").content.decode()
    client.force_login(officer2)
    assert link not in client.get(f"/discipline/cases/{report.pk}/").content.decode()


def test_other_countys_officer_gets_404(client, officer_b, report):
    client.force_login(officer_b)
    assert client.get(f"/discipline/cases/{report.pk}/").status_code == 404
    response = client.post(
        f"/discipline/cases/{report.pk}/assign/",
        {"assign-officers": [officer_b.pk], "assign-check_group": "组"},
    )
    assert response.status_code == 404


def test_the_stage_forms_drive_the_case(client, officer, report, candidacy, items):
    client.force_login(officer)
    url = f"/discipline/cases/{report.pk}/"
    client.post(f"{url}links/", {"links-units": [candidacy.unit_id]})
    page = client.get(url).content.decode()
    assert candidacy.person.name in page  # offered once its unit is named
    client.post(
        f"{url}links/", {"links-units": [candidacy.unit_id], "links-candidacies": [candidacy.pk]}
    )
    response = client.post(
        f"{url}assign/", {"assign-officers": [officer.pk], "assign-check_group": "第一核查组"}
    )
    assert response.status_code == 302
    client.post(f"{url}check/", {"check-findings": "经核实，确有吃请拉票。"})
    client.post(
        f"{url}conclude/",
        {
            "conclude-substantiated": "1",
            "conclude-items": [items[1].pk],
            "conclude-action_taken": "取消候选人资格，给予党内警告",
        },
    )
    client.post(
        f"{url}notify/", {"notify-notified_on": TODAY().isoformat(), "notify-scope": "全县"}
    )
    report.refresh_from_db()
    candidacy.refresh_from_db()
    assert report.status == S.NOTIFIED
    assert candidacy.status == Candidacy.Status.DISQUALIFIED


def test_refused_step_shows_the_reason(client, officer, report):
    client.force_login(officer)
    response = client.post(
        f"/discipline/cases/{report.pk}/check/", {"check-findings": "情况"}, follow=True
    )
    assert "不能改为" in response.content.decode()
    assert client.post(f"/discipline/cases/{report.pk}/delete/").status_code == 404


def test_dashboard_queries_do_not_grow_with_cases(client, world, officer, items):
    client.force_login(officer)
    walk(new_report(world), officer, S.CONCLUDED, items=items)
    client.get("/discipline/dashboard/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/discipline/dashboard/").status_code == 200
    for township in ("township_a", "township_b", None, "township_b"):
        walk(new_report(world, township=township), officer, S.NOTIFIED, items=items)
        new_report(world, township=township)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/discipline/dashboard/").content.decode()
    assert len(many) == len(few)
    assert "县级（未定乡镇）" in page and 'class="bar"' in page


def test_case_list_query_count_is_flat(client, world, officer):
    client.force_login(officer)
    new_report(world)
    with CaptureQueriesContext(connection) as few:
        client.get("/discipline/cases/?status=all")
    for _ in range(8):
        new_report(world, township="township_b")
    with CaptureQueriesContext(connection) as many:
        client.get("/discipline/cases/?status=all")
    assert len(many) == len(few)
