"""Generating a notice before the day's report deadline: the date defaults to the last day
whose deadline has passed, and an earlier run asks first, naming who has not reported."""

import datetime

import pytest
from django.utils import timezone

from renewal.models import RollupRun, RollupSettings
from renewal.rollup.services import (
    daily_report_submit,
    deadline_passed,
    last_closed_day,
    townships_not_reported,
)
from renewal.tests.histories import at

D = datetime.date
DAY = D(2026, 3, 10)

pytestmark = pytest.mark.django_db


def deadline(county, time):
    RollupSettings.objects.create(
        county=county,
        effective_from=D(2020, 1, 1),
        daily_report_deadline=time,
        source="测试设置",
    )


def test_the_last_closed_day_follows_the_deadline(world):
    county = world["county_a"].pk
    assert last_closed_day(county, now=at(DAY, 17)) == D(2026, 3, 9)  # 18:00 by default
    assert last_closed_day(county, now=at(DAY, 18)) == DAY
    assert not deadline_passed(county, DAY, now=at(DAY, 17))
    assert deadline_passed(county, D(2026, 3, 9), now=at(DAY, 0))


def test_townships_not_reported_are_named_by_code(world, personas):
    daily_report_submit(
        actor=personas["staff_a"], township=world["township_a"], day=DAY, now=at(DAY, 9)
    )
    assert townships_not_reported(world["county_a"], DAY) == ["盛乐镇"]
    assert townships_not_reported(world["county_a"], D(2026, 3, 9)) == ["城关镇", "盛乐镇"]


@pytest.fixture
def reviewer(client, personas):
    client.force_login(personas["reviewer"])
    return client


def test_the_date_defaults_to_the_last_day_whose_deadline_passed(reviewer, world):
    url = f"/rollup/{world['county_a'].pk}/notices/"
    today = timezone.localdate()
    deadline(world["county_a"], datetime.time.max)  # today's deadline is never over yet
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert f'value="{yesterday}"' in reviewer.get(url).content.decode()
    RollupSettings.objects.update(daily_report_deadline=datetime.time(0, 0))
    assert f'value="{today.isoformat()}"' in reviewer.get(url).content.decode()


def test_a_day_before_its_deadline_asks_first_and_names_who_has_not_reported(
    reviewer, world, personas, django_capture_on_commit_callbacks
):
    county = world["county_a"]
    deadline(county, datetime.time.max)
    today = timezone.localdate()
    daily_report_submit(actor=personas["staff_a"], township=world["township_a"], day=today)
    url = f"/rollup/{county.pk}/run/"
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(url, {"day": today.isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{today:%Y-%m-%d} 的日报截止时间（23:59）还没有到" in page
    assert "尚未报送当日日报的乡镇(街道)（1 个）：盛乐镇。" in page
    assert "锁定当日日报" in page
    assert 'name="confirmed" value="1"' in page
    assert not RollupRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(url, {"day": today.isoformat(), "confirmed": "1"}, follow=True)
    assert f"已提交生成 {today:%Y-%m-%d} 的日通报" in response.content.decode()
    assert RollupRun.objects.filter(county=county, day=today).exists()


def test_a_day_past_its_deadline_asks_only_what_will_happen(
    reviewer, world, django_capture_on_commit_callbacks
):
    url = f"/rollup/{world['county_a'].pk}/run/"
    page = reviewer.post(url, {"day": "2026-03-09"}).content.decode()
    assert "确认生成 2026-03-09 的日通报" in page
    assert "当日日报锁定" in page
    assert "还没有到" not in page
    assert not RollupRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(url, {"day": "2026-03-09", "confirmed": "1"})
    assert response.status_code == 302
    assert RollupRun.objects.filter(day=D(2026, 3, 9)).exists()
