"""No query parameter value makes a page answer 500.

Every GET URL of the URLconf is requested with its permission-matrix row's path, as the
first persona tests/walk_form_values.py walks it with, on the matrix's world. A page's parameters
are the fields of its GET forms and the names in its own links' query strings, plus q, page
and sort, which list pages share. Control characters are refused with a 400 page before any
view runs, whichever parameter holds them, so one request each sets them in all parameters.
The other hostile values (a very long string, numbers out of any range, quotes and angle
brackets, a non-number, an impossible date) are set one parameter at a time, so that one
invalid parameter cannot hide another's failure; a file download, whose parameters its page
does not show, gets them in q, page and sort at once.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests import test_permission_matrix as permission_matrix
from tests import walk_form_values as form_values

MATRIX, log_in = permission_matrix.MATRIX, permission_matrix.log_in
shared_world, matrix = permission_matrix.shared_world, permission_matrix.matrix

SHARED = ("q", "page", "sort")
# Control characters: refused before any view runs.
CONTROL = ("\x00", "a\x01b", "\x1b[0m")
VALUES = (
    "%00'\"<>",  # "%00" as text, not the byte
    "x" * 3000,
    "-1",
    "9999999999999",
    "99999999999999999999999999",
    "abc",
    "2026-02-30",
    "²",  # a digit to str.isdigit, not a number to int()
)
NOT_GET = ("csrfmiddlewaretoken",)


class _Parameters(HTMLParser):
    """The names of a page's GET form fields and of its links' query parameters."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.names = set()
        self._get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._get_form = attrs.get("method", "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and "?" in attrs.get("href", ""):
            url = urlsplit(attrs["href"])
            if url.path in ("", self.path):
                self.names.update(name for name, _v in parse_qsl(url.query, True))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "form":
            self._get_form = False


def page_parameters(path: str, html: str) -> list[str]:
    parser = _Parameters(urlsplit(path).path)
    parser.feed(html)
    parser.close()
    return sorted((parser.names | set(SHARED)) - set(NOT_GET))


def fuzz_cases():
    """Each GET URL as the first persona the form-values walk opens it as; the files and
    redirects of NOT_PAGES as the first persona let in."""
    cases = []
    for name, (method, _build, _data, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        if name in form_values.NOT_PAGES:
            order = (*form_values.EDITORS, *form_values.OTHERS)
            cases.append((name, next(p for p in order if expected[p] in (200, 301, 302))))
        else:
            cases.append((name, form_values._may_open(expected, method)[0]))
    return cases


CASES = fuzz_cases()


def test_every_get_url_is_fuzzed():
    fuzzed = {name for name, _persona in CASES}
    gets = {name for name, row in MATRIX.items() if row[0] == "get"}
    assert gets == fuzzed, f"GET URLs not fuzzed: {sorted(gets - fuzzed)}"


def _get(client, label, path, base, params):
    try:
        return client.get(f"{path}?{urlencode({**base, **params})}")
    except Exception as error:
        pytest.fail(f"{label} {params}: {error!r}")


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_hostile_query_values_never_give_500(client, matrix, name, persona):
    world, personas, extras = matrix
    _method, build, _data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    url = urlsplit(build(world, extras))
    response = client.get(build(world, extras))
    is_page = response["Content-Type"].startswith("text/html")
    params = page_parameters(url.path, response.content.decode() if is_page else "")
    base, label = dict(parse_qsl(url.query, True)), f"{name} as {persona}"
    for value in CONTROL:
        response = _get(client, label, url.path, base, dict.fromkeys(params, value))
        assert response.status_code == 400, f"{label} {value!r}: {response.status_code}"
        assert "控制字符" in response.content.decode()
    for value in VALUES:
        for group in [[p] for p in params] if is_page else [params]:
            response = _get(client, label, url.path, base, dict.fromkeys(group, value))
            assert response.status_code < 500, f"{label} {group}={value[:20]!r}"
