"""The Content-Security-Policy header, its report-only switch, and templates without inline
code (the policy refuses it; the browser walk in tests/test_browser_csp.py sees only the
branches its world reaches, this scan reads every line)."""

import importlib.util
import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = ROOT / "config" / "settings.py"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/login/", "/report/", "/", "/no-such-page/"])
def test_every_answer_carries_the_policy(client, db, path):
    response = client.get(path)
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response


def test_signed_in_pages_and_the_admin_carry_the_policy(client, personas):
    client.force_login(personas["admin"])
    for path in ("/", "/units/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response["Content-Security-Policy"]) == POLICY, path


@pytest.mark.parametrize(
    ("report_only", "header"),
    [
        (None, "Content-Security-Policy"),
        ("0", "Content-Security-Policy"),
        ("1", "Content-Security-Policy-Report-Only"),
        ("true", "Content-Security-Policy-Report-Only"),
    ],
)
def test_csp_report_only_switches_the_header(monkeypatch, report_only, header):
    """config/settings.py run afresh with CSP_REPORT_ONLY set or not; an answer passed
    through the middleware with the settings it produced carries one header, named so."""
    monkeypatch.delenv("CSP_REPORT_ONLY", raising=False)
    if report_only is not None:
        monkeypatch.setenv("CSP_REPORT_ONLY", report_only)
    spec = importlib.util.spec_from_file_location("fresh_settings", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    read = {
        name: getattr(module, name, None)
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    }
    with override_settings(**read):
        response = CSPMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
    headers = {k: v for k, v in response.items() if k.startswith("Content-Security")}
    assert list(headers) == [header]
    assert directives(headers[header]) == POLICY


# What the policy refuses, as it would be written in a template or in Python-made HTML.
INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("<style> block", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"""\sstyle\s*=\s*["'{]""", re.I)),
    ("event handler attribute", re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)),
    ("hx-on (evaluated by htmx)", re.compile(r"\shx-on", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
    ("js: value (evaluated by htmx)", re.compile(r"""hx-(vals|headers)\s*=\s*["']\s*js:""", re.I)),
]
CODE_DIRS = ["templates", "renewal", "candidates", "ballots", "discipline", "config"]
# Modules whose markup is not HTML and never reaches a browser as a page: the xlsx writer's
# SpreadsheetML has its own style attributes (a cell's border style, its style index).
NOT_HTML = {"renewal/kit/xlsx_stream.py"}


def _sources():
    for top in CODE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            if path.suffix in (".html", ".py", ".txt"):
                if str(path.relative_to(ROOT)) not in NOT_HTML:
                    yield path


def test_no_inline_code_in_templates_or_python_made_html():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if path.suffix == ".py" and ("<" not in line or line.lstrip().startswith("#")):
                continue  # Python makes HTML in strings with tags; comments are prose
            for what, pattern in INLINE:
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert not found, "Inline code the Content-Security-Policy refuses:\n" + "\n".join(found)


def test_the_scan_finds_inline_code():
    samples = [
        '<p style="color:red">',
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<select onchange="this.form.submit()">',
        '<div hx-on:click="x()">',
        '<a href="javascript:void(0)">',
        "<div hx-vals='js:{a: 1}'>",
    ]
    for sample in samples:
        assert any(p.search(sample) for _what, p in INLINE), sample
    for fine in ['<script src="/static/js/a.js" defer></script>', '<p class="styled">', "onion"]:
        assert not any(p.search(fine) for _what, p in INLINE), fine
