"""The nightly roll-up: snapshots, idempotency, rebuilding a past date, laggards, the lock."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from discipline.intake import services as services_intake
from discipline.models import Report
from renewal.kit import figures
from renewal.models import DailyReport, DomainError, RollupRun, RollupSnapshot, Unit
from renewal.rollup.services import RollupBusy, daily_report_submit, rollup_run
from renewal.tests.histories import at, candidacy, person, term

D = datetime.date
DAY = D(2026, 3, 10)


@pytest.fixture
def county_history(world, personas):
    rnd = world["round"]
    Unit.objects.filter(pk__in=[world["unit_a1"].pk, world["unit_b1"].pk]).update(
        risk_assessed_on=D(2026, 1, 5)
    )
    candidacy(world["unit_a1"], rnd, personas["staff_a"], entered=D(2026, 3, 1))
    candidacy(
        world["unit_a1"],
        rnd,
        personas["staff_a"],
        entered=D(2026, 3, 2),
        post="director",
        steps=[("inspected", D(2026, 3, 3)), ("vetted", D(2026, 3, 4))],
    )
    candidacy(
        world["unit_b1"],
        rnd,
        personas["staff_b"],
        entered=D(2026, 3, 2),
        steps=[("disqualified", D(2026, 3, 5))],
    )
    candidacy(world["unit_b1"], rnd, personas["staff_b"], entered=D(2026, 3, 20))
    daily_report_submit(
        actor=personas["staff_a"],
        township=world["township_a"],
        day=DAY,
        now=at(DAY, 17),
        talks_held=3,
        disputes_mediated=156,
        problems_solved=218,
        petitions_handled=2,
    )
    return world


def snapshot(region, day=DAY):
    return RollupSnapshot.objects.get(region=region, day=day)


def test_snapshots_per_township_and_county(county_history, personas):
    w = county_history
    run = rollup_run(county=w["county_a"], day=DAY)
    assert RollupSnapshot.objects.filter(run=run).count() == 3
    a, b, county = snapshot(w["township_a"]), snapshot(w["township_b"]), snapshot(w["county_a"])
    assert a.units == 2 and b.units == 1 and county.units == 3
    assert a.stage_counts["vetting"] == 1 and a.stage_counts["preparation"] == 1
    assert b.stage_counts["vetting"] == 1  # a disqualified candidacy was still entered
    assert county.overdue == 1  # unit_a2 is still in preparation, due 2026-01-10
    assert a.figures["candidates_entered"] == 2 and b.figures["candidates_entered"] == 1
    assert county.figures["candidates_vetted"] == 1
    assert county.figures["candidates_disqualified"] == 1
    assert a.report["disputes_mediated"] == 156 and county.report["problems_solved"] == 218
    assert a.reports_submitted == 1 and b.reports_submitted == 0
    assert run.laggards == ["盛乐镇"]
    assert "未报送日报的乡镇(街道)（1 个）：盛乐镇。" in run.notice_text


def test_every_registered_figure_is_rolled_up(county_history, monkeypatch):
    def first_unit(round_, unit_ids, day):
        units = Unit.objects.filter(figures.units_q(round_, unit_ids, round=None, unit=""))
        return {units.order_by("pk").values_list("pk", flat=True).first(): 1}

    monkeypatch.setitem(
        figures._unit_figures,
        "congresses_held",
        figures.UnitFigure("congresses_held", "召开党员大会（个）", first_unit),
    )
    run = rollup_run(county=county_history["county_a"], day=DAY)
    assert run.figure_labels["congresses_held"] == "召开党员大会（个）"
    assert snapshot(county_history["county_a"]).figures["congresses_held"] == 1
    assert "召开党员大会（个） 1" in run.notice_text


def test_running_twice_gives_the_same_rows(county_history):
    w = county_history
    first = rollup_run(county=w["county_a"], day=DAY)
    rows = list(RollupSnapshot.objects.filter(day=DAY).order_by("pk").values())
    second = rollup_run(county=w["county_a"], day=DAY)
    assert second.pk == first.pk and second.notice_text == first.notice_text
    again = list(RollupSnapshot.objects.filter(day=DAY).order_by("pk").values())
    assert again == rows
    assert RollupRun.objects.filter(county=w["county_a"], day=DAY).count() == 1


def test_a_past_date_is_rebuilt_from_the_facts_of_that_day(county_history):
    w = county_history
    rollup_run(county=w["county_a"], day=D(2026, 3, 25))
    later = snapshot(w["county_a"], D(2026, 3, 25)).figures["candidates_entered"]
    past = rollup_run(county=w["county_a"], day=D(2026, 3, 1))
    assert later == 4
    assert snapshot(w["county_a"], D(2026, 3, 1)).figures["candidates_entered"] == 1
    assert snapshot(w["township_b"], D(2026, 3, 1)).stage_counts["recommendation"] == 1
    assert past.laggards == ["城关镇", "盛乐镇"]  # nobody reported on 03-01


def test_ranking_is_stored_on_the_run_and_the_snapshots(county_history):
    w = county_history
    Unit.objects.filter(pk=w["unit_b1"].pk).update(risk_assessed_on=D(2026, 1, 5))
    run = rollup_run(county=w["county_a"], day=DAY)
    # 盛乐镇: its one unit at vetting (3/9); 城关镇: vetting (3/9) and preparation (0) → 1/6
    assert [(r["name"], r["rank"]) for r in run.ranking] == [("盛乐镇", 1), ("城关镇", 2)]
    assert snapshot(w["township_b"]).rank == 1 and snapshot(w["county_a"]).rank is None


def test_discipline_reports_are_counted_once_on_their_first_unit(county_history, personas):
    w = county_history
    services_intake.report_record(
        channel=Report.Channel.PHONE,
        county=w["county_a"],
        units=[w["unit_a1"], w["unit_b1"]],
        subject="某候选人",
        content="来电反映拉票。",
        anonymous=True,
        received_by=personas["discipline"],
    )
    Report.objects.update(received_at=at(D(2026, 3, 9)))
    rollup_run(county=w["county_a"], day=DAY)
    assert snapshot(w["county_a"]).figures["reports_received"] == 1
    first = min(w["unit_a1"].pk, w["unit_b1"].pk)
    owner = w["township_a"] if first == w["unit_a1"].pk else w["township_b"]
    assert snapshot(owner).figures["reports_received"] == 1
    assert snapshot(owner).figures["reports_closed"] == 0


def test_structure_of_new_committees_against_the_previous_term(county_history):
    w = county_history
    rnd = w["round"]
    old = [("secretary", person(born=D(1960, 1, 1))), ("party_member", person(born=D(1962, 1, 1)))]
    term(w["unit_a1"], "party", D(2021, 3, 1), old)
    young_woman = person(sex="F", born=D(1995, 1, 1), education="college")
    new = [("secretary", young_woman), ("party_member", person(education="bachelor"))]
    term(w["unit_a1"], "party", D(2026, 3, 8), new, rnd=rnd)
    term(w["unit_a1"], "villagers", D(2026, 3, 9), [("director", young_woman)], rnd=rnd)
    term(w["unit_a2"], "party", D(2026, 3, 8), [("secretary", person())], rnd=rnd)
    rollup_run(county=w["county_a"], day=DAY)
    s = snapshot(w["county_a"]).structure
    assert s["current"]["units"] == 2 and s["current"]["members"] == 3
    assert s["current"]["one_shoulder"] == 1.0
    assert s["previous"]["average_age"] == 60.0  # 61 and 59 on 2021-03-01
    assert s["verdict"]["age_down"] and s["verdict"]["women_up"] and s["verdict"]["education_up"]
    assert snapshot(w["county_a"]).noncompliant == [
        [w["unit_a2"].pk, ["women", "young", "college"]]
    ]
    assert "noncompliant" not in s
    assert snapshot(w["township_b"]).structure["current"]["units"] == 0


def test_todays_run_updates_the_stored_stage(world):
    Unit.objects.filter(pk=world["unit_a1"].pk).update(
        risk_assessed_on=D(2026, 1, 5), stage="preparation"
    )
    rollup_run(county=world["county_a"], day=timezone.localdate())
    assert Unit.objects.get(pk=world["unit_a1"].pk).stage == "recommendation"


def test_refuses_future_dates_and_counties_without_a_round(world):
    with pytest.raises(DomainError, match="今天以后"):
        rollup_run(county=world["county_a"], day=timezone.localdate() + datetime.timedelta(days=1))
    world["round"].is_active = False
    world["round"].save(update_fields=["is_active"])
    with pytest.raises(DomainError, match="没有进行中的换届轮次"):
        rollup_run(county=world["county_a"], day=DAY)


def test_a_second_run_of_the_same_county_and_date_gives_up_while_one_runs(world):
    from renewal.rollup.services import LOCK_NAMESPACE

    key = (LOCK_NAMESPACE << 44) | (world["county_a"].pk << 24) | DAY.toordinal()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        with pytest.raises(RollupBusy):
            rollup_run(county=world["county_a"], day=DAY)
        rollup_run(county=world["county_a"], day=DAY - datetime.timedelta(days=1))  # other date
    finally:
        other.close()
    assert not RollupRun.objects.filter(day=DAY).exists()


def test_the_command_runs_the_same_job(world, capsys):
    call_command("rollup", "--date", "2026-03-10", "--county", world["county_a"].code)
    out = capsys.readouterr().out
    assert "和林格尔县 2026-03-10" in out and "日通报已生成" in out
    assert RollupRun.objects.filter(county=world["county_a"], day=DAY).exists()
    assert not RollupRun.objects.filter(county=world["county_b"]).exists()
    call_command("rollup", "--date", "2026-03-10")
    assert RollupRun.objects.filter(county=world["county_b"], day=DAY).exists()


def test_daily_report_deadline_and_lock(world, personas):
    late = daily_report_submit(
        actor=personas["staff_b"],
        township=world["township_b"],
        day=DAY,
        now=at(DAY, 19),
        talks_held=1,
    )
    assert late.is_late and late.deadline == at(DAY, 18)
    fixed = daily_report_submit(
        actor=personas["staff_b"],
        township=world["township_b"],
        day=DAY,
        now=at(DAY, 20),
        talks_held=2,
    )
    assert fixed.pk == late.pk and fixed.is_late and fixed.talks_held == 2
    rollup_run(county=world["county_a"], day=DAY)
    with pytest.raises(DomainError, match="已锁定"):
        daily_report_submit(
            actor=personas["staff_b"], township=world["township_b"], day=DAY, talks_held=5
        )
    assert DailyReport.objects.get(pk=late.pk).talks_held == 2
    run = RollupRun.objects.get(day=DAY, county=world["county_a"])
    assert run.late == ["盛乐镇"] and "逾时报送：盛乐镇。" in run.notice_text


def test_a_by_election_replaces_the_committee_of_the_round(world):
    rnd = world["round"]
    term(world["unit_a1"], "party", D(2021, 3, 1), [("secretary", person(born=D(1960, 1, 1)))])
    term(world["unit_a1"], "party", D(2026, 3, 1), [("secretary", person(born=D(1970, 1, 1)))], rnd)
    term(world["unit_a1"], "party", D(2026, 3, 9), [("secretary", person(born=D(1990, 1, 1)))], rnd)
    rollup_run(county=world["county_a"], day=DAY)
    s = snapshot(world["county_a"]).structure
    assert s["current"]["members"] == 1 and s["current"]["average_age"] == 36.0
    assert s["previous"]["average_age"] == 61.0
