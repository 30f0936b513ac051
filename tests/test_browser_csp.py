"""With the Content-Security-Policy enforced, Chromium opens every main page of every role
without a single violation or console error.

The pages are the permission matrix's GET rows that are pages (tests/walk_form_values.py
lists the files and redirects), on the matrix's world with stored dates, one browser context
per role: each page is opened by the first role (see ROLES) the matrix lets in, the home
page by all. The administrator also opens the admin site: its index, and every
registered model's list, add and change pages. A chart is hovered so that its tooltip is
drawn. tests/test_csp.py checks the templates' every branch for inline code, which a walk
can miss.
"""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from tests.browser import log_in
from tests.dated_records import add_dated_records
from tests.fixtures import PASSWORD, build_personas, build_world
from tests.test_permission_matrix import MATRIX, build_extras
from tests.walk_form_values import NOT_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each page is opened by the first of these roles that may open it (in this order): the
# township clerk sees most pages with their forms, the county reviewer the county's, the
# others their own. The home page is opened by all of them. What a page shows only to a
# later role is inline-free all the same: tests/test_csp.py reads every template branch.
ROLES = ("staff_a", "reviewer", "discipline", "dept", "anon", "leader_a", "admin")
OPENERS = 1
# GET rows that are not pages but parts of one, loaded by htmx and checked there.
FRAGMENTS = {
    "candidates:status-counts": "the home page's counts",
    "rollup:noncompliant": "a page of the dashboard's list of late units",
    "aftercare:supervision-visit-place": "the supervision visit form's township and unit lists",
}

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " refused " + (e.blockedURI || "?") + " in "
    + (e.sourceFile || e.documentURI) + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""
# htmx's requests triggered on load (e.g. the home page's counts) have ended.
HTMX_IDLE = "() => !document.querySelector('.htmx-request')"


def pages_by_role(world, personas, extras):
    pages = {role: [] for role in ROLES}
    for name, (method, build, _data, expected) in sorted(MATRIX.items()):
        if method != "get" or name in NOT_PAGES or name in FRAGMENTS:
            continue
        allowed = [role for role in ROLES if expected[role] == 200]
        for role in allowed if name == "renewal:home" else allowed[:OPENERS]:
            pages[role].append((name, build(world, extras)))
    pages["admin"] += admin_pages(personas["admin"])
    return pages


def admin_pages(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [("admin:index", reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"{prefix}_changelist", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{prefix}_add", reverse(f"{prefix}_add")))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append((f"{prefix}_change", reverse(f"{prefix}_change", args=[first.pk])))
    return pages


def open_pages(page, base_url, pages):
    """Open each page; return its problems (violations, console errors, not a 200)."""
    problems = []
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    page.on(
        "response",
        lambda r: console.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    for name, path in pages:
        console.clear()
        response = page.goto(base_url + path)
        page.wait_for_function(HTMX_IDLE)
        if response.status != 200:
            problems.append(f"{name} {path}: {response.status}")
        if not page.locator("head link[rel=stylesheet]").count():
            problems.append(f"{name} {path}: not a whole page (list it in FRAGMENTS)")
        charts = page.locator("[data-chart][data-rendered]")
        if charts.count():
            charts.first.hover()  # the tooltip is drawn where the pointer is
            page.wait_for_timeout(300)
        violations = page.evaluate("window.__csp")
        problems += [f"{name} {path}: {v}" for v in violations]
        problems += [f"{name} {path}: console: {c}" for c in console]
    return problems


def test_every_main_page_obeys_the_policy(live_server, new_context, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()
    world = build_world()
    personas = build_personas(world)
    extras = build_extras(world, personas)
    extras.update(add_dated_records(world, personas, extras))
    pages = pages_by_role(world, personas, extras)
    assert len(pages["staff_a"]) > 50 and len(pages["admin"]) > 40  # the walk is real

    problems = []
    for role in ROLES:
        context = new_context()
        context.add_init_script(COLLECT)
        page = context.new_page()
        if role != "anon":
            log_in(page, live_server, role, PASSWORD)
        problems += open_pages(page, live_server.url, pages[role])
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_collector_sees_what_the_policy_refuses(live_server, page):
    """The walk above would pass if violations were not collected: an inline style and an
    inline script put into a page are refused and reported."""
    page.context.add_init_script(COLLECT)
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML("beforeend", '<p id="x" style="color: red">x</p>');
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
    }"""
    )
    page.wait_for_function("() => window.__csp.length >= 2")
    directives = {v.split()[0] for v in page.evaluate("window.__csp")}
    assert directives == {"style-src-attr", "script-src-elem"}
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("getComputedStyle(document.getElementById('x')).color") != (
        "rgb(255, 0, 0)"
    )
