"""The schedule counted back from election day: the date rules (pure), the facts from the
election's data, the warning for a year without a holiday table, and the roll-up's overdue
figure."""

import datetime

import pytest

from ballots.models import CalendarDay, CalendarYear, ScheduleDeadline, VillagersRulePack
from ballots.tests.villagers_helpers import make_election, register
from ballots.villagers import schedule as schedules
from ballots.villagers import setup
from ballots.villagers.schedule import Fact, Rule, build_schedule, due_date
from renewal.kit.figures import Counties
from renewal.models import RenewalRound

D = datetime.date


def rule(direction, days, counting="calendar", step="x"):
    return Rule(step, "事项", direction, days, counting, "依据")


@pytest.mark.parametrize(
    ("the_rule", "election_day", "due", "shifted_from"),
    [
        (rule("before", 20), D(2026, 11, 29), D(2026, 11, 9), None),
        # Counting back over the National Day holiday: 5 working days before 10-12.
        (rule("before", 5, "working"), D(2026, 10, 12), D(2026, 9, 29), D(2026, 10, 7)),
        # 5 working days after 09-29: 09-30, then 10-08, 10-09, 10-10 (make-up day), 10-12.
        (rule("after", 5, "working"), D(2026, 9, 29), D(2026, 10, 12), D(2026, 10, 4)),
        # Calendar days after election day ending on a holiday end on the next working day.
        (rule("after", 3), D(2026, 9, 29), D(2026, 10, 8), D(2026, 10, 2)),
        (rule("after", 3), D(2026, 11, 23), D(2026, 11, 26), None),
        (rule("after", 0), D(2026, 10, 3), D(2026, 10, 3), None),
    ],
    ids=[
        "calendar days before are not shifted",
        "working days before skip the holiday",
        "working days after skip the National Day holiday",
        "calendar days after ending on a holiday are shifted",
        "calendar days after on a working day",
        "the election day itself",
    ],
)
def test_due_dates(the_rule, election_day, due, shifted_from):
    assert due_date(the_rule, election_day, declared={}) == (due, shifted_from)


def test_states_from_facts():
    rules = [
        rule("before", 20, step="register"),
        rule("before", 5, step="candidates"),
        rule("before", 3, step="proxies"),
        rule("after", 0, step="result"),
    ]
    facts = {
        "register": Fact(True, D(2026, 11, 12)),  # published 3 days late
        "candidates": Fact(False),
        "result": Fact(False),
    }
    sched = build_schedule(rules, D(2026, 11, 29), facts, today=D(2026, 11, 25), declared={})
    states = {i.rule.step: i.state for i in sched.items}
    assert states == {
        "register": "late",
        "candidates": "overdue",
        "proxies": "cutoff",
        "result": "soon",
    }
    assert [i.rule.step for i in sched.overdue] == ["candidates"]
    assert sched.next_due.rule.step == "result"
    assert sched.days_to_election == 4


def test_a_year_without_holidays_is_a_warning_not_a_crash():
    rules = [rule("before", 20, step="register"), rule("after", 5, "working", step="filed")]
    sched = build_schedule(rules, D(2031, 3, 1), {}, today=D(2031, 1, 1), declared={})
    assert sched.warnings == (
        "2031 年的法定节假日安排尚未录入，无法计算工作日。"
        "请系统管理员在“节假日安排”中录入 2031 年的放假和调休日期。",
    )
    register_item, filed = sched.items
    assert register_item.due == D(2031, 2, 9)
    assert filed.due is None and filed.state == "unknown"


def test_a_missing_year_kept_for_many_elections_is_raised_afresh_each_time():
    # Deadlines are kept across the elections of one run: a gap kept as one exception object
    # and raised again would grow its traceback (and the frames it holds) with every raise.
    rules = [rule("after", 5, "working", step="filed")]
    dues: dict = {}
    for _ in range(3):
        assert not schedules.is_overdue(
            rules, D(2031, 3, 1), {}, today=D(2031, 3, 20), declared={}, dues=dues
        )
    raised = []
    for _ in range(3):
        with pytest.raises(schedules.CalendarGap) as caught:
            schedules._due(rules[0], D(2031, 3, 1), {}, dues)
        raised.append(caught.value)
    assert len({id(exc) for exc in raised}) == 3
    depth = [len(list(_frames(exc.__traceback__))) for exc in raised]
    assert depth[0] == depth[-1]


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


