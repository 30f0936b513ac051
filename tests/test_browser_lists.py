"""The candidate list in a real browser: the township clerk filters and pages, and the address
keeps the filter while the count says how many there are and how many match; the 新增人选
button opens the add form for the chosen village. The county reviewer, who does not enter
candidates, has no such button."""

import re

import pytest

from candidates import access
from candidates import services as cs
from candidates.models import Candidacy
from tests.browser import log_in
from tests.factories import PersonFactory, party_member
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_candidate_list_keeps_its_filter_counts_and_adds(
    live_server, new_context, settings, world, personas
):
    settings.UNITS_PAGE_SIZE = 3
    unit = world["unit_a1"]
    for _ in range(5):
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=unit,
            person=party_member(unit),
            body="party",
            post="party_member",
        )
    for _ in range(2):
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=unit,
            person=PersonFactory(),
            body="villagers",
            post="committee_member",
        )
    total = access.candidacies_visible_to(personas["staff_a"]).count()
    party = access.candidacies_visible_to(personas["staff_a"]).filter(body="party").count()
    assert total > party > 3

    page = new_context().new_page()
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/candidates/")
    assert page.inner_text("#list-count").startswith(f"共 {total} 人")

    page.select_option("#id_body", "party")
    page.wait_for_url(re.compile(r"body=party"))
    page.wait_for_selector(f"#list-count:has-text('符合筛选条件的 {party} 人')")
    page.click("nav.pager a:has-text('下一页')")
    page.wait_for_url(re.compile(r"body=party.*page=2|page=2.*body=party"))
    page.wait_for_selector("#list-count:has-text('第 2/2 页')")
    assert f"共 {total} 人，符合筛选条件的 {party} 人" in page.inner_text("#list-count")
    shown = page.locator("#candidacy-results tbody tr").count()
    assert shown == party - 3

    # The address alone brings the same page back, filter and all.
    page.reload()
    assert page.input_value("#id_body") == "party"
    assert "第 2/2 页" in page.inner_text("#list-count")
    page.click("nav.pager a:has-text('上一页')")
    page.wait_for_url(re.compile(r"body=party.*page=1|page=1.*body=party"))

    # Sorted youngest first, the order holds across the pages and stays in the address.
    page.select_option("#id_sort", "-birth_date")
    page.wait_for_url(re.compile(r"sort=-birth_date"))
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    births = page.locator("#candidacy-results tbody tr td:nth-child(6)").all_inner_texts()
    page.click("nav.pager a:has-text('下一页')")
    page.wait_for_url(re.compile(r"sort=-birth_date.*page=2|page=2.*sort=-birth_date"))
    page.wait_for_selector("#list-count:has-text('第 2/2 页')")
    births += page.locator("#candidacy-results tbody tr td:nth-child(6)").all_inner_texts()
    assert len(births) == party and births == sorted(births, reverse=True)
    assert page.input_value("#id_body") == "party"

    # 新增人选 opens the add form for the chosen village.
    page.select_option("#new-candidacy-unit", str(unit.pk))
    page.click("button:has-text('新增人选')")
    page.wait_for_url(re.compile(rf"/candidates/new/\?unit={unit.pk}$"))
    assert unit.name in page.inner_text("main")
    assert page.locator("main form[method=post] button[type=submit]").count() >= 1

    # The county reviewer reads the list but enters no candidates.
    page = new_context().new_page()
    log_in(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/candidates/?body=party")
    assert f"符合筛选条件的 {party} 人" in page.inner_text("#list-count")
    assert page.locator("button:has-text('新增人选')").count() == 0
    assert page.locator("#new-candidacy-unit").count() == 0
    assert Candidacy.objects.count() == total
