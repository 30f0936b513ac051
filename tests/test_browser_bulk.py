"""In a real browser, the bulk actions walked by the roles that use them: the township clerk
marks a long congress roster all present and watches the sticky count; the clerk sends
people to vetting with a preset; the police answer them all "无问题" under one 文号; the
township party committee approves them in one go, the ineligible one refused with its
reason; the clerk exports the rows ticked on the candidate list."""

import datetime

import pytest

from ballots.congress import services as bs
from candidates import services as cs
from candidates.models import Candidacy, VettingRequest
from candidates.tests.test_workflow import inspect, new_candidacy
from renewal.models import Department, ExportJob, Profile
from tests.browser import log_in
from tests.factories import PersonFactory, add_roster
from tests.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figures(page):
    return page.inner_text("[data-attendance-count]")


def test_clerk_marks_a_long_roster_all_present_with_and_without_script(
    live_server, new_context, world, personas
):
    unit = world["unit_a1"]
    add_roster(unit.branch, 60, probationary=2)
    congress = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 20), place="会议室", chair="王书记"
    )
    url = f"{live_server.url}/congresses/{congress.pk}/attendance/"

    page = new_context().new_page()
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(url)
    assert figures(page) == "应到 60 人，已到 0 人，缺席 60 人"
    page.click("button:has-text('全部到会')")
    assert figures(page) == "应到 60 人，已到 60 人，缺席 0 人"
    page.wait_for_selector("#quorum:has-text('应到 60 人，实到 60 人')")  # the live verdict
    assert not congress.attendance.filter(present=True).exists()  # nothing saved yet

    # Far down the roster, one member did not come: the count stays in view and follows.
    last = congress.attendance.filter(can_vote=True).order_by("id").last()
    box = page.locator(f"#attendance-{last.pk} input[type=checkbox]")
    box.scroll_into_view_if_needed()
    box.uncheck()
    assert figures(page) == "应到 60 人，已到 59 人，缺席 1 人"
    top = page.locator("[data-attendance-count]").bounding_box()["y"]
    assert 0 <= top < 60
    page.click("button:has-text('保存到会情况')")
    page.wait_for_selector("text=到会情况已保存。")
    voting = congress.attendance.filter(can_vote=True)
    assert voting.filter(present=True).count() == 59
    assert not voting.get(pk=last.pk).present

    # Without script the same buttons are posted: every row is set and saved at once.
    plain = new_context(java_script_enabled=False).new_page()
    log_in(plain, live_server, "staff_a", PASSWORD)
    plain.goto(url)
    plain.click("button:has-text('全不到会')")
    plain.wait_for_selector("text=已清除全部到会勾选并保存。")
    assert figures(plain) == "应到 60 人，已到 0 人，缺席 60 人"
    assert not congress.attendance.filter(present=True).exists()


def test_send_answer_and_approve_many_at_once(live_server, new_context, world, personas):
    leader = personas["leader_a"]
    people = [new_candidacy(world, personas, name=n) for n in ("批甲", "批乙")]
    too_old = new_candidacy(
        world,
        personas,
        name="批丙",
        post="secretary",
        born=datetime.date(1960, 1, 1),
        education="senior",
    )
    everyone = [*people, too_old]
    for c in everyone:
        inspect(c, personas)
    new_candidacy(world, personas, name="未考察")  # preliminary: may be sent, is not ticked
    due = datetime.date.today() + datetime.timedelta(days=5)

    clerk = new_context().new_page()
    log_in(clerk, live_server, "staff_a", PASSWORD)
    clerk.goto(f"{live_server.url}/candidates/vetting/send/")
    clerk.click("button:has-text('勾选：政法和纪检')")
    for name in ("公安", "法院", "检察院", "纪委监委"):
        assert clerk.is_checked(f"label:has-text('{name}') >> input")
    assert not clerk.is_checked("label:has-text('信访') >> input")
    clerk.check("label:has-text('全选人选') >> input")
    assert clerk.inner_text("[data-bulk-count=candidacies]") == "已选 4 项"
    clerk.uncheck("label:has-text('未考察') >> input")
    assert clerk.inner_text("[data-bulk-count=candidacies]") == "已选 3 项"
    clerk.fill("#id_due_date", due.isoformat())
    clerk.click("button:has-text('发送')")
    clerk.wait_for_selector("text=已发送 12 项联审请求（3 名人选）。")

    police = new_context().new_page()
    police.on("dialog", lambda dialog: dialog.accept())
    log_in(police, live_server, "dept", PASSWORD)
    police.goto(f"{live_server.url}/candidates/vetting/")
    police.check("th input[data-bulk-all=ids]")
    assert police.inner_text("[data-bulk-count=ids]") == "已选 3 项"
    police.fill("input[name=document_number]", "公(2026)21号")
    police.click("button:has-text('所选人员均无问题')")
    police.wait_for_selector("text=已答复 3 人无问题")
    answered = VettingRequest.objects.filter(department__code="police")
    assert set(answered.values_list("status", "document_number")) == {("passed", "公(2026)21号")}
    # The other departments answer one by one, as they always have.
    for code in ("court", "procuratorate", "discipline"):
        department = Department.objects.get(code=code)
        user = make_user(f"{code}_user", Profile.Role.DEPARTMENT_USER, department=department)
        for request in VettingRequest.objects.filter(department=department):
            cs.vetting_answer(actor=user, request=request, passed=True)
    assert set(
        Candidacy.objects.filter(pk__in=[c.pk for c in everyone]).values_list("status", flat=True)
    ) == {"vetted"}

    committee = new_context().new_page()
    committee.on("dialog", lambda dialog: dialog.accept())
    log_in(committee, live_server, leader.username, PASSWORD)
    committee.goto(f"{live_server.url}/candidates/approvals/")
    committee.check("th input[data-bulk-all=ids]")
    committee.click("button:has-text('审核通过所选人选')")
    committee.wait_for_selector("text=已审核通过 2 人：批甲、批乙。")
    committee.wait_for_selector("text=以下 1 人未审核通过：大红城村批丙：不符合资格条件")
    statuses = dict(
        Candidacy.objects.filter(pk__in=[c.pk for c in everyone]).values_list(
            "person__name", "status"
        )
    )
    assert statuses == {"批甲": "township_approved", "批乙": "township_approved", "批丙": "vetted"}


def test_clerk_exports_the_ticked_rows(live_server, new_context, world, personas):
    for name in ("导出一", "导出二", "导出三"):
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=PersonFactory(name=name),
            body="villagers",
            post="committee_member",
        )
    page = new_context().new_page()
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/candidates/")
    page.check("input[aria-label='选择导出一']")
    page.check("input[aria-label='选择导出三']")
    assert page.inner_text("[data-bulk-count=ids]") == "已选 2 项"
    page.click("button:has-text('导出所选')")
    page.wait_for_selector("text=下载 Excel（2 行）")
    job = ExportJob.objects.get(user=personas["staff_a"])
    picked = Candidacy.objects.filter(person__name__in=["导出一", "导出三"])
    assert sorted(map(int, job.params["ids"].split(","))) == sorted(c.pk for c in picked)
