"""The schedule and 公告 pages: the countdown on the unit page for those who may read the
election, publishing only after the confirmation, nothing outside the user's region."""

import datetime

import pytest

from ballots.models import ElectionCommitteeMember, ElectionNotice
from ballots.tests.villagers_helpers import make_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(world, personas):
    election = make_election(world, personas, day=datetime.date(2027, 1, 20))
    ElectionCommitteeMember.objects.create(election=election, name="赵主任", role="chair")
    return election


def test_the_unit_page_shows_the_countdown_to_those_who_read_elections(client, personas, election):
    client.force_login(personas["staff_a"])
    page = client.get(f"/units/{election.unit_id}/").content.decode()
    assert 'id="villagers-countdown"' in page and "下一项：" in page
    assert f"/villagers/{election.pk}/notices/" in page
    client.force_login(personas["discipline"])  # may read the unit, not its election
    page = client.get(f"/units/{election.unit_id}/").content.decode()
    assert 'id="villagers-countdown"' not in page


def test_publishing_asks_first_and_then_archives(client, personas, election):
    client.force_login(personas["staff_a"])
    url = f"/villagers/{election.pk}/notices/1/publish/"
    asked = client.post(url)
    assert asked.status_code == 200
    assert "发布大红城村村民选举委员会第1号公告（选举日期与方式）？" in asked.content.decode()
    assert not ElectionNotice.objects.exists()
    response = client.post(url, {"confirmed": "1"})
    assert response["Location"] == f"/villagers/{election.pk}/notices/"
    notice = ElectionNotice.objects.get()
    assert (notice.number, notice.version, notice.generated_by) == (1, 1, personas["staff_a"])
    download = client.get(f"/villagers/notices/{notice.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert bytes(download.content) == bytes(notice.content)
    page = client.get(f"/villagers/{election.pk}/notices/").content.decode()
    assert "第1版" in page and notice.sha256[:12] in page


def test_other_regions_see_nothing(client, personas, election):
    client.force_login(personas["staff_a"])
    client.post(f"/villagers/{election.pk}/notices/1/publish/", {"confirmed": "1"})
    notice = ElectionNotice.objects.get()
    client.force_login(personas["staff_b"])
    assert client.get(f"/villagers/{election.pk}/notices/").status_code == 404
    assert client.get(f"/villagers/notices/{notice.pk}/").status_code == 404
    response = client.post(f"/villagers/{election.pk}/notices/2/publish/", {"confirmed": "1"})
    assert response.status_code == 404
