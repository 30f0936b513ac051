"""Long lists (renewal/kit/paging.py): every page holds the rows a plain ordered query would
give it, the number of queries does not grow with the page or its size, and a count above the
limit is shown as approximate."""

import datetime
import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from candidates.models import Candidacy
from candidates.selectors import CANDIDACY_ORDER
from renewal.kit.paging import KeyPaginator, tally
from tests.factories import PersonFactory

D = datetime.date
NAMES = ("张伟", "王芳", "张伟", "李娜", "刘洋", "王芳", "张伟", "陈静")
POSTS = (("party", "party_member"), ("villagers", "committee_member"), ("party", "secretary"))
STATUSES = ("preliminary", "vetted", "formal")


@pytest.fixture
def candidacies(world, personas):
    """37 candidacies in county A (units a1, a2, b1) and 5 in county B; same names, same
    dates of birth and several posts per person, so that the sorts tie and the id decides."""
    cache.clear()
    units = itertools.cycle([world["unit_a1"], world["unit_a2"], world["unit_b1"]])
    rows = []
    for n in range(37):
        person = PersonFactory(name=NAMES[n % len(NAMES)], birth_date=D(1970 + n % 4, 1, 1))
        body, post = POSTS[n % len(POSTS)]
        rows.append(
            Candidacy(
                round=world["round"],
                unit=next(units),
                person=person,
                body=body,
                post=post,
                status=STATUSES[n % len(STATUSES)],
                created_by=personas["staff_a"],
            )
        )
    other_round = world["unit_c1"].county.rounds.get()
    for _ in range(5):
        rows.append(
            Candidacy(
                round=other_round,
                unit=world["unit_c1"],
                person=PersonFactory(name="张伟"),
                body="party",
                post="party_member",
                created_by=personas["staff_a"],
            )
        )
    return Candidacy.objects.bulk_create(rows)


def shown(response) -> list[int]:
    return [c.pk for c in response.context["page"].object_list]


FILTERS = [{}, {"township": "township_a"}, {"status": "vetted"}, {"q": "张"}]


def plain(world, filters) -> "Candidacy.objects":
    qs = Candidacy.objects.filter(unit__county=world["county_a"])
    if "township" in filters:
        qs = qs.filter(unit__township=world[filters["township"]])
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "q" in filters:
        qs = qs.filter(person__name__contains=filters["q"])
    return qs


