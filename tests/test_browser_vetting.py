"""In a real browser: a candidate sent to two departments; one answers, the candidate page
names the other as missing; the second answers and the candidate passes joint vetting."""

import datetime

import pytest

from candidates import services as cs
from candidates.models import Candidacy
from renewal.models import Department, Profile
from tests.browser import log_in, menu_item
from tests.factories import PersonFactory
from tests.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_no_problem(page, live_server, username):
    log_in(page, live_server, username, PASSWORD)
    menu_item(page, "资格联审").click()
    page.click("a.btn:has-text('答复')")
    page.check("input[name=passed][value='1']")
    page.click("button:has-text('提交答复')")
    page.wait_for_selector("text=已答复 联审孙。")


def test_vetting_waits_for_the_second_department_then_passes(
    live_server, new_context, world, personas
):
    court = Department.objects.get_or_create(code="court", defaults={"name": "法院"})[0]
    make_user("court_user", Profile.Role.DEPARTMENT_USER, department=court)
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=PersonFactory(name="联审孙"),
        body="villagers",
        post="director",
    )
    cs.candidacy_record_inspection(
        actor=personas["staff_a"],
        candidacy=candidacy,
        passed=True,
        score=88,
        inspected_on=datetime.date.today(),
    )
    due = datetime.date.today() + datetime.timedelta(days=5)

    staff = new_context().new_page()
    log_in(staff, live_server, "staff_a", PASSWORD)
    staff.goto(f"{live_server.url}/candidates/vetting/send/")
    staff.check("label:has-text('联审孙') >> input")
    staff.check("label:has-text('公安') >> input")
    staff.check("label:has-text('法院') >> input")
    staff.fill("#id_due_date", due.isoformat())
    staff.click("button:has-text('发送')")
    staff.wait_for_selector("text=已发送 2 项联审请求（1 名人选）。")

    answer_no_problem(new_context().new_page(), live_server, "dept")

    detail = f"{live_server.url}/candidates/{candidacy.pk}/"
    staff.goto(detail)
    reasons = staff.inner_text("#vetting-blockers")
    assert f"法院尚未答复（答复时限 {due:%Y-%m-%d}）。" in reasons
    assert "公安" not in reasons

    answer_no_problem(new_context().new_page(), live_server, "court_user")

    staff.goto(detail)
    staff.wait_for_selector("span.tag:has-text('已通过联审')")
    assert staff.locator("#vetting-blockers").count() == 0
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.VETTED
