"""In a real browser: township staff enter a candidate with a wrong ID number, fix it, see it
listed; and an edit saved unchanged leaves the stored record exactly as it was."""

import datetime

import pytest

from candidates import services as cs
from renewal.models import Person
from tests.browser import log_in, menu_item
from tests.factories import PersonFactory, party_member
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_candidate_with_wrong_id_then_correct(live_server, page, world, personas):
    log_in(page, live_server, "staff_a", PASSWORD)

    unit = world["unit_a1"]
    page.goto(f"{live_server.url}/units/{unit.pk}/")
    page.click("main a.btn:has-text('候选人')")
    page.click("text=录入初步人选")
    page.fill("#id_p-name", "陈静")
    page.select_option("#id_p-sex", "F")
    page.fill("#id_p-birth_date", "1949-12-31")
    page.select_option("#id_p-education", "senior")
    page.select_option("#id_p-political_status", "full_member")
    page.fill("#id_p-id_number", "110105194912310021")  # wrong check digit
    page.select_option("#id_c-body", "villagers")
    page.select_option("#id_c-post", "committee_member")
    page.fill("#id_c-votes_party_members", "31")
    page.click("button:has-text('保存')")

    error = page.locator("#id_p-id_number-error")
    error.wait_for()
    assert "校验位不正确" in error.inner_text()
    # What was typed is still there.
    assert page.input_value("#id_p-name") == "陈静"
    assert page.input_value("#id_c-votes_party_members") == "31"

    page.fill("#id_p-id_number", "11010519491231002X")
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('陈静')")
    assert "初步人选" in page.content()
    assert "110105********002X" in page.content()

    menu_item(page, "候选人").click()
    page.wait_for_selector("#candidacy-results")
    assert "陈静" in page.inner_text("#candidacy-results")


def test_saving_the_edit_page_unchanged_keeps_every_stored_value(
    live_server, page, world, personas
):
    person = party_member(
        world["unit_a1"],
        PersonFactory(
            name="党员周",
            sex="F",
            birth_date=datetime.date(1979, 8, 9),
            political_status="full_member",
            party_joined_on=datetime.date(2003, 7, 1),
            education="college",
            tags=["veteran"],
        ),
    )
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="party",
        post="party_member",
        recommendations={"party_members": 33},
    )
    before = Person.objects.values().get(pk=person.pk)

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/candidates/{candidacy.pk}/")
    page.click("a.btn:has-text('编辑')")
    assert page.input_value("#id_p-party_joined_on") == "2003-07-01"
    assert page.input_value("#id_p-birth_date") == "1979-08-09"
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存。")

    assert Person.objects.values().get(pk=person.pk) == before
    assert candidacy.recommendations.get().votes == 33