@pytest.mark.django_db
@override_settings(UNITS_PAGE_SIZE=4)
@pytest.mark.parametrize("sort", list(CANDIDACY_ORDER))
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "all")
def test_first_middle_and_last_pages_hold_the_rows_of_the_plain_ordered_list(
    client, world, personas, candidacies, sort, filters
):
    client.force_login(personas["reviewer"])
    expected = list(
        plain(world, filters).order_by(*CANDIDACY_ORDER[sort]).values_list("pk", flat=True)
    )
    assert len(expected) > 4
    last = -(-len(expected) // 4)
    params = {k: (world[v].pk if k == "township" else v) for k, v in filters.items()}
    for number in sorted({1, 2, (last + 1) // 2, last - 1, last}):
        response = client.get("/candidates/", {**params, "sort": sort, "page": number})
        assert response.status_code == 200
        assert shown(response) == expected[(number - 1) * 4 : number * 4], (sort, number)


@pytest.mark.django_db
def test_the_number_of_queries_is_the_same_on_every_page_and_for_every_size(
    client, world, personas, candidacies
):
    client.force_login(personas["reviewer"])
    client.get("/candidates/")  # session, permissions and the like warmed up
    counts = set()
    for size, number in ((3, 1), (3, 6), (3, 13), (10, 1), (10, 2), (10, 4)):
        with override_settings(UNITS_PAGE_SIZE=size):
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/candidates/", {"sort": "name", "page": number})
        assert response.status_code == 200 and shown(response)
        counts.add(len(queries))
    assert len(counts) == 1, counts


@pytest.mark.django_db
def test_a_count_above_the_limit_is_shown_as_approximate(client, world, personas, candidacies):
    client.force_login(personas["reviewer"])
    with override_settings(PAGING_EXACT_COUNT_LIMIT=100):
        body = client.get("/candidates/").content.decode()
    assert "共 37 人" in body and "约" not in re.search(r'<span id="list-count".*?</span>', body)[0]
    with override_settings(PAGING_EXACT_COUNT_LIMIT=20):
        body = client.get("/candidates/").content.decode()
        count = re.search(r'<span id="list-count".*?</span>', body, re.S)[0]
        assert "共 约 37 人" in count and "数量较多，为约数" in count
        # Filtered below the limit: that count is exact.
        body = client.get("/candidates/", {"township": world["township_b"].pk}).content.decode()
        count = re.search(r'<span id="list-count".*?</span>', body, re.S)[0]
        assert "共 约 37 人，符合筛选条件的 12 人" in count


@pytest.mark.django_db
@override_settings(PAGING_EXACT_COUNT_LIMIT=10)
def test_the_approximate_count_is_kept_and_the_last_page_still_ends_on_the_last_row(
    world, personas, candidacies
):
    qs = Candidacy.objects.filter(unit__county=world["county_a"]).order_by("person__name")
    first = tally(qs)
    assert first == 37 and first.approximate and first.label == "约 37"
    newest = Candidacy.objects.create(
        round=world["round"],
        unit=world["unit_a1"],
        person=PersonFactory(name="黄磊"),  # sorts last among the names here
        body="party",
        post="party_member",
        created_by=personas["staff_a"],
    )
    paginator = KeyPaginator(qs, 4)
    assert paginator.count == 37  # cached
    last = paginator.page(paginator.num_pages)
    assert [c.pk for c in last][-1] == newest.pk


@pytest.mark.django_db
def test_a_filter_that_can_match_nothing_is_an_empty_list(client, world, personas):
    """``pk__in=[]`` has no SQL at all: counted as nothing, not a server error."""
    assert tally(Candidacy.objects.filter(pk__in=[])) == 0
    assert tally(Candidacy.objects.none()) == 0
    paginator = KeyPaginator(Candidacy.objects.filter(pk__in=[]).order_by("pk"), 10)
    assert paginator.count == 0 and list(paginator.page(1)) == []
    # The unit list asked for the overdue units when none is overdue.
    client.force_login(personas["reviewer"])
    assert client.get("/units/?overdue=1").status_code == 200


@pytest.mark.django_db
def test_an_ordering_without_the_id_gets_it_as_the_tiebreaker(world, personas, candidacies):
    qs = Candidacy.objects.filter(unit__county=world["county_a"]).order_by("-person__name")
    expected = list(qs.order_by("-person__name", "pk").values_list("pk", flat=True))
    paginator = KeyPaginator(qs, 5)
    got = [c.pk for n in paginator.page_range for c in paginator.page(n)]
    assert got == expected


@pytest.mark.django_db
def test_a_page_keeps_the_lists_select_related(
    world, personas, candidacies, django_assert_num_queries
):
    qs = Candidacy.objects.select_related("person", "unit__township").order_by("unit__code")
    page = KeyPaginator(qs, 5).page(3)
    with django_assert_num_queries(0):
        assert all(c.person.name and c.unit.township.name for c in page)


@pytest.mark.django_db
def test_rows_worked_out_in_python_are_sliced():
    paginator = KeyPaginator(list(range(10)), 3)
    assert paginator.count == 10 and not paginator.count.approximate
    assert list(paginator.page(1)) == [0, 1, 2] and list(paginator.page(4)) == [9]


# The candidate list's orders by the person's and the unit's own fields: the copies kept on
# the candidacy (candidates.models.SORT_KEYS) must give the same rows in the same order.
BY_OWN_FIELDS = {
    "unit": ("unit__code", "body", "post", "id"),
    "name": ("person__name", "unit__code", "id"),
    "birth_date": ("person__birth_date", "id"),
    "-birth_date": ("-person__birth_date", "-id"),
    "status": ("status", "unit__code", "id"),
}


@pytest.mark.django_db
@override_settings(UNITS_PAGE_SIZE=4)
@pytest.mark.parametrize("sort", list(CANDIDACY_ORDER))
@pytest.mark.parametrize("who", ["province_reviewer", "reviewer"])
def test_every_page_of_every_sort_holds_the_rows_ordered_by_the_persons_own_fields(
    client, world, personas, candidacies, sort, who
):
    """Walked page by page, across the middle where the pages turn to the far end, the list
    (all of it for the province, a county's for its reviewer) repeats and skips no row."""
    client.force_login(personas[who])
    qs = Candidacy.objects.all()
    if who == "reviewer":
        qs = qs.filter(unit__county=world["county_a"])
    expected = list(qs.order_by(*BY_OWN_FIELDS[sort]).values_list("pk", flat=True))
    shown_rows = []
    for number in range(1, -(-len(expected) // 4) + 1):
        response = client.get("/candidates/", {"sort": sort, "page": number})
        assert response.status_code == 200
        shown_rows += shown(response)
    assert shown_rows == expected
