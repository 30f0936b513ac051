"""In a real browser: township staff keep a unit's party roster (add, edit, import with a
bad row, fix, import again); the member edit page saves back exactly what it shows; the
county reviewer confirms a notice generated before the day's report deadline, without
JavaScript."""

import datetime

import pytest
from django.utils import timezone

from renewal.models import PartyMember, RollupRun, RollupSettings
from renewal.roster import services
from renewal.tests.roster.helpers import build_xlsx, member_id, member_row
from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


def test_staff_add_edit_and_import_the_roster(
    live_server, page, world, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    unit = world["unit_a1"]
    bad = tmp_path / "党员名册.xlsx"
    bad.write_bytes(build_xlsx([member_row(2), member_row(3, 人员类别="党员"), member_row(4)]))
    good = tmp_path / "党员名册-改.xlsx"
    good.write_bytes(build_xlsx([member_row(2), member_row(3), member_row(4)]))

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/units/{unit.pk}/")
    page.click("#roster >> text=查看与维护")
    page.click("text=添加党员")
    page.fill("#id_name", "党员1")
    page.fill("#id_id_number", member_id(1))
    page.select_option("#id_status", label="正式党员")
    page.fill("#id_joined_on", "2000-07-01")
    page.fill("#id_regularized_on", "2001-07-01")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已将党员1加入党员名册")
    assert "正式党员，有表决权、选举权和被选举权" in page.inner_text("#member-results")
    assert "有表决权 1 名" in page.inner_text("#roster-counts").replace("\n", "")

    # Entered as a full member by mistake: a 预备党员 since last summer.
    page.click("#member-results >> text=修改")
    page.select_option("#id_status", label="预备党员")
    page.fill("#id_joined_on", "2025-07-01")
    page.fill("#id_regularized_on", "")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=党员1的党员信息已保存")
    assert "预备党员，没有表决权" in page.inner_text("#member-results")
    assert "有表决权 0 名" in page.inner_text("#roster-counts").replace("\n", "")
    assert not PartyMember.objects.get(person__name="党员1").entitled_on(timezone.localdate())

    page.click("main a.btn:has-text('从 Excel 导入')")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并校验')")
    problems = page.locator("#import-status table")
    problems.wait_for()
    assert "人员类别“党员”无法识别，应为：正式党员、预备党员。" in problems.inner_text()
    assert PartyMember.objects.filter(branch=unit.branch).count() == 1

    page.click("text=修改后重新上传")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("text=校验通过")
    assert "将新增党员 3 名" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成")
    page.click("text=查看党员名册")
    page.wait_for_selector("#member-results")
    roster = page.inner_text("#member-results")
    for n in (1, 2, 3, 4):
        assert f"党员{n}" in roster
    assert member_id(2) not in roster
    assert "有表决权 3 名" in page.inner_text("#roster-counts").replace("\n", "")


def test_the_edit_page_saves_back_exactly_what_it_shows(live_server, page, world, personas):
    member = services.member_add(
        branch=world["unit_a1"].branch,
        id_number=member_id(5),
        name="党员5",
        status="full",
        joined_on=D(1998, 7, 1),
        regularized_on=D(1999, 7, 1),
        on_probation=True,
        probation_until=D(2027, 6, 30),
        transferred_in_on=D(2012, 3, 15),
    )
    PartyMember.objects.filter(pk=member.pk).update(left_on=D(2025, 11, 20))
    fields = [f.name for f in PartyMember._meta.concrete_fields]
    before = PartyMember.objects.filter(pk=member.pk).values(*fields).get()

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/roster/members/{member.pk}/edit/")
    assert page.input_value("#id_transferred_in_on") == "2012-03-15"
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=党员5的党员信息已保存")

    assert PartyMember.objects.filter(pk=member.pk).values(*fields).get() == before


def test_a_notice_before_the_deadline_is_confirmed_without_javascript(
    live_server, new_context, world, personas
):
    county = world["county_a"]
    RollupSettings.objects.create(
        county=county,
        effective_from=D(2020, 1, 1),
        daily_report_deadline=datetime.time.max,
        source="测试设置",
    )
    today = timezone.localdate()
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/rollup/{county.pk}/notices/")
    yesterday = today - datetime.timedelta(days=1)
    assert page.input_value("#id_day") == yesterday.isoformat()

    page.fill("#id_day", today.isoformat())
    page.click("text=生成 / 重建日通报")
    page.wait_for_selector(f"h1:has-text('确认生成 {today:%Y-%m-%d} 的日通报')")
    assert "（2 个）：城关镇、盛乐镇" in page.inner_text("#not-reported")
    assert not RollupRun.objects.exists()
    page.click("text=仍然生成")
    page.wait_for_selector(f"text=已提交生成 {today:%Y-%m-%d} 的日通报")
    assert RollupRun.objects.filter(county=county, day=today).exists()


def test_the_roster_is_frozen_while_the_congress_attendance_is_open(
    live_server, page, world, personas
):
    """After the congress's attendance is taken from the roster a change needs a correction
    reason; the correction shows on the congress page."""
    from ballots.congress.services import congress_create

    unit = world["unit_a1"]
    member = services.member_add(
        branch=unit.branch,
        id_number=member_id(6),
        name="党员6",
        status="full",
        joined_on=D(1998, 7, 1),
        regularized_on=D(1999, 7, 1),
    )
    congress = congress_create(
        unit=unit, held_on=timezone.localdate(), place="村部", chair="主持人"
    )

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/units/{unit.pk}/roster/")
    assert "名册已冻结" in page.inner_text("#roster-frozen")
    assert page.locator("main a.btn:has-text('从 Excel 导入')").count() == 0
    page.click("#member-results >> text=修改")
    page.fill("#id_left_on", "2026-01-05")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".errorlist:has-text('不能再直接增加、修改或删除党员')")
    member.refresh_from_db()
    assert member.left_on is None

    page.fill("#id_reason", "已于 1 月转出，漏登")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=党员6的党员信息已保存")
    page.goto(f"{live_server.url}/congresses/{congress.pk}/")
    changes = page.inner_text("#roster-changes")
    assert "修改党员信息：组织关系转出日期由未填改为2026-01-05" in changes
    assert "已于 1 月转出，漏登" in changes and "王敏" in changes
