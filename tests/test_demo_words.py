"""The demo, read by each of its users: every page reachable by links from the home page
speaks the user's words (tests/user_words.py). The demo holds what the permission matrix's
world does not: many units in every stage, communities beside villages, held congresses and
elections, cases and reports; the links reach the pages people actually open."""

import re
from collections import Counter, deque
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from renewal.management.commands.seed_demo import DEMO_USERS
from tests.html_inputs import HTMLParser
from tests.user_words import word_problems

pytestmark = pytest.mark.django_db
PAGES_PER_USER = 150
PAGES_PER_KIND = 3
NOT_FOLLOWED = ("/logout/", "/admin/", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links(html: str, here: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.links:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href:
            continue
        if href.startswith("?"):
            href = urlsplit(here).path + href
        if href.startswith("/") and not href.startswith(NOT_FOLLOWED):
            found.append(href)
    return found


def test_every_linked_page_speaks_the_users_words(client, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    settings.TWO_FACTOR_FOR_SUPERUSERS = False
    call_command("seed_demo", units=16, stdout=StringIO())
    problems = {}
    for login, *_ in DEMO_USERS:
        client.force_login(get_user_model().objects.get(username=login))
        seen, kinds, queue = set(), Counter(), deque(["/"])
        while queue and len(seen) < PAGES_PER_USER:
            path = queue.popleft()
            # Pages of one kind differ by their ids and query: a few of each are enough.
            kind = re.sub(r"\d+", "N", urlsplit(path).path)
            if path in seen or kinds[kind] >= PAGES_PER_KIND:
                continue
            seen.add(path)
            kinds[kind] += 1
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            for problem in word_problems(html):
                problems.setdefault(problem, f"{path} as {login}")
            queue.extend(links(html, path))
    assert not problems, "\n".join(f"{p}  ({where})" for p, where in sorted(problems.items()))
