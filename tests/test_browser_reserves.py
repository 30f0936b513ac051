"""In a real browser: township staff keep their own reserve pool (后备干部库): add someone by ID
number (sex and birth date fill in as it is typed), import more from Excel, then propose a
roster member for the party committee in one click."""

import datetime

import pytest
from openpyxl import Workbook

from candidates.models import Candidacy, ReserveCadre
from renewal.kit.idcard import make_id_number
from renewal.models import Person
from tests.browser import log_in, menu_item
from tests.factories import PersonFactory, party_member
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = make_id_number("152622", datetime.date(1994, 6, 18), 5, "F")


def sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["村(社区)区划代码", "姓名", "公民身份号码", "学历", "政治面貌", "培养方向"])
    for values in rows:
        ws.append(values)
    wb.save(path)


def test_add_import_and_propose_from_the_pool(
    live_server, page, world, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    unit = world["unit_a1"]
    member = party_member(
        unit, PersonFactory(name="党员宋", political_status="full_member", education="college")
    )
    newcomer = make_id_number("152622", datetime.date(1990, 2, 3), 8, "M")
    upload = tmp_path / "后备干部.xlsx"
    sheet(
        upload,
        [
            [unit.code, "党员宋", member.id_number, "", "", "村党组织委员"],
            [unit.code, "新人赵", newcomer, "高中/中专", "群众", "村委会委员"],
        ],
    )

    log_in(page, live_server, "staff_a", PASSWORD)
    menu_item(page, "候选人").click()
    page.click("main a.btn:has-text('后备干部库')")
    page.click("main a.btn:has-text('加入后备干部库')")
    page.select_option("#id_unit", label="城关镇 · 大红城村")
    page.fill("#id_name", "新人钱")
    page.type("#id_id_number", TYPED)
    # Filled in by static/js/idcard-fields.js as the number is typed.
    assert page.input_value("#id_birth_date") == "1994-06-18"
    assert page.input_value("#id_sex") == "F"
    page.select_option("#id_education", "college")
    page.select_option("#id_political_status", "league")
    page.fill("#id_direction", "村委会主任")
    page.click("button:has-text('加入')")
    page.wait_for_selector("text=已将 新人钱 加入大红城村后备干部库。")
    assert "村委会主任" in page.inner_text("#reserve-results")
    added = Person.objects.get(name="新人钱")
    assert (added.sex, added.birth_date) == ("F", datetime.date(1994, 6, 18))

    page.click("main a.btn:has-text('从 Excel 导入')")
    page.set_input_files("#id_file", str(upload))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("text=校验通过")
    assert "将新增 1 人、更新 1 人；将入库 2 人" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成")
    page.click("text=查看后备干部库")
    page.wait_for_selector("#reserve-results")
    pool = page.inner_text("#reserve-results")
    assert "党员宋" in pool and "新人赵" in pool and "新人钱" in pool
    assert ReserveCadre.objects.filter(unit=unit, status="active").count() == 3

    row = page.locator("#reserve-results tr", has_text="党员宋")
    row.locator("select[name=body]").select_option("party")
    row.locator("select[name=post]").select_option("party_member")
    row.locator("button:has-text('提名')").click()
    page.wait_for_selector("h1:has-text('党员宋')")
    assert "已将 党员宋 提名为初步人选。" in page.content()
    candidacy = Candidacy.objects.get()
    assert (candidacy.person, candidacy.body, candidacy.status) == (member, "party", "preliminary")
    assert ReserveCadre.objects.get(person=member).status == "proposed"
