"""In a real browser: township staff set up a villagers' election and import its voter register."""

import pytest

from ballots.models import VoterRegistration
from ballots.tests.villagers_helpers import build_xlsx, ensure_rule_packs, voter_id, voter_row
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_election_import_register_fix_and_see_it(
    live_server,
    page,
    world,
    personas,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_rule_packs()
    bad = tmp_path / "选民名单.xlsx"
    bad.write_bytes(
        build_xlsx([voter_row(1), voter_row(2, 公民身份号码="15262219")] + [voter_row(3)])
    )
    good = tmp_path / "选民名单-改.xlsx"
    good.write_bytes(build_xlsx([voter_row(1), voter_row(2), voter_row(3)]))

    log_in(page, live_server, "staff_a", PASSWORD)
    menu_item(page, "村(居)委会选举").click()
    page.select_option("#new-election-unit", label="城关镇 · 大红城村")
    page.click("button:has-text('新建选举')")
    page.fill("#id_election_day", "2027-01-20")
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('大红城村村民委员会选举')")
    assert "内蒙古自治区（示例）" in page.content()

    page.click("main a.btn:has-text('从 Excel 导入')")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并校验')")
    problems = page.locator("#import-status table")
    problems.wait_for()
    text = problems.inner_text()
    assert "公民身份号码应为 18 位" in text
    assert "3" in page.locator("#import-status tbody tr td").first.inner_text()
    assert not VoterRegistration.objects.exists()

    page.click("text=修改后重新上传")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("text=校验通过")
    assert "将登记选民 3 人" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成")

    page.click("text=查看选民名单")
    page.wait_for_selector("#voter-results")
    register = page.inner_text("#voter-results")
    for n in (1, 2, 3):
        assert f"选民{n}" in register
    assert voter_id(1) not in register
    assert voter_id(1)[:6] + "********" + voter_id(1)[-4:] in register
    assert "有效选民 3 人" in register

    # Filtering by name swaps the results in place (htmx).
    page.fill("#id_q", "选民2")
    page.press("#id_q", "Enter")
    page.wait_for_function(
        "() => !document.querySelector('#voter-results').innerText.includes('选民3')"
    )
    assert "选民2" in page.inner_text("#voter-results")


def test_the_published_list_is_frozen_and_corrected_on_record(live_server, page, world, personas):
    """The clerk publishes the list; a direct edit is refused, pointing to 异议/更正; a
    correction with its reason changes the voter and shows on 公布后的变更 and the reprint."""
    from ballots.tests.villagers_helpers import make_election, register

    ensure_rule_packs()
    election = make_election(world, personas)
    voters = [register(election, personas, n) for n in (1, 2)]

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/villagers/{election.pk}/")
    page.click("button:has-text('记录名单公布')")
    page.wait_for_selector("text=已记录选民名单公布日期")
    assert "名单公布后已冻结" in page.inner_text("main")

    page.goto(f"{live_server.url}/villagers/voters/{voters[0].pk}/edit/")
    page.fill("#id_group_name", "第二小组")
    page.click("button:has-text('保存')")
    refusal = page.locator(".errorlist.nonfield")
    refusal.wait_for()
    assert "不能再直接增加、修改或移出选民" in refusal.inner_text()
    assert "“异议”" in refusal.inner_text() and "“更正”" in refusal.inner_text()
    voters[0].refresh_from_db()
    assert voters[0].group_name == "第一小组"

    page.click("main p a:has-text('更正')")
    assert page.locator("#id_action").input_value() == "change"
    page.select_option("#id_category", label=voters[0].get_category_display())
    page.fill("#id_group_name", "第二小组")
    page.click("button:has-text('记录更正')")
    errors = page.locator(".errorlist")
    errors.first.wait_for()
    assert "This field" not in errors.first.inner_text()
    page.fill("#id_reason", "小组登记有误，经选举委员会核实")
    page.fill("#id_basis", "选举委员会会议记录")
    page.click("button:has-text('记录更正')")
    page.wait_for_selector("text=已列入“公布后的变更”")
    changes = page.inner_text("table.register-changes")
    assert "修改登记信息：小组由“第一小组”改为“第二小组”" in changes
    assert "选民1（" + voter_id(1)[:6] + "********" in changes
    assert "更正：小组登记有误，经选举委员会核实（依据：选举委员会会议记录）" in changes
    assert "王敏" in changes and "staff_a" not in changes
    voters[0].refresh_from_db()
    assert voters[0].group_name == "第二小组"

    page.click("text=打印公布名单（附变更情况）")
    page.wait_for_selector("h2:has-text('附：公布后变更情况')")
    reprint = page.inner_text("body")
    assert "小组登记有误，经选举委员会核实" in reprint
    assert "选民2" in reprint
