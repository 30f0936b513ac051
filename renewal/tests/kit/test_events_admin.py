"""The admin's audit-events page: its facet toggle answers, it never counts every event, and
an unfiltered page works out only the events that can be on it (the same ones, in order)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Events

from renewal.kit.events_admin import MAX_COUNTED_EVENTS
from renewal.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/pghistory/events/",
    "/admin/pghistory/events/?_facets=True",
    "/admin/pghistory/events/?event_model=renewal.personevent&_facets=True",
    "/admin/pghistory/events/?p=2",
]


def visit(client):
    """{url: number of queries}; every page answers 200 and lists the people's events."""
    queries = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        assert "renewal.Person" in response.content.decode(), url
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
        assert len(counts) == 1, url  # the paginator's only: no facets, no full total
        assert f"LIMIT {MAX_COUNTED_EVENTS}" in counts[0]
        queries[url] = len(captured.captured_queries)
    return queries


def test_events_page_and_its_facet_toggle_answer_and_do_not_grow_with_the_events(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    PersonFactory.create_batch(110)  # more than a page
    few = visit(client)
    PersonFactory.create_batch(300)
    assert visit(client) == few


def test_unfiltered_pages_hold_the_same_events_as_the_whole_list(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    people = PersonFactory.create_batch(150)
    # Events spread over time and over two tables, older ones interleaved with newer.
    now = timezone.now()
    with connection.cursor() as cursor:
        for n, person in enumerate(people):
            cursor.execute(
                "UPDATE renewal_personevent SET pgh_created_at = %s WHERE pgh_obj_id = %s",
                [now - datetime.timedelta(minutes=(n * 7) % 130), person.pk],
            )
    Person.objects.filter(pk__in=[p.pk for p in people[:60]]).update(name="改名")
    expected = list(
        Events.objects.order_by("-pgh_created_at", "-pgh_slug").values_list("pgh_slug", flat=True)
    )
    assert len(expected) > 200
    shown = []
    for page in (1, 2, 3):
        response = client.get(f"/admin/pghistory/events/?p={page}")
        assert response.status_code == 200
        shown += [str(obj.pk) for obj in response.context["cl"].result_list]
    assert shown == expected