# --- From the database --------------------------------------------------------------------


@pytest.mark.django_db
def test_schedule_of_an_election_from_its_data(world, personas):
    election = make_election(world, personas, day=D(2026, 11, 29))
    sched = schedules.schedule_for(election, today=D(2026, 11, 1))
    steps = [i.rule.step for i in sched.items]
    assert steps == [
        "committee",
        "method",
        "register",
        "objections",
        "proxies",
        "candidates",
        "result",
        "filed",
    ]
    register_item = sched.item("register")
    assert register_item.due == D(2026, 11, 9)  # the pack's 20 days
    assert register_item.state == "pending"
    assert sched.item("committee").state == "overdue"  # 30 days before: 10-30

    setup.committee_member_add(
        actor=personas["staff_a"], election=election, name="王主任", role="chair"
    )
    register(election, personas, 1)
    election.refresh_from_db()
    setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=D(2026, 11, 5),
        version=election.version,
    )
    election.refresh_from_db()
    sched = schedules.schedule_for(election, today=D(2026, 11, 20))
    assert sched.item("register").state == "done"
    assert sched.item("register").done_on == D(2026, 11, 5)
    # No objection raised within the 5 days: done when the period ended.
    assert sched.item("objections").state == "done"
    assert sched.item("objections").done_on == D(2026, 11, 10)


@pytest.mark.django_db
def test_a_pack_sets_its_own_deadline(world, personas):
    election = make_election(world, personas, day=D(2026, 9, 29))
    pack = VillagersRulePack.objects.get(pk=election.pack_id)
    ScheduleDeadline.objects.create(
        pack=pack,
        step="candidates",
        label="公布正式候选人名单",
        direction="before",
        days=7,
        counting="working",
        order=60,
        source="某省选举办法",
    )
    item = schedules.schedule_for(election, today=D(2026, 9, 1)).item("candidates")
    # 7 working days back from 09-29: 09-28, 09-24 … 09-21, Sunday 09-20 (a make-up working
    # day), 09-18; 09-25 to 09-27 are the Mid-autumn holiday.
    assert item.due == D(2026, 9, 18)
    assert item.rule.source == "某省选举办法"


@pytest.mark.django_db
def test_admin_holiday_table_fills_a_missing_year(world, personas):
    election = make_election(world, personas, day=D(2031, 6, 2))
    sched = schedules.schedule_for(election, today=D(2031, 5, 1))
    assert any("2031 年的法定节假日安排尚未录入" in w for w in sched.warnings)
    year = CalendarYear.objects.create(year=2031, source="国务院办公厅通知")
    CalendarDay.objects.create(year=year, date=D(2031, 6, 3), name="端午节")
    sched = schedules.schedule_for(election, today=D(2031, 5, 1))
    assert sched.warnings == ()
    # 5 working days after Monday 06-02, with 06-03 a holiday: 06-04 … 06-06, 06-09, 06-10.
    assert sched.item("filed").due == D(2031, 6, 10)


@pytest.mark.django_db
def test_overdue_units_for_the_rollup(world, personas):
    late = make_election(world, personas, unit="unit_a1", day=D(2026, 11, 29))
    on_time = make_election(world, personas, unit="unit_a2", day=D(2027, 3, 1))
    rnd = RenewalRound.objects.get(pk=late.round_id)
    overdue = schedules.overdue_units(Counties((rnd,)), D(2026, 11, 20))
    assert late.unit_id in overdue  # register due 11-09, not published
    assert on_time.unit_id not in overdue


@pytest.mark.django_db
def test_the_rules_are_edited_in_the_admin(client, personas):
    client.force_login(personas["admin"])
    pack = VillagersRulePack.objects.order_by("pk").first()
    page = client.get(f"/admin/ballots/villagersrulepack/{pack.pk}/change/").content.decode()
    assert "选举时间节点" in page and "公告编号" in page
    listing = client.get("/admin/ballots/scheduledeadline/").content.decode()
    assert "公布选民名单" in listing and "选举结果报乡镇(街道)备案" in listing
    assert client.get("/admin/ballots/noticetemplate/").status_code == 200
