"""In a real browser, the township clerk meets the question before an action that cannot simply
be taken back: with JavaScript as a dialog (dismissed, nothing changes; accepted, it is done),
without JavaScript as a page (返回 changes nothing; 确认 does it). Three actions: a candidate's
disqualification, a scrutineer's removal and a risk point's deletion (an htmx form)."""

import datetime

import pytest

from ballots.congress import services as bs
from candidates import services as cs
from candidates.models import Candidacy
from renewal.models import RiskPoint
from tests.browser import log_in
from tests.factories import party_member, roster_members
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def actions(world, personas):
    unit = world["unit_a1"]
    candidacies = [
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=unit,
            person=party_member(unit),
            body="party",
            post="party_member",
        )
        for _ in range(2)
    ]
    congress = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 20), place="会议室", chair="王"
    )
    chief, teller, other = roster_members(unit, ["监票甲", "计票乙", "监票丙"])
    bs.scrutineer_add(congress=congress, person=chief, role="chief")
    bs.scrutineer_add(congress=congress, person=teller, role="teller")
    bs.scrutineer_add(congress=congress, person=other, role="chief")
    return {"candidacies": candidacies, "congress": congress, "risk": world["risk_a1"]}


def _status(candidacy):
    return Candidacy.objects.get(pk=candidacy.pk).status


def test_with_javascript_the_dialog_asks_and_only_acceptance_acts(
    live_server, page, world, actions
):
    log_in(page, live_server, "staff_a", PASSWORD)
    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", handle)

    # A candidate's disqualification names the person and what follows.
    candidacy = actions["candidacies"][0]
    name = candidacy.person.name
    page.goto(f"{live_server.url}/candidates/{candidacy.pk}/")
    page.fill("#dq-reason", "不符合任职条件")
    answer(False)
    page.click("button:has-text('取消资格')")
    page.wait_for_timeout(300)
    assert questions[-1].startswith(f"取消{name}（")
    assert "不再进入正式候选人名单" in questions[-1]
    assert _status(candidacy) != Candidacy.Status.DISQUALIFIED
    answer(True)
    page.click("button:has-text('取消资格')")
    page.wait_for_selector(".messages li:has-text('已取消资格')")
    assert _status(candidacy) == Candidacy.Status.DISQUALIFIED

    # A scrutineer's removal.
    congress = actions["congress"]
    page.goto(f"{live_server.url}/congresses/{congress.pk}/")
    answer(False)
    page.locator("li:has-text('监票甲') button:has-text('取消')").click()
    page.wait_for_timeout(300)
    assert questions[-1].startswith("取消监票甲的") and "计票前须另行推选" in questions[-1]
    assert congress.scrutineers.count() == 3
    answer(True)
    page.locator("li:has-text('监票甲') button:has-text('取消')").click()
    page.wait_for_selector(".messages li:has-text('已取消监票甲')")
    assert not congress.scrutineers.filter(person__name="监票甲").exists()

    # A risk point's deletion, through htmx.
    risk = actions["risk"]
    page.goto(f"{live_server.url}/units/{world['unit_a1'].pk}/")
    answer(False)
    page.click("#risk-list button:has-text('删除')")
    page.wait_for_timeout(300)
    assert risk.description in questions[-1] and "删除后不能恢复" in questions[-1]
    assert RiskPoint.objects.filter(pk=risk.pk).exists()
    answer(True)
    page.click("#risk-list button:has-text('删除')")
    page.wait_for_selector("#risk-list li:has-text('未登记风险点')")
    assert not RiskPoint.objects.filter(pk=risk.pk).exists()
    assert len(questions) == 6


def test_without_javascript_a_page_asks_and_only_confirming_acts(
    live_server, new_context, world, actions
):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, "staff_a", PASSWORD)

    def ask_then_go_back(open_form, submit, back_to):
        page.goto(open_form)
        submit()
        page.wait_for_selector("#confirm-question")
        question = page.inner_text("#confirm-question") + page.inner_text("#confirm-consequence")
        page.click("a.btn:has-text('返回')")
        page.wait_for_url(back_to)
        return question

    # The disqualification: the page names the person; 返回 leaves them a candidate.
    candidacy = actions["candidacies"][1]
    url = f"{live_server.url}/candidates/{candidacy.pk}/"

    def disqualify():
        page.fill("#dq-reason", "不符合任职条件")
        page.click("button:has-text('取消资格')")

    question = ask_then_go_back(url, disqualify, url)
    assert candidacy.person.name in question and "不再进入正式候选人名单" in question
    assert _status(candidacy) != Candidacy.Status.DISQUALIFIED
    page.goto(url)
    disqualify()
    page.click("button:has-text('确认取消资格')")
    page.wait_for_selector(".messages li:has-text('已取消资格')")
    assert _status(candidacy) == Candidacy.Status.DISQUALIFIED
    assert Candidacy.objects.get(pk=candidacy.pk).status_reason == "不符合任职条件"

    # The scrutineer.
    congress = actions["congress"]
    url = f"{live_server.url}/congresses/{congress.pk}/"

    def remove():
        page.locator("li:has-text('计票乙') button:has-text('取消')").click()

    question = ask_then_go_back(url, remove, url)
    assert "计票乙" in question
    assert congress.scrutineers.filter(person__name="计票乙").exists()
    page.goto(url)
    remove()
    page.click("button:has-text('确认取消')")
    page.wait_for_selector(".messages li:has-text('已取消计票乙')")
    assert not congress.scrutineers.filter(person__name="计票乙").exists()

    # The risk point: its htmx form posts as a plain form.
    risk = actions["risk"]
    url = f"{live_server.url}/units/{world['unit_a1'].pk}/"

    def delete():
        page.click("#risk-list button:has-text('删除')")

    question = ask_then_go_back(url, delete, url)
    assert risk.description in question
    assert RiskPoint.objects.filter(pk=risk.pk).exists()
    page.goto(url)
    delete()
    page.click("button:has-text('确认删除')")
    page.wait_for_selector("#risk-list li:has-text('未登记风险点')")
    assert not RiskPoint.objects.filter(pk=risk.pk).exists()
