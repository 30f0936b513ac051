"""At 1366×768 nothing wraps or overflows: every main page of every main role fits the
window's width, the brand and each menu item stay on one line, and the menu marks where
the user is.

The pages are the permission matrix's rows (its world, with stored dates, so that forms
and tables carry real values), opened by each role that the matrix lets in. A screenshot
of each is saved to $SCREENSHOT_DIR when set (to compare before and after a layout change),
otherwise under the test's tmp_path.

The dashboards and the big screen are held to the same rule (the screen's own fit at
1920×1080 is tests/test_browser_dashboard.py's). The widths are those of real Chinese text:
without a CJK font chromium draws boxes of another width, so the test refuses to run
without one (.ci/run installs Debian's fonts-noto-cjk).
"""

import os
import pathlib
import subprocess

import pytest
from django.core.cache import cache

from tests.browser import log_in, menu_item
from tests.dated_records import add_dated_records
from tests.fixtures import PASSWORD, build_personas, build_world
from tests.test_permission_matrix import MATRIX, build_extras

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("staff_a", "reviewer", "leader_a", "discipline", "dept", "admin")
MAIN_PAGES = (
    "renewal:home",
    "renewal:unit-list",
    "renewal:unit-detail",
    "candidates:candidacy-list",
    "candidates:candidacy-detail",
    "candidates:vetting-queue",
    "candidates:approvals",
    "candidates:reserve-list",
    "ballots:congress-list",
    "ballots:congress-attendance",
    "ballots:congress-detail",
    "ballots:round-detail",
    "villagers:election-list",
    "villagers:election-detail",
    "renewal:seat-change-list",
    "renewal:round-list",
    "renewal:round-detail",
    "aftercare:overview",
    "aftercare:handover-detail",
    "aftercare:unit-audit",
    "rollup:daily-report-list",
    "rollup:stat-form-list",
    "rollup:stat-form",
    "discipline:case-list",
    "discipline:case-detail",
    "discipline:intake-create",
    "discipline:dashboard",
    "discipline:ledger",
    "discipline:informant-list",
    "discipline:coverage",
    "renewal:security-events",
    "renewal:password-change",
)
DASHBOARDS = ("rollup:dashboard-home", "rollup:dashboard", "rollup:screen")
# Pages shown without the top strip and the menu (the big screen fills the window).
UNFRAMED = ("rollup:screen",)
HTMX_IDLE = "() => !document.querySelector('.htmx-request')"

# The page's problems at this width: a horizontal scroll bar, a wrapped brand or menu item,
# the user strip on more than one line.
MEASURE = """
(framed) => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.top))).size;
  };
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`page is ${root.scrollWidth}px wide in ${root.clientWidth}px`);
  }
  if (document.title.includes("<")) problems.push(`the title holds markup: ${document.title}`);
  if (!framed) return problems;
  const brand = document.querySelector(".brand");
  if (!brand) problems.push("no brand");
  else if (lines(brand) !== 1) problems.push("the brand wraps");
  const items = document.querySelectorAll("nav.sidenav a");
  if (!items.length) problems.push("no menu");
  for (const a of items) {
    if (lines(a) !== 1) problems.push(`menu item ${a.textContent.trim()} wraps`);
    if (a.scrollWidth > a.clientWidth) problems.push(`menu item ${a.textContent.trim()} is cut`);
  }
  for (const el of document.querySelectorAll(".who > *")) {
    if (lines(el) > 1) problems.push(`${el.textContent.trim()} wraps`);
  }
  return problems;
}
"""


def screenshot_dir(tmp_path):
    path = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pages_for(role, world, extras):
    names = [n for n in MAIN_PAGES + DASHBOARDS if MATRIX[n][3][role] == 200]
    return [(name, MATRIX[name][1](world, extras)) for name in names]


def test_every_main_page_fits_1366_wide(live_server, new_context, settings, tmp_path):
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font installed: apt-get install fonts-noto-cjk"
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()
    world = build_world()
    personas = build_personas(world)
    extras = build_extras(world, personas)
    extras.update(add_dated_records(world, personas, extras))
    shots = screenshot_dir(tmp_path)

    problems = []
    opened = 0
    for role in ROLES:
        page = new_context().new_page()
        log_in(page, live_server, role, PASSWORD)
        for name, path in pages_for(role, world, extras):
            response = page.goto(live_server.url + path)
            page.wait_for_function(HTMX_IDLE)
            assert response.status == 200, f"{role} {name}: {response.status}"
            page.screenshot(path=shots / f"{role}-{name.replace(':', '-')}.png")
            opened += 1
            problems += [
                f"{role} {name} {path}: {p}" for p in page.evaluate(MEASURE, name not in UNFRAMED)
            ]
        page.context.close()
    assert opened > 60  # the walk is real
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_menu_marks_where_the_user_is(live_server, page, world, personas):
    """One menu item, the one of the page's section, carries aria-current="page"; a detail
    page marks its list's item. The menu is reached with the keyboard right after the top
    strip's links."""
    log_in(page, live_server, "staff_a", PASSWORD)
    current = page.locator('nav.sidenav a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "工作台"

    page.goto(f"{live_server.url}/units/{world['unit_a1'].pk}/")
    assert current.count() == 1 and current.inner_text() == "村(社区)"
    page.goto(f"{live_server.url}/rounds/")
    assert current.count() == 1 and current.inner_text() == "换届时间表"

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # 退出
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "工作台"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_the_menu_works_without_javascript(live_server, new_context, world, personas):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, "reviewer", PASSWORD)
    menu_item(page, "村(社区)").click()
    page.wait_for_url(f"{live_server.url}/units/")
    menu_item(page, "资格联审").click()
    page.wait_for_url(f"{live_server.url}/candidates/vetting/")
    current = page.locator('nav.sidenav a[aria-current="page"]')
    assert current.inner_text() == "资格联审"


def test_the_menu_is_hidden_when_printing(live_server, page, personas):
    log_in(page, live_server, "staff_a", PASSWORD)
    page.emulate_media(media="print")
    assert not page.locator("nav.sidenav").is_visible()
    assert page.locator("main").is_visible()


def test_a_detail_page_says_where_it_is_and_what_comes_next(
    live_server, new_context, world, personas
):
    """The township clerk follows the next step to where it is done; the county reviewer
    reads it without a link (the township does it); the breadcrumbs lead back to the unit."""
    from candidates import services as cs
    from tests.factories import party_member

    unit = world["unit_a1"]
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=unit,
        person=party_member(unit),
        body="party",
        post="party_member",
    )
    detail = f"{live_server.url}/candidates/{candidacy.pk}/"

    page = new_context().new_page()
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(detail)
    step = page.locator("#next-step")
    assert step.inner_text().replace("\n", "") == "下一步：登记组织考察结果"
    step.get_by_role("link", name="登记组织考察结果").click()
    page.wait_for_url(f"{detail}#handle")
    assert page.locator("#handle form").first.is_visible()
    crumbs = page.get_by_role("navigation", name="所在位置")
    assert crumbs.locator("li").all_inner_texts() == [
        "和林格尔县",
        "城关镇",
        "大红城村",
        candidacy.person.name,
    ]
    crumbs.get_by_role("link", name="大红城村").click()
    page.wait_for_url(f"{live_server.url}/units/{unit.pk}/")
    page.context.close()

    page = new_context().new_page()
    log_in(page, live_server, "reviewer", PASSWORD)
    page.goto(detail)
    assert page.locator("#next-step").inner_text().replace("\n", "") == "下一步：登记组织考察结果"
    assert page.locator("#next-step a").count() == 0
