"""In a real browser: the schedule counted back from election day, with a working-day
deadline moved past the National Day holiday; and a numbered 公告 published after the
confirmation, regenerated as a new version, both versions downloadable."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from pypdf import PdfReader

from ballots.models import ElectionCommitteeMember, ElectionNotice
from ballots.tests.villagers_helpers import ensure_rule_packs, make_election
from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_schedule_rules():
    """Transactional tests flush the migration-seeded rows; put them back the same way."""
    ensure_rule_packs()
    migration = importlib.import_module("ballots.migrations.0020_schedule_and_notices")
    migration.add_defaults(apps, None)


def test_schedule_with_a_holiday_shifted_deadline(live_server, page, world, personas):
    ensure_schedule_rules()
    # Tuesday 2026-09-29, the day before the National Day holiday (10-01 to 10-07).
    election = make_election(world, personas, day=datetime.date(2026, 9, 29))

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/units/{election.unit_id}/")
    countdown = page.locator("#villagers-countdown")
    countdown.wait_for()
    # Nothing done and election day long past: every tracked deadline is overdue.
    assert "已逾期" in countdown.inner_text()
    assert "公布选民名单（2026-09-09）" in countdown.inner_text()

    countdown.locator("a:has-text('选举日程与公告')").click()
    page.wait_for_selector("#schedule")
    filed = page.locator("#schedule tr[data-step='filed']")
    # 5 working days after 09-29: 09-30, 10-08, 10-09, Saturday 10-10 (a make-up working
    # day), 10-12 — not the calendar 10-04, inside the holiday.
    assert "选举日后 5 个工作日" in filed.inner_text()
    assert "2026-10-12" in filed.inner_text()
    assert "遇节假日顺延（原为 2026-10-04）" in filed.inner_text()
    register = page.locator("#schedule tr[data-step='register']")
    assert "2026-09-09" in register.inner_text() and "已逾期" in register.inner_text()
    assert "第十四条" in register.inner_text()  # the source of the rule

    # The election page shows the same schedule.
    page.goto(f"{live_server.url}/villagers/{election.pk}/")
    assert "2026-10-12" in page.locator("#schedule tr[data-step='filed']").inner_text()


def _pdf_text(page, href) -> str:
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def test_publish_a_numbered_notice_and_a_new_version(live_server, page, world, personas):
    ensure_schedule_rules()
    election = make_election(world, personas, unit="unit_a2", day=datetime.date(2027, 1, 20))
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/villagers/{election.pk}/notices/")
    # 2027 is not in the calendar package and no admin has entered it: a warning, no crash.
    assert "2027 年的法定节假日安排尚未录入" in page.inner_text("#schedule")
    first = page.locator("#notices tr[data-number='1']")
    assert "尚未推选居民选举委员会，不能以选举委员会名义发布公告。" in first.inner_text()
    assert first.locator("button").count() == 0

    ElectionCommitteeMember.objects.create(election=election, name="赵主任", role="chair")
    page.reload()
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    first.locator("button:has-text('发布')").click()
    page.wait_for_selector(".messages li:has-text('已发布第1号公告（第1版）')")
    assert questions and questions[0].startswith("发布南街社区居民选举委员会第1号公告")
    first = page.locator("#notices tr[data-number='1']")
    assert "已发布" in first.inner_text()
    # The next one waits for its data: the register is not published yet.
    assert "选民名单尚未公布" in page.inner_text("#notices tr[data-number='2']")

    page.once("dialog", accept)
    first.locator("button:has-text('生成新版本')").click()
    page.wait_for_selector(".messages li:has-text('已发布第1号公告（第2版）')")
    assert "已发布的版本保留在存档中" in questions[-1]
    versions = page.locator("#notices tr[data-number='1'] a:has-text('版')")
    assert versions.all_inner_texts() == ["第2版", "第1版"]
    assert ElectionNotice.objects.filter(villagers_election=election).count() == 2
    for link in versions.all():
        text = _pdf_text(page, live_server.url + link.get_attribute("href"))
        assert "南街社区居民选举委员会公告" in text
        assert "（第1号）" in text
        assert "一、选举日期：2027年1月20日。" in text
        assert "城关镇南街社区居民选举委员会" in text  # the 落款


def test_the_four_notices_as_printed(live_server, page, world, personas):
    """第1号 to 第3号 were published before election day (by the service, on their days);
    on election day, after the count, the clerk publishes 第4号 and every PDF reads right."""
    from django.utils import timezone

    from ballots.models import VillagersElection
    from ballots.tests.villagers_vote_helpers import (
        DEPUTIES,
        DIRECTORS,
        MAIN_VOTES,
        MEMBERS,
        MOBILE_VOTES,
        STAFF,
        WOMEN,
        boxes_with_staff,
        enter,
        nominate_all,
    )
    from ballots.villagers import notices
    from ballots.villagers import vote as vv
    from tests.factories import villagers_election

    ensure_schedule_rules()
    staff = personas["staff_a"]
    day = timezone.localdate()  # election day is today: the count may be entered
    election, people = villagers_election(
        world["unit_a1"],
        world["round"],
        voters=100,
        names=[*DIRECTORS, *DEPUTIES, *MEMBERS, *STAFF],
        women=WOMEN,
        day=day,
    )
    ElectionCommitteeMember.objects.create(election=election, name="赵主任", role="chair")
    published_on = day - datetime.timedelta(days=21)
    VillagersElection.objects.filter(pk=election.pk).update(register_published_on=published_on)
    election.refresh_from_db()
    nominate_all(election, people, staff)
    for number, days_before in ((1, 30), (2, 21), (3, 10)):
        notices.notice_publish(
            actor=staff,
            election=election,
            number=number,
            today=day - datetime.timedelta(days=days_before),
        )
    main, mobile = boxes_with_staff(election, people)
    enter(main, staff, 50, MAIN_VOTES)
    enter(mobile, staff, 10, MOBILE_VOTES)
    vv.election_count(election=election, actor=staff)
    rnd = election.vote_rounds.get(status="open")  # the seat left for a further round
    vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=staff,
        present=55,
        ballots_returned=55,
        ballots_invalid=1,
        votes={"赵磊": 30, "孙丽": 20},
    )

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/villagers/{election.pk}/notices/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#notices tr[data-number='4'] button:has-text('发布')").click()
    page.wait_for_selector(".messages li:has-text('已发布第4号公告（第1版）')")
    assert page.locator("#schedule tr[data-step='result']").inner_text().count("已完成") == 1

    texts = {}
    for number in (1, 2, 3, 4):
        link = page.locator(f"#notices tr[data-number='{number}'] a:has-text('第1版')")
        texts[number] = _pdf_text(page, live_server.url + link.get_attribute("href"))
    for number, text in texts.items():
        assert "大红城村村民选举委员会公告" in text
        assert f"（第{number}号）" in text
        assert "城关镇大红城村村民选举委员会" in text  # the 落款
        assert "特此公告。" in text
    chinese = f"{day.year}年{day.month}月{day.day}日"
    assert f"一、选举日期：{chinese}。" in texts[1]
    assert "二、选举方式：由本村登记选民以无记名投票、公开计票的方法直接选举" in texts[1]
    assert "登记选民共 100 人" in texts[2]
    assert f"{published_on.year}年{published_on.month}月{published_on.day}日" in texts[2]
    assert "主任（应选 1 名）：王建国、李秀英。" in texts[3]
    assert "副主任（应选 1 名）：刘洋、张伟。" in texts[3]
    assert "当选主任：王建国。" in texts[4]
    assert "当选副主任：张伟。" in texts[4]
    assert "赵磊" in texts[4]  # elected in the further round
    assert chinese in texts[4]  # dated the day of the count
