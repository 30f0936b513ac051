"""Pages that name users by name and role read each user's role with the user: the queries of
a list do not grow with the number of people it names."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renewal.models import AccessLog, Profile, SeatChange
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db


def _named_rows(world, start, n):
    for i in range(start, start + n):
        clerk = make_user(
            f"clerk{i}", Profile.Role.TOWNSHIP_STAFF, world["township_a"], full_name=f"文书{i}"
        )
        SeatChange.objects.create(
            round=world["round"],
            unit=world["unit_a1"],
            body="party",
            previous=5,
            requested=7,
            reason="人口多",
            requested_by=clerk,
            status=SeatChange.Status.REJECTED,
        )
        AccessLog.objects.create(user=clerk, action="export", target="候选人花名册", row_count=1)


@pytest.mark.parametrize("url", ["/seat-changes/?status=rejected", "/"])
def test_lists_of_people_by_name_and_role_do_not_grow_with_rows(client, world, personas, url):
    _named_rows(world, 0, 2)
    client.force_login(personas["admin"] if url == "/" else personas["reviewer"])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _named_rows(world, 2, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "文书7（乡镇(街道)工作人员）" in response.content.decode()
    assert len(many) == len(few), url
